// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// vigil: the command-line tool. Dispatches to tested Run...() functions.

#include <iostream>
#include <string>
#include <vector>

#include "tools/apikey.h"
#include "tools/keys.h"
#include "tools/pwned_import.h"
#include "tools/replay/replay_command.h"
#include "tools/replay/train_command.h"
#include "tools/simulate/simulate_command.h"
#include "vigil/version.h"

namespace {

constexpr char kUsage[] =
    "usage: vigil <command> ...\n"
    "  apikey create --scopes evaluate,mfa,admin [--name NAME]\n"
    "      print a new API key once, then the lines for vigild.toml\n"
    "  keys rotate --key-file FILE --data-dir DIR [--key-id ID]\n"
    "      re-encrypt the TOTP secrets under a new key (vigild stopped)\n"
    "  pwned import [--data-dir DIR] [--ntlm] [--format auto|dump|range|plain]\n"
    "               [--skip-bad-lines] [--temp-dir DIR] FILE...\n"
    "      replace the breach corpus with HASH:COUNT dumps, SUFFIX:COUNT\n"
    "      range files or plain password lists (vigild stopped)\n"
    "  replay --events FILE --model MODEL [--geoip DB ...] [--out FILE]\n"
    "         [--report FILE.html] [--skip-bad-rows] [--min-prior-sign-ins N]\n"
    "      replay history (JSON Lines or RBA CSV) against a model\n"
    "  compare --events FILE --model A --model B [--geoip DB ...]\n"
    "      which events and users change decision, and how the rates move\n"
    "  train --events FILE --out MODEL [--base MODEL] [--geoip DB ...]\n"
    "        [--target-challenge-rate R] [--train-fraction F]\n"
    "      fit a model to history\n"
    "  simulate --users N --days D --out FILE [--seed S] [--geoip-dir DIR]\n"
    "      write a labelled, realistic sign-in history\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "apikey" && args[1] == "create") {
    return vigil::tools::RunApikeyCreate(
        std::vector<std::string>(args.begin() + 2, args.end()), std::cout,
        std::cerr);
  }
  if (args.size() >= 2 && args[0] == "keys" && args[1] == "rotate") {
    return vigil::tools::RunKeysRotate(
        std::vector<std::string>(args.begin() + 2, args.end()), std::cout,
        std::cerr);
  }
  if (args.size() >= 2 && args[0] == "pwned" && args[1] == "import") {
    return vigil::tools::RunPwnedImport(
        std::vector<std::string>(args.begin() + 2, args.end()), std::cout,
        std::cerr);
  }
  if (!args.empty()) {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "replay") return vigil::tools::RunReplay(rest, std::cout, std::cerr);
    if (args[0] == "compare") return vigil::tools::RunCompare(rest, std::cout, std::cerr);
    if (args[0] == "train") return vigil::tools::RunTrain(rest, std::cout, std::cerr);
    if (args[0] == "simulate") {
      return vigil::tools::RunSimulate(rest, std::cout, std::cerr);
    }
  }
  if (args.size() == 1 && args[0] == "--version") {
    std::cout << "vigil " << vigil::VersionString() << "\n";
    return 0;
  }
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "help")) {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}
