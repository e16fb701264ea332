#include "crypto/Payload.h"

#include "crypto/AesCipher.h"
#include "crypto/Base64.h"
#include "crypto/DataKey.h"
#include "crypto/Kdf.h"
#include "crypto/SecretBytes.h"

#include <optional>

namespace mk::crypto {

namespace {

Result<SecretBytes> deriveKey(QByteArrayView secret, QByteArrayView salt)
{
    SecretBytes key = pbkdf2Sha256(secret, salt, kPbkdf2Iterations, kDerivedKeyLength);
    if (key.size() != kDerivedKeyLength)
        return fail(ErrorCode::Internal, QStringLiteral("PBKDF2 key derivation failed"));
    return key;
}

Result<void> validateEncryption(Algorithm algorithm, bool writePrefix, QByteArrayView salt)
{
    if (salt.size() != kSaltSize)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("salt must be %1 bytes, got %2").arg(kSaltSize).arg(salt.size()));
    if (!writePrefix && algorithm == Algorithm::AesGcm)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("an aes-gcm payload needs the algorithm prefix"));
    if (!writePrefix && (salt.front() == '*' || salt.front() == '#'))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("an unprefixed payload cannot start with '*' or '#'"));
    return {};
}

// Encrypts with an already derived key: [prefix] salt iv ciphertext [tag].
Result<QByteArray> sealBody(QByteArrayView key,
                            Algorithm algorithm,
                            bool writePrefix,
                            QByteArrayView salt,
                            QByteArrayView iv,
                            QByteArrayView plaintext)
{
    if (iv.size() != ivSize(algorithm))
        return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 needs a %2-byte IV/nonce, got %3")
                                                    .arg(QLatin1String(algorithmName(algorithm)))
                                                    .arg(ivSize(algorithm))
                                                    .arg(iv.size()));
    auto sealed = algorithm == Algorithm::AesGcm ? aes::gcmSeal(key, iv, plaintext)
                                                 : aes::cfbEncrypt(key, iv, plaintext);
    if (!sealed)
        return std::unexpected(sealed.error());
    QByteArray out;
    out.reserve((writePrefix ? kAlgorithmPrefixSize : 0) + salt.size() + iv.size() + sealed->size());
    if (writePrefix)
        out.append(algorithmPrefix(algorithm));
    out.append(salt);
    out.append(iv);
    out.append(*sealed);
    return out;
}

} // namespace

Result<PayloadInfo> inspectPayload(QByteArrayView payload)
{
    if (payload.isEmpty())
        return fail(ErrorCode::EmptyPayload, QStringLiteral("unable to derive encryption algorithm: empty payload"));

    PayloadInfo info;
    if (payload.front() == '*') {
        const qsizetype end = payload.indexOf('*', 1);
        if (end < 0) {
            info.bodyOffset = 1; // lone '*': dropped, the rest is a CFB body
        } else {
            auto name = base64::decodeRaw(payload.sliced(1, end - 1));
            if (!name)
                return fail(ErrorCode::BadBase64,
                            QStringLiteral("algorithm name: %1").arg(name.error().detail));
            info.prefixed = true;
            info.bodyOffset = end + 1;
            if (!name->isEmpty()) {
                const std::optional<Algorithm> algorithm = algorithmFromName(*name);
                if (!algorithm)
                    return fail(ErrorCode::UnknownAlgorithm,
                                QStringLiteral("no decipher available for algorithm '%1'")
                                    .arg(QString::fromLatin1(name->toPercentEncoding())));
                info.algorithm = *algorithm;
            }
        }
    }

    const qsizetype bodySize = payload.size() - info.bodyOffset;
    if (bodySize < minimumBodySize(info.algorithm))
        return fail(ErrorCode::Truncated, QStringLiteral("%1 body of %2 bytes is shorter than %3")
                                              .arg(QLatin1String(algorithmName(info.algorithm)))
                                              .arg(bodySize)
                                              .arg(minimumBodySize(info.algorithm)));
    return info;
}

Result<QByteArray> decryptPayload(QByteArrayView payload, QByteArrayView secret)
{
    auto info = inspectPayload(payload);
    if (!info)
        return std::unexpected(info.error());
    const QByteArrayView body = payload.sliced(info->bodyOffset);
    const QByteArrayView salt = body.first(kSaltSize);
    auto key = deriveKey(secret, salt);
    if (!key)
        return std::unexpected(key.error());

    if (info->algorithm == Algorithm::AesGcm) {
        return aes::gcmOpen(key->view(), body.sliced(kSaltSize, kGcmNonceSize),
                            body.sliced(kSaltSize + kGcmNonceSize));
    }
    return aes::cfbDecrypt(key->view(), body.sliced(kSaltSize, kCfbIvSize), body.sliced(kCfbHeaderSize));
}

Result<QByteArray> encryptPayload(QByteArrayView plaintext, QByteArrayView secret, const EncryptOptions& options)
{
    const QByteArray salt = options.salt.isEmpty() ? randomSalt() : options.salt;
    if (auto ok = validateEncryption(options.algorithm, options.writePrefix, salt); !ok)
        return std::unexpected(ok.error());
    const QByteArray iv = options.iv.isEmpty() ? randomBytes(static_cast<int>(ivSize(options.algorithm)))
                                               : options.iv;
    auto key = deriveKey(secret, salt);
    if (!key)
        return std::unexpected(key.error());
    return sealBody(key->view(), options.algorithm, options.writePrefix, salt, iv, plaintext);
}

// ---------------------------------------------------------------------------------------------

struct PayloadEncrypter::Private
{
    Algorithm algorithm = Algorithm::AesCfb;
    bool writePrefix = true;
    QByteArray salt;
    SecretBytes key;
    std::optional<Error> error;
};

PayloadEncrypter::PayloadEncrypter(QByteArrayView secret, Algorithm algorithm, bool writePrefix, QByteArray salt)
    : d(std::make_unique<Private>())
{
    d->algorithm = algorithm;
    d->writePrefix = writePrefix;
    d->salt = salt.isEmpty() ? randomSalt() : std::move(salt);
    if (auto ok = validateEncryption(algorithm, writePrefix, d->salt); !ok) {
        d->error = ok.error();
        return;
    }
    auto key = deriveKey(secret, d->salt);
    if (!key)
        d->error = key.error();
    else
        d->key = std::move(*key);
}

PayloadEncrypter::~PayloadEncrypter() = default;
PayloadEncrypter::PayloadEncrypter(PayloadEncrypter&& other) noexcept = default;
PayloadEncrypter& PayloadEncrypter::operator=(PayloadEncrypter&& other) noexcept = default;

bool PayloadEncrypter::isValid() const
{
    return d && !d->error;
}

QByteArray PayloadEncrypter::salt() const
{
    return d ? d->salt : QByteArray();
}

Algorithm PayloadEncrypter::algorithm() const
{
    return d ? d->algorithm : Algorithm::AesCfb;
}

bool PayloadEncrypter::writesPrefix() const
{
    return d ? d->writePrefix : false;
}

Result<QByteArray> PayloadEncrypter::encrypt(QByteArrayView plaintext) const
{
    if (!d)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("moved-from PayloadEncrypter"));
    return encryptWithIv(plaintext, randomBytes(static_cast<int>(ivSize(d->algorithm))));
}

Result<QByteArray> PayloadEncrypter::encryptWithIv(QByteArrayView plaintext, QByteArrayView iv) const
{
    if (!d)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("moved-from PayloadEncrypter"));
    if (d->error)
        return std::unexpected(*d->error);
    return sealBody(d->key.view(), d->algorithm, d->writePrefix, d->salt, iv, plaintext);
}

} // namespace mk::crypto
