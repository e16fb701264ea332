#include "model/store/ServerFacts.h"

#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/StoreLog.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

namespace mk::store {

namespace {

using Driver = ConnectionSpec::Driver;

enum class Kind
{
    UnixSeconds,
    DateTime,
};

// One evidence column: the newest value, and optionally the column naming what wrote it.
struct Source
{
    const char* table;
    const char* column;
    const char* detailColumn; // nullptr: none
    Kind kind;
};

// Checked against the real fixtures' schemas (Grafana 9.3 to 12): server_lock, user_auth_token,
// alert_instance, cache_data and kv_store exist in all of them; alert_rule_state from 11.x on.
// - server_lock.last_execution: the periodic jobs' lock ("delete old login attempts" every 10
//   minutes, "cleanup expired auth tokens" hourly), whatever the load;
// - alert_instance.last_eval_time: every evaluation of an alert rule (default every minute);
// - user_auth_token.seen_at / rotated_at: an active session (rotated every 10 minutes);
// - cache_data.created_at: the database remote cache (ID tokens, plugin caches);
// - kv_store.updated: the alertmanager state (silences, notification log) saved periodically;
// - alert_rule_state.updated_at: the rule state saved by the scheduler (11.x).
constexpr Source kSources[] = {
    {"server_lock", "last_execution", "operation_uid", Kind::UnixSeconds},
    {"alert_instance", "last_eval_time", "rule_uid", Kind::UnixSeconds},
    {"user_auth_token", "seen_at", nullptr, Kind::UnixSeconds},
    {"user_auth_token", "rotated_at", nullptr, Kind::UnixSeconds},
    {"cache_data", "created_at", nullptr, Kind::UnixSeconds},
    {"kv_store", "updated", "key", Kind::DateTime},
    {"alert_rule_state", "updated_at", "rule_uid", Kind::DateTime},
};

QString quoted(Driver driver, const QString& name)
{
    return driver == Driver::Mysql ? QLatin1Char('`') + name + QLatin1Char('`')
                                   : QLatin1Char('"') + name + QLatin1Char('"');
}

QString selectFor(Driver driver, const Source& s)
{
    const QString column = quoted(driver, QString::fromLatin1(s.column));
    // DATETIME / TIMESTAMP as text: the drivers would otherwise attach the client's time zone.
    const QString value = s.kind == Kind::UnixSeconds
                              ? column
                              : QStringLiteral("CAST(%1 AS %2)")
                                    .arg(column, driver == Driver::Mysql ? QStringLiteral("CHAR")
                                                                         : QStringLiteral("TEXT"));
    const QString detail = s.detailColumn ? quoted(driver, QString::fromLatin1(s.detailColumn))
                                          : QStringLiteral("''");
    return QStringLiteral("SELECT %1, %2 FROM %3 WHERE %4 IS NOT NULL ORDER BY %4 DESC LIMIT 1")
        .arg(value, detail, quoted(driver, QString::fromLatin1(s.table)), column);
}

} // namespace

qint64 parseUtcTimestamp(const QString& text)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return -1;
    QDateTime when = QDateTime::fromString(m.captured(1) + QLatin1Char(' ') + m.captured(2),
                                           QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (!when.isValid())
        return -1;
    when.setTimeZone(QTimeZone::utc());
    qint64 seconds = when.toSecsSinceEpoch();
    const QString offset = m.captured(3);
    if (!offset.isEmpty() && offset != QLatin1String("Z")) {
        const QString digits = QString(offset.mid(1)).remove(QLatin1Char(':'));
        const qint64 minutes = digits.left(2).toLongLong() * 60 + digits.mid(2, 2).toLongLong();
        seconds -= (offset.startsWith(QLatin1Char('-')) ? -1 : 1) * minutes * 60;
    }
    return seconds;
}

Result<QList<WriteMark>> readWriteMarks(Database& db)
{
    if (!db.cachedSchema()) {
        auto s = detectSchema(db);
        if (!s)
            return std::unexpected(s.error());
    }
    const SchemaInfo& schema = *db.cachedSchema();
    QList<WriteMark> marks;
    for (const Source& s : kSources) {
        if (!schema.hasTable(QString::fromLatin1(s.table)))
            continue;
        QSqlQuery query(QSqlDatabase::database(db.connectionName(), false));
        query.setForwardOnly(true);
        if (!query.exec(selectFor(db.driver(), s))) {
            // A version without this column: not evidence, not an error.
            qCDebug(lcStore).noquote() << "liveness:" << s.table << s.column << "not readable:"
                                       << query.lastError().text();
            continue;
        }
        if (!query.next())
            continue;
        const QVariant value = query.value(0);
        const qint64 seconds = s.kind == Kind::UnixSeconds ? value.toLongLong()
                                                            : parseUtcTimestamp(value.toString());
        if (seconds <= 0)
            continue;
        WriteMark mark;
        mark.source = QStringLiteral("%1.%2").arg(QString::fromLatin1(s.table), QString::fromLatin1(s.column));
        mark.detail = query.value(1).toString();
        mark.epochSeconds = seconds;
        marks << mark;
    }
    return marks;
}

Result<QStringList> readDataSourceUids(Database& db)
{
    if (!db.cachedSchema()) {
        auto s = detectSchema(db);
        if (!s)
            return std::unexpected(s.error());
    }
    QStringList uids;
    if (!db.cachedSchema()->hasTable(QStringLiteral("data_source")))
        return uids;
    QSqlQuery query(QSqlDatabase::database(db.connectionName(), false));
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT %1 FROM %2").arg(quoted(db.driver(), QStringLiteral("uid")),
                                                             quoted(db.driver(), QStringLiteral("data_source")))))
        return fail(ErrorCode::QueryFailed, query.lastError().text());
    while (query.next())
        uids << query.value(0).toString();
    return uids;
}

} // namespace mk::store
