#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/store/Database.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SchemaInfo.h"
#include "model/store/StoreError.h"

#include <QList>

#include <memory>

namespace mk::store {
class OperationLock;
}

namespace mk::model {

// A database opened for one job on the job's own thread, with its schema and data keys read.
struct OpenedDatabase
{
    // Writing jobs only: the per-database operation lock (store/OperationLock.h). Declared first,
    // so that it is released after the connection is closed.
    std::shared_ptr<store::OperationLock> operationLock;
    store::Database db;
    store::SchemaInfo schema;
    QList<store::DataKeyRow> dataKeys;
};

enum class AccessMode
{
    ReadOnly,
    ReadWrite,
};

// Opens the target's database (read-only unless asked), detects the schema, loads data_keys.
[[nodiscard]] Result<OpenedDatabase> openTarget(const Target& target, AccessMode mode);

// Maps a store failure onto a user-facing error naming the database.
Error fromStoreError(const store::Error& error, const QString& where);

// A failure of the database's surroundings rather than of one statement (server lost, file locked,
// read-only or damaged, disk full): an operation stops with fromStoreError's message (exit code
// 2) whichever statement met it, instead of reporting the statement as failed (exit code 1).
bool isEnvironmentError(const store::Error& error);

// "sqlite" | "postgres" | "mysql"
QString driverName(const store::ConnectionSpec& spec);

} // namespace mk::model
