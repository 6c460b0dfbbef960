// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/apikey.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/auth.h"

namespace vigil::tools {
namespace {

constexpr char kUsage[] =
    "usage: vigil apikey create --scopes evaluate,mfa,admin [--name NAME]\n";

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

int RunApikeyCreate(const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err) {
  std::optional<std::string> scopes_text;
  std::optional<std::string> name;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    size_t eq = flag.find('=');
    if (eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < args.size() && absl::StartsWith(flag, "--")) {
      value = args[++i];
    } else {
      err << "vigil apikey create: " << flag << ": needs a value\n" << kUsage;
      return 2;
    }
    if (flag == "--scopes") {
      scopes_text = value;
    } else if (flag == "--name") {
      name = value;
    } else {
      err << "vigil apikey create: unknown flag " << flag << "\n" << kUsage;
      return 2;
    }
  }
  if (!scopes_text.has_value()) {
    err << "vigil apikey create: --scopes is required\n" << kUsage;
    return 2;
  }
  absl::StatusOr<service::ScopeSet> scopes =
      service::ParseScopeList(*scopes_text);
  if (!scopes.ok()) {
    err << "vigil apikey create: --scopes: " << scopes.status().message()
        << "\n";
    return 2;
  }
  if (name.has_value() && !ValidName(*name)) {
    err << "vigil apikey create: --name: use 1-64 of A-Z a-z 0-9 - _ .\n";
    return 2;
  }
  absl::StatusOr<service::SecretString> key = service::GenerateApiKey();
  if (!key.ok()) {
    err << "vigil apikey create: " << key.status().message() << "\n";
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
