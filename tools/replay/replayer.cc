// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/replayer.h"

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/progress.h"
#include "common/json_escape.h"
#include "engine/replay_options.h"
#include "vigil/clock.h"
#include "vigil/engine.h"
#include "vigil/ip_address.h"
#include "vigil/store.h"

namespace vigil::tools {

const char* const kSignalNames[kSignalCount] = {
    "new_device", "unfamiliar", "geo_velocity", "ip_reputation", "velocity"};

int SignalIndex(absl::string_view name) {
  for (int i = 0; i < kSignalCount; ++i) {
    if (name == kSignalNames[i]) return i;
  }
  return -1;
}

namespace {

// Answers every lookup with the current row's RBA columns. The replay is
// single-threaded, so the row is simply swapped in before each Evaluate.
class RowGeoResolver final : public GeoResolver {
 public:
  void Set(const GeoInfo* geo) { geo_ = geo; }
  absl::Status Lookup(const IpAddress&, GeoInfo* out) const override {
    *out = geo_ != nullptr ? *geo_ : GeoInfo();
    return absl::OkStatus();
  }

 private:
  const GeoInfo* geo_ = nullptr;
};

// Remembers the answers of a resolver per address: a history repeats its
// users' addresses, and a lookup in the mmdb files costs far more.
// Single-threaded, like the replay.
class CachingGeoResolver final : public GeoResolver {
 public:
  explicit CachingGeoResolver(std::unique_ptr<GeoResolver> base)
      : base_(std::move(base)) {}
  absl::Status Lookup(const IpAddress& ip, GeoInfo* out) const override {
    const std::string key = ip.ToString();
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      *out = it->second;
      return absl::OkStatus();
    }
    absl::Status s = base_->Lookup(ip, out);
    if (!s.ok()) return s;  // failures are not remembered
    if (cache_.size() >= kMaxEntries) cache_.clear();
    cache_.emplace(key, *out);
    return absl::OkStatus();
  }

 private:
  static constexpr size_t kMaxEntries = 1 << 18;
  std::unique_ptr<GeoResolver> base_;
  mutable absl::flat_hash_map<std::string, GeoInfo> cache_;
};

// A temporary folder, removed with everything in it.
class TempStoreDir {
 public:
  static absl::StatusOr<TempStoreDir> Make(std::string parent) {
    if (parent.empty()) {
      const char* t = getenv("TMPDIR");
      parent = t != nullptr && *t != '\0' ? t : "/tmp";
    }
    std::string tmpl = parent + "/vigil-replay-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      return absl::UnavailableError(
          absl::StrCat(parent, ": cannot make a temporary store folder"));
    }
    return TempStoreDir(std::move(tmpl));
  }
  TempStoreDir(TempStoreDir&& o) noexcept : path_(std::move(o.path_)) {
    o.path_.clear();
  }
  ~TempStoreDir() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempStoreDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

}  // namespace

std::string DecisionLine(int64_t index, const Attempt& attempt,
                         const Decision& d) {
  std::string line;
  line.reserve(256);
  absl::StrAppend(&line, "{\"i\":", index, ",\"event_id\":");
  internal::AppendJsonString(&line, d.event_id);
  line.append(",\"user_id\":");
  internal::AppendJsonString(&line, attempt.user_id);
  absl::StrAppendFormat(&line,
                        ",\"score\":%.4f,\"level\":\"%s\",\"decision\":\"%s\","
                        "\"would_be\":\"%s\"",
                        d.score, RiskLevelName(d.level), VerdictName(d.verdict),
                        VerdictName(d.enforced_verdict));
  absl::StrAppend(&line, ",\"baseline\":", d.baseline.successful_sign_ins,
                  ",\"reasons\":[");
  for (size_t i = 0; i < d.reasons.size(); ++i) {
    const Reason& r = d.reasons[i];
    if (i > 0) line.push_back(',');
    line.append("{\"signal\":");
    internal::AppendJsonString(&line, r.signal);
    absl::StrAppendFormat(
        &line, ",\"score\":%.4f,\"contribution\":%.4f,\"detail\":", r.score,
        r.contribution);
    internal::AppendJsonString(&line, r.detail);
    line.push_back('}');
  }
  line.append("]}");
  return line;
}

absl::StatusOr<ReplayResult> Replay(const ReplayOptions& options,
                                    std::ostream& err) {
  if (options.model == nullptr) {
    return absl::InvalidArgumentError("model: required");
  }
  absl::StatusOr<std::unique_ptr<EventReader>> reader =
      EventReader::Open(options.events_path);
  if (!reader.ok()) return reader.status();

  absl::StatusOr<TempStoreDir> dir = TempStoreDir::Make(options.temp_parent);
  if (!dir.ok()) return dir.status();
  StoreOptions so;
  so.rocksdb.disable_wal = true;
  so.rocksdb.write_buffer_bytes = 256 << 20;  // few flushes: thrown away
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(options.store_url.empty() ? RocksDbStoreUrl(dir->path() + "/db")
                                          : options.store_url,
                so);
  if (!store.ok()) return store.status();

  SimulatedClock clock(absl::UnixEpoch());
  EngineOptions eo;
  eo.store = std::shared_ptr<Store>(std::move(*store));
  eo.model = options.model;
  eo.clock = &clock;
  // Rows carry the time they happened (the clock follows them too).
  eo.trust_attempt_timestamps = true;
  vigil::internal::ReplayEngineOptions replay;
  replay.assume_mfa_factor = true;
  // The store is thrown away: profiles and counters need not reach it, and
  // nothing reads the events back (a passed challenge is learned in Evaluate).
  replay.ephemeral_state = true;
  replay.record_events = false;
  replay.learn_passed_challenges = true;
  std::shared_ptr<RowGeoResolver> row_geo;
  if ((*reader)->format() == InputFormat::kRbaCsv) {
    row_geo = std::make_shared<RowGeoResolver>();
    eo.geo_resolver = row_geo;
  } else if (!(options.geo.city_dbs.empty() && options.geo.asn_dbs.empty() &&
               options.geo.asn_csvs.empty() &&
               options.geo.anonymous_ip_dbs.empty())) {
    absl::StatusOr<std::unique_ptr<GeoResolver>> made =
        CreateGeoResolver(options.geo);
    if (!made.ok()) return made.status();
    eo.geo_resolver = std::make_shared<CachingGeoResolver>(*std::move(made));
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      vigil::internal::CreateReplayEngine(eo, replay);
  if (!engine.ok()) return engine.status();

  std::ofstream out;
  if (!options.out_path.empty()) {
    out.open(options.out_path, std::ios::binary | std::ios::trunc);
    if (!out) {
      return absl::UnavailableError(
          absl::StrCat(options.out_path, ": cannot write"));
    }
  }
  std::string out_buf;

  ReplayResult result;
  result.format = (*reader)->format();
  result.model_id = options.model->id();
  absl::flat_hash_map<std::string, int16_t> kind_index;
  absl::flat_hash_map<std::string, int32_t> user_index;

  const auto start = std::chrono::steady_clock::now();
  ReplayRow row;
  std::string error;
  int64_t done = 0;
  std::ostream& progress_os =
      options.progress_stream != nullptr ? *options.progress_stream : err;
  Progress progress(
      progress_os,
      !options.progress_label.empty() && Progress::OnTerminal(progress_os),
      options.progress_label, "rows");
  if (options.limit > 0) progress.SetTotal(options.limit);
  while (options.limit == 0 || done < options.limit) {
    const EventReader::Result r = (*reader)->Next(&row, &error);
    if (r == EventReader::Result::kEnd) break;
    if (progress.enabled() && done % 1024 == 0) {
      progress.Update(done, (*reader)->FractionRead());
    }
    ++done;
    absl::StatusOr<Decision> decision;
    if (r == EventReader::Result::kRow) {
      clock.SetTime(*row.attempt.timestamp);
      if (row_geo != nullptr) row_geo->Set(&*row.geo);
      if (options.label_blind) {
        std::optional<AttemptLabel> label =
            std::exchange(row.attempt.label, std::nullopt);
        decision = (*engine)->Evaluate(row.attempt);
        row.attempt.label = std::move(label);
      } else {
        decision = (*engine)->Evaluate(row.attempt);
      }
      if (!decision.ok()) {
        if (decision.status().code() != absl::StatusCode::kInvalidArgument) {
          return absl::Status(decision.status().code(),
                              absl::StrCat("line ", row.line, ": ",
                                           decision.status().message()));
        }
        error =
            absl::StrCat("line ", row.line, ": ", decision.status().message());
      }
    }
    if (r == EventReader::Result::kBadRow || !decision.ok()) {
      ++result.bad_rows;
      if (!options.skip_bad_rows) {
        return absl::InvalidArgumentError(
            absl::StrCat(options.events_path, ": ", error));
      }
      err << options.events_path << ": " << error << " (skipped)\n";
      if (result.bad_row_errors.size() < 100)
        result.bad_row_errors.push_back(error);
      if (out.is_open()) {
        absl::StrAppend(&out_buf, "{\"i\":", row.index, ",\"error\":");
        internal::AppendJsonString(&out_buf, error);
        out_buf.append("}\n");
      }
      continue;
    }
    const Attempt& a = row.attempt;
    const Decision& d = *decision;
    if (out.is_open()) {
      out_buf += DecisionLine(row.index, a, d);
      out_buf.push_back('\n');
      if (out_buf.size() > (1 << 20)) {
        out.write(out_buf.data(), static_cast<std::streamsize>(out_buf.size()));
        out_buf.clear();
      }
    }
    if (row.index < options.score_from) continue;
    RowResult rr;
    rr.index = row.index;
    rr.time = absl::ToUnixSeconds(*a.timestamp);
    rr.score = static_cast<float>(d.score);
    rr.verdict = d.verdict;
    rr.level = d.level;
    rr.success = a.outcome == Outcome::kSuccess;
    rr.sign_in = a.event_type == EventType::kSignIn;
    rr.prior_sign_ins = static_cast<int32_t>(d.baseline.successful_sign_ins);
    if (a.label.has_value()) {
      rr.labelled = true;
      rr.attack = a.label->attack || a.label->account_takeover;
      rr.takeover = a.label->account_takeover;
      if (!a.label->kind.empty()) {
        auto [it, added] = kind_index.try_emplace(
            a.label->kind, static_cast<int16_t>(result.kinds.size()));
        if (added) result.kinds.push_back(a.label->kind);
        rr.kind = it->second;
      }
    }
    for (const Reason& reason : d.reasons) {
      const int s = SignalIndex(reason.signal);
      if (s < 0) continue;
      rr.signal_scores[s] = static_cast<float>(reason.score);
      if (rr.top_signal < 0) rr.top_signal = static_cast<int8_t>(s);
    }
    if (options.keep_users) {
      auto [it, added] = user_index.try_emplace(
          a.user_id, static_cast<int32_t>(result.users.size()));
      if (added) result.users.push_back(a.user_id);
      rr.user = it->second;
    }
    result.rows.push_back(rr);
  }
  if (out.is_open()) {
    out.write(out_buf.data(), static_cast<std::streamsize>(out_buf.size()));
    out.flush();
    if (!out) {
      return absl::UnavailableError(
          absl::StrCat(options.out_path, ": write failed"));
    }
  }
  progress.Update(done, 1.0);
  progress.Finish();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

}  // namespace vigil::tools
