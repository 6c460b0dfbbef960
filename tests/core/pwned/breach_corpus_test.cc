// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// The local breach corpus: import of every format, Check, Range, atomicity of
// a failed import, idempotence, and the on-disk layout.

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "pwned/corpus_format.h"
#include "testing/test_util.h"
#include "vigil/pwned.h"
#include "vigil/store.h"

namespace vigil {
namespace {

using testing::TempDir;
using testing::WriteFileOrDie;

// SHA-1 of "password" and of "123456", and their counts in the fixture.
constexpr char kPassword[] = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
constexpr char k123456[] = "7C4A8D09CA3762AF61E59520943DC26494F8941B";
// SHA-1 of "correct horse battery staple vigil": in no corpus.
constexpr char kUnbreached[] = "C0B3B8C9A1CB3A4E9A5B5E4C1F1B0E6C1D2E3F40";

// A small dump in the download's format, sorted, with other rows of the
// 5BAA6 prefix around "password".
constexpr char kFixtureDump[] =
    "5BAA6003A6C1BC4B9A1E2AB2E9CDBF4C5B3E2A11:3\n"
    "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\n"
    "5BAA6FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:1\n"
    "7C4A8D09CA3762AF61E59520943DC26494F8941B:37359195\n"
    "FFFFF000000000000000000000000000000000AB:2\n";

class CorpusTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    corpus_.reset();
    store_.reset();
    RocksDbOptions options;
    options.path = dir_.path() + "/db";
    auto store = OpenRocksDbStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::shared_ptr<Store>(std::move(*store));
    auto corpus = OpenBreachCorpus(store_);
    ASSERT_TRUE(corpus.ok()) << corpus.status();
    corpus_ = std::move(*corpus);
  }

  std::string File(const std::string& name, const std::string& contents) {
    std::string path = dir_.path() + "/" + name;
    WriteFileOrDie(path, contents);
    return path;
  }

  absl::StatusOr<ImportStats> Import(const std::vector<std::string>& files,
                                     ImportOptions options = {}) {
    return corpus_->Import(files, options);
  }

  PasswordCheck MustCheck(absl::string_view hash,
                          HashKind kind = HashKind::kSha1) {
    auto r = corpus_->Check(kind, hash);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : PasswordCheck();
  }

  std::string RangeText(absl::string_view prefix,
                        HashKind kind = HashKind::kSha1) {
    std::vector<RangeEntry> rows;
    absl::Status s = corpus_->Range(kind, prefix, &rows);
    EXPECT_TRUE(s.ok()) << s;
    std::vector<std::string> lines;
    for (const RangeEntry& e : rows) lines.push_back(absl::StrCat(e.suffix, ":", e.count));
    return absl::StrJoin(lines, "\n");
  }

  // Every key of the kPwned table.
  int CountKeys() {
    int n = 0;
    for (auto it = store_->Scan(Table::kPwned, "", ""); it->Valid(); it->Next()) ++n;
    return n;
  }

  TempDir dir_;
  std::shared_ptr<Store> store_;
  std::unique_ptr<BreachCorpus> corpus_;
};

TEST_F(CorpusTest, EmptyCorpusFindsNothing) {
  PasswordCheck r = MustCheck(kPassword);
  EXPECT_FALSE(r.compromised);
  EXPECT_EQ(r.count, 0);
  EXPECT_EQ(RangeText("5BAA6"), "");
  ASSERT_OK_AND_ASSIGN(CorpusInfo info, corpus_->Info(HashKind::kSha1));
  EXPECT_FALSE(info.present);
}

TEST_F(CorpusTest, FixtureDumpFindsPasswordWithItsCount) {
  ASSERT_OK_AND_ASSIGN(ImportStats stats, Import({File("dump.txt", kFixtureDump)}));
  EXPECT_EQ(stats.lines, 5);
  EXPECT_EQ(stats.hashes, 5);
  EXPECT_EQ(stats.prefixes, 3);
  EXPECT_TRUE(stats.was_sorted);

  PasswordCheck r = MustCheck(kPassword);
  EXPECT_TRUE(r.compromised);
  EXPECT_EQ(r.count, 10434004);
  EXPECT_FALSE(r.degraded);
  // Either case.
  r = MustCheck(absl::AsciiStrToLower(kPassword));
  EXPECT_TRUE(r.compromised);
  EXPECT_EQ(MustCheck(k123456).count, 37359195);
  r = MustCheck(kUnbreached);
  EXPECT_FALSE(r.compromised);
  EXPECT_EQ(r.count, 0);
  // Same prefix, other suffix.
  EXPECT_FALSE(MustCheck("5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD9").compromised);
}

TEST_F(CorpusTest, CheckRefusesMalformedHashesWithoutEchoingThem) {
  for (const std::string bad :
       {"", "5BAA6", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD", "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8A",
        "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FDX"}) {
    auto r = corpus_->Check(HashKind::kSha1, bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(absl::IsInvalidArgument(r.status()));
    if (bad.size() > 5) {
      EXPECT_EQ(std::string(r.status().message()).find(bad.substr(0, 6)),
                std::string::npos);
    }
  }
}

TEST_F(CorpusTest, RangeIsSortedUpperCaseSuffixesWithCounts) {
  ASSERT_OK(Import({File("dump.txt", absl::AsciiStrToLower(kFixtureDump))}).status());
  EXPECT_EQ(RangeText("5baa6"),
            "003A6C1BC4B9A1E2AB2E9CDBF4C5B3E2A11:3\n"
            "1E4C9B93F3F0682250B6CF8331B7EE68FD8:10434004\n"
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:1");
  EXPECT_EQ(RangeText("FFFFF"), "000000000000000000000000000000000AB:2");
  EXPECT_EQ(RangeText("00000"), "");
  std::vector<RangeEntry> rows;
  for (const char* bad : {"5BAA", "5BAA61", "5BAAG", "", "5BA A"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(corpus_->Range(HashKind::kSha1, bad, &rows)))
        << bad;
  }
}

TEST_F(CorpusTest, UnsortedDumpGivesTheSameCorpusAsSorted) {
  // 5000 random hashes; a tiny sort buffer forces many spilled runs.
  std::mt19937_64 rng(7);
  std::vector<std::string> lines;
  for (int i = 0; i < 5000; ++i) {
    std::string raw(20, '\0');
    for (char& c : raw) c = static_cast<char>(rng());
    lines.push_back(absl::StrCat(absl::AsciiStrToUpper(absl::BytesToHexString(raw)),
                                 ":", 1 + rng() % 100000));
  }
  lines.push_back(absl::StrCat(kPassword, ":5"));
  lines.push_back(absl::StrCat(kPassword, ":7"));  // duplicates are summed
  std::string unsorted = absl::StrJoin(lines, "\n");
  std::sort(lines.begin(), lines.end());
  std::string sorted = absl::StrJoin(lines, "\r\n") + "\r\n";

  ImportOptions small;
  small.sort_buffer_records = 100;
  small.temp_dir = dir_.path();
  ASSERT_OK_AND_ASSIGN(ImportStats a, Import({File("unsorted.txt", unsorted)}, small));
  EXPECT_FALSE(a.was_sorted);
  EXPECT_EQ(a.hashes, 5001);
  EXPECT_EQ(MustCheck(kPassword).count, 12);
  std::vector<std::string> ranges_a;
  for (int p = 0; p < 4096; p += 37) {
    ranges_a.push_back(RangeText(absl::StrCat(absl::Hex(p * 256, absl::kZeroPad5))));
  }
  const int keys_a = CountKeys();

  ASSERT_OK_AND_ASSIGN(ImportStats b, Import({File("sorted.txt", sorted)}));
  EXPECT_TRUE(b.was_sorted);
  EXPECT_EQ(b.hashes, a.hashes);
  EXPECT_EQ(b.prefixes, a.prefixes);
  for (int p = 0, i = 0; p < 4096; p += 37, ++i) {
    EXPECT_EQ(RangeText(absl::StrCat(absl::Hex(p * 256, absl::kZeroPad5))),
              ranges_a[i]);
  }
  // The previous generation is gone: one key per prefix plus the meta.
  EXPECT_EQ(CountKeys(), keys_a);
  EXPECT_EQ(CountKeys(), b.prefixes + 1);
}

TEST_F(CorpusTest, RangeFilesTakeThePrefixFromTheirName) {
  std::string a = File("5BAA6.txt",
                       "1E4C9B93F3F0682250B6CF8331B7EE68FD8:42\r\n"
                       "003A6C1BC4B9A1E2AB2E9CDBF4C5B3E2A11:3\r\n");
  std::string b = File("7c4a8", "D09CA3762AF61E59520943DC26494F8941B:9\n");
  ASSERT_OK_AND_ASSIGN(ImportStats stats, Import({a, b}));
  EXPECT_EQ(stats.hashes, 3);
  EXPECT_EQ(MustCheck(kPassword).count, 42);
  EXPECT_EQ(MustCheck(k123456).count, 9);
  // A suffix-only file whose name is no prefix is not a range file: with
  // --format range it is refused.
  ImportOptions range;
  range.format = ImportFormat::kRange;
  auto r = Import({File("suffixes.txt", "1E4C9B93F3F0682250B6CF8331B7EE68FD8:1\n")}, range);
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_EQ(MustCheck(kPassword).count, 42);
}

TEST_F(CorpusTest, PlainListsAreHashedOnImport) {
  ASSERT_OK_AND_ASSIGN(ImportStats stats,
                       Import({File("common.txt", "123456\npassword\r\n\nqwerty\npassword\n")}));
  EXPECT_EQ(stats.hashes, 3);
  EXPECT_EQ(MustCheck(kPassword).count, 2);
  EXPECT_EQ(MustCheck(k123456).count, 1);
  EXPECT_FALSE(MustCheck(kUnbreached).compromised);
}

TEST_F(CorpusTest, NtlmCorpusIsKeptApart) {
  // NTLM of "password".
  constexpr char kNtlmPassword[] = "8846F7EAEE8FB117AD06BDD830B7586C";
  ASSERT_OK(Import({File("sha1.txt", kFixtureDump)}).status());
  ImportOptions ntlm;
  ntlm.kind = HashKind::kNtlm;
  ASSERT_OK_AND_ASSIGN(
      ImportStats stats,
      Import({File("ntlm.txt", absl::StrCat(kNtlmPassword, ":5\n"))}, ntlm));
  EXPECT_EQ(stats.hashes, 1);
  PasswordCheck r = MustCheck(kNtlmPassword, HashKind::kNtlm);
  EXPECT_TRUE(r.compromised);
  EXPECT_EQ(r.count, 5);
  EXPECT_EQ(RangeText("8846F", HashKind::kNtlm), "7EAEE8FB117AD06BDD830B7586C:5");
  EXPECT_EQ(RangeText("8846F"), "");
  EXPECT_EQ(MustCheck(kPassword).count, 10434004);  // SHA-1 untouched
  EXPECT_FALSE(corpus_->Check(HashKind::kNtlm, kPassword).ok());
  auto plain = Import({File("plain.txt", "password\n")}, ntlm);
  EXPECT_TRUE(absl::IsInvalidArgument(plain.status()));
}

TEST_F(CorpusTest, CorruptLineIsReportedWithItsNumberAndChangesNothing) {
  ASSERT_OK(Import({File("good.txt", kFixtureDump)}).status());
  ASSERT_OK_AND_ASSIGN(CorpusInfo before, corpus_->Info(HashKind::kSha1));
  const int keys_before = CountKeys();
  // Line 4 is corrupt; lines before it would have been new.
  std::string bad = File("bad.txt",
                         "0000000000000000000000000000000000000001:1\n"
                         "0000000000000000000000000000000000000002:1\n"
                         "\n"
                         "00000000000000000000000000000000000000Z3:1\n"
                         "0000000000000000000000000000000000000004:1\n");
  auto r = Import({bad});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(r.status()));
  EXPECT_NE(std::string(r.status().message()).find("bad.txt:4:"), std::string::npos)
      << r.status();
  // The previous corpus, whole, and nothing of the failed import.
  EXPECT_EQ(MustCheck(kPassword).count, 10434004);
  EXPECT_FALSE(MustCheck("0000000000000000000000000000000000000001").compromised);
  ASSERT_OK_AND_ASSIGN(CorpusInfo after, corpus_->Info(HashKind::kSha1));
  EXPECT_EQ(after.hashes, before.hashes);
  EXPECT_EQ(CountKeys(), keys_before);
  // Also after reopening.
  Open();
  EXPECT_EQ(MustCheck(kPassword).count, 10434004);

  // Other kinds of corruption, each at its line.
  for (const auto& [text, line] : std::vector<std::pair<std::string, int>>{
           {"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1\n5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8\n", 2},
           {"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1\n5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:x\n", 2},
           {"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1\n\n\n5BAA61E4C9B93F3F0682250B6CF8331B7EE68F:1\n", 4},
           {"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:1\n5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:-1\n", 2},
       }) {
    auto s = Import({File("more.txt", text)});
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(std::string(s.status().message()).find(absl::StrCat("more.txt:", line, ":")),
              std::string::npos)
        << s.status();
  }
  EXPECT_EQ(MustCheck(kPassword).count, 10434004);
}

TEST_F(CorpusTest, SkipBadLinesSkipsAndCounts) {
  ImportOptions skip;
  skip.skip_bad_lines = true;
  ASSERT_OK_AND_ASSIGN(
      ImportStats stats,
      Import({File("mixed.txt", absl::StrCat(kPassword, ":3\ngarbage\n", k123456,
                                             ":x\n", k123456, ":4\n"))},
             skip));
  EXPECT_EQ(stats.skipped_lines, 2);
  EXPECT_EQ(stats.hashes, 2);
  EXPECT_EQ(MustCheck(k123456).count, 4);
}

TEST_F(CorpusTest, OverlongLineIsACorruptLineAndMemoryStaysBounded) {
  std::string text = absl::StrCat(kPassword, ":1\n", std::string(3 << 20, 'A'), "\n",
                                  k123456, ":2\n");
  std::string path = File("long.txt", text);
  auto r = Import({path});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("long.txt:2: line longer"),
            std::string::npos)
      << r.status();
  ImportOptions skip;
  skip.skip_bad_lines = true;
  ASSERT_OK_AND_ASSIGN(ImportStats stats, Import({path}, skip));
  EXPECT_EQ(stats.lines, 3);
  EXPECT_EQ(stats.skipped_lines, 1);
  EXPECT_EQ(MustCheck(k123456).count, 2);
  // Also as the last line, without a newline.
  ASSERT_OK_AND_ASSIGN(
      stats, Import({File("tail.txt", absl::StrCat(kPassword, ":1\n",
                                                   std::string(3 << 20, 'B')))},
                    skip));
  EXPECT_EQ(stats.skipped_lines, 1);
  EXPECT_EQ(stats.hashes, 1);
}

TEST_F(CorpusTest, InputWithoutHashesIsRefused) {
  ASSERT_OK(Import({File("dump.txt", kFixtureDump)}).status());
  auto r = Import({File("empty.txt", "")});
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  ImportOptions skip;
  skip.skip_bad_lines = true;
  skip.format = ImportFormat::kDump;
  r = Import({File("junk.txt", "5BAA6:x\n")}, skip);
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_EQ(MustCheck(kPassword).count, 10434004);
}

TEST_F(CorpusTest, ReimportIsIdempotent) {
  std::string dump = File("dump.txt", kFixtureDump);
  ASSERT_OK_AND_ASSIGN(ImportStats a, Import({dump}));
  std::string range_a = RangeText("5BAA6");
  const int keys_a = CountKeys();
  ASSERT_OK_AND_ASSIGN(ImportStats b, Import({dump}));
  EXPECT_EQ(a.hashes, b.hashes);
  EXPECT_EQ(RangeText("5BAA6"), range_a);
  EXPECT_EQ(MustCheck(kPassword).count, 10434004);
  EXPECT_EQ(CountKeys(), keys_a);
}

TEST_F(CorpusTest, MissingFileFailsAndChangesNothing) {
  ASSERT_OK(Import({File("dump.txt", kFixtureDump)}).status());
  auto r = Import({dir_.path() + "/nope.txt"});
  EXPECT_TRUE(absl::IsNotFound(r.status())) << r.status();
  EXPECT_TRUE(MustCheck(kPassword).compromised);
  EXPECT_TRUE(absl::IsInvalidArgument(Import({}).status()));
}

TEST_F(CorpusTest, InfoRecordsSourceAndSurvivesReopen) {
  ImportOptions options;
  options.source = "seed";
  options.fingerprint = "sha256:abc";
  ASSERT_OK(Import({File("dump.txt", kFixtureDump)}, options).status());
  Open();
  ASSERT_OK_AND_ASSIGN(CorpusInfo info, corpus_->Info(HashKind::kSha1));
  EXPECT_TRUE(info.present);
  EXPECT_EQ(info.hashes, 5);
  EXPECT_EQ(info.prefixes, 3);
  EXPECT_EQ(info.source, "seed");
  EXPECT_EQ(info.fingerprint, "sha256:abc");
  EXPECT_EQ(MustCheck(kPassword).count, 10434004);
}

TEST(CorpusFormatTest, PrefixValueRoundTripsLargeCounts) {
  std::vector<internal::HashRecord> records(3);
  for (int i = 0; i < 3; ++i) {
    std::memset(&records[i], 0, sizeof(records[i]));
    records[i].hash[19] = static_cast<uint8_t>(i);
  }
  records[0].count = 1;
  records[1].count = 70000;
  records[2].count = 5000000000ull;
  std::string value;
  internal::EncodePrefixValue(HashKind::kSha1, records.data(), 3, &value);
  internal::PrefixView view;
  ASSERT_TRUE(view.Parse(HashKind::kSha1, value));
  ASSERT_EQ(view.size(), 3u);
  EXPECT_EQ(view.count(2), 5000000000ull);
  EXPECT_EQ(view.count(1), 70000u);
  EXPECT_FALSE(view.Parse(HashKind::kSha1, value.substr(0, value.size() - 1)));
  EXPECT_FALSE(view.Parse(HashKind::kNtlm, value));
}

}  // namespace
}  // namespace vigil
