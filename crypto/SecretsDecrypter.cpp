#include "crypto/SecretsDecrypter.h"

#include "crypto/Envelope.h"
#include "crypto/Payload.h"

namespace mk::crypto {

DataKeyLookup::~DataKeyLookup() = default;

Result<QByteArray> decryptSecret(QByteArrayView storedPayload, QByteArrayView secretKey, const DataKeyLookup& lookup)
{
    if (storedPayload.isEmpty())
        return fail(ErrorCode::EmptyPayload, QStringLiteral("unable to decrypt empty payload"));
    if (!isEnvelope(storedPayload))
        return decryptPayload(storedPayload, secretKey);

    auto parts = parseEnvelope(storedPayload);
    if (!parts)
        return std::unexpected(parts.error());
    auto dataKey = lookup.dataKey(parts->keyId);
    if (!dataKey)
        return std::unexpected(dataKey.error());
    return decryptPayload(storedPayload.sliced(parts->innerOffset), dataKey->view());
}

DataKeyTable::DataKeyTable() = default;
DataKeyTable::~DataKeyTable() = default;

void DataKeyTable::addProvider(std::shared_ptr<const KekProvider> provider)
{
    if (!provider)
        return;
    const QString id = normalizeProviderId(provider->id());
    const std::lock_guard lock(m_mutex);
    m_providers.insert(id, std::move(provider));
    // A new provider may unwrap differently: forget keys it could have produced.
    for (auto it = m_cache.begin(); it != m_cache.end();) {
        const auto row = m_rows.constFind(it.key());
        if (row == m_rows.cend() || row->providerId == id)
            it = m_cache.erase(it);
        else
            ++it;
    }
}

void DataKeyTable::addDataKey(const QByteArray& keyId, const QString& providerId, const QByteArray& wrapped)
{
    const std::lock_guard lock(m_mutex);
    m_rows.insert(keyId, Row{normalizeProviderId(providerId), wrapped});
    m_cache.remove(keyId);
}

void DataKeyTable::removeDataKey(const QByteArray& keyId)
{
    const std::lock_guard lock(m_mutex);
    m_rows.remove(keyId);
    m_cache.remove(keyId);
}

bool DataKeyTable::contains(const QByteArray& keyId) const
{
    const std::lock_guard lock(m_mutex);
    return m_rows.contains(keyId);
}

qsizetype DataKeyTable::size() const
{
    const std::lock_guard lock(m_mutex);
    return m_rows.size();
}

bool DataKeyTable::hasProvider(const QString& providerId) const
{
    const std::lock_guard lock(m_mutex);
    return m_providers.contains(normalizeProviderId(providerId));
}

Result<SecretBytes> DataKeyTable::dataKey(const QByteArray& keyId) const
{
    const std::lock_guard lock(m_mutex);
    if (const auto cached = m_cache.constFind(keyId); cached != m_cache.cend())
        return (*cached)->clone();

    const auto row = m_rows.constFind(keyId);
    if (row == m_rows.cend())
        return fail(ErrorCode::MissingDataKey,
                    QStringLiteral("data key not found: %1").arg(QString::fromLatin1(keyId.toPercentEncoding())));
    const auto provider = m_providers.constFind(row->providerId);
    if (provider == m_providers.cend())
        return fail(ErrorCode::ProviderUnavailable,
                    QStringLiteral("could not find encryption provider '%1'").arg(row->providerId));

    ++m_unwrapCount;
    auto unwrapped = (*provider)->unwrap(row->wrapped);
    if (!unwrapped) {
        const Error& error = unwrapped.error();
        if (error.code == ErrorCode::DataKeyUnwrapFailed)
            return std::unexpected(error);
        return fail(ErrorCode::DataKeyUnwrapFailed, QStringLiteral("%1: %2").arg(row->providerId, error.detail));
    }
    auto shared = std::make_shared<const SecretBytes>(unwrapped->clone());
    m_cache.insert(keyId, shared);
    return std::move(*unwrapped);
}

int DataKeyTable::unwrapCount() const
{
    const std::lock_guard lock(m_mutex);
    return m_unwrapCount;
}

void DataKeyTable::clearCache()
{
    const std::lock_guard lock(m_mutex);
    m_cache.clear();
}

} // namespace mk::crypto
