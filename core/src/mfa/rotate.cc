// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "mfa/keyring.h"
#include "mfa/mfa_records.h"
#include "vigil/mfa.h"
#include "vigil/store.h"

namespace vigil {
namespace {

absl::Status WriteKeyFile(const std::string& path, const SecretBytes& text) {
  const std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return absl::UnavailableError(absl::StrCat(tmp, ": cannot write"));
    ::chmod(tmp.c_str(), 0600);
    out.write(text.reveal().data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat(tmp, ": write failed"));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat(path, ": ", ec.message()));
  return absl::OkStatus();
}

absl::Status Reseal(const internal::KeyRing& ring, absl::string_view aad,
                    std::optional<internal::SealedBox>* box) {
  if (!box->has_value()) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(SecretBytes plain, ring.Open(**box, aad));
  VIGIL_ASSIGN_OR_RETURN(internal::SealedBox fresh, ring.Seal(plain.reveal(), aad));
  *box = std::move(fresh);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int> RotateTotpKeys(Store* store, const std::string& key_file,
                                   absl::string_view new_key_id) {
  VIGIL_ASSIGN_OR_RETURN(internal::KeyRing fresh,
                         internal::KeyRing::Generate(new_key_id));
  std::optional<internal::KeyRing> ring;
  if (std::filesystem::exists(key_file)) {
    VIGIL_ASSIGN_OR_RETURN(internal::KeyRing old,
                           internal::KeyRing::LoadFile(key_file));
    if (old.Has(new_key_id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("key id: ", new_key_id, " is already in ", key_file));
    }
    old.Append(std::move(fresh));
    ring = std::move(old);
  } else {
    ring = std::move(fresh);
  }
  VIGIL_RETURN_IF_ERROR(WriteKeyFile(key_file, ring->Serialize()));
  int n = 0;
  WriteBatch batch;
  std::unique_ptr<StoreIterator> it = store->Scan(Table::kTotp, "", "");
  for (; it->Valid(); it->Next()) {
    internal::MfaUserRecord r;
    if (!r.Decode(it->value())) {
      return absl::DataLossError("store: MFA record is unreadable");
    }
    const std::string user(it->key());
    const std::string aad = absl::StrCat("vigil-totp:", user);
    VIGIL_RETURN_IF_ERROR(Reseal(*ring, aad, &r.totp));
    VIGIL_RETURN_IF_ERROR(Reseal(*ring, aad, &r.totp_pending));
    batch.Put(Table::kTotp, user, r.Encode());
    ++n;
    if (batch.ops().size() >= 1000) {
      VIGIL_RETURN_IF_ERROR(store->Write(batch));
      batch.Clear();
    }
  }
  VIGIL_RETURN_IF_ERROR(it->status());
  if (!batch.empty()) VIGIL_RETURN_IF_ERROR(store->Write(batch));
  ring->KeepOnlyCurrent();
  VIGIL_RETURN_IF_ERROR(WriteKeyFile(key_file, ring->Serialize()));
  return n;
}

}  // namespace vigil
