// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/pwned_setup.h"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace vigil::service {
namespace {

// Used when there is neither a local corpus nor a remote: nothing is found.
class NoChecker final : public PasswordChecker {
 public:
  absl::StatusOr<PasswordCheck> Check(HashKind, absl::string_view) const override {
    return PasswordCheck();
  }
};

absl::Status Seed(const ServiceConfig& c, BreachCorpus& corpus, Logger& log) {
  const std::string& path = c.pwned_seed_file;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    log.Log(LogLevel::kWarn, "breach_corpus_degraded",
            absl::StrCat("pwned.seed_file ", path,
                         " not found; the local corpus stays as it is "
                         "(data/fetch.sh builds it)"),
            {{"seed_file", path}, {"reason", "seed_file_missing"}});
    return absl::OkStatus();
  }
  absl::StatusOr<CorpusInfo> info = corpus.Info(HashKind::kSha1);
  if (!info.ok()) return info.status();
  if (info->present && info->source != "seed") return absl::OkStatus();
  absl::StatusOr<std::string> fingerprint = FileFingerprint(path);
  if (!fingerprint.ok()) return fingerprint.status();
  if (info->present && info->fingerprint == *fingerprint) return absl::OkStatus();
  ImportOptions options;
  options.kind = HashKind::kSha1;
  options.format = ImportFormat::kPlain;
  options.source = "seed";
  options.fingerprint = *fingerprint;
  absl::StatusOr<ImportStats> stats = corpus.Import({path}, options);
  if (!stats.ok()) {
    // The check is one defence among several: serve on, loudly.
    log.Log(LogLevel::kWarn, "breach_corpus_degraded",
            absl::StrCat("pwned.seed_file: ", stats.status().message(),
                         "; the local corpus stays as it is"),
            {{"seed_file", path}, {"reason", "seed_import_failed"}});
    return absl::OkStatus();
  }
  log.Log(LogLevel::kInfo, "breach_corpus_seeded",
          absl::StrCat("imported ", stats->hashes, " passwords from ", path),
          {{"seed_file", path}, {"hashes", stats->hashes}});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> FileFingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &n);
  return absl::StrCat(
      "sha256:", absl::BytesToHexString(absl::string_view(
                     reinterpret_cast<const char*>(md), n)));
}

absl::StatusOr<PwnedSetup> SetUpPwned(const ServiceConfig& c,
                                      std::shared_ptr<Store> store,
                                      std::shared_ptr<Logger> logger) {
  Logger& log = *OrDefault(logger.get());
  PwnedSetup out;
  int64_t hashes = 0;
  std::string source;
  if (c.pwned_local) {
    absl::StatusOr<std::unique_ptr<BreachCorpus>> corpus = OpenBreachCorpus(store);
    if (!corpus.ok()) return corpus.status();
    out.corpus = std::move(*corpus);
    if (!c.pwned_seed_file.empty()) {
      if (absl::Status s = Seed(c, *out.corpus, log); !s.ok()) return s;
    }
    absl::StatusOr<CorpusInfo> info = out.corpus->Info(HashKind::kSha1);
    if (!info.ok()) return info.status();
    hashes = info->hashes;
    source = info->source;
    if (!info->present || info->hashes == 0) {
      log.Log(LogLevel::kWarn, "breach_corpus_degraded",
              "the local breach corpus is empty: no password is found "
              "compromised locally (vigil pwned import, or [pwned] seed_file)",
              {{"reason", "corpus_empty"}});
    }
  }
  if (!c.pwned_remote_url.empty()) {
    RemoteCheckerOptions options;
    options.base_url = c.pwned_remote_url;
    options.ca_file = c.pwned_ca_file;
    options.timeout = c.pwned_timeout;
    options.cache_ttl = c.pwned_cache_ttl;
    options.fail_open = c.pwned_fail_open;
    options.fallback = out.corpus;
    options.logger = logger;
    absl::StatusOr<std::unique_ptr<RemoteChecker>> remote =
        CreateRemoteChecker(options);
    if (!remote.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pwned.remote_url: ", remote.status().message()));
    }
    out.checker = std::move(*remote);
  } else if (out.corpus != nullptr) {
    out.checker = out.corpus;
  } else {
    out.checker = std::make_shared<NoChecker>();
  }
  const char* mode = !c.pwned_remote_url.empty()
                         ? (c.pwned_local ? "remote+local" : "remote")
                         : (c.pwned_local ? "local" : "off");
  log.Log(LogLevel::kInfo, "breach_corpus", "",
          {{"mode", mode},
           {"hashes", hashes},
           {"source", source},
           {"remote", !c.pwned_remote_url.empty()},
           {"fail_open", c.pwned_fail_open}});
  return out;
}

}  // namespace vigil::service
