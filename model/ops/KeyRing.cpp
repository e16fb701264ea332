#include "model/ops/KeyRing.h"

#include "crypto/KekProvider.h"
#include "crypto/Pkcs11Provider.h"
#include "crypto/SecretKeyProvider.h"

#include <QMutexLocker>

namespace mk::model {

namespace {

// A provider named by the configuration that cannot work here: every call fails with the reason.
class UnavailableProvider final : public crypto::KekProvider
{
public:
    UnavailableProvider(QString id, QString why)
        : m_id(std::move(id))
        , m_why(std::move(why))
    {
    }
    QString id() const override { return m_id; }
    crypto::Result<void> health() const override { return failure(); }
    crypto::Result<crypto::SecretBytes> unwrap(QByteArrayView) const override { return failure(); }
    crypto::Result<QByteArray> wrap(QByteArrayView) const override { return failure(); }

private:
    std::unexpected<crypto::Error> failure() const
    {
        return crypto::fail(crypto::ErrorCode::ProviderUnavailable, m_why);
    }
    QString m_id;
    QString m_why;
};

const QMap<QString, QString>* providerSection(
    const config::SecuritySettings& security, const QString& id)
{
    for (auto it = security.kmsProviders.cbegin(); it != security.kmsProviders.cend(); ++it)
        if (it.key().compare(id, Qt::CaseInsensitive) == 0)
            return &it.value();
    return nullptr;
}

// A provider listed in available_encryption_providers / encryption_provider (not secretKey.v1).
std::shared_ptr<crypto::KekProvider> makeProvider(
    const config::SecuritySettings& security, const QString& id)
{
    if (crypto::providerKind(id) != crypto::kPkcs11ProviderKind)
        return std::make_shared<UnavailableProvider>(id,
            QStringLiteral("KEK provider %1: kind '%2' is not supported by this build (supported: "
                           "%3, pkcs11.<name>)")
                .arg(id, crypto::providerKind(id), QLatin1String(crypto::kSecretKeyProviderId)));
    const QMap<QString, QString>* section = providerSection(security, id);
    if (!section)
        return std::make_shared<UnavailableProvider>(id,
            QStringLiteral("KEK provider %1 is listed but the configuration has no "
                           "[security.encryption.%1] section")
                .arg(id));
    auto settings = crypto::Pkcs11Settings::fromSection(id, *section);
    if (!settings)
        return std::make_shared<UnavailableProvider>(id, settings.error().detail);
    return std::make_shared<crypto::Pkcs11Provider>(std::move(*settings));
}

} // namespace

KeyRing::KeyRing(const Target& target, QList<store::DataKeyRow> rows)
    : m_rows(std::move(rows))
    , m_secretKey(QByteArrayView(target.secretKey))
    , m_currentProviderId(crypto::normalizeProviderId(target.config.security.encryptionProvider))
{
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowById.insert(m_rows.at(i).id, i);
    auto secretKeyProvider = std::make_shared<crypto::SecretKeyProvider>(m_secretKey.clone());
    m_providers.insert(secretKeyProvider->id(), secretKeyProvider);
    // Every provider in available_encryption_providers can unwrap; the current one also wraps.
    // PKCS#11 providers connect lazily, on their first use.
    const config::SecuritySettings& security = target.config.security;
    for (const QString& listed :
        security.availableEncryptionProviders + QStringList {m_currentProviderId}) {
        const QString id = crypto::normalizeProviderId(listed);
        if (!id.isEmpty() && !m_providers.contains(id))
            m_providers.insert(id, makeProvider(security, id));
    }
    for (auto it = security.kmsProviders.cbegin(); it != security.kmsProviders.cend(); ++it)
        if (!provider(it.key()))
            m_unlistedSections.insert(it.key().toLower());
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
            QStringLiteral("provider %1 of data key %2 is not configured%3")
                .arg(key.provider, id,
                    m_unlistedSections.contains(crypto::normalizeProviderId(key.provider).toLower())
                        ? QStringLiteral(" (its section exists: add it to [security] "
                                         "available_encryption_providers)")
                        : QString()));
    auto unwrapped = kek->unwrap(QByteArrayView(key.encryptedData));
    if (!unwrapped)
        return crypto::fail(unwrapped.error().code == crypto::ErrorCode::ProviderUnavailable
                ? crypto::ErrorCode::ProviderUnavailable
                : crypto::ErrorCode::DataKeyUnwrapFailed,
            unwrapped.error().detail);
    QMutexLocker lock(&m_mutex);
    m_cache.insert_or_assign(id, unwrapped->clone());
    return std::move(*unwrapped);
}

} // namespace mk::model
