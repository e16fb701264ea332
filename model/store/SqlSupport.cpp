#include "model/store/SqlSupport.h"

#include "model/store/StoreLog.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace mk::store {

QString SqlSupport::quote(ConnectionSpec::Driver driver, const QString& identifier)
{
    if (driver == ConnectionSpec::Driver::Mysql)
        return QLatin1Char('`') + identifier + QLatin1Char('`');
    return QLatin1Char('"') + identifier + QLatin1Char('"');
}

Result<void> SqlSupport::exec(QSqlQuery& query,
                              ConnectionSpec::Driver driver,
                              const QString& sql,
                              const QVariantList& binds,
                              const QString& what)
{
    if (!query.prepare(sql))
        return std::unexpected(queryError(driver, query.lastError(), what));
    for (const QVariant& b : binds)
        query.addBindValue(b);
    if (!query.exec())
        return std::unexpected(queryError(driver, query.lastError(), what));
    return {};
}

Error SqlSupport::queryError(ConnectionSpec::Driver driver, const QSqlError& error, const QString& what)
{
    const QString native = error.nativeErrorCode();
    const QString text = error.text();
    // Info, not a warning: the error goes back to the caller, which reports it once (the CLI's
    // stderr would otherwise show every failure twice).
    qCInfo(lcStore).noquote() << what << "failed:" << text;
    if (driver == ConnectionSpec::Driver::Sqlite) {
        // SQLITE_BUSY = 5, SQLITE_LOCKED = 6, SQLITE_READONLY = 8, SQLITE_CORRUPT = 11,
        // SQLITE_FULL = 13, SQLITE_NOTADB = 26 (extended codes keep the primary code in the low byte)
        const int code = native.toInt() & 0xff;
        if (code == 5 || code == 6 || text.contains(QLatin1String("database is locked")))
            return Error{ErrorCode::Locked, text};
        if (code == 8 || text.contains(QLatin1String("readonly database")))
            return Error{ErrorCode::ReadOnly, text};
        if (code == 13 || text.contains(QLatin1String("database or disk is full")))
            return Error{ErrorCode::DiskFull, text};
        if (code == 11 || text.contains(QLatin1String("disk image is malformed")))
            return Error{ErrorCode::Damaged, text};
        if (code == 26 || text.contains(QLatin1String("not a database")))
            return Error{ErrorCode::NotSqlite, text};
    } else if (driver == ConnectionSpec::Driver::Postgres) {
        if (native == QLatin1String("25006"))
            return Error{ErrorCode::ReadOnly, text};
        // 53100 disk_full, 53200 out_of_memory
        if (native == QLatin1String("53100") || text.contains(QLatin1String("No space left on device")))
            return Error{ErrorCode::DiskFull, text};
        // SQLSTATE class 08 (connection exception), 57P01..57P03 (shutdown, crash, cannot connect
        // now); libpq's own messages carry no SQLSTATE.
        if (native.startsWith(QLatin1String("08")) || native.startsWith(QLatin1String("57P"))
            || text.contains(QLatin1String("server closed the connection"))
            || text.contains(QLatin1String("no connection to the server"))
            || text.contains(QLatin1String("terminating connection")))
            return Error{ErrorCode::ConnectionLost, text};
    } else {
        if (native == QLatin1String("1792"))
            return Error{ErrorCode::ReadOnly, text};
        // ER_DISK_FULL 1021, ER_RECORD_FILE_FULL 1114, ER_DISK_FULL_NOWAIT 1969 ("errno: 28" = ENOSPC)
        if (native == QLatin1String("1021") || native == QLatin1String("1114") || native == QLatin1String("1969")
            || text.contains(QLatin1String("No space left on device")))
            return Error{ErrorCode::DiskFull, text};
        // CR_SERVER_GONE_ERROR 2006, CR_SERVER_LOST 2013, CR_SERVER_LOST_EXTENDED 2055,
        // ER_CONNECTION_KILLED 1927, ER_SERVER_SHUTDOWN 1053.
        static const QStringList lost{QStringLiteral("2006"), QStringLiteral("2013"), QStringLiteral("2055"),
                                      QStringLiteral("1927"), QStringLiteral("1053")};
        if (lost.contains(native) || text.contains(QLatin1String("Lost connection"))
            || text.contains(QLatin1String("server has gone away")))
            return Error{ErrorCode::ConnectionLost, text};
    }
    return Error{ErrorCode::QueryFailed, what + QStringLiteral(": ") + text};
}

QByteArray SqlSupport::toBytes(const QVariant& value)
{
    if (value.typeId() == QMetaType::QByteArray)
        return value.toByteArray();
    return value.toString().toUtf8();
}

QString SqlSupport::toText(const QVariant& v)
{
    if (v.isNull())
        return {};
    if (v.typeId() == QMetaType::QDateTime)
        return v.toDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (v.typeId() == QMetaType::QByteArray)
        return QString::fromUtf8(v.toByteArray());
    return v.toString();
}

bool SqlSupport::toBool(const QVariant& v)
{
    if (v.typeId() == QMetaType::Bool)
        return v.toBool();
    const QString s = v.toString().trimmed().toLower();
    return s == QLatin1String("1") || s == QLatin1String("t") || s == QLatin1String("true");
}

QVariant SqlSupport::boolValue(ConnectionSpec::Driver driver, bool value)
{
    if (driver == ConnectionSpec::Driver::Postgres)
        return QVariant(value);
    return QVariant(value ? 1 : 0);
}

} // namespace mk::store
