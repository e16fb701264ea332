#pragma once

#include "crypto/SecretBytes.h"
#include "crypto/SecretsDecrypter.h"
#include "model/Target.h"
#include "model/store/DataKeyRow.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QSet>
#include <QString>

#include <map>
#include <memory>

namespace mk::crypto {
class KekProvider;
}

namespace mk::model {

// The data keys of one database with the KEK providers configured for it. Unwraps lazily and
// caches unwrapped keys (thread-safe), so a key costs one KEK operation per run, not per value.
class KeyRing final : public crypto::DataKeyLookup
{
public:
    KeyRing(const Target& target, QList<store::DataKeyRow> rows);
    ~KeyRing() override;

    crypto::Result<crypto::SecretBytes> dataKey(const QByteArray& keyId) const override;

    const QList<store::DataKeyRow>& rows() const { return m_rows; }
    QSet<QString> ids() const;
    // The provider that wraps new keys ([security] encryption_provider), if configured here.
    // Providers: secretKey.v1 plus every id in available_encryption_providers and the current one
    // (pkcs11.<name> from its [security.encryption.pkcs11.<name>] section, connecting lazily). A
    // listed provider that cannot work (no section, unsupported kind, wrong PIN, ...) is still
    // returned and fails every call with ProviderUnavailable; health() tells before a job writes.
    // nullptr: the id is not listed at all.
    const crypto::KekProvider* currentProvider() const;
    const crypto::KekProvider* provider(const QString& providerId) const;
    QByteArrayView secretKey() const { return m_secretKey.view(); }

private:
    QList<store::DataKeyRow> m_rows;
    QHash<QString, int> m_rowById;
    crypto::SecretBytes m_secretKey;
    QString m_currentProviderId;
    QHash<QString, std::shared_ptr<crypto::KekProvider>> m_providers; // by normalised id
    // Ids (lower case) of [security.encryption.<kind>.<name>] sections that are not listed providers.
    QSet<QString> m_unlistedSections;
    mutable QMutex m_mutex;
    mutable std::map<QString, crypto::SecretBytes> m_cache;
};

} // namespace mk::model
