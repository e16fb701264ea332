#pragma once

#include "model/store/StoreError.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// The tables of Grafana's secrets manager (secrets-manager.md §2): secret_data_key,
// secret_encrypted_value, secret_secure_value. Opaque blobs only: no crypto here.
namespace mk::store {

class Database;

struct GsmLayout
{
    bool present = false;         // secret_data_key and secret_encrypted_value exist
    bool hasDataKeyIdColumn = false; // ≥12.3: secret_encrypted_value.data_key_id
    bool hasSecureValue = false;
};

struct GsmDataKeyRow
{
    QString uid;
    QString nameSpace;
    QString label;
    bool active = false;
    QString provider;
    QByteArray encryptedData;
    QString created; // "YYYY-MM-DD HH:MM:SS" as stored (DATETIME)
    QString updated;
};

struct GsmValueRow
{
    QString nameSpace;
    QString name;
    qint64 version = 0;
    QByteArray encryptedData;
    QString dataKeyId; // the column (empty when missing or '')
    qint64 created = 0;
    qint64 updated = 0;
    // The owning secret_secure_value row (hasOwner false: none).
    bool hasOwner = false;
    QString guid;
    QString description;
    QString keeper;
    QString decrypters;
    bool ownerActive = false;

    // "namespace/name/version": the row id in reports.
    QString rowId() const { return nameSpace + QLatin1Char('/') + name + QLatin1Char('/') + QString::number(version); }
};

// A secure value whose keeper is not the SQL one: no ciphertext in this database.
struct GsmExternalValue
{
    QString nameSpace;
    QString name;
    qint64 version = 0;
    QString keeper;
    QString externalId;
};

[[nodiscard]] Result<GsmLayout> detectGsmLayout(Database& db);
[[nodiscard]] Result<QList<GsmDataKeyRow>> loadGsmDataKeys(Database& db);
// Ordered by namespace, name, version.
[[nodiscard]] Result<QList<GsmValueRow>> loadGsmValues(Database& db);
// One row by its primary key (re-reads); nullopt-like: empty list when gone.
[[nodiscard]] Result<QList<GsmValueRow>> loadGsmValue(Database& db, const QString& nameSpace,
                                                      const QString& name, qint64 version);
[[nodiscard]] Result<QList<GsmExternalValue>> loadGsmExternalValues(Database& db);

[[nodiscard]] Result<void> insertGsmDataKey(Database& db, const GsmDataKeyRow& row);
// UPDATE secret_data_key SET active=false, updated=? WHERE active=true; rows changed.
[[nodiscard]] Result<qint64> deactivateAllGsmDataKeys(Database& db, const QString& updated);
// Sets provider, encrypted_data, updated. No such row: Conflict.
[[nodiscard]] Result<void> updateGsmDataKeyWrap(Database& db, const QString& uid, const QString& provider,
                                                const QByteArray& encryptedData, const QString& updated);
// Compare-and-set of one value: writes only if encrypted_data (and data_key_id when the column
// exists) still hold `old`. Returns false when the row changed meanwhile (or is gone).
[[nodiscard]] Result<bool> replaceGsmValue(Database& db, const GsmValueRow& old,
                                           const QByteArray& encryptedData, const QString& dataKeyId,
                                           qint64 updated);
[[nodiscard]] Result<qint64> deleteGsmDataKeys(Database& db, const QStringList& uids);
// Restore: the row's label, provider, encrypted_data and updated. No such row: Conflict.
[[nodiscard]] Result<void> restoreGsmDataKey(Database& db, const GsmDataKeyRow& row);
// Sets `active` (and updated) of one key. No such row: Conflict.
[[nodiscard]] Result<void> setGsmDataKeyActive(Database& db, const QString& uid, bool active, const QString& updated);

} // namespace mk::store
