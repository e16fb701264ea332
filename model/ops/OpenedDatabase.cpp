#include "model/ops/OpenedDatabase.h"

#include "model/store/OperationLock.h"
#include "model/store/SqliteJournal.h"

#include <QFileInfo>

namespace mk::model {

QString driverName(const store::ConnectionSpec& spec)
{
    switch (spec.driver) {
    case store::ConnectionSpec::Driver::Sqlite:
        return QStringLiteral("sqlite");
    case store::ConnectionSpec::Driver::Postgres:
        return QStringLiteral("postgres");
    case store::ConnectionSpec::Driver::Mysql:
        return QStringLiteral("mysql");
    }
    return {};
}

Error fromStoreError(const store::Error& error, const QString& where)
{
    switch (error.code) {
    case store::ErrorCode::BadUrl:
        return {ErrorKind::Usage, QStringLiteral("Invalid database URL: %1").arg(error.detail)};
    case store::ErrorCode::DriverMissing:
        return {ErrorKind::Connection,
                QStringLiteral("%1: the Qt SQL driver is not installed (%2)").arg(where, error.detail)};
    case store::ErrorCode::FileNotFound:
        return {ErrorKind::Connection, QStringLiteral("%1: no such database file").arg(where)};
    case store::ErrorCode::Locked:
        return {ErrorKind::Connection,
                QStringLiteral("%1 is locked by another process (still locked after waiting): %2")
                    .arg(where, error.detail)};
    case store::ErrorCode::ConnectionLost:
        return {ErrorKind::Connection,
                QStringLiteral("%1: the connection to the database server was lost (%2). Batches committed "
                               "before stay written and nothing else was; run the same command again to "
                               "finish.")
                    .arg(where, error.detail)};
    case store::ErrorCode::ConnectFailed:
        return {ErrorKind::Connection, QStringLiteral("Cannot connect to %1: %2").arg(where, error.detail)};
    case store::ErrorCode::NotMosaicoo:
        return {ErrorKind::NotMosaicoo,
                QStringLiteral("%1 is not a Mosaicoo/Grafana database: it has no data_keys table and "
                               "no secret tables")
                    .arg(where)};
    case store::ErrorCode::ReadOnly:
        return {ErrorKind::Connection,
                QStringLiteral("%1 is read-only: %2").arg(where, error.detail)};
    case store::ErrorCode::NotSqlite:
        return {ErrorKind::NotMosaicoo,
                QStringLiteral("%1 is not an SQLite database file (a text file, or another format)").arg(where)};
    case store::ErrorCode::Damaged:
        return {ErrorKind::Connection,
                QStringLiteral("%1 is a damaged SQLite file (%2): restore it from a backup (sqlite3's "
                               ".recover command may save what is still readable)")
                    .arg(where, error.detail)};
    case store::ErrorCode::DiskFull:
        return {ErrorKind::Connection,
                QStringLiteral("%1: the disk is full (%2). The transaction in progress was rolled back; "
                               "batches committed before it stay written and nothing else was. Free "
                               "space and run the same command again to finish.")
                    .arg(where, error.detail)};
    case store::ErrorCode::Busy:
        return {ErrorKind::Refused,
                QStringLiteral("%1: %2. Wait until it has finished; two operations at once would each "
                               "create data keys.")
                    .arg(where, error.detail)};
    case store::ErrorCode::QueryFailed:
    case store::ErrorCode::Conflict:
    case store::ErrorCode::Io:
        break;
    }
    return {ErrorKind::Failed, QStringLiteral("%1: %2").arg(where, error.detail)};
}

bool isEnvironmentError(const store::Error& error)
{
    return error.code != store::ErrorCode::QueryFailed && error.code != store::ErrorCode::Conflict
           && error.code != store::ErrorCode::Io;
}

namespace {

// A read-only SQLite connection cannot roll back the hot journal a killed writer left behind.
Error withHotJournalHint(Error error, const store::ConnectionSpec& spec, const store::Error& cause)
{
    if (spec.driver == store::ConnectionSpec::Driver::Sqlite && spec.readOnly
        && cause.code == store::ErrorCode::ReadOnly && store::hasHotJournal(spec.path))
        error.message += QStringLiteral(". It holds an unfinished transaction of a process that was "
                                        "stopped while writing (%1-journal): run the interrupted "
                                        "operation again (it rolls that transaction back first), or let "
                                        "Grafana/Mosaicoo open it once.")
                             .arg(spec.path);
    return error;
}

} // namespace

Result<OpenedDatabase> openTarget(const Target& target, AccessMode mode)
{
    store::ConnectionSpec spec = target.connection;
    spec.readOnly = mode == AccessMode::ReadOnly;
    const QString where = spec.displayName();
    auto db = store::Database::open(spec);
    if (!db && db.error().code == store::ErrorCode::FileNotFound
        && spec.driver == store::ConnectionSpec::Driver::Sqlite && QFileInfo(spec.path).isDir())
        return std::unexpected(Error{ErrorKind::Connection,
                                     QStringLiteral("%1 is a directory, not a database file: choose the "
                                                    "database file in it (grafana.db, mosaicoo.db)")
                                         .arg(where)});
    if (!db)
        return std::unexpected(withHotJournalHint(fromStoreError(db.error(), where), spec, db.error()));
    std::shared_ptr<store::OperationLock> lock;
    if (mode == AccessMode::ReadWrite) {
        auto taken = store::OperationLock::acquire(*db);
        if (!taken && taken.error().code == store::ErrorCode::Io) // the lock file cannot be made
            return std::unexpected(Error{ErrorKind::Connection, QStringLiteral("%1: %2 (set TMPDIR to a "
                                                                               "writable folder)")
                                                                    .arg(where, taken.error().detail)});
        if (!taken)
            return std::unexpected(fromStoreError(taken.error(), where));
        lock = std::make_shared<store::OperationLock>(std::move(*taken));
    }
    auto schema = store::detectSchema(*db);
    if (!schema)
        return std::unexpected(withHotJournalHint(fromStoreError(schema.error(), where), spec, schema.error()));
    QList<store::DataKeyRow> keys;
    if (schema->hasDataKeys) {
        auto loaded = store::loadDataKeys(*db);
        if (!loaded)
            return std::unexpected(fromStoreError(loaded.error(), where));
        keys = std::move(*loaded);
    }
    return OpenedDatabase{std::move(lock), std::move(*db), std::move(*schema), std::move(keys)};
}

} // namespace mk::model
