// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// Contact details: a user's phone number and e-mail address, where one-time
// codes and notifications go. Set with the MFA settings; read by the code
// factors and by the notifier. Stored in the user's MFA record
// (Table::kTotp, MfaUserRecord::phone / email), the format existing stores
// have; only this service reads them there.

#ifndef VIGIL_CORE_SRC_MFA_CONTACTS_H_
#define VIGIL_CORE_SRC_MFA_CONTACTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mfa/mfa_records.h"
#include "vigil/store.h"

namespace vigil::internal {

struct UserContacts {
  std::string phone;  // E.164, e.g. +4915112345678; empty: none
  std::string email;  // empty: none
};

// InvalidArgument "phone: ..." / "email: ..." for a detail that is given
// but malformed.
absl::Status ValidateContacts(const UserContacts& contacts);

// The contact details kept in an MFA record, and setting them there.
UserContacts ContactsOf(const MfaUserRecord& record);
void SetContacts(const UserContacts& contacts, MfaUserRecord* record);

// Reads contact details. Thread-safe; `store` must outlive it.
class ContactDirectory {
 public:
  explicit ContactDirectory(Store* store) : store_(store) {}

  // The user's details (empty ones if none are stored); DataLoss if the
  // record is unreadable.
  absl::StatusOr<UserContacts> Get(absl::string_view user_id) const;

 private:
  Store* store_;
};

}  // namespace vigil::internal

#endif  // VIGIL_CORE_SRC_MFA_CONTACTS_H_
