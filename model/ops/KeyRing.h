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
    const crypto::KekProvider* currentProvider() const;
    const crypto::KekProvider* provider(const QString& providerId) const;
    QByteArrayView secretKey() const { return m_secretKey.view(); }

private:
    QList<store::DataKeyRow> m_rows;
    QHash<QString, int> m_rowById;
    crypto::SecretBytes m_secretKey;
    QString m_currentProviderId;
    QHash<QString, std::shared_ptr<crypto::KekProvider>> m_providers; // by normalised id
    mutable QMutex m_mutex;
    mutable std::map<QString, crypto::SecretBytes> m_cache;
};

} // namespace mk::model
