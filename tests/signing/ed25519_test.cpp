#include "signing/ed25519.h"

#include <gtest/gtest.h>

#include "signing/digest.h"

namespace outpost::signing {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(isSha256Hex(sha256Hex("x")));
  EXPECT_FALSE(isSha256Hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  EXPECT_FALSE(isSha256Hex("abc"));
}

TEST(Ed25519, SignsAndVerifies) {
  auto pair = generateKeyPair();
  ASSERT_TRUE(pair.isOk()) << pair.status().toString();
  EXPECT_EQ(pair->public_b64.size(), 44u);
  auto pub = publicKeyOf(pair->private_pem);
  ASSERT_TRUE(pub.isOk());
  EXPECT_EQ(*pub, pair->public_b64);
  auto sig = signMessage(pair->private_pem, "hello 你好");
  ASSERT_TRUE(sig.isOk());
  EXPECT_TRUE(verifyMessage(pair->public_b64, "hello 你好", *sig).isOk());
}

TEST(Ed25519, RefusesAlteredMessagesOtherKeysAndMalformedInput) {
  auto a = generateKeyPair();
  auto b = generateKeyPair();
  ASSERT_TRUE(a.isOk() && b.isOk());
  auto sig = signMessage(a->private_pem, "version 7");
  ASSERT_TRUE(sig.isOk());
  EXPECT_FALSE(verifyMessage(a->public_b64, "version 8", *sig).isOk());
  EXPECT_FALSE(verifyMessage(b->public_b64, "version 7", *sig).isOk());
  std::string flipped = *sig;
  flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifyMessage(a->public_b64, "version 7", flipped).isOk());
  const Status bad_key = verifyMessage("not base64", "m", *sig);
  EXPECT_NE(bad_key.message().find("public key"), std::string::npos);
  const Status bad_sig = verifyMessage(a->public_b64, "m", "AAAA");
  EXPECT_NE(bad_sig.message().find("signature"), std::string::npos);
  EXPECT_FALSE(signMessage("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n", "m").isOk());
  EXPECT_FALSE(signMessage("", "m").isOk());
  EXPECT_FALSE(checkPublicKey("").isOk());
}

}  // namespace
}  // namespace outpost::signing
