#pragma once

#include "model/store/StoreError.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace mk::store {

class Database;

// One row of data_keys. `id` is the key column (normally `name`), `label` is empty on 8.x schemas.
struct DataKeyRow
{
    QString id;
    QString label;
    QString provider;
    QString scope;
    bool active = false;
    QByteArray encryptedData;
    QString created; // "YYYY-MM-DD HH:MM:SS" as stored
    QString updated;
};

[[nodiscard]] Result<QList<DataKeyRow>> loadDataKeys(Database& db);
[[nodiscard]] Result<void> insertDataKey(Database& db, const DataKeyRow& row);
// Sets provider, label (if the column exists), encrypted_data and updated. No such row: Conflict.
[[nodiscard]] Result<void> updateDataKeyWrap(Database& db,
                                             const QString& id,
                                             const QString& provider,
                                             const QString& label,
                                             const QByteArray& encryptedData,
                                             const QString& updated);
// UPDATE data_keys SET active=false WHERE active=true; returns the number of rows changed.
[[nodiscard]] Result<qint64> deactivateAllDataKeys(Database& db);
// UPDATE data_keys SET active=? WHERE id=?; no such row: Conflict.
[[nodiscard]] Result<void> setDataKeyActive(Database& db, const QString& id, bool active);
// Returns the number of rows deleted.
[[nodiscard]] Result<qint64> deleteDataKeys(Database& db, const QStringList& ids);
// Inside a transaction of Database::begin(), until it ends: no other transaction can look up a
// data key to encrypt with, so a scan for references followed by deleteDataKeys() cannot miss a
// value a server writes meanwhile. PostgreSQL: LOCK TABLE data_keys IN ACCESS EXCLUSIVE MODE
// (waits for transactions that read data_keys, blocks new reads); SQLite: begin() already holds
// the write lock; MySQL: SELECT ... FOR UPDATE of every key (blocks new keys, not plain reads).
[[nodiscard]] Result<void> lockDataKeys(Database& db);

} // namespace mk::store
