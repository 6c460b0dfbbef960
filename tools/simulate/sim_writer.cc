// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/progress.h"
#include "tools/simulate/sim_event.h"
#include "tools/simulate/user_agents.h"
#include "tools/simulate/world.h"

namespace vigil::tools {

absl::Status WriteSimEvents(const std::vector<SimEvent>& events, int64_t t0_ms,
                            std::ostream& out, SimulateStats* stats,
                            Progress* progress) {
  SimulateStats s;
  std::string buf;
  if (progress != nullptr)
    progress->SetTotal(static_cast<int64_t>(events.size()));
  for (const SimEvent& e : events) {
    if (progress != nullptr && s.events % 4096 == 0) progress->Update(s.events);
    const int64_t day = (e.ms - t0_ms) / kDay;
    const std::string user = e.user >= 0 ? absl::StrFormat("u%06d", e.user)
                                         : absl::StrFormat("x%07d", -1 - e.user);
    absl::StrAppend(
        &buf, "{\"timestamp\":\"",
        absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(e.ms),
                         absl::UTCTimeZone()),
        "\",\"user_id\":\"", user, "\",\"ip\":\"", Ipv4ToString(e.ip),
        "\",\"user_agent\":\"", RenderUserAgent(e.ua, day + e.ua_lag),
        "\",\"device_fingerprint\":\"", absl::StrFormat("%016x", e.fp),
        "\",\"outcome\":\"", e.success ? "success" : "failure", "\",\"label\":{");
    const bool attack = e.kind != kLegitimate;
    const bool takeover = attack && e.success;
    absl::StrAppend(&buf, "\"attack\":", attack ? "true" : "false",
                    ",\"account_takeover\":", takeover ? "true" : "false");
    if (attack) absl::StrAppend(&buf, ",\"kind\":\"", kKindNames[e.kind], "\"");
    buf += "}}\n";
    ++s.events;
    if (attack) {
      ++s.attacks;
      ++s.by_kind[kKindNames[e.kind]];
      if (takeover) ++s.takeovers;
    } else {
      ++s.legitimate;
    }
    if (buf.size() > (1 << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.flush();
  if (progress != nullptr) {
    progress->Update(s.events);
    progress->Finish();
  }
  if (!out) return absl::UnavailableError("simulate: write failed");
  if (stats != nullptr) *stats = std::move(s);
  return absl::OkStatus();
}

}  // namespace vigil::tools
