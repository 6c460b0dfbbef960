// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "store/redis/reply.h"

#include <hiredis/hiredis.h>

#include <memory>

namespace vigil::internal {
namespace {

// Copies `reply` (not freed here). hiredis bounds the nesting depth of the
// replies it parses, so the recursion is bounded too.
RedisReply Convert(const redisReply* reply) {
  if (reply == nullptr) return RedisReply::Nil();
  switch (reply->type) {
    case REDIS_REPLY_NIL:
      return RedisReply::Nil();
    case REDIS_REPLY_INTEGER:
      return RedisReply::Integer(reply->integer);
    case REDIS_REPLY_STATUS:
      return RedisReply::Status(std::string(reply->str, reply->len));
    case REDIS_REPLY_ERROR:
      return RedisReply::Error(std::string(reply->str, reply->len));
    case REDIS_REPLY_STRING:
      return RedisReply::String(std::string(reply->str, reply->len));
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i) {
        elements.push_back(Convert(reply->element[i]));
      }
      return RedisReply::Array(std::move(elements));
    }
    default:
      return RedisReply::Error("ERR unsupported reply type");
  }
}

}  // namespace

RedisReply RedisReply::Integer(int64_t value) {
  RedisReply r;
  r.type_ = Type::kInteger;
  r.integer_ = value;
  return r;
}

RedisReply RedisReply::Status(std::string text) {
  return RedisReply(Type::kStatus, std::move(text));
}

RedisReply RedisReply::Error(std::string text) {
  return RedisReply(Type::kError, std::move(text));
}

RedisReply RedisReply::String(std::string value) {
  return RedisReply(Type::kString, std::move(value));
}

RedisReply RedisReply::Array(std::vector<RedisReply> elements) {
  RedisReply r;
  r.type_ = Type::kArray;
  r.elements_ = std::move(elements);
  return r;
}

RedisReply RedisReply::FromHiredis(redisReply* reply) {
  std::unique_ptr<redisReply, void (*)(void*)> owned(reply, freeReplyObject);
  return Convert(owned.get());
}

absl::string_view RedisReply::error_code() const {
  if (type_ != Type::kError) return {};
  absl::string_view text = str_;
  return text.substr(0, text.find(' '));
}

absl::string_view RedisReply::TypeName(Type type) {
  switch (type) {
    case Type::kNil:
      return "nil";
    case Type::kInteger:
      return "integer";
    case Type::kStatus:
      return "status";
    case Type::kError:
      return "error";
    case Type::kString:
      return "string";
    case Type::kArray:
      return "array";
  }
  return "unknown";
}

}  // namespace vigil::internal
