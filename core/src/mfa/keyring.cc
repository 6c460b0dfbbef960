// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/keyring.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"
#include "common/random.h"
#include "common/status_macros.h"

namespace vigil::internal {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

bool ValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, void (*)(EVP_CIPHER_CTX*)>;

}  // namespace

absl::StatusOr<KeyRing> KeyRing::Parse(absl::string_view text,
                                       absl::string_view source) {
  KeyRing ring;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    // Never quote the line: it holds key material.
    if (parts.size() != 2 || !ValidKeyId(parts[0]) ||
        parts[1].size() != 2 * kKeyBytes ||
        parts[1].find_first_not_of("0123456789abcdefABCDEF") !=
            absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, ":", line_no,
          ": expected \"<key id> <64 hex digits>\" (id: 1-32 of [A-Za-z0-9._-])"));
    }
    if (ring.Find(parts[0]) != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_no, ": duplicate key id ", parts[0]));
    }
    ring.keys_.push_back(
        {std::string(parts[0]), SecretBytes(absl::HexStringToBytes(parts[1]))});
  }
  if (ring.keys_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no key"));
  }
  return ring;
}

absl::StatusOr<KeyRing> KeyRing::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read key file"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  SecretBytes contents(text.str());
  std::string s = text.str();
  OPENSSL_cleanse(s.data(), s.size());
  return Parse(contents.reveal(), path);
}

absl::StatusOr<KeyRing> KeyRing::Generate(absl::string_view key_id) {
  if (!ValidKeyId(key_id)) {
    return absl::InvalidArgumentError("key id: 1-32 of [A-Za-z0-9._-]");
  }
  VIGIL_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kKeyBytes));
  KeyRing ring;
  ring.keys_.push_back({std::string(key_id), SecretBytes(std::move(bytes))});
  return ring;
}

const KeyRing::Key* KeyRing::Find(absl::string_view id) const {
  for (const Key& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

absl::StatusOr<SealedBox> KeyRing::Seal(absl::string_view plaintext,
                                        absl::string_view aad) const {
  const Key& key = keys_.back();
  SealedBox box;
  box.key_id = key.id;
  VIGIL_ASSIGN_OR_RETURN(box.nonce, RandomBytes(kNonceBytes));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  box.ciphertext.resize(plaintext.size() + kTagBytes);
  auto* out = reinterpret_cast<unsigned char*>(box.ciphertext.data());
  int len = 0, total = 0;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key.bytes.reveal().data()),
                         reinterpret_cast<const unsigned char*>(box.nonce.data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1) {
    return absl::InternalError("aes-gcm: encryption failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), out + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out + plaintext.size()) != 1) {
    return absl::InternalError("aes-gcm: encryption failed");
  }
  return box;
}

absl::StatusOr<SecretBytes> KeyRing::Open(const SealedBox& box,
                                          absl::string_view aad) const {
  const Key* key = Find(box.key_id);
  if (key == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("key file: no key with id ", box.key_id));
  }
  if (box.nonce.size() != kNonceBytes || box.ciphertext.size() < kTagBytes) {
    return absl::DataLossError("sealed secret: malformed");
  }
  const size_t n = box.ciphertext.size() - kTagBytes;
  std::string plain(n, '\0');
  std::string tag = box.ciphertext.substr(n);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key->bytes.reveal().data()),
                         reinterpret_cast<const unsigned char*>(box.nonce.data())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()),
                        &len,
                        reinterpret_cast<const unsigned char*>(box.ciphertext.data()),
                        static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(),
                          reinterpret_cast<unsigned char*>(plain.data()) + len,
                          &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return absl::DataLossError("sealed secret: authentication failed");
  }
  return SecretBytes(std::move(plain));
}

SecretBytes KeyRing::DeriveKey(absl::string_view key_id,
                               absl::string_view purpose) const {
  const Key* key = Find(key_id);
  if (key == nullptr) return SecretBytes();
  return SecretBytes(HmacSha256(key->bytes.reveal(), purpose));
}

void KeyRing::Append(KeyRing other) {
  for (Key& k : other.keys_) {
    if (Find(k.id) == nullptr) keys_.push_back({k.id, std::move(k.bytes)});
  }
}

void KeyRing::KeepOnlyCurrent() {
  Key last{keys_.back().id, std::move(keys_.back().bytes)};
  keys_.clear();
  keys_.push_back(std::move(last));
}

SecretBytes KeyRing::Serialize() const {
  std::string out =
      "# vigil key file: \"<key id> <64 hex digits>\"; the last key is current.\n";
  for (const Key& k : keys_) {
    absl::StrAppend(&out, k.id, " ", LowerHex(k.bytes.reveal()), "\n");
  }
  return SecretBytes(std::move(out));
}

}  // namespace vigil::internal
