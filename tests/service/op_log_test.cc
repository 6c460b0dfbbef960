// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The operational log's line (service/op_log.h) and the library's default
// text logger (vigil/log.h).

#include "service/op_log.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace vigil::service {
namespace {

namespace json = boost::json;

TEST(OpLogTest, OneJsonObjectPerLineWithTypedFields) {
  const std::string line =
      FormatLogLine(absl::FromUnixMillis(1767225600123), LogLevel::kWarn,
                    "delivery_failed", "two\nlines \"quoted\"",
                    {{"message_id", "e1.email"},
                     {"attempt", 3},
                     {"ratio", 0.5},
                     {"permanent", false},
                     {"bad_utf8", absl::string_view("a\xff"
                                                    "b",
                                                    3)}});
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  EXPECT_EQ(line.rfind(R"({"time":"2026-01-01T00:00:00.123Z","level":"warn",)"
                       R"("event":"delivery_failed","msg":)",
                       0),
            0u)
      << line;
  json::value v = json::parse(line);
  EXPECT_EQ(v.at("msg"), "two\nlines \"quoted\"");
  EXPECT_EQ(v.at("message_id"), "e1.email");
  EXPECT_EQ(v.at("attempt"), 3);
  EXPECT_EQ(v.at("ratio"), 0.5);
  EXPECT_EQ(v.at("permanent"), false);
  EXPECT_EQ(v.at("bad_utf8"),
            "a\xEF\xBF\xBD"
            "b");  // U+FFFD
}

TEST(OpLogTest, NoMessageNoMsgKey) {
  const std::string line = FormatLogLine(absl::UnixEpoch(), LogLevel::kInfo,
                                         "ready", "", {{"threads", 2}});
  EXPECT_EQ(line,
            "{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"info\",\"event\":"
            "\"ready\",\"threads\":2}\n");
}

TEST(OpLogTest, LevelsFilter) {
  JsonLogger warn(LogLevel::kWarn);
  EXPECT_EQ(warn.min_level(), LogLevel::kWarn);
  EXPECT_EQ(DefaultLogger()->min_level(), LogLevel::kWarn);
  LogLevel l;
  EXPECT_TRUE(ParseLogLevel("warning", &l));
  EXPECT_EQ(l, LogLevel::kWarn);
  EXPECT_TRUE(ParseLogLevel("debug", &l));
  EXPECT_EQ(LogLevelName(l), "debug");
  EXPECT_FALSE(ParseLogLevel("loud", &l));
  EXPECT_EQ(l, LogLevel::kDebug) << "unchanged";
}

}  // namespace
}  // namespace vigil::service
