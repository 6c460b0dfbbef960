// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// AES-256-GCM key ring: parsing, sealing, tampering, rotation.

#include "mfa/keyring.h"

#include <string>

#include "gtest/gtest.h"
#include "testing/test_util.h"

namespace vigil::internal {
namespace {

constexpr char kKey[] =
    "k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

TEST(KeyRingTest, SealOpenRoundTrip) {
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(kKey, "keys");
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ(ring->current_id(), "k1");
  absl::StatusOr<SealedBox> box = ring->Seal("top secret", "aad-1");
  ASSERT_TRUE(box.ok());
  EXPECT_EQ(box->key_id, "k1");
  EXPECT_EQ(box->nonce.size(), 12u);
  EXPECT_EQ(box->ciphertext.size(), 10u + 16u);
  EXPECT_EQ(box->ciphertext.find("top secret"), std::string::npos);
  absl::StatusOr<SecretBytes> plain = ring->Open(*box, "aad-1");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->Equals("top secret"));
  // Two seals of one value differ (fresh nonce).
  EXPECT_NE(ring->Seal("top secret", "aad-1")->ciphertext, box->ciphertext);
}

TEST(KeyRingTest, TamperingWrongAadAndUnknownKeyAreRefused) {
  KeyRing ring = *KeyRing::Parse(kKey, "keys");
  SealedBox box = *ring.Seal("top secret", "user-a");
  EXPECT_TRUE(absl::IsDataLoss(ring.Open(box, "user-b").status()));
  SealedBox flipped = box;
  flipped.ciphertext[0] ^= 1;
  EXPECT_TRUE(absl::IsDataLoss(ring.Open(flipped, "user-a").status()));
  SealedBox tag = box;
  tag.ciphertext.back() ^= 1;
  EXPECT_TRUE(absl::IsDataLoss(ring.Open(tag, "user-a").status()));
  SealedBox other = box;
  other.key_id = "k9";
  EXPECT_TRUE(absl::IsNotFound(ring.Open(other, "user-a").status()));
}

TEST(KeyRingTest, BadFilesAreRefusedWithoutQuotingKeys) {
  for (const char* text :
       {"", "# only a comment\n", "k1 0011\n", "k1 zz02030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
        "bad/id 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
        "k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
        "k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"}) {
    absl::StatusOr<KeyRing> r = KeyRing::Parse(text, "keys");
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(std::string(r.status().message()).find("0e0f"), std::string::npos);
  }
}

TEST(KeyRingTest, RotationKeepsOldKeysReadableUntilDropped) {
  KeyRing ring = *KeyRing::Parse(kKey, "keys");
  SealedBox old = *ring.Seal("seed", "u");
  ring.Append(*KeyRing::Generate("k2"));
  EXPECT_EQ(ring.current_id(), "k2");
  EXPECT_TRUE(ring.Open(old, "u").ok());
  SealedBox fresh = *ring.Seal("seed", "u");
  EXPECT_EQ(fresh.key_id, "k2");
  ring.KeepOnlyCurrent();
  EXPECT_TRUE(absl::IsNotFound(ring.Open(old, "u").status()));
  EXPECT_TRUE(ring.Open(fresh, "u").ok());
  // Serialize / Parse round trip.
  absl::StatusOr<KeyRing> again = KeyRing::Parse(ring.Serialize().reveal(), "k");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->Open(fresh, "u").ok());
}

}  // namespace
}  // namespace vigil::internal
