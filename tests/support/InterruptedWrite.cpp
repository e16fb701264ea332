#include "tests/support/InterruptedWrite.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace mk::test {

namespace {

QString copyOver(const QString& from, const QString& to)
{
    QFile::remove(to);
    if (!QFile::copy(from, to))
        return QStringLiteral("cannot copy %1 to %2").arg(from, to);
    QFile::setPermissions(to, QFile::ReadOwner | QFile::WriteOwner);
    return {};
}

} // namespace

QString makeInterruptedWriteCopy(const QString& databasePath, const QString& destination)
{
    const QString work = destination + QStringLiteral(".writer");
    if (QString error = copyOver(databasePath, work); !error.isEmpty())
        return error;
    const QString name = QStringLiteral("interrupted-write-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(work);
        if (!db.open())
            return db.lastError().text();
        QSqlQuery q(db);
        const auto exec = [&q, &error](const QString& sql) {
            if (error.isEmpty() && !q.exec(sql))
                error = sql + QStringLiteral(": ") + q.lastError().text();
        };
        exec(QStringLiteral("PRAGMA journal_mode=DELETE"));
        exec(QStringLiteral("PRAGMA synchronous=FULL"));
        exec(QStringLiteral("PRAGMA cache_size=8")); // a small cache: changed pages spill to the file
        exec(QStringLiteral("BEGIN IMMEDIATE"));
        exec(QStringLiteral("UPDATE data_source SET name = name || '%1'").arg(QLatin1String(kUnfinishedSuffix)));
        exec(QStringLiteral("CREATE TABLE mk_unfinished(x BLOB)"));
        for (int i = 0; i < 512 && error.isEmpty(); ++i)
            exec(QStringLiteral("INSERT INTO mk_unfinished VALUES (zeroblob(4096))"));
        // The moment of the kill: the file and its journal as they are now.
        if (error.isEmpty())
            error = copyOver(work, destination);
        if (error.isEmpty())
            error = copyOver(work + QStringLiteral("-journal"), destination + QStringLiteral("-journal"));
        q.exec(QStringLiteral("ROLLBACK"));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    QFile::remove(work);
    QFile::remove(work + QStringLiteral("-journal"));
    if (!error.isEmpty())
        return error;
    QFile journal(destination + QStringLiteral("-journal"));
    if (!journal.open(QIODevice::ReadOnly) || journal.size() == 0 || journal.read(1).at(0) == 0)
        return QStringLiteral("SQLite left no hot journal next to %1").arg(destination);
    return {};
}

} // namespace mk::test
