#include "signing/trust_store.h"

#include <gtest/gtest.h>

#include "signing/ed25519.h"

namespace outpost::signing {
namespace {

TEST(TrustStore, ParsesTheFileAndNamesTheBadLine) {
  auto k = generateKeyPair();
  ASSERT_TRUE(k.isOk());
  const std::string text = "# publishers\n\nhq-rules  ed25519  " + k->public_b64 + "   # rules\n";
  auto store = TrustStore::parse(text, "trust.txt");
  ASSERT_TRUE(store.isOk()) << store.status().toString();
  EXPECT_EQ(store->size(), 1u);

  auto bad = TrustStore::parse(text + "hq-2 rsa " + k->public_b64 + "\n", "trust.txt");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().where(), "trust.txt:4");
  EXPECT_FALSE(TrustStore::parse("hq ed25519\n", "t").isOk());
  EXPECT_FALSE(TrustStore::parse("hq ed25519 AAAA\n", "t").isOk());
  EXPECT_FALSE(TrustStore::parse("h/q ed25519 " + k->public_b64, "t").isOk());
  auto twice = TrustStore::parse(text + text, "t");
  ASSERT_FALSE(twice.isOk());
  EXPECT_EQ(twice.status().code(), StatusCode::kAlreadyExists);
}

TEST(TrustStore, VerifiesOnlyTrustedKeys) {
  auto k = generateKeyPair();
  auto other = generateKeyPair();
  ASSERT_TRUE(k.isOk() && other.isOk());
  TrustStore store;
  ASSERT_TRUE(store.add("hq", k->public_b64).isOk());
  auto sig = signMessage(k->private_pem, "bytes");
  ASSERT_TRUE(sig.isOk());
  EXPECT_TRUE(store.verify("bytes", Signature{"hq", *sig}).isOk());
  const Status unknown = store.verify("bytes", Signature{"branch", *sig});
  EXPECT_EQ(unknown.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(unknown.message().find("does not trust"), std::string::npos);
  auto forged = signMessage(other->private_pem, "bytes");
  EXPECT_FALSE(store.verify("bytes", Signature{"hq", *forged}).isOk());
}

TEST(Signature, StrictEnvelope) {
  auto s = parseSignature(R"({"alg":"ed25519","key_id":"hq","signature":"AAAA"})");
  ASSERT_TRUE(s.isOk());
  EXPECT_EQ(s->key_id, "hq");
  auto round = parseSignature(formatSignature(*s));
  ASSERT_TRUE(round.isOk());
  EXPECT_EQ(round->signature_b64, "AAAA");
  EXPECT_EQ(parseSignature(R"({"alg":"rsa","key_id":"hq","signature":"AAAA"})").status().where(), "/alg");
  EXPECT_EQ(parseSignature(R"({"alg":"ed25519","key_id":"hq","signature":"AAAA","x":1})").status().where(), "/x");
  EXPECT_EQ(parseSignature(R"({"alg":"ed25519","signature":"AAAA"})").status().where(), "/key_id");
  EXPECT_FALSE(parseSignature("[]").isOk());
  EXPECT_FALSE(parseSignature(std::string(5000, ' ')).isOk());
}

}  // namespace
}  // namespace outpost::signing
