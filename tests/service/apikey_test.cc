// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "tools/apikey.h"

#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/config.h"

namespace vigil::tools {
namespace {

TEST(ApikeyCreateTest, KeyOnFirstLineThenConfigThatAcceptsIt) {
  std::ostringstream out, err;
  ASSERT_EQ(RunApikeyCreate({"--scopes", "evaluate,mfa,admin"}, out, err), 0)
      << err.str();
  std::string text = out.str();
  std::string key = text.substr(0, text.find('\n'));
  EXPECT_TRUE(absl::StartsWith(key, "vgl_"));
  std::string toml = text.substr(text.find('\n') + 1);
  // The block never contains the key itself.
  EXPECT_FALSE(absl::StrContains(toml, key));
  absl::StatusOr<service::ServiceConfig> config =
      service::ParseServiceConfig(toml, "generated");
  ASSERT_TRUE(config.ok()) << config.status() << "\n" << toml;
  ASSERT_EQ(config->api_keys.size(), 1u);
  EXPECT_EQ(config->api_keys[0].scopes, 7);
  auto auth = service::Authenticator::Create(config->api_keys);
  ASSERT_TRUE(auth.ok());
  service::Caller caller = (*auth)->Authenticate(absl::StrCat("Bearer ", key));
  EXPECT_EQ(caller.result, service::Caller::Result::kOk);
}

TEST(ApikeyCreateTest, NameAndScopes) {
  std::ostringstream out, err;
  ASSERT_EQ(
      RunApikeyCreate({"--scopes=evaluate", "--name", "pool-a"}, out, err), 0);
  EXPECT_TRUE(absl::StrContains(out.str(), "name = \"pool-a\"\n"));
  EXPECT_TRUE(absl::StrContains(out.str(), "scopes = [\"evaluate\"]\n"));
}

TEST(ApikeyCreateTest, BadArguments) {
  struct Case {
    std::vector<std::string> args;
    const char* error;
  } cases[] = {
      {{}, "--scopes is required"},
      {{"--scopes", "root"}, "unknown scope \"root\""},
      {{"--scopes"}, "needs a value"},
      {{"--scopes", "admin", "--name", "a b"}, "--name:"},
      {{"--scopes", "admin", "--color", "red"}, "unknown flag --color"},
  };
  for (const Case& c : cases) {
    std::ostringstream out, err;
    EXPECT_EQ(RunApikeyCreate(c.args, out, err), 2);
    EXPECT_TRUE(absl::StrContains(err.str(), c.error)) << err.str();
    EXPECT_TRUE(out.str().empty());
  }
}

}  // namespace
}  // namespace vigil::tools
