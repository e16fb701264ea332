#pragma once

#include "model/store/SecretLocation.h"
#include "model/store/StoreError.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace mk::store {

class Database;

// One stored cell of a secret location, read as bytes (never through a lossy QString).
struct Cell
{
    QString rowId;
    QByteArray raw;
    bool isNull = false;
    bool isBlob = false; // storage class was BLOB (SQLite typeof / bytea / BLOB column)
    QString owner;       // display only
    QString org;         // the row's organisation id when the location has one (data_source.org_id)
    QString updated;     // the updated column as text, or empty
};

// Keyset pagination ordered by the id column (numeric for integer ids). Pass an empty afterRowId
// for the first page. Rows outside the location's fixed filter are never returned.
[[nodiscard]] Result<QList<Cell>> readCells(Database& db,
                                            const SecretLocation& location,
                                            const QString& afterRowId,
                                            int limit);

// The one row `rowId` (fixed filter applied), read like readCells(); nullopt when it is gone.
[[nodiscard]] Result<std::optional<Cell>> readCell(Database& db, const SecretLocation& location, const QString& rowId);

// Rows (not values) of a location, filter applied. A missing table counts 0.
[[nodiscard]] Result<qint64> countRows(Database& db, const SecretLocation& location);

// Optimistic write: UPDATE t SET col=?[, updated=?] WHERE id=? AND col=expectedOldRaw.
// No matching row -> Conflict. The row keeps its storage class (BLOB stays BLOB, TEXT stays TEXT).
// updatedUtc ("YYYY-MM-DD HH:MM:SS") is written only if the location has an updated column.
[[nodiscard]] Result<void> updateCell(Database& db,
                                      const SecretLocation& location,
                                      const QString& rowId,
                                      const QByteArray& expectedOldRaw,
                                      const QByteArray& newRaw,
                                      const QString& updatedUtc);

} // namespace mk::store
