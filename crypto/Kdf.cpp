#include "crypto/Kdf.h"

#include "crypto/CryptoLog.h"
#include "crypto/OpenSslErrors.h"

#include <openssl/evp.h>

#include <climits>

namespace mk::crypto {

namespace {

const char* nonNull(QByteArrayView view)
{
    static const char empty[1] = {0};
    return view.data() != nullptr ? view.data() : empty;
}

} // namespace

SecretBytes pbkdf2Sha256OpenSsl(QByteArrayView password, QByteArrayView salt, int iterations, int keyLength)
{
    if (iterations < 1 || keyLength < 1 || password.size() > INT_MAX || salt.size() > INT_MAX)
        return {};
    SecretBytes key = SecretBytes::zeroed(keyLength);
    const int ok = PKCS5_PBKDF2_HMAC(nonNull(password), static_cast<int>(password.size()),
                                     reinterpret_cast<const unsigned char*>(nonNull(salt)),
                                     static_cast<int>(salt.size()), iterations, EVP_sha256(), keyLength,
                                     reinterpret_cast<unsigned char*>(key.mutableData()));
    if (ok != 1) {
        qCWarning(lcCrypto).noquote() << detail::takeOpenSslErrors("PKCS5_PBKDF2_HMAC failed");
        return {};
    }
    return key;
}

SecretBytes pbkdf2Sha256(QByteArrayView password, QByteArrayView salt, int iterations, int keyLength)
{
    return pbkdf2Sha256OpenSsl(password, salt, iterations, keyLength);
}

} // namespace mk::crypto
