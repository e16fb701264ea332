#include "model/store/DataKeyRow.h"

#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SqlSupport.h"
#include "model/store/StoreLog.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace mk::store {

namespace {

using Driver = ConnectionSpec::Driver;

Result<SchemaInfo> dataKeySchema(Database& db)
{
    if (!db.cachedSchema()) {
        auto s = detectSchema(db);
        if (!s)
            return std::unexpected(s.error());
    }
    const SchemaInfo& s = *db.cachedSchema();
    if (!s.hasDataKeys)
        return fail(ErrorCode::QueryFailed, QStringLiteral("no data_keys table"));
    return s;
}

QString text(const QVariant& v)
{
    return SqlSupport::toText(v);
}

bool toBool(const QVariant& v)
{
    return SqlSupport::toBool(v);
}

Result<qint64> execWrite(Database& db, const QString& sql, const QVariantList& binds, const QString& what)
{
    if (db.isReadOnly())
        return fail(ErrorCode::ReadOnly, QStringLiteral("connection is read-only"));
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    if (!q.prepare(sql))
        return std::unexpected(SqlSupport::queryError(db.driver(), q.lastError(), what));
    for (const QVariant& b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return std::unexpected(SqlSupport::queryError(db.driver(), q.lastError(), what));
    return qint64(q.numRowsAffected());
}

} // namespace

Result<QList<DataKeyRow>> loadDataKeys(Database& db)
{
    auto schema = dataKeySchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    const Driver driver = db.driver();
    auto q = [driver](const QString& id) { return SqlSupport::quote(driver, id); };
    const QStringList& cols = schema->columns.value(QStringLiteral("data_keys"));
    auto colOrEmpty = [&](const QString& c) { return cols.contains(c) ? q(c) : QStringLiteral("''"); };

    const QString sql = QStringLiteral("SELECT %1, %2, %3, %4, %5, %6, %7, %8 FROM %9 ORDER BY %10")
                            .arg(q(schema->dataKeysKeyColumn),
                                 schema->dataKeysLabelColumn.isEmpty() ? QStringLiteral("''")
                                                                       : q(schema->dataKeysLabelColumn),
                                 colOrEmpty(QStringLiteral("provider")), colOrEmpty(QStringLiteral("scope")),
                                 cols.contains(QLatin1String("active")) ? q(QStringLiteral("active"))
                                                                        : QStringLiteral("1"),
                                 driver == Driver::Sqlite ? QStringLiteral("CAST(encrypted_data AS BLOB)")
                                                          : q(QStringLiteral("encrypted_data")),
                                 colOrEmpty(QStringLiteral("created")), colOrEmpty(QStringLiteral("updated")),
                                 q(QStringLiteral("data_keys")))
                            .arg(colOrEmpty(QStringLiteral("created")) + QStringLiteral(", ")
                                 + q(schema->dataKeysKeyColumn));
    QSqlQuery query(QSqlDatabase::database(db.connectionName(), false));
    query.setForwardOnly(true);
    if (!query.exec(sql))
        return std::unexpected(SqlSupport::queryError(driver, query.lastError(), QStringLiteral("load data keys")));
    QList<DataKeyRow> rows;
    while (query.next()) {
        DataKeyRow r;
        r.id = text(query.value(0));
        r.label = text(query.value(1)); // NULL on MySQL after the renames: empty
        r.provider = text(query.value(2));
        r.scope = text(query.value(3));
        r.active = toBool(query.value(4));
        r.encryptedData = SqlSupport::toBytes(query.value(5));
        r.created = text(query.value(6));
        r.updated = text(query.value(7));
        rows.append(std::move(r));
    }
    return rows;
}

Result<void> insertDataKey(Database& db, const DataKeyRow& row)
{
    auto schema = dataKeySchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    const Driver driver = db.driver();
    auto q = [driver](const QString& id) { return SqlSupport::quote(driver, id); };
    const QStringList& cols = schema->columns.value(QStringLiteral("data_keys"));

    QStringList names;
    QVariantList binds;
    names << q(schema->dataKeysKeyColumn);
    binds << row.id;
    if (!schema->dataKeysLabelColumn.isEmpty()) {
        names << q(schema->dataKeysLabelColumn);
        binds << row.label;
    }
    const std::pair<const char*, QVariant> rest[] = {
        {"active", SqlSupport::boolValue(driver, row.active)},
        {"scope", row.scope},
        {"provider", row.provider},
        {"encrypted_data", QVariant(row.encryptedData)},
        {"created", row.created},
        {"updated", row.updated},
    };
    for (const auto& [name, value] : rest) {
        const QString c = QLatin1String(name);
        if (cols.contains(c)) {
            names << q(c);
            binds << value;
        }
    }
    QStringList marks;
    for (qsizetype i = 0; i < names.size(); ++i)
        marks << QStringLiteral("?");
    const QString sql = QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                            .arg(q(QStringLiteral("data_keys")), names.join(QStringLiteral(", ")),
                                 marks.join(QStringLiteral(", ")));
    auto n = execWrite(db, sql, binds, QStringLiteral("insert data key"));
    if (!n)
        return std::unexpected(n.error());
    return {};
}

Result<void> updateDataKeyWrap(Database& db,
                               const QString& id,
                               const QString& provider,
                               const QString& label,
                               const QByteArray& encryptedData,
                               const QString& updated)
{
    auto schema = dataKeySchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    const Driver driver = db.driver();
    auto q = [driver](const QString& i) { return SqlSupport::quote(driver, i); };
    QStringList sets;
    QVariantList binds;
    sets << q(QStringLiteral("provider")) + QStringLiteral(" = ?");
    binds << provider;
    if (!schema->dataKeysLabelColumn.isEmpty()) {
        sets << q(schema->dataKeysLabelColumn) + QStringLiteral(" = ?");
        binds << label;
    }
    sets << q(QStringLiteral("encrypted_data")) + QStringLiteral(" = ?");
    binds << QVariant(encryptedData);
    if (schema->hasColumn(QStringLiteral("data_keys"), QStringLiteral("updated"))) {
        sets << q(QStringLiteral("updated")) + QStringLiteral(" = ?");
        binds << updated;
    }
    binds << id;
    const QString sql = QStringLiteral("UPDATE %1 SET %2 WHERE %3 = ?")
                            .arg(q(QStringLiteral("data_keys")), sets.join(QStringLiteral(", ")),
                                 q(schema->dataKeysKeyColumn));
    auto n = execWrite(db, sql, binds, QStringLiteral("update data key"));
    if (!n)
        return std::unexpected(n.error());
    if (*n < 1)
        return fail(ErrorCode::Conflict, QStringLiteral("data key %1 not found").arg(id));
    return {};
}

Result<qint64> deactivateAllDataKeys(Database& db)
{
    auto schema = dataKeySchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    const Driver driver = db.driver();
    const QString sql = QStringLiteral("UPDATE %1 SET %2 = ? WHERE %2 = ?")
                            .arg(SqlSupport::quote(driver, QStringLiteral("data_keys")),
                                 SqlSupport::quote(driver, QStringLiteral("active")));
    return execWrite(db, sql, {SqlSupport::boolValue(driver, false), SqlSupport::boolValue(driver, true)},
                     QStringLiteral("deactivate data keys"));
}

Result<void> setDataKeyActive(Database& db, const QString& id, bool active)
{
    auto schema = dataKeySchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    const Driver driver = db.driver();
    const QString sql = QStringLiteral("UPDATE %1 SET %2 = ? WHERE %3 = ?")
                            .arg(SqlSupport::quote(driver, QStringLiteral("data_keys")),
                                 SqlSupport::quote(driver, QStringLiteral("active")),
                                 SqlSupport::quote(driver, schema->dataKeysKeyColumn));
    auto n = execWrite(db, sql, {SqlSupport::boolValue(driver, active), id}, QStringLiteral("set data key active flag"));
    if (!n)
        return std::unexpected(n.error());
    if (*n < 1)
        return fail(ErrorCode::Conflict, QStringLiteral("data key %1 not found").arg(id));
    return {};
}

Result<qint64> deleteDataKeys(Database& db, const QStringList& ids)
{
    auto schema = dataKeySchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    const Driver driver = db.driver();
    const QString sql = QStringLiteral("DELETE FROM %1 WHERE %2 = ?")
                            .arg(SqlSupport::quote(driver, QStringLiteral("data_keys")),
                                 SqlSupport::quote(driver, schema->dataKeysKeyColumn));
    qint64 total = 0;
    for (const QString& id : ids) {
        auto n = execWrite(db, sql, {id}, QStringLiteral("delete data key"));
        if (!n)
            return std::unexpected(n.error());
        total += *n;
    }
    return total;
}

Result<void> lockDataKeys(Database& db)
{
    auto schema = dataKeySchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    const Driver driver = db.driver();
    const QString table = SqlSupport::quote(driver, QStringLiteral("data_keys"));
    QString sql;
    switch (driver) {
    case Driver::Sqlite:
        return {}; // begin() took the write lock: no other connection writes until commit
    case Driver::Postgres:
        sql = QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(table);
        break;
    case Driver::Mysql:
        sql = QStringLiteral("SELECT %1 FROM %2 FOR UPDATE")
                  .arg(SqlSupport::quote(driver, schema->dataKeysKeyColumn), table);
        break;
    }
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    if (!q.exec(sql))
        return std::unexpected(SqlSupport::queryError(driver, q.lastError(), QStringLiteral("lock data keys")));
    return {};
}

} // namespace mk::store
