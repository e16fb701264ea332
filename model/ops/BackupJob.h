#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"
#include "model/store/DataKeyRow.h"

#include <QString>

// Backup and restore (product.md §3 rule 7). The wizards call runBackup before every writing
// operation; the CLI has `backup --out FILE` and `restore --from FILE`.
//
// * SQLite (default): an online copy of the whole database (VACUUM INTO), mode 0600.
// * PostgreSQL / MySQL (or format "json"): a JSON export (0600) of every data_keys row (wrapped
//   bytes in base64) and every non-empty secret cell of every location (raw bytes in base64), plus
//   the secrets-manager store (every secret_data_key row and every secret_encrypted_value row with
//   its secret_secure_value owner, SecretsManagerBackup.h), so restore can put back exactly those
//   bytes. An SQLite copy holds the secret_* tables as they are.
//
// restore first proves that the backup belongs to this database, and refuses (nothing written, dry
// runs alike) when a sample of its values does not decrypt with this installation's key, when a data
// key id holds other key material here than in the backup (unless the values here show that the
// backup's copy is the right one, or replaceDataKeys), or when most rows it names belong to other
// owners here. Then, in ONE transaction: data keys missing from the database are inserted, differing
// ones get the backup's wrapped bytes, provider and label back (re-wrapped copies of the same key are
// left alone), the `active` flags are set as in the backup (keys made since are kept, inactive);
// every secret cell whose bytes differ is rewritten (rows that no longer exist, or now belong to
// another owner, are reported and skipped; nothing is deleted). The secrets-manager store gets the
// same checks (its values decrypt here, no other key material under a uid, the same secure-value
// guids) and the same writes, in the same transaction.
namespace mk::model {

struct BackupOptions
{
    QString outPath;
    QString format; // "" = sqlite for SQLite databases, json otherwise; "sqlite" | "json"
};

struct RestoreOptions : OperationOptions
{
    QString fromPath;
    // Replace data keys whose key material differs from the backup's although the values here do
    // not show that the backup's copy is the right one (undoing a change of the secret key).
    bool replaceDataKeys = false;
};

[[nodiscard]] Result<OperationResult> runBackup(const Target& target,
                                                const BackupOptions& options,
                                                JobContext* context);
// The data_keys rows of a backup file made by runBackup (SQLite copy or JSON export), read with the
// same readers as restore; `format` gets "sqlite" or "json". Used by repair --data-keys-from.
[[nodiscard]] Result<QList<store::DataKeyRow>> readBackupDataKeys(const QString& path,
                                                                   QString* format,
                                                                   JobContext* context);

[[nodiscard]] Result<OperationResult> runRestore(const Target& target,
                                                 const RestoreOptions& options,
                                                 JobContext* context);

} // namespace mk::model
