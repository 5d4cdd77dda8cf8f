#include "auth/password.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "signing/base64.h"

namespace outpost::auth {
namespace {

// Low on purpose: the tests check behaviour, not cost (bench/auth_bench.cpp measures cost).
constexpr int kTestIterations = kMinPbkdf2Iterations;

const std::string kChinese = "我的密码很安全吗";        // 8 code points, 24 bytes
const std::string kChineseOther = "我的密码很安全吧";   // last character differs

std::vector<std::string> splitFields(const std::string& encoded) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dollar = encoded.find('$', start);
    out.push_back(encoded.substr(start, dollar == std::string::npos ? std::string::npos
                                                                    : dollar - start));
    if (dollar == std::string::npos) return out;
    start = dollar + 1;
  }
}

std::string joinFields(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += '$';
    out += fields[i];
  }
  return out;
}

// Flips one bit of the decoded field and re-encodes it canonically.
std::string flipBit(const std::string& base64_field) {
  std::string bytes = signing::decodeBase64(base64_field).value();
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  return signing::encodeBase64(bytes);
}

void expectMalformed(std::string_view encoded) {
  const Result<bool> result = verifyPassword("correct horse", encoded);
  ASSERT_FALSE(result.isOk()) << "accepted: " << encoded;
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << encoded;
  EXPECT_EQ(result.status().message().rfind("stored password hash is malformed: ", 0), 0u)
      << result.status().message();
}

TEST(PasswordHash, AsciiRoundTrip) {
  const std::string encoded = hashPassword("correct horse battery", kTestIterations);
  const Result<bool> ok = verifyPassword("correct horse battery", encoded);
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_TRUE(*ok);
}

TEST(PasswordHash, ChineseRoundTrip) {
  const std::string encoded = hashPassword(kChinese, kTestIterations);
  const Result<bool> ok = verifyPassword(kChinese, encoded);
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_TRUE(*ok);
  const Result<bool> other = verifyPassword(kChineseOther, encoded);
  ASSERT_TRUE(other.isOk());
  EXPECT_FALSE(*other);
}

TEST(PasswordHash, EncodedFormat) {
  const std::string encoded = hashPassword("correct horse", kTestIterations);
  const std::vector<std::string> fields = splitFields(encoded);
  ASSERT_EQ(fields.size(), 4u) << encoded;
  EXPECT_EQ(fields[0], "pbkdf2-sha256");
  EXPECT_EQ(fields[1], "1000");
  EXPECT_EQ(fields[2].size(), 24u);  // 16 bytes, padded base64
  EXPECT_EQ(fields[3].size(), 44u);  // 32 bytes, padded base64
  EXPECT_EQ(signing::decodeBase64(fields[2])->size(), 16u);
  EXPECT_EQ(signing::decodeBase64(fields[3])->size(), 32u);
}

TEST(PasswordHash, SameInputGivesDifferentSaltsAndHashes) {
  const std::string a = hashPassword("correct horse", kTestIterations);
  const std::string b = hashPassword("correct horse", kTestIterations);
  EXPECT_NE(a, b);
  EXPECT_NE(splitFields(a)[2], splitFields(b)[2]);
  EXPECT_NE(splitFields(a)[3], splitFields(b)[3]);
  EXPECT_TRUE(*verifyPassword("correct horse", a));
  EXPECT_TRUE(*verifyPassword("correct horse", b));
}

TEST(PasswordHash, WrongPasswordIsFalse) {
  const std::string encoded = hashPassword("correct horse", kTestIterations);
  for (std::string_view wrong : {"correct hors", "correct horse ", "Correct horse", "", "x"}) {
    const Result<bool> result = verifyPassword(wrong, encoded);
    ASSERT_TRUE(result.isOk()) << result.status().toString();
    EXPECT_FALSE(*result) << wrong;
  }
}

TEST(PasswordHash, EmptyAndBinaryPasswordsRoundTrip) {
  const std::string empty = hashPassword("", kTestIterations);
  EXPECT_TRUE(*verifyPassword("", empty));
  EXPECT_FALSE(*verifyPassword("a", empty));

  const std::string with_nul("ab\0cd", 5);
  const std::string encoded = hashPassword(with_nul, kTestIterations);
  EXPECT_TRUE(*verifyPassword(with_nul, encoded));
  EXPECT_FALSE(*verifyPassword("ab", encoded));  // no truncation at the NUL
}

TEST(PasswordHash, IterationsAreClampedIntoRange) {
  EXPECT_EQ(splitFields(hashPassword("pw", 0))[1], "1000");
  EXPECT_EQ(splitFields(hashPassword("pw", -5))[1], "1000");
  EXPECT_EQ(splitFields(hashPassword("pw", 1234))[1], "1234");
  EXPECT_TRUE(*verifyPassword("pw", hashPassword("pw", 1)));
}

// Known answer: PBKDF2-HMAC-SHA256("passwordPASSWORDpassword",
// "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096) — the widely published test vector
// (first 32 bytes of 348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1...).
TEST(PasswordHash, VerifiesKnownAnswerVector) {
  const std::string encoded =
      "pbkdf2-sha256$4096$c2FsdFNBTFRzYWx0U0FMVHNhbHRTQUxUc2FsdFNBTFRzYWx0$"
      "NIyJ28vTKy8y2BS4EW6EzysXNH68GAAYHE4qH7jdU+E=";
  const Result<bool> ok = verifyPassword("passwordPASSWORDpassword", encoded);
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_TRUE(*ok);
  EXPECT_FALSE(*verifyPassword("passwordPASSWORDpassworD", encoded));
}

TEST(PasswordHash, TamperedHashIsFalse) {
  const std::string encoded = hashPassword("correct horse", kTestIterations);
  std::vector<std::string> fields = splitFields(encoded);
  fields[3] = flipBit(fields[3]);
  const Result<bool> result = verifyPassword("correct horse", joinFields(fields));
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  EXPECT_FALSE(*result);
}

TEST(PasswordHash, TamperedSaltIsFalse) {
  const std::string encoded = hashPassword("correct horse", kTestIterations);
  std::vector<std::string> fields = splitFields(encoded);
  fields[2] = flipBit(fields[2]);
  const Result<bool> result = verifyPassword("correct horse", joinFields(fields));
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  EXPECT_FALSE(*result);
}

TEST(PasswordHash, TamperedIterationsInRangeIsFalse) {
  const std::string encoded = hashPassword("correct horse", kTestIterations);
  std::vector<std::string> fields = splitFields(encoded);
  fields[1] = "1001";
  const Result<bool> result = verifyPassword("correct horse", joinFields(fields));
  ASSERT_TRUE(result.isOk()) << result.status().toString();
  EXPECT_FALSE(*result);
}

TEST(PasswordHash, TamperedIterationsOutOfRangeIsInvalid) {
  std::vector<std::string> fields = splitFields(hashPassword("correct horse", kTestIterations));
  for (const char* iterations : {"0", "999", "10000001", "99999999999999999999999999"}) {
    fields[1] = iterations;
    expectMalformed(joinFields(fields));
  }
}

TEST(PasswordHash, TruncatedHashIsInvalid) {
  const std::string encoded = hashPassword("correct horse", kTestIterations);
  expectMalformed(encoded.substr(0, encoded.size() - 4));  // still valid base64, 30 bytes
  expectMalformed(encoded.substr(0, encoded.size() - 1));  // not a multiple of 4
}

TEST(PasswordHash, MalformedStringsAreInvalidArgument) {
  const std::string good = hashPassword("correct horse", kTestIterations);
  const std::vector<std::string> f = splitFields(good);
  const std::string& salt = f[2];
  const std::string& hash = f[3];
  const std::vector<std::string> cases = {
      "",
      "$",
      "$$$",
      "$$$$",
      "pbkdf2-sha256",
      "pbkdf2-sha256$1000",
      "pbkdf2-sha256$1000$" + salt,
      "pbkdf2-sha256$1000$" + salt + "$",
      "pbkdf2-sha256$1000$$" + hash,
      "pbkdf2-sha256$$" + salt + "$" + hash,
      "pbkdf2-sha256$1000$" + salt + "$" + hash + "$",
      "pbkdf2-sha256$1000$" + salt + "$" + hash + "$extra",
      "$pbkdf2-sha256$1000$" + salt + "$" + hash,
      "pbkdf2-sha1$1000$" + salt + "$" + hash,
      "PBKDF2-SHA256$1000$" + salt + "$" + hash,
      "bcrypt$1000$" + salt + "$" + hash,
      "pbkdf2-sha256$abc$" + salt + "$" + hash,
      "pbkdf2-sha256$-1000$" + salt + "$" + hash,
      "pbkdf2-sha256$+1000$" + salt + "$" + hash,
      "pbkdf2-sha256$ 1000$" + salt + "$" + hash,
      "pbkdf2-sha256$1000 $" + salt + "$" + hash,
      "pbkdf2-sha256$01000$" + salt + "$" + hash,
      "pbkdf2-sha256$1e4$" + salt + "$" + hash,
      "pbkdf2-sha256$0x3e8$" + salt + "$" + hash,
      "pbkdf2-sha256$1000$!!!!" + salt.substr(4) + "$" + hash,
      "pbkdf2-sha256$1000$" + salt + "$" + hash.substr(0, 40) + "!!!=",
      "pbkdf2-sha256$1000$ " + salt + "$" + hash,
      "pbkdf2-sha256$1000$" + salt + "\n$" + hash,
      "pbkdf2-sha256$1000$" + salt + "$" + hash + "\n",
      "pbkdf2-sha256$1000$" + salt.substr(0, 22) + "$" + hash,        // unpadded
      "pbkdf2-sha256$1000$" + salt.substr(0, 22) + "=$" + hash,       // half padded
      "pbkdf2-sha256$1000$" + salt.substr(0, 22) + "===$" + hash,     // over padded
      "pbkdf2-sha256$1000$AAAAAAAAAAAAAAAA$" + hash,                  // 12-byte salt
      "pbkdf2-sha256$1000$" + salt + "$AAAA",                          // 3-byte hash
      "pbkdf2-sha256$1000$" + salt + "$" + hash + "AAAA",              // padding mid-field
      std::string("pbkdf2-sha256$1000$\0", 20) + salt + "$" + hash,    // embedded NUL
  };
  for (const std::string& encoded : cases) expectMalformed(encoded);
}

TEST(PasswordHash, NonCanonicalBase64IsInvalid) {
  std::vector<std::string> fields = splitFields(hashPassword("correct horse", kTestIterations));
  // The salt encodes 16 bytes: "xx==" at the end carries 4 unused bits that must be zero.
  std::string salt = fields[2];
  ASSERT_EQ(salt.substr(22), "==");
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::size_t index = alphabet.find(salt[21]);
  salt[21] = alphabet[index ^ 0x01];  // set the lowest unused bit
  fields[2] = salt;
  expectMalformed(joinFields(fields));
}

TEST(PasswordHash, MalformedMessageDoesNotEchoInput) {
  const Result<bool> result = verifyPassword("secret-pw", "pbkdf2-sha256$1000$c2VjcmV0LXB3$zzz");
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.status().message().find("c2VjcmV0LXB3"), std::string::npos);
  EXPECT_EQ(result.status().message().find("secret-pw"), std::string::npos);
}

TEST(PasswordHash, UrlSafeAlphabetIsRejected) {
  // Find a hash whose base64 contains '+' or '/', then spell it URL-safe.
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::vector<std::string> fields = splitFields(hashPassword("pw", kTestIterations));
    std::string& hash = fields[3];
    const std::size_t pos = hash.find_first_of("+/");
    if (pos == std::string::npos) continue;
    hash[pos] = hash[pos] == '+' ? '-' : '_';
    expectMalformed(joinFields(fields));
    return;
  }
  GTEST_SKIP() << "no '+' or '/' in 200 random hashes (probability ~0)";
}

TEST(PasswordPolicy, AcceptsReasonablePasswords) {
  EXPECT_TRUE(checkPasswordPolicy("abcdefgh").isOk());
  EXPECT_TRUE(checkPasswordPolicy("correct horse battery staple").isOk());
  EXPECT_TRUE(checkPasswordPolicy(kChinese).isOk()) << checkPasswordPolicy(kChinese).message();
  EXPECT_TRUE(checkPasswordPolicy("aaaaaaab").isOk());
  EXPECT_TRUE(checkPasswordPolicy("Ünïcödé!").isOk());  // 8 code points, 12 bytes
  EXPECT_TRUE(checkPasswordPolicy("😀😁😂🤣😃😄😅😆").isOk());  // 4-byte sequences
  EXPECT_TRUE(checkPasswordPolicy(std::string(255, 'a') + "b").isOk());  // exactly 256 bytes
}

TEST(PasswordPolicy, TooShortCountsCodePointsNotBytes) {
  const Status s = checkPasswordPolicy("abcdefg");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "password must be at least 8 characters long");
  // 7 Chinese characters are 21 bytes but only 7 characters.
  EXPECT_EQ(checkPasswordPolicy("我的密码很安全").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(checkPasswordPolicy("").code(), StatusCode::kInvalidArgument);
}

TEST(PasswordPolicy, TooLong) {
  const Status s = checkPasswordPolicy(std::string(256, 'a') + "b");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "password must be at most 256 bytes long (UTF-8)");
  // 86 Chinese characters = 258 bytes.
  std::string chinese;
  for (int i = 0; i < 43; ++i) chinese += "密码";
  EXPECT_EQ(checkPasswordPolicy(chinese).code(), StatusCode::kInvalidArgument);
}

TEST(PasswordPolicy, SingleRepeatedCharacter) {
  const Status s = checkPasswordPolicy("aaaaaaaa");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "password must not be a single character repeated");
  EXPECT_EQ(checkPasswordPolicy("密密密密密密密密").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(checkPasswordPolicy(std::string(256, 'z')).code(), StatusCode::kInvalidArgument);
}

TEST(PasswordPolicy, InvalidUtf8) {
  const std::vector<std::string> cases = {
      "abcdefg\xff",                 // invalid byte
      "abcdefg\xc3",                 // truncated 2-byte sequence
      "abcdefg\xe5\xaf",             // truncated 3-byte sequence
      "abcdefgh\x80",                // lone continuation byte
      "abcdefg\xc0\xaf",             // overlong '/'
      "abcdefg\xed\xa0\x80",         // UTF-16 surrogate
      "abcdefg\xf4\x90\x80\x80",     // above U+10FFFF
  };
  for (const std::string& pw : cases) {
    const Status s = checkPasswordPolicy(pw);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), "password is not valid UTF-8 text");
  }
}

}  // namespace
}  // namespace outpost::auth
