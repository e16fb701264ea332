#include "crypto/GsmCipher.h"

#include "crypto/AesCipher.h"
#include "crypto/Base64.h"
#include "crypto/DataKey.h"
#include "crypto/Envelope.h"
#include "crypto/Kdf.h"

namespace mk::crypto::gsm {

namespace {

constexpr qsizetype kBodyMinimum = kSaltSize + kNonceSize + 16;

Result<SecretBytes> deriveKey(QByteArrayView password, QByteArrayView salt)
{
    SecretBytes key = pbkdf2Sha256(password, salt);
    if (key.isEmpty())
        return fail(ErrorCode::Internal, QStringLiteral("PBKDF2 failed"));
    return key;
}

} // namespace

Result<QByteArray> sealBody(QByteArrayView password,
                            QByteArrayView plaintext,
                            QByteArrayView salt,
                            QByteArrayView nonce)
{
    const QByteArray saltBytes = salt.isEmpty() ? randomBytes(kSaltSize) : salt.toByteArray();
    const QByteArray nonceBytes = nonce.isEmpty() ? randomBytes(kNonceSize) : nonce.toByteArray();
    if (saltBytes.size() != kSaltSize || nonceBytes.size() != kNonceSize)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("secrets-manager salt must be 8 bytes and nonce 12 bytes"));
    auto key = deriveKey(password, saltBytes);
    if (!key)
        return std::unexpected(key.error());
    auto sealed = aes::gcmSeal(key->view(), nonceBytes, plaintext);
    if (!sealed)
        return std::unexpected(sealed.error());
    return saltBytes + nonceBytes + *sealed;
}

Result<QByteArray> openBody(QByteArrayView password, QByteArrayView body)
{
    if (body.size() < kBodyMinimum)
        return fail(ErrorCode::Truncated, QStringLiteral("secrets-manager body of %1 bytes is shorter than %2")
                                              .arg(body.size())
                                              .arg(kBodyMinimum));
    auto key = deriveKey(password, body.first(kSaltSize));
    if (!key)
        return std::unexpected(key.error());
    return aes::gcmOpen(key->view(), body.sliced(kSaltSize, kNonceSize), body.sliced(kSaltSize + kNonceSize));
}

Result<QByteArray> encrypt(QByteArrayView password, QByteArrayView plaintext, QByteArrayView salt, QByteArrayView nonce)
{
    auto body = sealBody(password, plaintext, salt, nonce);
    if (!body)
        return std::unexpected(body.error());
    return QByteArray(kPrefix.data(), kPrefix.size()) + *body;
}

Result<QByteArray> decrypt(QByteArrayView password, QByteArrayView blob)
{
    if (blob.isEmpty())
        return fail(ErrorCode::EmptyPayload, QStringLiteral("empty secrets-manager value"));
    if (!blob.startsWith(QByteArrayView(kPrefix.data(), kPrefix.size())))
        return fail(ErrorCode::UnknownAlgorithm, QStringLiteral("secrets-manager value without the *YWVzLWdjbQ* prefix"));
    return openBody(password, blob.sliced(kPrefix.size()));
}

bool hasLegacyIdPrefix(QByteArrayView encryptedData)
{
    return isEnvelope(encryptedData);
}

Result<LegacyLayout> splitLegacyLayout(QByteArrayView encryptedData)
{
    auto parts = parseEnvelope(encryptedData);
    if (!parts)
        return std::unexpected(parts.error());
    return LegacyLayout{parts->keyId, encryptedData.sliced(parts->innerOffset).toByteArray()};
}

QByteArray joinLegacyLayout(QByteArrayView dataKeyId, QByteArrayView blob)
{
    return buildEnvelope(dataKeyId, blob);
}

SecretKeyKek::SecretKeyKek(QString providerId, SecretBytes secretKey)
    : m_id(std::move(providerId))
    , m_secretKey(std::move(secretKey))
{
}

SecretKeyKek::~SecretKeyKek() = default;

QString SecretKeyKek::id() const
{
    return m_id;
}

Result<SecretBytes> SecretKeyKek::unwrap(QByteArrayView wrapped) const
{
    auto raw = decrypt(m_secretKey.view(), wrapped);
    if (!raw)
        return fail(ErrorCode::DataKeyUnwrapFailed,
                    QStringLiteral("%1: %2").arg(m_id, raw.error().detail));
    SecretBytes key(*raw);
    raw->fill('\0');
    if (key.size() != kDataKeySize)
        return fail(ErrorCode::DataKeyUnwrapFailed,
                    QStringLiteral("%1: unwrapped data key has %2 bytes, not 16").arg(m_id).arg(key.size()));
    return key;
}

Result<QByteArray> SecretKeyKek::wrap(QByteArrayView dataKey) const
{
    if (dataKey.size() != kDataKeySize)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("a data key has 16 bytes"));
    return encrypt(m_secretKey.view(), dataKey);
}

} // namespace mk::crypto::gsm
