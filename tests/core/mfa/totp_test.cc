// Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
//
// TOTP on liboath: RFC 6238 Appendix B, the window, base32 and otpauth URIs.

#include "mfa/totp.h"

#include <string>

#include "gtest/gtest.h"
#include "mfa/qr_svg.h"
#include "testing/mfa_testing.h"

namespace vigil::internal {
namespace {

struct Vector {
  int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

// RFC 6238 Appendix B (8 digits, 30 s steps, T0 = 0).
constexpr Vector kRfc6238[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

const std::string kSeed1 = "12345678901234567890";
const std::string kSeed256 = "12345678901234567890123456789012";
const std::string kSeed512 =
    "1234567890123456789012345678901234567890123456789012345678901234";

TotpParams Params(TotpAlgorithm a) {
  TotpParams p;
  p.algorithm = a;
  p.digits = 8;
  return p;
}

TEST(TotpTest, Rfc6238AppendixBVectors) {
  for (const Vector& v : kRfc6238) {
    SCOPED_TRACE(v.time);
    EXPECT_EQ(TotpCode(kSeed1, v.time, Params(TotpAlgorithm::kSha1)), v.sha1);
    EXPECT_EQ(TotpCode(kSeed256, v.time, Params(TotpAlgorithm::kSha256)), v.sha256);
    EXPECT_EQ(TotpCode(kSeed512, v.time, Params(TotpAlgorithm::kSha512)), v.sha512);
    int64_t step = -1;
    EXPECT_TRUE(TotpVerify(kSeed1, v.sha1, v.time, 0, Params(TotpAlgorithm::kSha1), &step));
    EXPECT_EQ(step, v.time / 30);
    EXPECT_TRUE(TotpVerify(kSeed256, v.sha256, v.time, 0,
                           Params(TotpAlgorithm::kSha256), &step));
    EXPECT_TRUE(TotpVerify(kSeed512, v.sha512, v.time, 0,
                           Params(TotpAlgorithm::kSha512), &step));
    EXPECT_FALSE(TotpVerify(kSeed1, v.sha256, v.time, 0,
                            Params(TotpAlgorithm::kSha1), &step));
  }
}

TEST(TotpTest, WindowAcceptsNeighbouringStepsOnly) {
  const TotpParams p;  // SHA1, 6 digits, 30 s
  const int64_t now = 1767225615;  // mid-step
  for (int k = -3; k <= 3; ++k) {
    SCOPED_TRACE(k);
    const std::string code = TotpCode(kSeed1, now + 30 * k, p);
    int64_t step = 0;
    const bool ok = TotpVerify(kSeed1, code, now, 1, p, &step);
    EXPECT_EQ(ok, k >= -1 && k <= 1);
    if (ok) EXPECT_EQ(step, now / 30 + k);
  }
}

TEST(TotpTest, MalformedCodesAreRejected) {
  const TotpParams p;
  const int64_t now = 1767225600;
  const std::string code = TotpCode(kSeed1, now, p);
  int64_t step;
  EXPECT_FALSE(TotpVerify(kSeed1, "", now, 1, p, &step));
  EXPECT_FALSE(TotpVerify(kSeed1, code + "0", now, 1, p, &step));
  EXPECT_FALSE(TotpVerify(kSeed1, code.substr(0, 5), now, 1, p, &step));
  EXPECT_FALSE(TotpVerify(kSeed1, "12a456", now, 1, p, &step));
}

TEST(TotpTest, MatchesOathtool) {
  const std::string b32 = Base32Encode(kSeed1);
  for (int64_t t : {59LL, 1111111109LL, 1767225600LL}) {
    EXPECT_EQ(vigil::testing::OathtoolCode(b32, t),
              TotpCode(kSeed1, t, TotpParams()));
  }
}

TEST(TotpTest, Base32Rfc4648) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode(kSeed1).size(), 32u);
}

TEST(TotpTest, OtpauthUriEscapesIssuerAndAccount) {
  EXPECT_EQ(OtpauthUri("Example Co", "alice@example.com", "JBSWY3DPEHPK3PXP",
                       TotpParams()),
            "otpauth://totp/Example%20Co:alice@example.com?secret="
            "JBSWY3DPEHPK3PXP&issuer=Example%20Co&algorithm=SHA1&digits=6&"
            "period=30");
}

TEST(TotpTest, QrSvgIsAnSvgDocument) {
  absl::StatusOr<std::string> svg = QrSvg("otpauth://totp/x:y?secret=AAAA");
  ASSERT_TRUE(svg.ok()) << svg.status();
  EXPECT_NE(svg->find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg->find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace vigil::internal
