#include "model/ops/InterruptedWriteJob.h"

#include "model/ModelLog.h"
#include "model/ops/OpenedDatabase.h"
#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SqliteJournal.h"

#include <QElapsedTimer>

namespace mk::model {

bool hasInterruptedWrite(const Target& target)
{
    return target.connection.driver == store::ConnectionSpec::Driver::Sqlite
        && store::hasHotJournal(target.connection.path);
}

Result<OperationResult> rollBackInterruptedWrite(const Target& target, JobContext* context)
{
    Q_UNUSED(context); // one short step: nothing to cancel halfway
    QElapsedTimer timer;
    timer.start();
    OperationResult result;
    result.operation = QStringLiteral("roll-back-interrupted-write");
    const QString where = target.connection.displayName();
    if (!hasInterruptedWrite(target)) {
        result.durationMs = timer.elapsed();
        return result; // nothing to play back
    }
    store::ConnectionSpec spec = target.connection;
    spec.readOnly = false;
    auto db = store::Database::open(spec);
    if (!db)
        return std::unexpected(fromStoreError(db.error(), where));
    // SQLite plays a hot journal back before the first read of a connection that may write.
    if (auto schema = store::detectSchema(*db); !schema)
        return std::unexpected(fromStoreError(schema.error(), where));
    if (store::hasHotJournal(spec.path))
        return std::unexpected(Error{ErrorKind::Failed,
                                     QStringLiteral("%1: the unfinished transaction is still there after a writing "
                                                    "open; another process may hold the database")
                                         .arg(where)});
    qCInfo(lcModel) << "rolled back the unfinished transaction of" << where;
    result.changed = 1;
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace mk::model
