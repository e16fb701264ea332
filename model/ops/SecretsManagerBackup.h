#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/OperationResult.h"
#include "model/store/SecretsManagerStore.h"

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

namespace mk::store {
class Database;
}

// The secrets-manager store (secret_data_key, secret_encrypted_value) in backups and restores:
// BackupJob's JSON export carries it under "secretsManager", an SQLite backup holds the tables
// themselves; restore puts it back under the legacy store's rules (proof that the backup belongs
// here, no silent replacement of other key material, owners compared, one transaction).
namespace mk::model {

struct GsmBackupContents
{
    bool present = false; // the secret_* tables existed where the backup was made
    QList<store::GsmDataKeyRow> dataKeys;
    // With their secret_secure_value owner (guid, description, keeper).
    QList<store::GsmValueRow> values;
};

// Reads the store of an open database (the live one or an SQLite backup); present=false without
// the tables.
[[nodiscard]] Result<GsmBackupContents> readGsmBackupContents(
    store::Database& db, const QString& where);

// The "secretsManager" object of a JSON backup (ciphertexts and wrapped keys in base64) and back.
QJsonObject gsmBackupToJson(const GsmBackupContents& contents);
// An absent object gives present=false. A damaged entry: Usage error naming `path`.
[[nodiscard]] Result<GsmBackupContents> gsmBackupFromJson(
    const QJsonValue& value, const QString& path);

// What restore will do with the store, decided before anything is written.
struct GsmRestorePlan
{
    bool active = false; // the backup holds something of this store
    QList<store::GsmDataKeyRow> insertKeys;
    QList<store::GsmDataKeyRow>
        restoreKeys; // differing wrap/provider/label: the backup's copy back
    QList<QPair<QString, bool>> activeFlags; // uid -> active as in the backup
    QStringList deactivateNewer; // active keys made after the backup
    qint64 newerKept = 0;
    qint64 sameMaterial = 0; // re-wrapped since, same key: left alone
    qint64 replacedConflicting = 0; // --replace-data-keys
    struct Value
    {
        store::GsmValueRow here; // current row (compare-and-set)
        store::GsmValueRow backup; // what goes back
    };
    QList<Value> rewrite;
    qint64 unchanged = 0;
    QList<ValueFailure> failures; // rows gone, other owners
};

// The checks (refusals come back as ErrorKind::Refused, nothing written) and the plan.
[[nodiscard]] Result<GsmRestorePlan> planGsmRestore(const Target& target,
    store::Database& db,
    const GsmBackupContents& backup,
    const QString& backupPath,
    bool replaceDataKeys,
    bool force);

// Applies the plan inside the caller's transaction (keys first, then values) and counts into
// `result`; a dry run only counts.
[[nodiscard]] Result<void> applyGsmRestore(
    store::Database& db, const GsmRestorePlan& plan, bool dryRun, OperationResult& result);

} // namespace mk::model
