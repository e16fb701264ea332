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
//   bytes in base64) and every non-empty secret cell of every location (raw bytes in base64), so
//   restore can put back exactly those bytes.
//
// restore reads either kind of file and writes back, in ONE transaction: data keys missing from the
// database are inserted, existing ones get their wrapped bytes, provider and label back; every secret
// cell whose bytes differ from the backup is rewritten (rows that no longer exist are reported and
// skipped; nothing is deleted). The `active` flags are not changed.
namespace mk::model {

struct BackupOptions
{
    QString outPath;
    QString format; // "" = sqlite for SQLite databases, json otherwise; "sqlite" | "json"
};

struct RestoreOptions : OperationOptions
{
    QString fromPath;
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
