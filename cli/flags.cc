// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "cli/flags.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "vigil/store.h"
#include "vigil/version.h"

namespace vigil::flags {
namespace {

std::string FormatBound(double v) {
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  return absl::StrFormat("%g", v);
}

absl::Status Invalid(absl::string_view a, absl::string_view b = "",
                     absl::string_view c = "") {
  return absl::InvalidArgumentError(absl::StrCat(a, b, c));
}

// Checks one value against its flag's kind.
absl::Status CheckValue(const FlagSpec& f, const std::string& value) {
  const std::string name = absl::StrCat("--", f.name);
  switch (f.kind) {
    case Kind::kString:
    case Kind::kSwitch:
      return absl::OkStatus();
    case Kind::kChoice:
      for (const std::string& c : f.choices) {
        if (value == c) return absl::OkStatus();
      }
      return Invalid(name, ": must be one of ", absl::StrJoin(f.choices, ", "));
    case Kind::kInt: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(value, &v)) {
        return Invalid(name,
                       absl::StrCat(": \"", value, "\" is not an integer"));
      }
      if (static_cast<double>(v) < f.min || static_cast<double>(v) > f.max) {
        return Invalid(
            name, ": must be between ",
            absl::StrCat(FormatBound(f.min), " and ", FormatBound(f.max)));
      }
      return absl::OkStatus();
    }
    case Kind::kDouble: {
      double v = 0;
      if (!absl::SimpleAtod(value, &v) || !std::isfinite(v)) {
        return Invalid(name, absl::StrCat(": \"", value, "\" is not a number"));
      }
      if (v < f.min || v > f.max) {
        return Invalid(
            name, ": must be between ",
            absl::StrCat(FormatBound(f.min), " and ", FormatBound(f.max)));
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

// "--a", "--a and --b", "--a, --b and --c".
std::string JoinNames(const std::vector<std::string>& names) {
  if (names.size() == 1) return names[0];
  return absl::StrCat(absl::StrJoin(names.begin(), names.end() - 1, ", "),
                      " and ", names.back());
}

std::string FlagLeft(const FlagSpec& f) {
  std::string left = absl::StrCat("--", f.name);
  if (f.kind == Kind::kSwitch) return left;
  std::string value = f.value_name;
  if (value.empty()) {
    value = f.kind == Kind::kChoice ? absl::StrJoin(f.choices, "|") : "VALUE";
  }
  return absl::StrCat(left, " ", value);
}

}  // namespace

const Values::Entry& Values::Find(absl::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.spec->name == name) return e;
  }
  // A command asked for a flag its own spec does not declare: a programming
  // error that every test of the command would hit.
  std::fprintf(stderr, "flags: no flag --%.*s in this command's spec\n",
               static_cast<int>(name.size()), name.data());
  std::abort();
}

bool Values::Has(absl::string_view name) const {
  return !Find(name).values.empty();
}

const std::string& Values::Get(absl::string_view name) const {
  const Entry& e = Find(name);
  return e.values.empty() ? e.spec->default_value : e.values.back();
}

const std::vector<std::string>& Values::All(absl::string_view name) const {
  return Find(name).values;
}

int64_t Values::GetInt(absl::string_view name) const {
  int64_t v = 0;
  if (!absl::SimpleAtoi(Get(name), &v)) return 0;
  return v;
}

double Values::GetDouble(absl::string_view name) const {
  double v = 0;
  if (!absl::SimpleAtod(Get(name), &v)) return 0;
  return v;
}

absl::StatusOr<Values> Parse(const CommandSpec& spec,
                             const std::vector<std::string>& args) {
  Values values;
  values.entries_.reserve(spec.flags.size());
  for (const FlagSpec& f : spec.flags) values.entries_.push_back({&f, {}});
  // --help and --version win over anything else on the line, so that
  // "keys rotate --key-file --help" still helps.
  for (const std::string& a : args) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") values.help_ = true;
    if (a == "--version") values.version_ = true;
  }
  if (values.help_ || values.version_) return values;

  bool flags_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (flags_ended || !absl::StartsWith(a, "-") || a == "-") {
      if (spec.positional.empty()) {
        return Invalid("unexpected argument \"", a, "\"");
      }
      values.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_ended = true;
      continue;
    }
    if (!absl::StartsWith(a, "--")) return Invalid("unknown flag ", a);
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    Values::Entry* entry = nullptr;
    for (Values::Entry& e : values.entries_) {
      if (e.spec->name == name) entry = &e;
    }
    if (entry == nullptr) return Invalid("unknown flag --", name);
    const FlagSpec& f = *entry->spec;
    if (f.kind == Kind::kSwitch) {
      if (value.has_value()) return Invalid("--", name, ": takes no value");
      value = "true";
    } else if (!value.has_value()) {
      // A value never starts with "--" unless given as --name=--value: a
      // forgotten value must not swallow the next flag.
      if (i + 1 >= args.size() || absl::StartsWith(args[i + 1], "--")) {
        return Invalid("--", name, ": needs a value");
      }
      value = args[++i];
    }
    if (!entry->values.empty() && !f.repeatable) {
      return Invalid("--", name, ": given twice");
    }
    if (absl::Status s = CheckValue(f, *value); !s.ok()) return s;
    entry->values.push_back(*std::move(value));
  }
  std::vector<std::string> missing;
  for (const Values::Entry& e : values.entries_) {
    if (e.spec->required && e.values.empty()) {
      missing.push_back(absl::StrCat("--", e.spec->name));
    }
  }
  if (!missing.empty()) {
    return Invalid(JoinNames(missing), missing.size() == 1 ? " is" : " are",
                   " required");
  }
  return values;
}

std::string Help(const CommandSpec& spec) {
  std::string usage = absl::StrCat("usage: ", spec.path);
  for (const FlagSpec& f : spec.flags) {
    const std::string left = FlagLeft(f);
    if (f.required) {
      absl::StrAppend(&usage, " ", left);
    } else {
      absl::StrAppend(&usage, " [", left, "]");
    }
    if (f.repeatable) absl::StrAppend(&usage, "...");
  }
  if (!spec.positional.empty()) absl::StrAppend(&usage, " ", spec.positional);
  std::string text = absl::StrCat(usage, "\n", spec.summary, "\n\nflags:\n");
  std::vector<std::pair<std::string, std::string>> rows;
  for (const FlagSpec& f : spec.flags) {
    std::string help = f.help;
    std::vector<std::string> notes;
    if (f.required) notes.push_back("required");
    if (!f.default_value.empty()) {
      notes.push_back(absl::StrCat("default: ", f.default_value));
    }
    if (f.repeatable) notes.push_back("repeatable");
    if (!notes.empty()) {
      absl::StrAppend(&help, " (", absl::StrJoin(notes, "; "), ")");
    }
    rows.emplace_back(FlagLeft(f), std::move(help));
  }
  rows.emplace_back("--help", "print this help and exit");
  rows.emplace_back("--version", "print the version and exit");
  size_t width = 0;
  for (const auto& [left, help] : rows) width = std::max(width, left.size());
  for (const auto& [left, help] : rows) {
    absl::StrAppend(&text, "  ", left,
                    std::string(width - left.size() + 2, ' '), help, "\n");
  }
  if (!spec.details.empty()) {
    absl::StrAppend(&text, "\n", spec.details);
    if (!absl::EndsWith(spec.details, "\n")) text += "\n";
  }
  return text;
}

std::string UsageError(const CommandSpec& spec, absl::string_view message) {
  return absl::StrCat(spec.path, ": ", message, "; see ", spec.path,
                      " --help\n");
}

std::optional<int> ParseOrExit(const CommandSpec& spec,
                               const std::vector<std::string>& args,
                               std::ostream& out, std::ostream& err,
                               Values* values) {
  absl::StatusOr<Values> parsed = Parse(spec, args);
  if (!parsed.ok()) {
    err << UsageError(spec, parsed.status().message());
    return 2;
  }
  if (parsed->help()) {
    out << Help(spec);
    return 0;
  }
  if (parsed->version()) {
    const std::string program = spec.path.substr(0, spec.path.find(' '));
    out << program << " " << VersionString() << "\n";
    return 0;
  }
  *values = *std::move(parsed);
  return std::nullopt;
}

int Dispatch(absl::string_view program, const std::vector<Command>& commands,
             const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  auto list = [&](std::ostream& os, absl::string_view group) {
    os << "usage: " << program << (group.empty() ? "" : " ") << group
       << " <command> [flags]\n\ncommands:\n";
    size_t width = 0;
    for (const Command& c : commands) {
      if (!group.empty() && c.words[0] != group) continue;
      width = std::max(width, absl::StrJoin(c.words, " ").size());
    }
    for (const Command& c : commands) {
      if (!group.empty() && c.words[0] != group) continue;
      const std::string words = absl::StrJoin(c.words, " ");
      os << "  " << words << std::string(width - words.size() + 2, ' ')
         << c.spec->summary << "\n";
    }
    const std::string prefix = group.empty()
                                   ? std::string(program)
                                   : absl::StrCat(program, " ", group);
    os << "\n'" << prefix << " <command> --help' describes a command and its "
       << "flags; '" << program << " --version' prints the version.\n";
  };
  if (args.empty()) {
    list(err, "");
    return 2;
  }
  if (args.size() == 1 &&
      (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    list(out, "");
    return 0;
  }
  if (args.size() == 1 && args[0] == "--version") {
    out << program << " " << VersionString() << "\n";
    return 0;
  }
  // The command whose words lead `args` (the longest, should one be a
  // prefix of another).
  const Command* best = nullptr;
  for (const Command& c : commands) {
    if (c.words.size() > args.size()) continue;
    if (!std::equal(c.words.begin(), c.words.end(), args.begin())) continue;
    if (best == nullptr || c.words.size() > best->words.size()) best = &c;
  }
  if (best != nullptr) {
    return best->run(
        std::vector<std::string>(args.begin() + best->words.size(), args.end()),
        out, err);
  }
  // A group named without (or with an unknown) command.
  bool group = false;
  for (const Command& c : commands)
    group |= c.words.size() > 1 && c.words[0] == args[0];
  if (group) {
    if (args.size() == 2 && (args[1] == "--help" || args[1] == "-h")) {
      list(out, args[0]);
      return 0;
    }
    if (args.size() >= 2 && !absl::StartsWith(args[1], "-")) {
      err << program << " " << args[0] << ": unknown command \"" << args[1]
          << "\"; see " << program << " " << args[0] << " --help\n";
    } else {
      list(err, args[0]);
    }
    return 2;
  }
  err << program << ": unknown command \"" << args[0] << "\"; see " << program
      << " --help\n";
  return 2;
}

FlagSpec StoreFlag(absl::string_view help) {
  return {.name = "store", .value_name = "URL", .help = std::string(help)};
}

FlagSpec DataDirAliasFlag() {
  return {.name = "data-dir",
          .value_name = "DIR",
          .help = "the same as --store rocksdb:DIR"};
}

absl::StatusOr<std::string> StoreUrl(const Values& values) {
  const bool store = values.Has("store");
  const bool data_dir = values.Has("data-dir");
  if (store && data_dir) {
    return Invalid("--store and --data-dir name the same thing; give one");
  }
  if (store) {
    if (values.Get("store").empty()) return Invalid("--store: empty");
    return values.Get("store");
  }
  if (data_dir) {
    if (values.Get("data-dir").empty()) return Invalid("--data-dir: empty");
    return RocksDbStoreUrl(values.Get("data-dir"));
  }
  return std::string();
}

absl::StatusOr<std::string> RequiredStoreUrl(const Values& values) {
  absl::StatusOr<std::string> url = StoreUrl(values);
  if (url.ok() && url->empty()) {
    return Invalid("--store URL is required (or --data-dir DIR)");
  }
  return url;
}

absl::Status CheckStoreUrl(absl::string_view url) {
  if (url == kMemoryStoreUrl) return absl::OkStatus();
  if (absl::StartsWith(url, "rocksdb:")) {
    if (url.size() > 8) return absl::OkStatus();
    return Invalid("\"rocksdb:\" names no folder (rocksdb:DIR)");
  }
  if (absl::StartsWith(url, "redis://")) {
    if (url.size() > 8) return absl::OkStatus();  // OpenStore checks the rest
    return Invalid("\"redis://\" names no node (redis://HOST:PORT[,...])");
  }
  return Invalid("\"", url,
                 "\" is not a store URL (rocksdb:DIR, memory: or "
                 "redis://HOST:PORT[,...])");
}

absl::StatusOr<std::string> RocksDbFolder(absl::string_view url,
                                          absl::string_view why_rocksdb) {
  if (url == kMemoryStoreUrl) return Invalid(url, " ", why_rocksdb);
  if (absl::Status s = CheckStoreUrl(url); !s.ok()) return s;
  return std::string(url.substr(8));
}

}  // namespace vigil::flags
