#pragma once

#include "crypto/CryptoError.h"

#include <QByteArray>
#include <QByteArrayView>

// Internal AES-256 primitives of the crypto layer (OpenSSL EVP behind a Qt-only interface).
// Keys are 32 bytes. Nothing here knows about salts, prefixes or envelopes.
namespace mk::crypto::aes {

// Full-block CFB (CFB128, Go cipher.NewCFBEncrypter/Decrypter); 16-byte IV; no padding.
[[nodiscard]] Result<QByteArray> cfbEncrypt(QByteArrayView key, QByteArrayView iv, QByteArrayView input);
[[nodiscard]] Result<QByteArray> cfbDecrypt(QByteArrayView key, QByteArrayView iv, QByteArrayView input);

// AES-256-GCM, 12-byte nonce, 16-byte tag appended, no AAD.
[[nodiscard]] Result<QByteArray> gcmSeal(QByteArrayView key, QByteArrayView nonce, QByteArrayView plaintext);
// `sealed` = ciphertext || tag. Tag mismatch → AuthenticationFailed.
[[nodiscard]] Result<QByteArray> gcmOpen(QByteArrayView key, QByteArrayView nonce, QByteArrayView sealed);

} // namespace mk::crypto::aes
