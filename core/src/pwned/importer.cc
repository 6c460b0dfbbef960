// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "pwned/importer.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <queue>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "store/bulk.h"

namespace vigil::internal {
namespace {

constexpr size_t kBatchBytes = 4 << 20;
constexpr size_t kReadBuffer = 1 << 20;
constexpr size_t kRunReadRecords = 4096;

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a + b < a ? UINT64_MAX : a + b;
}

// Sorts and sums duplicates in place; returns the new size.
size_t SortAndCombine(std::vector<HashRecord>* v) {
  if (!std::is_sorted(v->begin(), v->end(), HashLess)) {
    std::sort(v->begin(), v->end(), HashLess);
  }
  size_t out = 0;
  for (size_t i = 0; i < v->size(); ++i) {
    if (out > 0 && HashEqual((*v)[out - 1], (*v)[i])) {
      (*v)[out - 1].count = SaturatingAdd((*v)[out - 1].count, (*v)[i].count);
    } else {
      (*v)[out++] = (*v)[i];
    }
  }
  v->resize(out);
  return out;
}

// A sorted stream of records.
class Run {
 public:
  virtual ~Run() = default;
  virtual bool Valid() const = 0;
  virtual const HashRecord& record() const = 0;
  virtual absl::Status Next() = 0;
};

class MemoryRun final : public Run {
 public:
  explicit MemoryRun(std::vector<HashRecord> records)
      : records_(std::move(records)) {}
  bool Valid() const override { return i_ < records_.size(); }
  const HashRecord& record() const override { return records_[i_]; }
  absl::Status Next() override {
    ++i_;
    return absl::OkStatus();
  }

 private:
  std::vector<HashRecord> records_;
  size_t i_ = 0;
};

// A run spilled to an unlinked temporary file (gone with the process).
class FileRun final : public Run {
 public:
  explicit FileRun(FILE* f) : f_(f), buf_(kRunReadRecords) {}
  ~FileRun() override { std::fclose(f_); }
  absl::Status Start() {
    if (std::fseek(f_, 0, SEEK_SET) != 0) {
      return absl::UnavailableError("import: cannot rewind a sort run");
    }
    return Fill();
  }
  bool Valid() const override { return i_ < n_; }
  const HashRecord& record() const override { return buf_[i_]; }
  absl::Status Next() override {
    if (++i_ < n_) return absl::OkStatus();
    return Fill();
  }

 private:
  absl::Status Fill() {
    n_ = std::fread(buf_.data(), sizeof(HashRecord), buf_.size(), f_);
    i_ = 0;
    if (n_ == 0 && std::ferror(f_)) {
      return absl::UnavailableError("import: cannot read a sort run");
    }
    return absl::OkStatus();
  }
  FILE* f_;
  std::vector<HashRecord> buf_;
  size_t n_ = 0;
  size_t i_ = 0;
};

// The records of one generation already in the store.
class StoreRun final : public Run {
 public:
  StoreRun(Store* store, HashKind kind, uint32_t generation) : kind_(kind) {
    std::string start = GenerationKey(kind, generation);
    std::string limit = start + '\x10';
    it_ = store->Scan(Table::kPwned, start, limit);
  }
  absl::Status Start() { return Load(); }
  bool Valid() const override { return i_ < view_.size(); }
  const HashRecord& record() const override { return rec_; }
  absl::Status Next() override {
    if (++i_ < view_.size()) {
      Fill();
      return absl::OkStatus();
    }
    it_->Next();
    return Load();
  }

 private:
  absl::Status Load() {
    view_ = PrefixView();
    i_ = 0;
    while (it_->Valid()) {
      absl::string_view key = it_->key();
      value_.assign(it_->value().data(), it_->value().size());
      if (key.size() != 8 || !view_.Parse(kind_, value_)) {
        return absl::DataLossError("import: unreadable prefix record");
      }
      prefix_ = (uint32_t{static_cast<uint8_t>(key[5])} << 16) |
                (uint32_t{static_cast<uint8_t>(key[6])} << 8) |
                static_cast<uint8_t>(key[7]);
      if (view_.size() > 0) {
        Fill();
        return absl::OkStatus();
      }
      it_->Next();
    }
    return it_->status();
  }
  void Fill() {
    std::memset(&rec_, 0, sizeof(rec_));
    const uint8_t* s = view_.suffix(i_);
    const int n = SuffixBytes(kind_);
    rec_.hash[0] = static_cast<uint8_t>(prefix_ >> 12);
    rec_.hash[1] = static_cast<uint8_t>(prefix_ >> 4);
    rec_.hash[2] = static_cast<uint8_t>(((prefix_ & 0xF) << 4) | (s[0] & 0x0F));
    std::memcpy(rec_.hash + 3, s + 1, n - 1);
    rec_.count = view_.count(i_);
  }

  HashKind kind_;
  std::unique_ptr<StoreIterator> it_;
  std::string value_;
  PrefixView view_;
  uint32_t prefix_ = 0;
  size_t i_ = 0;
  HashRecord rec_;
};

class ExternalSorter {
 public:
  ExternalSorter(std::string temp_dir, size_t chunk)
      : dir_(std::move(temp_dir)), chunk_(std::max<size_t>(chunk, 16)) {
    buffer_.reserve(chunk_);
  }
  ~ExternalSorter() {
    for (FILE* f : files_) {
      if (f != nullptr) std::fclose(f);
    }
  }

  absl::Status Add(const HashRecord& r) {
    buffer_.push_back(r);
    if (buffer_.size() >= chunk_) return Spill();
    return absl::OkStatus();
  }

  // Merges everything added with `extra` into `out`.
  absl::Status MergeInto(std::unique_ptr<Run> extra, PrefixWriter* out) {
    std::vector<std::unique_ptr<Run>> runs;
    for (FILE*& f : files_) {
      auto run = std::make_unique<FileRun>(f);
      f = nullptr;  // owned by the run now
      VIGIL_RETURN_IF_ERROR(run->Start());
      runs.push_back(std::move(run));
    }
    SortAndCombine(&buffer_);
    runs.push_back(std::make_unique<MemoryRun>(std::move(buffer_)));
    if (extra != nullptr) runs.push_back(std::move(extra));
    auto greater = [&runs](size_t a, size_t b) {
      return HashLess(runs[b]->record(), runs[a]->record());
    };
    std::priority_queue<size_t, std::vector<size_t>, decltype(greater)> heap(
        greater);
    for (size_t i = 0; i < runs.size(); ++i) {
      if (runs[i]->Valid()) heap.push(i);
    }
    while (!heap.empty()) {
      size_t i = heap.top();
      heap.pop();
      VIGIL_RETURN_IF_ERROR(out->Add(runs[i]->record()));
      VIGIL_RETURN_IF_ERROR(runs[i]->Next());
      if (runs[i]->Valid()) heap.push(i);
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Spill() {
    SortAndCombine(&buffer_);
    std::string dir = dir_;
    if (dir.empty()) {
      std::error_code ec;
      dir = std::filesystem::temp_directory_path(ec).string();
      if (ec) dir = "/tmp";
    }
    std::string pattern = absl::StrCat(dir, "/vigil-pwned-run-XXXXXX");
    int fd = mkstemp(pattern.data());
    if (fd < 0) {
      return absl::UnavailableError(absl::StrCat(
          "import: cannot create a sort run in ", dir, ": ",
          std::strerror(errno)));
    }
    unlink(pattern.c_str());
    FILE* f = fdopen(fd, "w+b");
    if (f == nullptr) {
      close(fd);
      return absl::UnavailableError("import: cannot open a sort run");
    }
    files_.push_back(f);
    if (std::fwrite(buffer_.data(), sizeof(HashRecord), buffer_.size(), f) !=
            buffer_.size() ||
        std::fflush(f) != 0) {
      return absl::UnavailableError(absl::StrCat(
          "import: cannot write a sort run in ", dir, " (disk full?)"));
    }
    buffer_.clear();
    return absl::OkStatus();
  }

  std::string dir_;
  size_t chunk_;
  std::vector<HashRecord> buffer_;
  std::vector<FILE*> files_;
};

uint32_t NextGeneration(uint32_t g) { return g + 1 == 0 ? 1 : g + 1; }

// Reads a file line by line with a large buffer.
class LineReader {
 public:
  ~LineReader() {
    if (f_ != nullptr) std::fclose(f_);
  }
  absl::Status Open(const std::string& path) {
    f_ = std::fopen(path.c_str(), "rb");
    if (f_ == nullptr) {
      return absl::NotFoundError(
          absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
    }
    buf_.resize(kReadBuffer);
    return absl::OkStatus();
  }
  // The next line without "\n" / "\r\n"; false at the end.
  bool Next(absl::string_view* line) {
    for (;;) {
      const char* start = buf_.data() + pos_;
      const char* nl = static_cast<const char*>(
          std::memchr(start, '\n', end_ - pos_));
      if (nl != nullptr) {
        size_t len = nl - start;
        pos_ += len + 1;
        if (skip_rest_) {  // the end of a line already reported too long
          skip_rest_ = false;
          continue;
        }
        too_long_ = false;
        *line = Trim(absl::string_view(start, len));
        return true;
      }
      if (eof_) {
        if (pos_ == end_ || skip_rest_) return false;
        too_long_ = false;
        *line = Trim(absl::string_view(start, end_ - pos_));
        pos_ = end_;
        return true;
      }
      // Move the partial line to the front and read more.
      size_t rest = end_ - pos_;
      if (rest == buf_.size()) {
        // A line longer than the buffer: reported once (empty, marked too
        // long) and the rest of it skipped, so memory stays bounded.
        pos_ = end_ = 0;
        if (!skip_rest_) {
          *line = absl::string_view(buf_.data(), 0);
          too_long_ = true;
          skip_rest_ = true;
          return true;
        }
      } else {
        std::memmove(buf_.data(), start, rest);
        pos_ = 0;
        end_ = rest;
      }
      size_t n = std::fread(buf_.data() + end_, 1, buf_.size() - end_, f_);
      end_ += n;
      if (n == 0) {
        eof_ = true;
        error_ = std::ferror(f_) != 0;
      }
    }
  }
  bool error() const { return error_; }
  // The last line returned was longer than the buffer (and is empty).
  bool too_long() const { return too_long_; }

 private:
  static absl::string_view Trim(absl::string_view s) {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }
  FILE* f_ = nullptr;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool error_ = false;
  bool too_long_ = false;
  bool skip_rest_ = false;
};

bool ParseCount(absl::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

bool AllHex(absl::string_view s) {
  for (char c : s) {
    if (HexValue(c) < 0) return false;
  }
  return true;
}

// The 5-hex prefix at the start of a file's base name, or false.
bool PrefixFromFileName(const std::string& path, uint32_t* prefix) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name.size() < 5) return false;
  if (name.size() > 5 && name[5] != '.') return false;
  return ParsePrefix(absl::string_view(name).substr(0, 5), prefix);
}

}  // namespace

absl::Status PrefixWriter::Add(const HashRecord& r) {
  if (!group_.empty()) {
    if (HashEqual(group_.back(), r)) {
      group_.back().count = SaturatingAdd(group_.back().count, r.count);
      return absl::OkStatus();
    }
    if (PrefixOf(r.hash) != group_prefix_) VIGIL_RETURN_IF_ERROR(FlushGroup());
  }
  if (group_.empty()) group_prefix_ = PrefixOf(r.hash);
  group_.push_back(r);
  return absl::OkStatus();
}

absl::Status PrefixWriter::FlushGroup() {
  if (group_.empty()) return absl::OkStatus();
  EncodePrefixValue(kind_, group_.data(), group_.size(), &value_);
  batch_.Put(Table::kPwned, PrefixKey(kind_, generation_, group_prefix_),
             value_);
  batch_bytes_ += value_.size() + 16;
  hashes_ += static_cast<int64_t>(group_.size());
  ++prefixes_;
  group_.clear();
  if (batch_bytes_ >= kBatchBytes) {
    VIGIL_RETURN_IF_ERROR(internal::BulkWrite(store_, batch_));
    batch_.Clear();
    batch_bytes_ = 0;
  }
  return absl::OkStatus();
}

absl::Status PrefixWriter::Finish() {
  VIGIL_RETURN_IF_ERROR(FlushGroup());
  if (!batch_.empty()) {
    VIGIL_RETURN_IF_ERROR(internal::BulkWrite(store_, batch_));
    batch_.Clear();
    batch_bytes_ = 0;
  }
  return absl::OkStatus();
}

absl::StatusOr<ImportFormat> DetectFormat(HashKind kind,
                                          const std::string& path,
                                          absl::string_view line) {
  const size_t hex = static_cast<size_t>(HashHexLength(kind));
  size_t colon = line.find(':');
  if (colon != absl::string_view::npos && AllHex(line.substr(0, colon))) {
    uint32_t prefix;
    if (colon == hex) return ImportFormat::kDump;
    if (colon == hex - 5 && PrefixFromFileName(path, &prefix)) {
      return ImportFormat::kRange;
    }
  }
  if (kind == HashKind::kNtlm) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": not an NTLM dump or range file (plain password lists are "
              "imported as SHA-1 only)"));
  }
  return ImportFormat::kPlain;
}

ParsedLine ParseLine(HashKind kind, ImportFormat format, uint32_t range_prefix,
                     absl::string_view line) {
  ParsedLine out;
  out.kind = ParsedLine::Kind::kRecord;
  std::memset(out.record.hash, 0, sizeof(out.record.hash));
  out.record.count = 1;
  if (line.empty()) {
    out.kind = ParsedLine::Kind::kEmpty;
    return out;
  }
  if (format == ImportFormat::kPlain) {
    SHA1(reinterpret_cast<const unsigned char*>(line.data()), line.size(),
         out.record.hash);
    return out;
  }
  const size_t hex = static_cast<size_t>(HashHexLength(kind)) -
                     (format == ImportFormat::kRange ? 5 : 0);
  // Tolerate trailing blanks.
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  if (line.size() < hex + 2 || line[hex] != ':') {
    out.kind = ParsedLine::Kind::kBad;
    out.error = format == ImportFormat::kRange
                    ? "expected SUFFIX:COUNT with a hex suffix of the "
                      "hash's length minus 5"
                    : "expected HASH:COUNT with a whole hex hash";
    return out;
  }
  if (format == ImportFormat::kRange) {
    out.record.hash[0] = static_cast<uint8_t>(range_prefix >> 12);
    out.record.hash[1] = static_cast<uint8_t>(range_prefix >> 4);
    out.record.hash[2] = static_cast<uint8_t>((range_prefix & 0xF) << 4);
  }
  const int first_nibble = format == ImportFormat::kRange ? 5 : 0;
  if (!DecodeHexNibbles(line.substr(0, hex), first_nibble, out.record.hash)) {
    out.kind = ParsedLine::Kind::kBad;
    out.error = "the hash has a character that is not hex";
    return out;
  }
  if (!ParseCount(line.substr(hex + 1), &out.record.count)) {
    out.kind = ParsedLine::Kind::kBad;
    out.error = "the count is not a decimal number";
    return out;
  }
  return out;
}

absl::StatusOr<ImportStats> RunImport(Store* store,
                                      const std::vector<std::string>& files,
                                      const ImportOptions& options,
                                      uint32_t current, uint32_t* generation) {
  const HashKind kind = options.kind;
  const uint32_t first = NextGeneration(current);
  const uint32_t second = NextGeneration(first);
  ImportStats stats;
  PrefixWriter writer(store, kind, first);
  std::unique_ptr<ExternalSorter> sorter;  // once the input is out of order
  bool have_last = false;
  HashRecord last;
  // For on_progress: the input's size, if every file has one.
  int64_t total_bytes = 0;
  for (const std::string& path : files) {
    std::error_code ec;
    const bool regular = std::filesystem::is_regular_file(path, ec);
    const std::uintmax_t size =
        regular ? std::filesystem::file_size(path, ec) : 0;
    if (!regular || ec || total_bytes < 0) {
      total_bytes = -1;
    } else {
      total_bytes += static_cast<int64_t>(size);
    }
  }
  int64_t bytes_read = 0;
  auto report = [&] {
    if (!options.on_progress) return;
    options.on_progress(
        stats.lines, total_bytes > 0
                         ? std::min(1.0, static_cast<double>(bytes_read) /
                                             static_cast<double>(total_bytes))
                         : -1.0);
  };

  for (const std::string& path : files) {
    LineReader reader;
    VIGIL_RETURN_IF_ERROR(reader.Open(path));
    ImportFormat format = options.format;
    uint32_t range_prefix = 0;
    bool have_range_prefix = false;
    bool detected = format != ImportFormat::kAuto;
    int64_t line_no = 0;
    absl::string_view line;
    while (reader.Next(&line)) {
      ++line_no;
      ++stats.lines;
      bytes_read += static_cast<int64_t>(line.size()) + 1;
      if ((stats.lines & 0xffff) == 0) report();
      if (reader.too_long()) {
        if (options.skip_bad_lines) {
          ++stats.skipped_lines;
          continue;
        }
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", line_no, ": line longer than 1 MiB"));
      }
      if (!detected) {
        if (line.empty()) continue;
        VIGIL_ASSIGN_OR_RETURN(format, DetectFormat(kind, path, line));
        detected = true;
      }
      if (format == ImportFormat::kRange && !have_range_prefix) {
        if (!PrefixFromFileName(path, &range_prefix)) {
          return absl::InvalidArgumentError(absl::StrCat(
              path, ": a range file's name must start with its 5-hex prefix"));
        }
        have_range_prefix = true;
      }
      if (format == ImportFormat::kPlain && kind == HashKind::kNtlm) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": plain password lists are imported as SHA-1 only"));
      }
      ParsedLine parsed = ParseLine(kind, format, range_prefix, line);
      if (parsed.kind == ParsedLine::Kind::kEmpty) continue;
      if (parsed.kind == ParsedLine::Kind::kBad) {
        if (options.skip_bad_lines) {
          ++stats.skipped_lines;
          continue;
        }
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", line_no, ": ", parsed.error));
      }
      const HashRecord& r = parsed.record;
      if (sorter == nullptr) {
        if (have_last && HashLess(r, last)) {
          sorter = std::make_unique<ExternalSorter>(options.temp_dir,
                                                    options.sort_buffer_records);
          stats.was_sorted = false;
          VIGIL_RETURN_IF_ERROR(sorter->Add(r));
        } else {
          VIGIL_RETURN_IF_ERROR(writer.Add(r));
          last = r;
          have_last = true;
        }
      } else {
        VIGIL_RETURN_IF_ERROR(sorter->Add(r));
      }
    }
    if (reader.error()) {
      return absl::UnavailableError(absl::StrCat(path, ": read error"));
    }
  }
  bytes_read = total_bytes;
  report();
  VIGIL_RETURN_IF_ERROR(writer.Finish());
  if (sorter == nullptr) {
    stats.hashes = writer.hashes();
    stats.prefixes = writer.prefixes();
    *generation = first;
    return stats;
  }
  // Merge what is in `first` with the sorted runs into `second`.
  PrefixWriter merged(store, kind, second);
  auto stored = std::make_unique<StoreRun>(store, kind, first);
  VIGIL_RETURN_IF_ERROR(stored->Start());
  VIGIL_RETURN_IF_ERROR(sorter->MergeInto(std::move(stored), &merged));
  VIGIL_RETURN_IF_ERROR(merged.Finish());
  VIGIL_RETURN_IF_ERROR(
      internal::DeleteRange(store, Table::kPwned, GenerationKey(kind, first),
                            GenerationKey(kind, first) + '\x10'));
  stats.hashes = merged.hashes();
  stats.prefixes = merged.prefixes();
  *generation = second;
  return stats;
}

}  // namespace vigil::internal
