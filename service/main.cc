// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigild: the vigil HTTP service. Flags -> config -> RunServer().

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/access_log.h"
#include "service/config.h"
#include "service/op_log.h"
#include "service/server.h"
#include "vigil/version.h"

int main(int argc, char** argv) {
  using namespace vigil::service;
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<CommandLine> flags = ParseCommandLine(args);
  if (!flags.ok()) {
    std::fputs(vigil::flags::UsageError(VigildSpec(), flags.status().message())
                   .c_str(),
               stderr);
    return 2;
  }
  if (flags->help) {
    std::fputs(CommandLineUsage().c_str(), stdout);
    return 0;
  }
  if (flags->version) {
    std::printf("vigild %s\n", vigil::VersionString());
    return 0;
  }
  absl::StatusOr<ServiceConfig> config = LoadServiceConfig(*flags);
  if (!config.ok()) {
    std::fprintf(stderr, "vigild: %s\n",
                 std::string(config.status().message()).c_str());
    return 2;
  }
  absl::Status status = RunServer(*config, [](const std::string& address) {
    std::printf("listening on %s\n", address.c_str());
    std::fflush(stdout);
  });
  if (!status.ok()) {
    JsonLogger(config->log_level)
        .Log(vigil::LogLevel::kError, "start_failed",
             absl::StrCat("vigild: ", status.message()),
             {{"error_class", absl::AsciiStrToLower(
                                  absl::StatusCodeToString(status.code()))}});
    FlushAccessLog();
    return 1;
  }
  return 0;
}
