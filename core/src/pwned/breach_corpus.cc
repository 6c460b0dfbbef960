// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// BreachCorpus on a Store: the current generation of each kind is cached in
// memory (one Get per check); an import writes a new generation, flushes it,
// then switches the meta record in one logged write.

#include <atomic>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"
#include "pwned/corpus_format.h"
#include "pwned/importer.h"
#include "store/bulk.h"
#include "vigil/pwned.h"

namespace vigil {

absl::string_view HashKindName(HashKind kind) {
  return kind == HashKind::kSha1 ? "sha1" : "ntlm";
}

int HashHexLength(HashKind kind) { return kind == HashKind::kSha1 ? 40 : 32; }

namespace {

using internal::CorpusMeta;

class StoreBreachCorpus final : public BreachCorpus {
 public:
  explicit StoreBreachCorpus(std::shared_ptr<Store> store)
      : store_(std::move(store)) {}

  absl::Status Load() {
    for (HashKind kind : {HashKind::kSha1, HashKind::kNtlm}) {
      VIGIL_ASSIGN_OR_RETURN(CorpusMeta meta, ReadMeta(kind));
      generation_[Index(kind)].store(meta.generation);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<PasswordCheck> Check(HashKind kind,
                                      absl::string_view hex) const override {
    if (hex.size() != static_cast<size_t>(HashHexLength(kind))) {
      return absl::InvalidArgumentError(absl::StrCat(
          HashKindName(kind), ": must be ", HashHexLength(kind),
          " hexadecimal digits"));
    }
    uint8_t hash[internal::kMaxHashBytes] = {};
    if (!internal::DecodeHexNibbles(hex, 0, hash)) {
      return absl::InvalidArgumentError(absl::StrCat(
          HashKindName(kind), ": must be ", HashHexLength(kind),
          " hexadecimal digits"));
    }
    PasswordCheck result;
    const uint32_t gen = generation_[Index(kind)].load(std::memory_order_acquire);
    if (gen == 0) return result;
    // Reused per thread: a check allocates nothing for the value.
    thread_local std::string value;
    absl::Status s = store_->Get(
        Table::kPwned, internal::PrefixKey(kind, gen, internal::PrefixOf(hash)),
        &value);
    if (absl::IsNotFound(s)) return result;
    if (!s.ok()) return absl::UnavailableError("breach corpus: store read failed");
    internal::PrefixView view;
    if (!view.Parse(kind, value)) {
      return absl::DataLossError("breach corpus: unreadable prefix record");
    }
    uint8_t suffix[internal::kMaxHashBytes];
    internal::SuffixOf(kind, hash, suffix);
    int64_t i = view.Find(suffix);
    if (i >= 0) {
      result.compromised = true;
      result.count = static_cast<int64_t>(
          std::min<uint64_t>(view.count(i), INT64_MAX));
    }
    return result;
  }

  absl::Status Range(HashKind kind, absl::string_view prefix_text,
                     std::vector<RangeEntry>* out) const override {
    out->clear();
    uint32_t prefix;
    if (!internal::ParsePrefix(prefix_text, &prefix)) {
      return absl::InvalidArgumentError(
          "prefix: must be exactly 5 hexadecimal digits");
    }
    const uint32_t gen = generation_[Index(kind)].load(std::memory_order_acquire);
    if (gen == 0) return absl::OkStatus();
    std::string value;
    absl::Status s = store_->Get(
        Table::kPwned, internal::PrefixKey(kind, gen, prefix), &value);
    if (absl::IsNotFound(s)) return absl::OkStatus();
    if (!s.ok()) return absl::UnavailableError("breach corpus: store read failed");
    internal::PrefixView view;
    if (!view.Parse(kind, value)) {
      return absl::DataLossError("breach corpus: unreadable prefix record");
    }
    const int nibbles = HashHexLength(kind) - 5;
    out->resize(view.size());
    for (size_t i = 0; i < view.size(); ++i) {
      RangeEntry& e = (*out)[i];
      e.suffix.reserve(nibbles);
      // The packed suffix starts with the prefix's last byte's low nibble.
      internal::AppendHexNibbles(view.suffix(i), 1, nibbles, &e.suffix);
      e.count = static_cast<int64_t>(std::min<uint64_t>(view.count(i), INT64_MAX));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ImportStats> Import(const std::vector<std::string>& files,
                                     const ImportOptions& options) override {
    if (files.empty()) {
      return absl::InvalidArgumentError("import: no files given");
    }
    absl::MutexLock lock(&import_mu_);
    const HashKind kind = options.kind;
    VIGIL_ASSIGN_OR_RETURN(CorpusMeta current, ReadMeta(kind));
    // Whatever an interrupted import left behind: everything of this kind
    // but the current generation.
    {
      const std::string kind_start(1, internal::KindByte(kind));
      if (current.generation == 0) {
        VIGIL_RETURN_IF_ERROR(internal::DeleteRange(
            store_.get(), Table::kPwned, kind_start, internal::KindEnd(kind)));
      } else {
        const std::string gen = internal::GenerationKey(kind, current.generation);
        VIGIL_RETURN_IF_ERROR(internal::DeleteRange(store_.get(), Table::kPwned,
                                                    kind_start, gen));
        VIGIL_RETURN_IF_ERROR(internal::DeleteRange(store_.get(), Table::kPwned,
                                                    gen + '\x10',
                                                    internal::KindEnd(kind)));
      }
    }
    uint32_t generation = 0;
    absl::StatusOr<ImportStats> stats = internal::RunImport(
        store_.get(), files, options, current.generation, &generation);
    if (stats.ok() && stats->hashes == 0) {
      // Most likely the wrong file; never wipe a corpus by accident.
      stats = absl::InvalidArgumentError(
          "import: the input holds no hashes; the corpus is unchanged");
    }
    if (!stats.ok()) {
      // Leave nothing of the failed import (best effort: the next import
      // cleans up too, and nothing reads it anyway).
      const std::string kind_start(1, internal::KindByte(kind));
      if (current.generation == 0) {
        internal::DeleteRange(store_.get(), Table::kPwned, kind_start,
                              internal::KindEnd(kind))
            .IgnoreError();
      } else {
        const std::string gen = internal::GenerationKey(kind, current.generation);
        internal::DeleteRange(store_.get(), Table::kPwned, gen + '\x10',
                              internal::KindEnd(kind))
            .IgnoreError();
      }
      return stats.status();
    }
    // Durable first, then visible.
    VIGIL_RETURN_IF_ERROR(internal::FlushTable(store_.get(), Table::kPwned));
    CorpusMeta meta;
    meta.generation = generation;
    meta.hashes = stats->hashes;
    meta.prefixes = stats->prefixes;
    meta.source = options.source;
    meta.fingerprint = options.fingerprint;
    WriteBatch commit;
    commit.Put(Table::kPwned, internal::MetaKey(kind), internal::EncodeMeta(meta));
    VIGIL_RETURN_IF_ERROR(store_->Write(commit));
    generation_[Index(kind)].store(generation, std::memory_order_release);
    if (current.generation != 0) {
      const std::string old = internal::GenerationKey(kind, current.generation);
      // The next import retries.
      internal::DeleteRange(store_.get(), Table::kPwned, old, old + '\x10')
          .IgnoreError();
    }
    return stats;
  }

  absl::StatusOr<CorpusInfo> Info(HashKind kind) const override {
    VIGIL_ASSIGN_OR_RETURN(CorpusMeta meta, ReadMeta(kind));
    CorpusInfo info;
    info.present = meta.generation != 0;
    info.hashes = meta.hashes;
    info.prefixes = meta.prefixes;
    info.source = meta.source;
    info.fingerprint = meta.fingerprint;
    return info;
  }

 private:
  static int Index(HashKind kind) { return kind == HashKind::kSha1 ? 0 : 1; }

  absl::StatusOr<CorpusMeta> ReadMeta(HashKind kind) const {
    std::string value;
    CorpusMeta meta;
    absl::Status s = store_->Get(Table::kPwned, internal::MetaKey(kind), &value);
    if (absl::IsNotFound(s)) return meta;
    if (!s.ok()) return s;
    if (!internal::DecodeMeta(value, &meta)) {
      return absl::DataLossError(absl::StrCat(
          "breach corpus: unreadable ", HashKindName(kind), " meta record"));
    }
    return meta;
  }

  std::shared_ptr<Store> store_;
  std::atomic<uint32_t> generation_[2] = {0, 0};
  absl::Mutex import_mu_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<BreachCorpus>> OpenBreachCorpus(
    std::shared_ptr<Store> store) {
  if (store == nullptr) {
    return absl::InvalidArgumentError("breach corpus: no store");
  }
  auto corpus = std::make_unique<StoreBreachCorpus>(std::move(store));
  VIGIL_RETURN_IF_ERROR(corpus->Load());
  return std::unique_ptr<BreachCorpus>(std::move(corpus));
}

}  // namespace vigil
