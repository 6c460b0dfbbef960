// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Bounded CBOR on libcbor: a streaming pre-pass bounds what cbor_load will
// allocate, then typed accessors.

#include <cbor.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "mfa/webauthn/internal.h"
#include "mfa/webauthn/webauthn.h"

namespace vigil::internal::webauthn::detail {
namespace {

// The pre-pass state: members still expected by each open container.
struct Walk {
  std::vector<uint64_t> open;
  size_t bytes_left = 0;  // from the start of the current header
  const char* error = nullptr;
  bool done = false;

  void Fail(const char* why) {
    if (error == nullptr) error = why;
  }
  // One complete item: closes every container it completes.
  void Item() {
    while (!open.empty()) {
      if (--open.back() > 0) return;
      open.pop_back();
    }
    done = true;
  }
  void Begin(uint64_t members) {
    // Each member takes at least one byte after this header's first byte.
    if (members >= bytes_left) return Fail("a container longer than its input");
    if (members == 0) return Item();
    if (open.size() >= static_cast<size_t>(kMaxCborDepth)) {
      return Fail("nested too deeply");
    }
    open.push_back(members);
  }
};

Walk* W(void* context) { return static_cast<Walk*>(context); }

template <typename T>
void OnInt(void* context, T) {
  W(context)->Item();
}
void OnString(void* context, cbor_data, size_t) { W(context)->Item(); }
void OnSimple(void* context) { W(context)->Item(); }
void OnBool(void* context, bool) { W(context)->Item(); }
void OnFloat(void* context, float) { W(context)->Item(); }
void OnDouble(void* context, double) { W(context)->Item(); }
void OnArray(void* context, size_t size) { W(context)->Begin(size); }
void OnMap(void* context, size_t size) {
  Walk* walk = W(context);
  if (size >= walk->bytes_left) {
    return walk->Fail("a container longer than its input");
  }
  walk->Begin(2 * static_cast<uint64_t>(size));
}
void OnIndefinite(void* context) { W(context)->Fail("an indefinite length"); }
void OnTag(void* context, uint64_t) { W(context)->Fail("a tag"); }

cbor_callbacks MakeCallbacks() {
  cbor_callbacks cb = cbor_empty_callbacks;
  cb.uint8 = OnInt<uint8_t>;
  cb.uint16 = OnInt<uint16_t>;
  cb.uint32 = OnInt<uint32_t>;
  cb.uint64 = OnInt<uint64_t>;
  cb.negint8 = OnInt<uint8_t>;
  cb.negint16 = OnInt<uint16_t>;
  cb.negint32 = OnInt<uint32_t>;
  cb.negint64 = OnInt<uint64_t>;
  cb.byte_string = OnString;
  cb.string = OnString;
  cb.byte_string_start = OnIndefinite;
  cb.string_start = OnIndefinite;
  cb.indef_array_start = OnIndefinite;
  cb.indef_map_start = OnIndefinite;
  cb.indef_break = OnIndefinite;
  cb.array_start = OnArray;
  cb.map_start = OnMap;
  cb.tag = OnTag;
  cb.float2 = OnFloat;
  cb.float4 = OnFloat;
  cb.float8 = OnDouble;
  cb.undefined = OnSimple;
  cb.null = OnSimple;
  cb.boolean = OnBool;
  return cb;
}

}  // namespace

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed: ", what));
}

absl::Status Refuse(absl::string_view token, absl::string_view what) {
  return absl::PermissionDeniedError(absl::StrCat(token, ": ", what));
}

absl::StatusOr<size_t> CborItemLength(absl::string_view bytes,
                                      absl::string_view what) {
  static const cbor_callbacks callbacks = MakeCallbacks();
  const auto* data = reinterpret_cast<cbor_data>(bytes.data());
  Walk walk;
  size_t offset = 0;
  while (!walk.done) {
    if (offset >= bytes.size()) {
      return Malformed(absl::StrCat(what, " is truncated CBOR"));
    }
    walk.bytes_left = bytes.size() - offset;
    cbor_decoder_result result = cbor_stream_decode(
        data + offset, bytes.size() - offset, &callbacks, &walk);
    if (walk.error != nullptr) {
      return Malformed(absl::StrCat(what, " CBOR has ", walk.error));
    }
    if (result.status == CBOR_DECODER_NEDATA) {
      return Malformed(absl::StrCat(what, " is truncated CBOR"));
    }
    if (result.status != CBOR_DECODER_FINISHED || result.read == 0) {
      return Malformed(absl::StrCat(what, " is not valid CBOR"));
    }
    offset += result.read;
  }
  return offset;
}

absl::StatusOr<CborItem> LoadCbor(absl::string_view bytes,
                                  absl::string_view what) {
  absl::StatusOr<size_t> length = CborItemLength(bytes, what);
  if (!length.ok()) return length.status();
  if (*length != bytes.size()) {
    return Malformed(absl::StrCat(what, " has bytes after its CBOR item"));
  }
  cbor_load_result result;
  CborItem item(cbor_load(reinterpret_cast<cbor_data>(bytes.data()),
                          bytes.size(), &result));
  if (item == nullptr || result.error.code != CBOR_ERR_NONE ||
      result.read != bytes.size()) {
    return Malformed(absl::StrCat(what, " is not valid CBOR"));
  }
  return item;
}

std::optional<int64_t> CborInt(const cbor_item_t* item) {
  if (item == nullptr) return std::nullopt;
  if (cbor_isa_uint(item)) {
    uint64_t v = cbor_get_int(item);
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<int64_t>(v);
  }
  if (cbor_isa_negint(item)) {
    uint64_t v = cbor_get_int(item);  // the value is -1 - v
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return -1 - static_cast<int64_t>(v);
  }
  return std::nullopt;
}

std::optional<std::string> CborBytes(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_bytestring(item) ||
      !cbor_bytestring_is_definite(item)) {
    return std::nullopt;
  }
  const unsigned char* handle = cbor_bytestring_handle(item);
  size_t length = cbor_bytestring_length(item);
  if (length == 0) return std::string();
  return std::string(reinterpret_cast<const char*>(handle), length);
}

std::optional<std::string> CborText(const cbor_item_t* item) {
  if (item == nullptr || !cbor_isa_string(item) ||
      !cbor_string_is_definite(item)) {
    return std::nullopt;
  }
  const unsigned char* handle = cbor_string_handle(item);
  size_t length = cbor_string_length(item);
  if (length == 0) return std::string();
  return std::string(reinterpret_cast<const char*>(handle), length);
}

}  // namespace vigil::internal::webauthn::detail
