#pragma once

#include "crypto/Algorithm.h"
#include "crypto/CryptoError.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

// The single-secret payload codec of Grafana's "encryption service" (formats.md §1.3–1.5):
//   ['*' base64_RawStd(algorithm) '*'] salt(8) || IV(16) || CFB ciphertext
//   '*YWVzLWdjbQ*' salt(8) || nonce(12) || GCM ciphertext || tag(16)
// The AES-256 key is PBKDF2-HMAC-SHA256(secret, salt, 10000, 32), derived for every payload.
namespace mk::crypto {

struct PayloadInfo
{
    Algorithm algorithm = Algorithm::AesCfb;
    bool prefixed = false;    // a '*name*' prefix (including '**') is present
    qsizetype bodyOffset = 0; // where the salt starts (0, 1 for a lone '*', or after the prefix)
};

// Applies the §1.5 prefix rules and the body size checks without decrypting:
// empty → EmptyPayload; no leading '*' → CFB body; '*' without a second '*' → CFB body after the
// '*'; '**' → CFB; name not unpadded base64 → BadBase64; unknown name → UnknownAlgorithm;
// CFB body < 24 or GCM body < 36 bytes → Truncated.
[[nodiscard]] Result<PayloadInfo> inspectPayload(QByteArrayView payload);

// Decrypts a payload with `secret` (the PBKDF2 password, used byte for byte).
// GCM tag mismatch → AuthenticationFailed. CFB with a wrong secret returns garbage without an
// error, exactly like Grafana; callers judge plausibility.
[[nodiscard]] Result<QByteArray> decryptPayload(QByteArrayView payload, QByteArrayView secret);

struct EncryptOptions
{
    Algorithm algorithm = Algorithm::AesCfb;
    bool writePrefix = true; // false = the ≤9.1 form (CFB only)
    QByteArray salt;         // empty → 8 random [0-9A-Za-z]; otherwise exactly 8 bytes (tests)
    QByteArray iv;           // empty → random 16 (CFB IV) / 12 (GCM nonce) bytes (tests)
};

// Encrypts `plaintext` with `secret`. InvalidArgument for a salt that is not 8 bytes, an IV of
// the wrong size, an unprefixed GCM payload (it would read back as CFB), or an unprefixed payload
// whose salt starts with '*' or '#' (it would be misread).
[[nodiscard]] Result<QByteArray> encryptPayload(QByteArrayView plaintext,
                                                QByteArrayView secret,
                                                const EncryptOptions& options = {});

// Encrypts many values under one secret with a single PBKDF2 (the re-encrypt fast path): the salt
// (random unless given) and the derived key are fixed for the encrypter's lifetime, every call
// uses a fresh random IV / nonce. Thread-safe for concurrent encrypt() calls.
class PayloadEncrypter
{
public:
    PayloadEncrypter(QByteArrayView secret, Algorithm algorithm, bool writePrefix, QByteArray salt = {});
    ~PayloadEncrypter();
    PayloadEncrypter(PayloadEncrypter&& other) noexcept;
    PayloadEncrypter& operator=(PayloadEncrypter&& other) noexcept;
    PayloadEncrypter(const PayloadEncrypter&) = delete;
    PayloadEncrypter& operator=(const PayloadEncrypter&) = delete;

    // False when the construction arguments were invalid; encrypt() then returns that error.
    [[nodiscard]] bool isValid() const;
    [[nodiscard]] QByteArray salt() const;
    [[nodiscard]] Algorithm algorithm() const;
    [[nodiscard]] bool writesPrefix() const;

    [[nodiscard]] Result<QByteArray> encrypt(QByteArrayView plaintext) const;
    // With a given IV / nonce (known-answer tests only; never reuse a GCM nonce).
    [[nodiscard]] Result<QByteArray> encryptWithIv(QByteArrayView plaintext, QByteArrayView iv) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace mk::crypto
