// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// store/redis/reply.h: one Redis reply (RESP2) as an owned value, made from
// hiredis's redisReply, which is freed at once.

#ifndef VIGIL_STORE_REDIS_REPLY_H_
#define VIGIL_STORE_REDIS_REPLY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

struct redisReply;  // hiredis

namespace vigil::internal {

class RedisReply {
 public:
  enum class Type : uint8_t {
    kNil,      // a missing value ($-1 or *-1)
    kInteger,  // :n
    kStatus,   // +OK
    kError,    // -ERR ... (text without the '-')
    kString,   // a bulk string, binary-safe
    kArray,    // *n, elements of any type
  };

  // A nil reply.
  RedisReply() = default;
  static RedisReply Nil() { return RedisReply(); }
  static RedisReply Integer(int64_t value);
  static RedisReply Status(std::string text);
  static RedisReply Error(std::string text);
  static RedisReply String(std::string value);
  static RedisReply Array(std::vector<RedisReply> elements);

  // Takes `reply` (may be null: a nil reply), converts it and frees it with
  // freeReplyObject. A type hiredis adds later than RESP2 becomes an error
  // reply "ERR unsupported reply type".
  static RedisReply FromHiredis(redisReply* reply);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  bool is_integer() const { return type_ == Type::kInteger; }
  bool is_status() const { return type_ == Type::kStatus; }
  bool is_error() const { return type_ == Type::kError; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }

  // kInteger: the value; 0 for the other types.
  int64_t integer() const { return integer_; }
  // kStatus, kError, kString: the text; empty for the other types.
  const std::string& str() const { return str_; }
  // kArray: the elements; empty for the other types.
  const std::vector<RedisReply>& elements() const { return elements_; }
  std::vector<RedisReply>& mutable_elements() { return elements_; }

  // For an error reply, its code: the first word ("ERR", "MOVED",
  // "NOSCRIPT", ...); empty for the other types.
  absl::string_view error_code() const;

  // "nil", "integer", "status", "error", "string", "array".
  static absl::string_view TypeName(Type type);

  friend bool operator==(const RedisReply& a, const RedisReply& b) {
    return a.type_ == b.type_ && a.integer_ == b.integer_ && a.str_ == b.str_ &&
           a.elements_ == b.elements_;
  }

 private:
  RedisReply(Type type, std::string str) : type_(type), str_(std::move(str)) {}

  Type type_ = Type::kNil;
  int64_t integer_ = 0;
  std::string str_;
  std::vector<RedisReply> elements_;
};

}  // namespace vigil::internal

#endif  // VIGIL_STORE_REDIS_REPLY_H_
