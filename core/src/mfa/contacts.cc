// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.

#include "mfa/contacts.h"

#include "absl/strings/ascii.h"
#include "common/status_macros.h"

namespace vigil::internal {
namespace {

bool ValidPhone(absl::string_view p) {
  if (p.size() < 8 || p.size() > 16 || p[0] != '+') return false;
  for (size_t i = 1; i < p.size(); ++i) {
    if (!absl::ascii_isdigit(p[i])) return false;
  }
  return true;
}

bool ValidEmail(absl::string_view e) {
  const size_t at = e.find('@');
  if (e.size() > 254 || at == 0 || at == absl::string_view::npos ||
      at + 1 >= e.size() || e.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  for (char c : e) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' ||
        c == ',' || c == ';' || c == '"' || c == '\\') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Status ValidateContacts(const UserContacts& c) {
  if (!c.phone.empty() && !ValidPhone(c.phone)) {
    return absl::InvalidArgumentError(
        "phone: must be E.164, '+' and 7-15 digits");
  }
  if (!c.email.empty() && !ValidEmail(c.email)) {
    return absl::InvalidArgumentError("email: not an e-mail address");
  }
  return absl::OkStatus();
}

UserContacts ContactsOf(const MfaUserRecord& record) {
  return UserContacts{record.phone, record.email};
}

void SetContacts(const UserContacts& contacts, MfaUserRecord* record) {
  record->phone = contacts.phone;
  record->email = contacts.email;
}

absl::StatusOr<UserContacts> ContactDirectory::Get(
    absl::string_view user_id) const {
  std::string value;
  absl::Status s = store_->Get(Table::kTotp, user_id, &value);
  if (absl::IsNotFound(s)) return UserContacts();
  VIGIL_RETURN_IF_ERROR(s);
  MfaUserRecord u;
  if (!u.Decode(value)) {
    return absl::DataLossError("store: MFA settings of user are unreadable");
  }
  return ContactsOf(u);
}

}  // namespace vigil::internal
