#include "model/store/SqliteBackup.h"

#include "model/store/Database.h"
#include "model/store/SqlSupport.h"
#include "model/store/StoreLog.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace mk::store {

Result<void> backupSqlite(Database& db, const QString& targetPath)
{
    if (db.driver() != ConnectionSpec::Driver::Sqlite)
        return fail(ErrorCode::Io, QStringLiteral("backupSqlite needs an SQLite connection"));
    if (targetPath.isEmpty())
        return fail(ErrorCode::Io, QStringLiteral("empty backup path"));
    if (QFileInfo::exists(targetPath) || QFileInfo(targetPath).isSymLink())
        return fail(ErrorCode::Io, QStringLiteral("backup target exists: %1").arg(targetPath));

    // VACUUM INTO accepts an empty existing file: create it first with owner-only permissions.
    {
        QFile f(targetPath);
        if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return fail(ErrorCode::Io, QStringLiteral("cannot create %1: %2").arg(targetPath, f.errorString()));
        if (!f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
            f.close();
            QFile::remove(targetPath);
            return fail(ErrorCode::Io, QStringLiteral("cannot set permissions on %1").arg(targetPath));
        }
    }
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    if (!q.prepare(QStringLiteral("VACUUM INTO ?"))) {
        QFile::remove(targetPath);
        return std::unexpected(SqlSupport::queryError(db.driver(), q.lastError(), QStringLiteral("backup")));
    }
    q.addBindValue(targetPath);
    if (!q.exec()) {
        const Error e = SqlSupport::queryError(db.driver(), q.lastError(), QStringLiteral("backup"));
        QFile::remove(targetPath);
        return fail(e.code == ErrorCode::Locked || e.code == ErrorCode::DiskFull ? e.code : ErrorCode::Io, e.detail);
    }
    QFile::setPermissions(targetPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    qCInfo(lcStore).noquote() << "backup written to" << targetPath;
    return {};
}

} // namespace mk::store
