#pragma once

#include "crypto/SecretBytes.h"
#include "crypto/Sha256.h"

#include <QByteArrayView>
#include <QString>

namespace mk::crypto {

inline constexpr int kPbkdf2Iterations = 10000;
inline constexpr int kDerivedKeyLength = 32;

// PBKDF2-HMAC-SHA256 (formats.md §1.1). The password is used byte for byte (may contain NUL).
// Returns an empty SecretBytes when iterations < 1 or keyLength < 1 (or on an internal failure);
// a successful derivation is never empty.
// When the CPU has SHA-NI this is our own implementation on precomputed HMAC inner/outer states:
// every iteration is exactly two SHA-256 compressions of one padded block, kept in registers
// (about 7x faster than OpenSSL 3.0 here). Without SHA-NI it is OpenSSL's, which beats our portable
// compression. Output is identical either way (self-test and kdf vectors check all three).
[[nodiscard]] SecretBytes pbkdf2Sha256(QByteArrayView password,
                                       QByteArrayView salt,
                                       int iterations = kPbkdf2Iterations,
                                       int keyLength = kDerivedKeyLength);

// The same computed by OpenSSL's PKCS5_PBKDF2_HMAC (reference for tests and benchmarks).
[[nodiscard]] SecretBytes pbkdf2Sha256OpenSsl(QByteArrayView password,
                                              QByteArrayView salt,
                                              int iterations = kPbkdf2Iterations,
                                              int keyLength = kDerivedKeyLength);

// The same with an explicit SHA-256 backend (tests, benchmarks). Empty when `backend` is not
// available on this CPU.
[[nodiscard]] SecretBytes pbkdf2Sha256Using(Sha256Backend backend,
                                            QByteArrayView password,
                                            QByteArrayView salt,
                                            int iterations = kPbkdf2Iterations,
                                            int keyLength = kDerivedKeyLength);

// The fastest SHA-256 backend on this machine (ShaNi or Portable).
[[nodiscard]] Sha256Backend activeSha256Backend();
// What pbkdf2Sha256 runs on this machine: "own (sha-ni)" or "openssl".
[[nodiscard]] QString pbkdf2ImplementationName();

} // namespace mk::crypto
