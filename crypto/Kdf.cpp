#include "crypto/Kdf.h"

#include "crypto/CryptoLog.h"
#include "crypto/OpenSslErrors.h"
#include "crypto/OpenSslThread.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <cstring>

namespace mk::crypto {

namespace {

using sha256::Block;
using sha256::State;

const char* nonNull(QByteArrayView view)
{
    static const char empty[1] = {0};
    return view.data() != nullptr ? view.data() : empty;
}

template <typename T>
void wipe(T& object)
{
    OPENSSL_cleanse(&object, sizeof object);
}

SecretBytes pbkdf2Own(Sha256Backend backend, QByteArrayView password, QByteArrayView salt, int iterations, int keyLength)
{
    const sha256::CompressFunction compress = sha256::compressFunction(backend);

    // HMAC key block: the password, or its SHA-256 when longer than one block; zero padded.
    unsigned char key[64] = {};
    if (password.size() > 64) {
        QByteArray digest = sha256::hash(password, backend);
        std::memcpy(key, digest.constData(), 32);
        OPENSSL_cleanse(digest.data(), static_cast<std::size_t>(digest.size()));
    } else if (!password.isEmpty()) {
        std::memcpy(key, password.data(), static_cast<std::size_t>(password.size()));
    }
    unsigned char pad[64];
    for (std::size_t i = 0; i < 64; ++i)
        pad[i] = static_cast<unsigned char>(key[i] ^ 0x36);
    Block padBlock = sha256::loadBlock(pad);
    State inner = sha256::kInitialState;
    compress(inner, padBlock);
    for (std::size_t i = 0; i < 64; ++i)
        pad[i] = static_cast<unsigned char>(key[i] ^ 0x5c);
    padBlock = sha256::loadBlock(pad);
    State outer = sha256::kInitialState;
    compress(outer, padBlock);

    SecretBytes output = SecretBytes::zeroed(keyLength);
    auto* out = reinterpret_cast<unsigned char*>(output.mutableData());
    QByteArray saltBlock = salt.toByteArray();
    saltBlock.append(4, '\0');
    unsigned char digest[32];
    State u{};
    State t{};
    const int blocks = (keyLength + 31) / 32;
    for (int blockIndex = 1; blockIndex <= blocks; ++blockIndex) {
        // U_1 = HMAC(P, salt || INT(blockIndex))
        const auto index = static_cast<std::uint32_t>(blockIndex);
        const qsizetype at = saltBlock.size() - 4;
        saltBlock[at] = static_cast<char>(index >> 24);
        saltBlock[at + 1] = static_cast<char>(index >> 16);
        saltBlock[at + 2] = static_cast<char>(index >> 8);
        saltBlock[at + 3] = static_cast<char>(index);
        const State innerHash = sha256::finish(backend, inner, 64, saltBlock);
        sha256::storeState(innerHash, digest);
        u = sha256::finish(backend, outer, 64, QByteArrayView(reinterpret_cast<const char*>(digest), 32));
        t = u;
        sha256::pbkdf2Iterate(backend, inner, outer, u, t, iterations);

        sha256::storeState(t, digest);
        const int offset = (blockIndex - 1) * 32;
        std::memcpy(out + offset, digest, static_cast<std::size_t>(std::min(32, keyLength - offset)));
    }

    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(digest, sizeof digest);
    wipe(padBlock);
    wipe(inner);
    wipe(outer);
    wipe(u);
    wipe(t);
    return output;
}

} // namespace

SecretBytes pbkdf2Sha256OpenSsl(QByteArrayView password, QByteArrayView salt, int iterations, int keyLength)
{
    if (iterations < 1 || keyLength < 1 || password.size() > INT_MAX || salt.size() > INT_MAX)
        return {};
    detail::releaseOpenSslStateAtThreadExit();
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

SecretBytes pbkdf2Sha256Using(Sha256Backend backend, QByteArrayView password, QByteArrayView salt, int iterations, int keyLength)
{
    if (iterations < 1 || keyLength < 1 || !sha256::isAvailable(backend))
        return {};
    return pbkdf2Own(backend, password, salt, iterations, keyLength);
}

SecretBytes pbkdf2Sha256(QByteArrayView password, QByteArrayView salt, int iterations, int keyLength)
{
    // Without SHA-NI, OpenSSL's assembly (AVX2 etc.) beats our portable compression.
    if (activeSha256Backend() == Sha256Backend::ShaNi)
        return pbkdf2Sha256Using(Sha256Backend::ShaNi, password, salt, iterations, keyLength);
    return pbkdf2Sha256OpenSsl(password, salt, iterations, keyLength);
}

QString pbkdf2ImplementationName()
{
    return activeSha256Backend() == Sha256Backend::ShaNi ? QStringLiteral("own (sha-ni)")
                                                          : QStringLiteral("openssl");
}

Sha256Backend activeSha256Backend()
{
    static const Sha256Backend backend = sha256::bestBackend();
    return backend;
}

} // namespace mk::crypto
