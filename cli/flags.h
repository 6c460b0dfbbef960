// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// cli/flags.h: the command-line flags of vigild and of every `vigil`
// command, each declared once (a CommandSpec). From that one declaration come
// the parsing, the typed values, the --help text and the errors, so flags
// and help cannot drift apart.
//
// Syntax: "--name VALUE" or "--name=VALUE"; a switch (Kind::kSwitch) takes no
// value; "--" ends the flags (what follows is positional). Every command
// answers --help (or -h) with its usage and --version with VersionString(),
// both on `out` with exit code 0. A bad command line is refused as a whole
// with exit code 2 and one line on `err`:
//   "vigil replay: unknown flag --x; see vigil replay --help"
// Errors: "unknown flag --x", "--x: needs a value", "--x: takes no value",
// "--x: given twice" (a flag that is not repeatable), "--x: \"v\" is not an
// integer", "--x: must be between A and B", "--x: must be one of a, b",
// "unexpected argument \"v\"" (a command without positional arguments),
// "--a and --b are required".
//
// Why not Abseil's flags (absl/flags, libabsl-dev 20220623): its flags are
// process-wide globals defined at namespace scope, one definition per name
// per program. vigil's subcommands share names with different meanings and
// defaults (--events, --out, --model), and their Run...(args, out,
// err) functions are called in-process, many times, by the tests, which would
// have to reset global state between calls. absl::ParseCommandLine also
// writes --help and errors to the process's stdout/stderr and exits, where
// the commands write to the streams they are given. So the flags are plain
// values parsed per call, here.

#ifndef VIGIL_CLI_FLAGS_H_
#define VIGIL_CLI_FLAGS_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace vigil::flags {

enum class Kind {
  kString,  // any value
  kInt,     // a base-10 integer within [min, max]
  kDouble,  // a number within [min, max]
  kChoice,  // one of `choices`
  kSwitch,  // no value: present or absent
};

struct FlagSpec {
  std::string name{};  // without "--", e.g. "events"
  Kind kind = Kind::kString;
  std::string value_name{};  // in the help: "--events FILE"; unused by kSwitch
  std::string help{};        // one line
  // The value when the flag is absent (shown in the help); empty: none.
  std::string default_value{};
  bool required = false;
  bool repeatable = false;  // may be given more than once; All() has each
  double min = -std::numeric_limits<double>::infinity();  // kInt, kDouble
  double max = std::numeric_limits<double>::infinity();   // kInt, kDouble
  std::vector<std::string> choices{};                     // kChoice
};

struct CommandSpec {
  // What the user types, e.g. "vigil replay", "vigild"; starts every error
  // and the usage line.
  std::string path{};
  std::string summary{};  // one line: what the command does
  std::vector<FlagSpec> flags{};
  // Positional arguments in the usage line, e.g. "FILE..."; empty: the
  // command takes none and refuses them.
  std::string positional{};
  std::string details{};  // more text after the flags; may be empty
};

// The values of one parsed command line.
class Values {
 public:
  // Whether the flag was given.
  bool Has(absl::string_view name) const;
  // The value given last, else the default ("" if none).
  const std::string& Get(absl::string_view name) const;
  // Every value given, in order (for repeatable flags); empty if none.
  const std::vector<std::string>& All(absl::string_view name) const;
  // Get() of a kInt / kDouble flag, already checked by Parse (0 if the flag
  // has neither a value nor a default).
  int64_t GetInt(absl::string_view name) const;
  double GetDouble(absl::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  bool help() const { return help_; }        // --help or -h was given
  bool version() const { return version_; }  // --version was given

 private:
  friend absl::StatusOr<Values> Parse(const CommandSpec& spec,
                                      const std::vector<std::string>& args);
  struct Entry {
    const FlagSpec* spec;
    std::vector<std::string> values;
  };
  const Entry& Find(absl::string_view name) const;

  std::vector<Entry> entries_;  // one per flag of the spec
  std::vector<std::string> positional_;
  bool help_ = false;
  bool version_ = false;
};

// Parses `args` (what follows the command's words) against `spec`.
// InvalidArgument with one of the messages above (without the command's
// path). With --help or --version no other check is made.
absl::StatusOr<Values> Parse(const CommandSpec& spec,
                             const std::vector<std::string>& args);

// The --help text: usage line, summary, one line per flag with its value
// name, help, default, "required" / "repeatable", then `details`.
std::string Help(const CommandSpec& spec);

// "<path>: <message>; see <path> --help\n": the one-line refusal.
std::string UsageError(const CommandSpec& spec, absl::string_view message);

// The front door of a command: parses `args`. On --help writes Help() to
// `out` and returns 0; on --version writes "<program> <VersionString()>" and
// returns 0; on an error writes UsageError() to `err` and returns 2. In those
// cases the command stops with the returned code. Otherwise fills `*values`
// and returns nullopt: the command runs.
std::optional<int> ParseOrExit(const CommandSpec& spec,
                               const std::vector<std::string>& args,
                               std::ostream& out, std::ostream& err,
                               Values* values);

// The store a command opens (vigil/store.h, OpenStore): --store URL, where
// URL is "rocksdb:DIR" or "memory:", and --data-dir DIR, kept as an alias of
// --store rocksdb:DIR. A command that opens a store lists both flags in its
// spec (neither marked required) and reads them with StoreUrl().
// `help` is the flag's help, e.g. "the database, rocksdb:DIR".
FlagSpec StoreFlag(absl::string_view help);
FlagSpec DataDirAliasFlag();
// The store URL the command line names: --store's value, or "rocksdb:DIR"
// for --data-dir DIR; "" when neither is given. InvalidArgument (a usage
// error) if both are given or either is empty.
absl::StatusOr<std::string> StoreUrl(const Values& values);
// The same for a command that needs a store: InvalidArgument "--store URL is
// required (or --data-dir DIR)" when neither is given.
absl::StatusOr<std::string> RequiredStoreUrl(const Values& values);
// Whether `url` has the form OpenStore knows: "rocksdb:DIR" with a non-empty
// DIR, or "memory:". InvalidArgument otherwise, e.g. "\"/var/x\" is not a
// store URL (rocksdb:DIR or memory:)".
absl::Status CheckStoreUrl(absl::string_view url);
inline constexpr char kMemoryStoreUrl[] = "memory:";
// The folder of a "rocksdb:DIR" URL. For any other URL, InvalidArgument:
// "memory: <why_rocksdb>" for memory: (e.g. why_rocksdb = "keeps nothing to
// back up; backups need a rocksdb:DIR store"), or CheckStoreUrl's message.
absl::StatusOr<std::string> RocksDbFolder(absl::string_view url,
                                          absl::string_view why_rocksdb);

// A command of a multi-command program (`vigil`): its spec (whose path is
// the program followed by `words`) and what runs it, given what follows the
// words.
struct Command {
  std::vector<std::string> words;  // e.g. {"backup", "restore"}
  const CommandSpec* spec;
  std::function<int(const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err)>
      run;
};

// Runs the command of `commands` named by the leading words of `args`.
// "--help", "-h" or "help" alone lists every command with its summary (0);
// "--version" prints the version (0); the first word of a group alone (e.g.
// "backup") lists the group's commands, with 0 if followed by --help, else
// 2; anything else: "<program>: unknown command ...; see <program> --help"
// and 2.
int Dispatch(absl::string_view program, const std::vector<Command>& commands,
             const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);

}  // namespace vigil::flags

#endif  // VIGIL_CLI_FLAGS_H_
