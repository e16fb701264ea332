#include "crypto/SecretKeyProvider.h"

#include "crypto/DataKey.h"

namespace mk::crypto {

SecretKeyProvider::SecretKeyProvider(SecretBytes secretKey, EncryptOptions wrapOptions)
    : m_secretKey(std::move(secretKey))
    , m_wrapOptions(std::move(wrapOptions))
{
}

SecretKeyProvider::~SecretKeyProvider() = default;

QString SecretKeyProvider::id() const
{
    return QString(kSecretKeyProviderId);
}

Result<SecretBytes> SecretKeyProvider::unwrap(QByteArrayView wrapped) const
{
    auto plain = decryptPayload(wrapped, m_secretKey.view());
    if (!plain)
        return fail(ErrorCode::DataKeyUnwrapFailed, QStringLiteral("secretKey.v1: %1").arg(plain.error().detail));
    SecretBytes dataKey{QByteArrayView(*plain)};
    plain->fill('\0');
    if (dataKey.size() != kDataKeySize)
        return fail(ErrorCode::DataKeyUnwrapFailed,
                    QStringLiteral("secretKey.v1: unwrapped data key has %1 bytes, expected %2")
                        .arg(dataKey.size())
                        .arg(kDataKeySize));
    return dataKey;
}

Result<QByteArray> SecretKeyProvider::wrap(QByteArrayView dataKey) const
{
    if (dataKey.size() != kDataKeySize)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("data key must be %1 bytes, got %2").arg(kDataKeySize).arg(dataKey.size()));
    return encryptPayload(dataKey, m_secretKey.view(), m_wrapOptions);
}

} // namespace mk::crypto
