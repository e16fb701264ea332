#pragma once

#include "crypto/CryptoError.h"
#include "crypto/KekProvider.h"
#include "crypto/SecretBytes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QString>

#include <memory>
#include <mutex>

// The full secrets-service decrypt of formats.md §1.8.
namespace mk::crypto {

// Resolves a data-key id (the decoded envelope id = data_keys.name) to its raw 16 bytes.
class DataKeyLookup
{
public:
    virtual ~DataKeyLookup();
    // Unknown id → MissingDataKey; provider not configured → ProviderUnavailable;
    // unwrap failure → DataKeyUnwrapFailed.
    [[nodiscard]] virtual Result<SecretBytes> dataKey(const QByteArray& keyId) const = 0;

protected:
    DataKeyLookup() = default;
    DataKeyLookup(const DataKeyLookup&) = default;
    DataKeyLookup& operator=(const DataKeyLookup&) = default;
};

// '#id#inner' → lookup(id) → decryptPayload(inner, data key); anything else →
// decryptPayload(payload, secretKey). Empty input → EmptyPayload.
[[nodiscard]] Result<QByteArray> decryptSecret(QByteArrayView storedPayload,
                                               QByteArrayView secretKey,
                                               const DataKeyLookup& lookup);

// An in-memory data_keys table: rows (id, provider, wrapped) plus the configured KEK providers.
// Unwraps lazily on first use and caches the raw keys, so verifying thousands of values costs one
// unwrap per data key. All methods are thread-safe.
class DataKeyTable final : public DataKeyLookup
{
public:
    DataKeyTable();
    ~DataKeyTable() override;
    DataKeyTable(const DataKeyTable&) = delete;
    DataKeyTable& operator=(const DataKeyTable&) = delete;

    // Registers a provider under normalizeProviderId(provider->id()); replaces one with that id.
    void addProvider(std::shared_ptr<const KekProvider> provider);
    // Adds or replaces a row; `providerId` is normalised ("secretKey" ≡ "secretKey.v1").
    // Replacing a row drops its cached key.
    void addDataKey(const QByteArray& keyId, const QString& providerId, const QByteArray& wrapped);
    void removeDataKey(const QByteArray& keyId);

    [[nodiscard]] bool contains(const QByteArray& keyId) const;
    [[nodiscard]] qsizetype size() const;
    [[nodiscard]] bool hasProvider(const QString& providerId) const;

    [[nodiscard]] Result<SecretBytes> dataKey(const QByteArray& keyId) const override;

    // Number of provider unwrap calls so far (cache misses that reached a provider).
    [[nodiscard]] int unwrapCount() const;
    // Forgets (and wipes) every cached raw key.
    void clearCache();

private:
    struct Row
    {
        QString providerId;
        QByteArray wrapped;
    };

    mutable std::mutex m_mutex;
    QHash<QByteArray, Row> m_rows;
    QHash<QString, std::shared_ptr<const KekProvider>> m_providers;
    mutable QHash<QByteArray, std::shared_ptr<const SecretBytes>> m_cache;
    mutable int m_unwrapCount = 0;
};

} // namespace mk::crypto
