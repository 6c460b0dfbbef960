// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/replay/flags.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace vigil::tools {

absl::StatusOr<Flags> Flags::Parse(const std::vector<std::string>& args,
                                   const std::vector<std::string>& valued,
                                   const std::vector<std::string>& booleans) {
  Flags f;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!absl::StartsWith(a, "--")) {
      return absl::InvalidArgumentError(absl::StrCat(a, ": unexpected argument"));
    }
    std::string name = a.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const bool is_valued = std::find(valued.begin(), valued.end(), name) != valued.end();
    const bool is_bool =
        std::find(booleans.begin(), booleans.end(), name) != booleans.end();
    if (!is_valued && !is_bool) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": unknown flag"));
    }
    if (is_bool) {
      if (has_value) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, ": takes no value"));
      }
      f.values_[name].push_back("true");
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, ": needs a value"));
      }
      value = args[++i];
    }
    f.values_[name].push_back(value);
  }
  return f;
}

std::string Flags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

const std::vector<std::string>& Flags::All(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = values_.find(name);
  return it == values_.end() ? kNone : it->second;
}

absl::Status Flags::GetInt(const std::string& name, int64_t* out) const {
  if (!Has(name)) return absl::OkStatus();
  if (!absl::SimpleAtoi(Get(name), out)) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": not an integer"));
  }
  return absl::OkStatus();
}

absl::Status Flags::GetDouble(const std::string& name, double* out) const {
  if (!Has(name)) return absl::OkStatus();
  if (!absl::SimpleAtod(Get(name), out)) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": not a number"));
  }
  return absl::OkStatus();
}

GeoOptions GeoOptionsFromFiles(const std::vector<std::string>& files) {
  GeoOptions g;
  for (const std::string& f : files) {
    const std::string lower = absl::AsciiStrToLower(f);
    const std::string base = lower.substr(lower.find_last_of('/') + 1);
    if (absl::EndsWith(lower, ".csv")) {
      g.asn_csvs.push_back(f);
    } else if (absl::StrContains(base, "anonymous")) {
      g.anonymous_ip_dbs.push_back(f);
    } else if (absl::StrContains(base, "asn")) {
      g.asn_dbs.push_back(f);
    } else {
      g.city_dbs.push_back(f);
    }
  }
  return g;
}

}  // namespace vigil::tools
