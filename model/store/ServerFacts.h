#pragma once

#include "model/store/StoreError.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mk::store {

class Database;

// The latest time one table shows a write of the server's own schedule (its periodic jobs, the
// alert evaluation, a user session, the remote cache, the alertmanager state).
struct WriteMark
{
    QString source;      // "server_lock.last_execution", ...
    QString detail;      // what wrote it (server_lock: the job's operation_uid), may be empty
    qint64 epochSeconds = 0; // UTC
};

// Reads the most recent write mark of every evidence table the database has. Integer columns hold
// Unix seconds; DATETIME/TIMESTAMP columns are read as text (no driver time-zone conversion) and
// taken as UTC, as the server writes them; an explicit offset in the text is honoured. Tables or
// columns a version lacks are skipped; empty tables give no mark.
[[nodiscard]] Result<QList<WriteMark>> readWriteMarks(Database& db);

// data_source.uid of every data source (empty when the table or column is missing): compared
// with what a running instance lists through its API to tell whether it uses this database.
[[nodiscard]] Result<QStringList> readDataSourceUids(Database& db);

// "2025-06-14 21:21:35.01086309+00:00", "2025-06-13 19:34:15", "2025-06-13T19:34:15Z" -> Unix
// seconds (no offset: UTC); -1 when not a timestamp.
qint64 parseUtcTimestamp(const QString& text);

} // namespace mk::store
