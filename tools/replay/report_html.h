// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// tools/replay/report_html.h: the replay report, one self-contained HTML
// file (inline SVG and CSS, no script, nothing fetched from the network):
// the summary numbers, the score distributions of legitimate and attack
// sign-ins, the ROC curve, the threshold sweep, decisions over time and the
// top reasons.

#ifndef VIGIL_TOOLS_REPLAY_REPORT_HTML_H_
#define VIGIL_TOOLS_REPLAY_REPORT_HTML_H_

#include <string>

#include "absl/status/status.h"
#include "tools/replay/metrics.h"
#include "tools/replay/replayer.h"

namespace vigil::tools {

std::string HtmlReport(const Summary& summary, const ReplayResult& result);
absl::Status WriteHtmlReport(const std::string& path, const Summary& summary,
                             const ReplayResult& result);

}  // namespace vigil::tools

#endif  // VIGIL_TOOLS_REPLAY_REPORT_HTML_H_
