#pragma once

#include "crypto/SecretBytes.h"

#include <QByteArray>
#include <QString>

// CSPRNG helpers (OpenSSL RAND_bytes). A failing CSPRNG is unrecoverable: these functions abort
// the process (qFatal) rather than return predictable bytes.
namespace mk::crypto {

inline constexpr qsizetype kDataKeySize = 16;
inline constexpr qsizetype kDataKeyIdLength = 14;

// A new data key: 16 random bytes (formats.md §1.7).
[[nodiscard]] SecretBytes generateDataKey();
// A new data-key id: 14 random characters of [a-z0-9] (formats.md §8), unbiased.
[[nodiscard]] QString generateDataKeyId();
// `n` random bytes (n <= 0 gives an empty array).
[[nodiscard]] QByteArray randomBytes(int n);
// A new payload salt: 8 random characters of [0-9A-Za-z] (formats.md §1.2), rejection sampled.
[[nodiscard]] QByteArray randomSalt();
// `length` random characters drawn uniformly from `alphabet` (2..256 symbols), rejection sampled.
[[nodiscard]] QByteArray randomString(int length, QByteArrayView alphabet);

} // namespace mk::crypto
