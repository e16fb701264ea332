#pragma once

#include "crypto/CryptoError.h"
#include "crypto/SecretBytes.h"
#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/FailureReason.h"
#include "model/ops/JobContext.h"
#include "model/ops/ValueRecord.h"
#include "model/store/SecretsManagerStore.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QString>

#include <map>
#include <memory>
#include <optional>

namespace mk::crypto {
class KekProvider;
}

// Grafana's secrets manager (`secret_*` tables, secrets-manager.md): its key ring, how a stored
// value is read in either layout, and the census / verify of the store.
namespace mk::model {

inline const QString kGsmStoreName = QStringLiteral("secrets-manager");
inline const QString kLegacyStoreName = QStringLiteral("legacy");
inline const QString kGsmValuesTable = QStringLiteral("secret_encrypted_value");
inline const QString kGsmDataKeysTable = QStringLiteral("secret_data_key");

// The [secrets_manager] providers with the secret_data_key rows. Unwraps lazily, thread-safe.
class GsmKeyRing
{
public:
    GsmKeyRing(const config::SecretsManagerSettings& settings, QList<store::GsmDataKeyRow> rows);
    ~GsmKeyRing();
    GsmKeyRing(const GsmKeyRing&) = delete;
    GsmKeyRing& operator=(const GsmKeyRing&) = delete;

    // MissingDataKey / ProviderUnavailable / DataKeyUnwrapFailed.
    [[nodiscard]] crypto::Result<crypto::SecretBytes> dataKey(const QString& uid) const;
    const crypto::KekProvider* provider(const QString& providerId) const; // nullptr: not configured
    const crypto::KekProvider* currentProvider() const;
    QString currentProviderId() const { return m_currentProviderId; }
    const QList<store::GsmDataKeyRow>& rows() const { return m_rows; }
    const store::GsmDataKeyRow* row(const QString& uid) const;
    // Adds (or replaces) a row, e.g. a data key created by consolidate.
    void addRow(const store::GsmDataKeyRow& row);

private:
    QList<store::GsmDataKeyRow> m_rows;
    QHash<QString, int> m_rowByUid;
    QString m_currentProviderId;
    QHash<QString, std::shared_ptr<crypto::KekProvider>> m_providers;
    mutable QMutex m_mutex;
    mutable std::map<QString, crypto::SecretBytes> m_cache;
};

// Where a value's data key id is and where its ciphertext starts.
struct GsmValueParts
{
    QString dataKeyId;
    QByteArray blob;           // "*YWVzLWdjbQ*" ...
    bool legacyLayout = false; // '#id#' prefix in encrypted_data (≤12.2)
    std::optional<FailureReason> problem; // malformed layout
};
GsmValueParts splitGsmValue(const store::GsmValueRow& row);

struct GsmFailure
{
    FailureReason reason = FailureReason::Other;
    QString detail; // never plaintext or key material
};

// Decrypts a value; the plaintext must never be logged or stored.
[[nodiscard]] std::expected<QByteArray, GsmFailure> decryptGsmValue(const store::GsmValueRow& row,
                                                                    const GsmKeyRing& ring);
// Encrypts a plaintext under a data key in the layout of the schema (data_key_id column or '#id#').
struct GsmEncrypted
{
    QByteArray encryptedData;
    QString dataKeyIdColumn; // what goes to data_key_id ('' in the ≤12.2 layout)
};
[[nodiscard]] crypto::Result<GsmEncrypted> encryptGsmValue(QByteArrayView plaintext,
                                                           const QString& dataKeyId,
                                                           QByteArrayView dataKey,
                                                           bool dataKeyIdColumn);

struct GsmDataKeyInfo
{
    store::GsmDataKeyRow row; // encryptedData cleared
    qint64 references = 0;
    bool unwrapOk = false;
    bool providerMissing = false;
    QString unwrapDetail;
};

struct GsmValueInfo
{
    QString nameSpace;
    QString name;
    qint64 version = 0;
    QString rowId;
    QString dataKeyId;
    bool legacyLayout = false;
    QString keeper;
    QString description;
    QString decrypters;
    bool hasOwner = false;
    std::optional<FailureReason> problem; // census: layout/orphan problems only
};

// What the Overview and status need to know about the store (no value decrypted).
struct GsmCensus
{
    bool present = false;
    bool dataKeyIdColumn = false;
    QString encryptionProvider;
    bool currentProviderConfigured = false;
    qint64 values = 0;
    qint64 legacyLayoutValues = 0;
    qint64 orphaned = 0;
    qint64 malformed = 0;
    qint64 externalValues = 0; // non-SQL keepers: no ciphertext here
    QList<GsmDataKeyInfo> dataKeys;
    QList<GsmValueInfo> valueList;
    QList<store::GsmExternalValue> external;
    QMap<QString, qint64> valuesPerNamespace;
    QMap<QString, qint64> dataKeysPerProvider;
};

[[nodiscard]] Result<GsmCensus> gsmCensus(store::Database& db, const Target& target);

struct GsmVerifyOutcome
{
    QString rowId;
    std::optional<GsmFailure> failure;
    QByteArray plaintextSha256;
};

struct GsmVerify
{
    bool present = false;
    qint64 checked = 0;
    qint64 ok = 0;
    qint64 failed = 0;
    QList<GsmVerifyOutcome> outcomes;
};

// The secrets pane's records of the store (no payload kept): one per secret_encrypted_value row
// (location gsmValuesLocationIndex(), row id namespace/name/version, owner from its
// secret_secure_value, format envelope-gcm or malformed, problems found without decrypting) and one
// per secure value of another keeper (location gsmExternalLocationIndex(): no ciphertext here).
// Empty when the tables do not exist.
[[nodiscard]] Result<QList<ValueRecord>> gsmPaneRecords(store::Database& db);
// "namespace/name: description · keeper k" for the Owner column.
QString gsmOwnerText(const QString& nameSpace, const QString& name, const QString& description,
                     const QString& keeper, bool hasOwner);

[[nodiscard]] Result<GsmVerify> gsmVerify(store::Database& db, const Target& target, JobContext* context);

} // namespace mk::model
