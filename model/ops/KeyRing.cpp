#include "model/ops/KeyRing.h"

#include "crypto/KekProvider.h"
#include "crypto/SecretKeyProvider.h"

#include <QMutexLocker>

namespace mk::model {

KeyRing::KeyRing(const Target& target, QList<store::DataKeyRow> rows)
    : m_rows(std::move(rows))
    , m_secretKey(QByteArrayView(target.secretKey))
    , m_currentProviderId(crypto::normalizeProviderId(target.config.security.encryptionProvider))
{
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowById.insert(m_rows.at(i).id, i);
    auto secretKeyProvider = std::make_shared<crypto::SecretKeyProvider>(m_secretKey.clone());
    m_providers.insert(secretKeyProvider->id(), secretKeyProvider);
}

KeyRing::~KeyRing() = default;

QSet<QString> KeyRing::ids() const
{
    QSet<QString> result;
    for (const store::DataKeyRow& row : m_rows)
        result.insert(row.id);
    return result;
}

const crypto::KekProvider* KeyRing::provider(const QString& providerId) const
{
    const auto it = m_providers.constFind(crypto::normalizeProviderId(providerId));
    return it == m_providers.cend() ? nullptr : it->get();
}

const crypto::KekProvider* KeyRing::currentProvider() const
{
    return provider(m_currentProviderId);
}

crypto::Result<crypto::SecretBytes> KeyRing::dataKey(const QByteArray& keyId) const
{
    const QString id = QString::fromUtf8(keyId);
    {
        QMutexLocker lock(&m_mutex);
        const auto cached = m_cache.find(id);
        if (cached != m_cache.end())
            return cached->second.clone();
    }
    const auto row = m_rowById.constFind(id);
    if (row == m_rowById.cend())
        return crypto::fail(crypto::ErrorCode::MissingDataKey,
                            QStringLiteral("data key %1 is not in data_keys").arg(id));
    const store::DataKeyRow& key = m_rows.at(*row);
    const crypto::KekProvider* kek = provider(key.provider);
    if (!kek)
        return crypto::fail(crypto::ErrorCode::ProviderUnavailable,
                            QStringLiteral("provider %1 of data key %2 is not configured")
                                .arg(key.provider, id));
    auto unwrapped = kek->unwrap(QByteArrayView(key.encryptedData));
    if (!unwrapped)
        return crypto::fail(crypto::ErrorCode::DataKeyUnwrapFailed, unwrapped.error().detail);
    QMutexLocker lock(&m_mutex);
    m_cache.insert_or_assign(id, unwrapped->clone());
    return std::move(*unwrapped);
}

} // namespace mk::model
