#pragma once

#include "crypto/SecretBytes.h"

#include <QByteArrayView>

namespace mk::crypto {

inline constexpr int kPbkdf2Iterations = 10000;
inline constexpr int kDerivedKeyLength = 32;

// PBKDF2-HMAC-SHA256 (formats.md §1.1). The password is used byte for byte (may contain NUL).
// Returns an empty SecretBytes when iterations < 1 or keyLength < 1 (or on an internal failure);
// a successful derivation is never empty.
[[nodiscard]] SecretBytes pbkdf2Sha256(QByteArrayView password,
                                       QByteArrayView salt,
                                       int iterations = kPbkdf2Iterations,
                                       int keyLength = kDerivedKeyLength);

// The same computed by OpenSSL's PKCS5_PBKDF2_HMAC (reference for tests and benchmarks).
[[nodiscard]] SecretBytes pbkdf2Sha256OpenSsl(QByteArrayView password,
                                              QByteArrayView salt,
                                              int iterations = kPbkdf2Iterations,
                                              int keyLength = kDerivedKeyLength);

} // namespace mk::crypto
