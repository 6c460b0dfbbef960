// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_split.h"
#include "tools/worldgen/worldgen.h"

namespace vigil::tools::worldgen {

const char* ContinentOf(const std::string& country) {
  // ISO 3166-1 alpha-2 codes by continent (the UN geoscheme, with Russia and
  // Turkey where most of their people live).
  static const auto* const kTable = [] {
    static const char* const kRows[][2] = {
        {"AF",
         "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH "
         "GN GW KE LS "
         "LR LY MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS "
         "SD TZ TG TN "
         "UG EH ZM ZW"},
        {"AS",
         "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA "
         "LB MO MY MV "
         "MN MM NP KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN "
         "YE IO"},
        {"EU",
         "AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG HU IS IE IM "
         "IT JE XK LV "
         "LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA "
         "GB VA"},
        {"NA",
         "AI AG AW BS BB BZ BM BQ VG CA KY CR CU CW DM DO SV GL GD GP GT HT HN "
         "JM MQ MX MS "
         "NI PA PR BL KN LC MF PM VC SX TT TC US VI UM"},
        {"SA", "AR BO BR CL CO EC FK GF GY PY PE SR UY VE GS"},
        {"OC",
         "AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV "
         "VU WF"},
        {"AN", "AQ BV HM TF"}};
    auto* m = new absl::flat_hash_map<std::string, const char*>();
    for (const auto& row : kRows) {
      for (absl::string_view c :
           absl::StrSplit(row[1], ' ', absl::SkipEmpty())) {
        (*m)[std::string(c)] = row[0];
      }
    }
    return m;
  }();
  auto it = kTable->find(country);
  return it == kTable->end() ? "" : it->second;
}

}  // namespace vigil::tools::worldgen
