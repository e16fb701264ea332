#include "model/store/SchemaInfo.h"

#include "model/store/Database.h"
#include "model/store/SecretLocation.h"
#include "model/store/SqlSupport.h"
#include "model/store/StoreLog.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace mk::store {

namespace {

using Driver = ConnectionSpec::Driver;

Result<QStringList> listStrings(Database& db, const QString& sql, const QVariantList& binds, const QString& what)
{
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    q.setForwardOnly(true);
    if (auto done = SqlSupport::exec(q, db.driver(), sql, binds, what); !done)
        return std::unexpected(done.error());
    QStringList out;
    while (q.next())
        out << q.value(0).toString().toLower();
    return out;
}

QString eraOf(const SchemaInfo& s)
{
    bool grafana12 = false;
    for (const QString& t : s.tables) {
        if (t.startsWith(QLatin1String("secret_")))
            grafana12 = true;
    }
    if (!s.hasDataKeys)
        return QStringLiteral("Grafana < 8.3 (no data_keys table)");
    if (s.dataKeysHasIdColumn && !s.dataKeysHasLabel)
        return QStringLiteral("Grafana 9.0.0-beta1/2 (data_keys.id column)");
    if (!s.dataKeysHasLabel)
        return QStringLiteral("Grafana 8.3–8.5 (no label column)");
    if (grafana12)
        return QStringLiteral("Grafana 12.x (secret_* tables)");
    if (s.hasTable(QStringLiteral("resource")))
        return QStringLiteral("Grafana ≥ 11.4 (resource table)");
    if (s.hasTable(QStringLiteral("user_external_session")))
        return QStringLiteral("Grafana 11.3");
    if (s.hasTable(QStringLiteral("sso_setting")) || s.hasTable(QStringLiteral("signing_key")))
        return QStringLiteral("Grafana 10.2–11.2");
    if (s.migrationLogRows >= 0 && s.migrationLogRows < 460)
        return QStringLiteral("Grafana 9.0–9.1");
    if (s.migrationLogRows >= 460)
        return QStringLiteral("Grafana ≥ 9.2");
    return QStringLiteral("Grafana ≥ 9.0");
}

} // namespace

Result<SchemaInfo> detectSchema(Database& db)
{
    SchemaInfo info;
    const Driver driver = db.driver();

    QString tablesSql;
    QString columnsSql;
    switch (driver) {
    case Driver::Sqlite:
        tablesSql = QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'");
        columnsSql = QStringLiteral("SELECT name FROM pragma_table_info(?)");
        break;
    case Driver::Postgres:
        tablesSql = QStringLiteral("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
        columnsSql = QStringLiteral("SELECT column_name FROM information_schema.columns "
                                    "WHERE table_schema = current_schema() AND table_name = ? "
                                    "ORDER BY ordinal_position");
        break;
    case Driver::Mysql:
        tablesSql = QStringLiteral("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'");
        columnsSql = QStringLiteral("SELECT column_name FROM information_schema.columns "
                                    "WHERE table_schema = DATABASE() AND table_name = ? "
                                    "ORDER BY ordinal_position");
        break;
    }

    auto tables = listStrings(db, tablesSql, {}, QStringLiteral("list tables"));
    if (!tables)
        return std::unexpected(tables.error());
    info.tables = *tables;
    info.tables.sort();

    QStringList wanted = {QStringLiteral("data_keys"), QStringLiteral("user")};
    bool anySecretTable = false;
    for (const SecretLocation& l : secretLocations()) {
        if (info.hasTable(l.table)) {
            if (!wanted.contains(l.table))
                wanted << l.table;
            anySecretTable = true;
        }
    }
    for (const QString& t : wanted) {
        if (!info.hasTable(t))
            continue;
        auto cols = listStrings(db, columnsSql, {t}, QStringLiteral("list columns"));
        if (!cols)
            return std::unexpected(cols.error());
        info.columns.insert(t, *cols);
    }

    info.hasDataKeys = info.hasTable(QStringLiteral("data_keys"));
    if (info.hasDataKeys) {
        const QStringList& c = info.columns.value(QStringLiteral("data_keys"));
        info.dataKeysHasLabel = c.contains(QLatin1String("label"));
        info.dataKeysHasIdColumn = c.contains(QLatin1String("id"));
        if (info.dataKeysHasIdColumn && !info.dataKeysHasLabel) {
            info.dataKeysKeyColumn = QStringLiteral("id");
            info.dataKeysLabelColumn = c.contains(QLatin1String("name")) ? QStringLiteral("name") : QString();
        } else {
            info.dataKeysKeyColumn = QStringLiteral("name");
            info.dataKeysLabelColumn = info.dataKeysHasLabel ? QStringLiteral("label") : QString();
        }
    }

    if (info.hasTable(QStringLiteral("migration_log"))) {
        QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
        if (q.exec(QStringLiteral("SELECT COUNT(*) FROM migration_log")) && q.next())
            info.migrationLogRows = q.value(0).toLongLong();
    }

    if (!info.hasDataKeys && !anySecretTable)
        return fail(ErrorCode::NotMosaicoo, QStringLiteral("no data_keys table and no secret table"));

    info.schemaEra = eraOf(info);
    db.setCachedSchema(info);
    return info;
}

} // namespace mk::store
