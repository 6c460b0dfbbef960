// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "service/config.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "testing/test_util.h"
#include "vigil/engine.h"
#include "vigil/store.h"

namespace vigil::service {
namespace {

TEST(ConfigTest, ShippedFileEqualsTheDefaults) {
  std::string text = vigil::testing::ReadFileOrDie(
      vigil::testing::SourcePath("service/vigild.toml"));
  absl::StatusOr<ServiceConfig> c = ParseServiceConfig(text, "vigild.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  ServiceConfig d;
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->listen_port, d.listen_port);
  EXPECT_EQ(c->max_body_bytes, d.max_body_bytes);
  EXPECT_EQ(c->read_timeout, d.read_timeout);
  EXPECT_EQ(c->model_path, "models/default.toml");
  EXPECT_EQ(c->geo.city_dbs, d.geo.city_dbs);
  EXPECT_TRUE(c->api_keys.empty());
}

// vigild's memory defaults are the library's.
TEST(ConfigTest, MemoryDefaultsAreTheLibrarys) {
  ServiceConfig d;
  EXPECT_EQ(static_cast<size_t>(d.block_cache_mb) << 20,
            RocksDbOptions().block_cache_bytes);
  EXPECT_EQ(static_cast<size_t>(d.write_buffer_mb) << 20,
            RocksDbOptions().write_buffer_bytes);
  EXPECT_EQ(static_cast<size_t>(d.state_cache_entries),
            EngineOptions().state_cache_entries);
  const StoreOptions::Redis r;
  EXPECT_EQ(d.redis_wait_replicas, r.wait_replicas);
  EXPECT_EQ(absl::Milliseconds(d.redis_wait_timeout_ms), r.wait_timeout);
  EXPECT_EQ(absl::Milliseconds(d.redis_connect_timeout_ms), r.connect_timeout);
  EXPECT_EQ(absl::Milliseconds(d.redis_command_timeout_ms), r.command_timeout);
  EXPECT_EQ(d.redis_max_attempts, r.max_attempts);
}

// Every commented-out "# key = value" line of the shipped file, uncommented,
// parses and gives the built-in default: the file documents the truth.
TEST(ConfigTest, EveryShippedDefaultIsTheBuiltInOne) {
  std::string text = vigil::testing::ReadFileOrDie(
      vigil::testing::SourcePath("service/vigild.toml"));
  std::string uncommented;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, "# ") && absl::StrContains(line, " = ") &&
        !absl::StrContains(line, "<")) {
      line.remove_prefix(2);
    }
    if (absl::StartsWith(line, "# [[api_keys]]")) break;
    absl::StrAppend(&uncommented, line, "\n");
  }
  absl::StatusOr<ServiceConfig> c = ParseServiceConfig(uncommented, "x.toml");
  ASSERT_TRUE(c.ok()) << c.status() << "\n" << uncommented;
  ServiceConfig d;
  EXPECT_EQ(c->threads, d.threads);
  EXPECT_EQ(c->max_connections, d.max_connections);
  EXPECT_EQ(c->max_connections_per_ip, d.max_connections_per_ip);
  EXPECT_EQ(c->max_body_bytes, d.max_body_bytes);
  EXPECT_EQ(c->max_header_bytes, d.max_header_bytes);
  EXPECT_EQ(c->read_timeout, d.read_timeout);
  EXPECT_EQ(c->write_timeout, d.write_timeout);
  EXPECT_EQ(c->idle_timeout, d.idle_timeout);
  EXPECT_EQ(c->first_byte_timeout, d.first_byte_timeout);
  EXPECT_EQ(c->shutdown_timeout, d.shutdown_timeout);
  EXPECT_EQ(c->max_json_depth, d.max_json_depth);
  EXPECT_EQ(c->access_log, d.access_log);
  EXPECT_EQ(c->data_dir, d.data_dir);
  EXPECT_EQ(c->sync_writes, d.sync_writes);
  EXPECT_EQ(c->group_commit, d.group_commit);
  EXPECT_EQ(c->block_cache_mb, d.block_cache_mb);
  EXPECT_EQ(c->write_buffer_mb, d.write_buffer_mb);
  EXPECT_EQ(c->state_cache_entries, d.state_cache_entries);
  EXPECT_EQ(c->geo.asn_csvs, d.geo.asn_csvs);
  EXPECT_EQ(c->metrics_require_key, d.metrics_require_key);
}

TEST(ConfigTest, ReadsEveryKey) {
  absl::StatusOr<ServiceConfig> c = ParseServiceConfig(R"(
[server]
listen = "[::1]:0"
threads = 3
max_connections = 10
max_connections_per_ip = 3
max_body_bytes = 1000
max_header_bytes = 4096
read_timeout_ms = 1500
write_timeout_ms = 2000
idle_timeout_ms = 3000
first_byte_timeout_ms = 700
shutdown_timeout_ms = 4000
max_json_depth = 8
access_log = false
[storage]
data_dir = "/tmp/x"
sync_writes = true
group_commit = false
block_cache_mb = 64
write_buffer_mb = 8
state_cache_entries = 1000
redis_wait_replicas = 0
redis_wait_timeout_ms = 50
redis_connect_timeout_ms = 300
redis_command_timeout_ms = 400
redis_max_attempts = 2
[model]
path = "m.toml"
[geo]
city_dbs = ["a.mmdb"]
asn_dbs = ["b.mmdb"]
asn_csvs = []
anonymous_ip_dbs = ["c.mmdb"]
[metrics]
require_key = true
[[api_keys]]
name = "k"
sha256 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
scopes = ["evaluate", "admin"]
)",
                                                       "t.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen_host, "::1");
  EXPECT_EQ(c->listen_port, 0);
  EXPECT_EQ(c->threads, 3);
  EXPECT_EQ(c->max_connections, 10);
  EXPECT_EQ(c->max_connections_per_ip, 3);
  EXPECT_EQ(c->max_body_bytes, 1000u);
  EXPECT_EQ(c->max_header_bytes, 4096u);
  EXPECT_EQ(c->read_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(c->write_timeout, absl::Seconds(2));
  EXPECT_EQ(c->idle_timeout, absl::Seconds(3));
  EXPECT_EQ(c->first_byte_timeout, absl::Milliseconds(700));
  EXPECT_EQ(c->shutdown_timeout, absl::Seconds(4));
  EXPECT_EQ(c->max_json_depth, 8);
  EXPECT_FALSE(c->access_log);
  EXPECT_EQ(c->data_dir, "/tmp/x");
  EXPECT_TRUE(c->sync_writes);
  EXPECT_FALSE(c->group_commit);
  EXPECT_EQ(c->block_cache_mb, 64);
  EXPECT_EQ(c->write_buffer_mb, 8);
  EXPECT_EQ(c->state_cache_entries, 1000);
  EXPECT_EQ(c->redis_wait_replicas, 0);
  EXPECT_EQ(c->redis_wait_timeout_ms, 50);
  EXPECT_EQ(c->redis_connect_timeout_ms, 300);
  EXPECT_EQ(c->redis_command_timeout_ms, 400);
  EXPECT_EQ(c->redis_max_attempts, 2);
  EXPECT_EQ(c->model_path, "m.toml");
  EXPECT_EQ(c->geo.city_dbs, std::vector<std::string>{"a.mmdb"});
  EXPECT_TRUE(c->geo.asn_csvs.empty());
  EXPECT_EQ(c->geo.anonymous_ip_dbs, std::vector<std::string>{"c.mmdb"});
  EXPECT_TRUE(c->metrics_require_key);
  ASSERT_EQ(c->api_keys.size(), 1u);
  EXPECT_EQ(c->api_keys[0].scopes, static_cast<ScopeSet>(Scope::kEvaluate) |
                                       static_cast<ScopeSet>(Scope::kAdmin));
}

struct ConfigErrorCase {
  const char* name;
  const char* toml;
  const char* message;  // the whole error, after "t.toml"
};

class ConfigErrorTest : public ::testing::TestWithParam<ConfigErrorCase> {};

TEST_P(ConfigErrorTest, NamesFileKeyAndReason) {
  absl::StatusOr<ServiceConfig> c =
      ParseServiceConfig(GetParam().toml, "t.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(c.status().message(),
                               std::string("t.toml") + GetParam().message))
      << c.status().message();
}

constexpr char kHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigErrorTest,
    ::testing::Values(
        ConfigErrorCase{"syntax", "[server\n", ":1:"},
        ConfigErrorCase{"unknown_table", "[sever]\n", ": sever: unknown key"},
        ConfigErrorCase{"unknown_key", "[server]\nlistn = \"x\"\n",
                        ": server.listn: unknown key"},
        ConfigErrorCase{"listen_no_port", "[server]\nlisten = \"127.0.0.1\"\n",
                        ": server.listen: \"127.0.0.1\" is not HOST:PORT"},
        ConfigErrorCase{"listen_big_port",
                        "[server]\nlisten = \"127.0.0.1:70000\"\n",
                        ": server.listen: "},
        ConfigErrorCase{"listen_v6_unbracketed",
                        "[server]\nlisten = \"::1:80\"\n",
                        ": server.listen: \"::1:80\": write an IPv6 host"},
        ConfigErrorCase{"threads_type", "[server]\nthreads = \"2\"\n",
                        ": server.threads: expected an integer"},
        ConfigErrorCase{"threads_range", "[server]\nthreads = -1\n",
                        ": server.threads: must be between 0 and 256"},
        ConfigErrorCase{"timeout_zero", "[server]\nread_timeout_ms = 0\n",
                        ": server.read_timeout_ms: must be between 1 and"},
        ConfigErrorCase{"float_timeout", "[server]\nidle_timeout_ms = 1.5\n",
                        ": server.idle_timeout_ms: expected an integer"},
        ConfigErrorCase{"first_byte_timeout_zero",
                        "[server]\nfirst_byte_timeout_ms = 0\n",
                        ": server.first_byte_timeout_ms: must be between 1"},
        ConfigErrorCase{"per_ip_zero", "[server]\nmax_connections_per_ip = 0\n",
                        ": server.max_connections_per_ip: must be between 1"},
        ConfigErrorCase{"bool_type", "[server]\naccess_log = 1\n",
                        ": server.access_log: expected true or false"},
        ConfigErrorCase{"table_type", "server = 3\n",
                        ": server: expected a table"},
        ConfigErrorCase{"list_type", "[geo]\ncity_dbs = \"a.mmdb\"\n",
                        ": geo.city_dbs: expected an array of strings"},
        ConfigErrorCase{"list_item", "[geo]\ncity_dbs = [1]\n",
                        ": geo.city_dbs: expected an array of strings"},
        ConfigErrorCase{"tls_half", "[tls]\ncert_file = \"c.pem\"\n",
                        ": tls.key_file: cert_file and key_file go together"},
        ConfigErrorCase{"empty_data_dir", "[storage]\ndata_dir = \"\"\n",
                        ": storage.data_dir: empty"},
        ConfigErrorCase{"url_and_data_dir",
                        "[storage]\nurl = \"memory:\"\ndata_dir = \"d\"\n",
                        ": storage.url: given with storage.data_dir; give one"},
        ConfigErrorCase{"url_empty", "[storage]\nurl = \"\"\n",
                        ": storage.url: empty"},
        ConfigErrorCase{"url_bare_path", "[storage]\nurl = \"/var/lib/v\"\n",
                        ": storage.url: \"/var/lib/v\" is not a store URL "
                        "(rocksdb:DIR, memory: or redis://HOST:PORT[,...])"},
        ConfigErrorCase{"url_unknown_scheme",
                        "[storage]\nurl = \"postgres://h:5432\"\n",
                        ": storage.url: \"postgres://h:5432\" is not a store URL"},
        ConfigErrorCase{"url_no_folder", "[storage]\nurl = \"rocksdb:\"\n",
                        ": storage.url: \"rocksdb:\" names no folder"},
        ConfigErrorCase{"url_type", "[storage]\nurl = 1\n",
                        ": storage.url: expected a string"},
        ConfigErrorCase{"redis_attempts_zero",
                        "[storage]\nredis_max_attempts = 0\n",
                        ": storage.redis_max_attempts: must be between 1 and"},
        ConfigErrorCase{"redis_timeout_zero",
                        "[storage]\nredis_command_timeout_ms = 0\n",
                        ": storage.redis_command_timeout_ms: must be between"},
        ConfigErrorCase{"block_cache_zero", "[storage]\nblock_cache_mb = 0\n",
                        ": storage.block_cache_mb: must be between 1 and"},
        ConfigErrorCase{
            "write_buffer_big", "[storage]\nwrite_buffer_mb = 5000\n",
            ": storage.write_buffer_mb: must be between 4 and 4096"},
        ConfigErrorCase{
            "write_buffer_small", "[storage]\nwrite_buffer_mb = 1\n",
            ": storage.write_buffer_mb: must be between 4 and 4096"},
        ConfigErrorCase{"state_cache_negative",
                        "[storage]\nstate_cache_entries = -1\n",
                        ": storage.state_cache_entries: must be between 0 and"},
        ConfigErrorCase{"key_no_scopes",
                        "[[api_keys]]\nname = \"a\"\nsha256 = \"00\"\n",
                        ": api_keys[0].scopes: empty"},
        ConfigErrorCase{"key_bad_scope",
                        "[[api_keys]]\nname = \"a\"\nscopes = [\"root\"]\n",
                        ": api_keys[0].scopes: unknown scope \"root\""},
        ConfigErrorCase{"key_bad_hash",
                        "[[api_keys]]\nname = \"a\"\nsha256 = \"xyz\"\n"
                        "scopes = [\"admin\"]\n",
                        ": api_keys[0].sha256: not 64 hex digits"},
        ConfigErrorCase{"key_unknown_field",
                        "[[api_keys]]\nname = \"a\"\nkey = \"secret\"\n",
                        ": api_keys[0].key: unknown key"},
        ConfigErrorCase{
            "key_dup_name",
            "[[api_keys]]\nname = \"a\"\nsha256 = \"0000000000000000"
            "000000000000000000000000000000000000000000000000\"\n"
            "scopes = [\"admin\"]\n[[api_keys]]\nname = \"a\"\n"
            "sha256 = \"1000000000000000000000000000000000000000000"
            "000000000000000000000\"\nscopes = [\"admin\"]\n",
            ": api_keys[1].name: \"a\" used twice"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ConfigTest, FlagsOverrideTheFile) {
  vigil::testing::TempDir dir;
  std::string path = dir.path() + "/v.toml";
  vigil::testing::WriteFileOrDie(
      path,
      "[server]\nlisten = \"127.0.0.1:9000\"\n[storage]\ndata_dir = \"a\"\n");
  absl::StatusOr<CommandLine> flags = ParseCommandLine(
      {"--config", path, "--listen=127.0.0.1:0", "--data-dir", "b"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  absl::StatusOr<ServiceConfig> c = LoadServiceConfig(*flags);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->listen_port, 0);
  EXPECT_EQ(c->data_dir, "b");
  EXPECT_EQ(c->source, path);
}

// [storage] url, data_dir as its RocksDB shorthand, and --store / --data-dir
// over both.
TEST(ConfigTest, TheStoreUrl) {
  absl::StatusOr<ServiceConfig> c =
      ParseServiceConfig("[storage]\nurl = \"rocksdb:/tmp/v\"\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->StoreUrl(), "rocksdb:/tmp/v");
  EXPECT_EQ(c->data_dir, "/tmp/v");
  EXPECT_FALSE(c->memory_store());
  c = ParseServiceConfig("[storage]\ndata_dir = \"/tmp/w\"\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->StoreUrl(), "rocksdb:/tmp/w");
  c = ParseServiceConfig(
      "[storage]\nurl = \"memory:\"\nsync_writes = true\nbackup_dir = \"b\"\n",
      "t.toml");
  ASSERT_TRUE(c.ok()) << c.status();  // RocksDB's keys: ignored, not refused
  EXPECT_EQ(c->StoreUrl(), "memory:");
  EXPECT_TRUE(c->memory_store());
  EXPECT_EQ(c->data_dir, "");
  absl::StatusOr<ServiceConfig> d = LoadServiceConfig(CommandLine{});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->StoreUrl(), "rocksdb:vigil-data");

  vigil::testing::TempDir dir;
  const std::string path = dir.path() + "/v.toml";
  vigil::testing::WriteFileOrDie(path, "[storage]\ndata_dir = \"a\"\n");
  for (const auto& [args, url] :
       std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--config", path}, "rocksdb:a"},
           {{"--config", path, "--store", "memory:"}, "memory:"},
           {{"--config", path, "--store=rocksdb:/x"}, "rocksdb:/x"},
           {{"--config", path, "--data-dir", "b"}, "rocksdb:b"},
           {{"--store", "memory:"}, "memory:"}}) {
    absl::StatusOr<CommandLine> flags = ParseCommandLine(args);
    ASSERT_TRUE(flags.ok()) << flags.status();
    c = LoadServiceConfig(*flags);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->StoreUrl(), url) << args.back();
  }
  EXPECT_TRUE(absl::StrContains(
      ParseCommandLine({"--store", "memory:", "--data-dir", "b"})
          .status()
          .message(),
      "--store and --data-dir name the same thing; give one"));
  EXPECT_TRUE(absl::StrContains(
      ParseCommandLine({"--store="}).status().message(), "--store: empty"));
  absl::StatusOr<CommandLine> bare = ParseCommandLine({"--store", "/var/v"});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(LoadServiceConfig(*bare).status().message(),
            "--store: \"/var/v\" is not a store URL (rocksdb:DIR, memory: or "
            "redis://HOST:PORT[,...])");
}

TEST(ConfigTest, NoConfigFileMeansDefaults) {
  absl::StatusOr<ServiceConfig> c = LoadServiceConfig(CommandLine{});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->source, "<defaults>");
}

TEST(ConfigTest, CommandLineErrors) {
  EXPECT_TRUE(
      absl::StrContains(ParseCommandLine({"--port", "1"}).status().message(),
                        "unknown flag --port"));
  EXPECT_TRUE(
      absl::StrContains(ParseCommandLine({"--listen"}).status().message(),
                        "--listen: needs a value"));
  EXPECT_TRUE(absl::StrContains(ParseCommandLine({"x"}).status().message(),
                                "unexpected argument"));
  EXPECT_TRUE(ParseCommandLine({"--help"})->help);
  absl::StatusOr<CommandLine> bad_listen = ParseCommandLine({"--listen", "x"});
  ASSERT_TRUE(bad_listen.ok());
  EXPECT_TRUE(absl::StartsWith(
      LoadServiceConfig(*bad_listen).status().message(), "--listen: "));
  CommandLine missing;
  missing.config_path = "/nonexistent/vigild.toml";
  EXPECT_TRUE(absl::StrContains(LoadServiceConfig(missing).status().message(),
                                "/nonexistent/vigild.toml: cannot open"));
}

}  // namespace
}  // namespace vigil::service
