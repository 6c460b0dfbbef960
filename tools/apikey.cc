// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/apikey.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/auth.h"

namespace vigil::tools {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const flags::CommandSpec& ApikeyCreateSpec() {
  static const auto* const spec = new flags::CommandSpec{
      .path = "vigil apikey create",
      .summary =
          "print a new API key once, then the lines to append to "
          "vigild.toml (which keeps only its SHA-256)",
      .flags = {{.name = "scopes",
                 .value_name = "LIST",
                 .help = "what the key may do, comma-separated: evaluate, mfa, "
                         "admin",
                 .required = true},
                {.name = "name",
                 .value_name = "NAME",
                 .help = "its name in vigild.toml, 1-64 of A-Z a-z 0-9 - _ . "
                         "(default: key-<first 8 hex digits of its hash>)"}}};
  return *spec;
}

int RunApikeyCreate(const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err) {
  const flags::CommandSpec& spec = ApikeyCreateSpec();
  flags::Values flags;
  if (std::optional<int> code =
          flags::ParseOrExit(spec, args, out, err, &flags)) {
    return *code;
  }
  const std::string scopes_text = flags.Get("scopes");
  std::optional<std::string> name;
  if (flags.Has("name")) name = flags.Get("name");
  absl::StatusOr<service::ScopeSet> scopes =
      service::ParseScopeList(scopes_text);
  if (!scopes.ok()) {
    err << flags::UsageError(
        spec, absl::StrCat("--scopes: ", scopes.status().message()));
    return 2;
  }
  if (name.has_value() && !ValidName(*name)) {
    err << flags::UsageError(spec, "--name: use 1-64 of A-Z a-z 0-9 - _ .");
    return 2;
  }
  absl::StatusOr<service::SecretString> key = service::GenerateApiKey();
  if (!key.ok()) {
    err << spec.path << ": " << key.status().message() << "\n";
    return 1;
  }
  std::string hash = service::HashApiKey(*key);
  if (!name.has_value()) name = absl::StrCat("key-", hash.substr(0, 8));
  std::vector<std::string> names = service::ScopeNames(*scopes);
  // The one place a key is ever printed.
  out << key->reveal() << "\n"
      << "# Append to vigild.toml. The key above is shown only now; the "
         "config\n"
      << "# keeps its SHA-256. Send it as 'Authorization: Bearer <key>'.\n"
      << "[[api_keys]]\n"
      << "name = \"" << *name << "\"\n"
      << "sha256 = \"" << hash << "\"\n"
      << "scopes = [\"" << absl::StrJoin(names, "\", \"") << "\"]\n";
  return 0;
}

}  // namespace vigil::tools
