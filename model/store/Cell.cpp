#include "model/store/Cell.h"

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

Result<SchemaInfo> ensureSchema(Database& db)
{
    if (db.cachedSchema())
        return *db.cachedSchema();
    return detectSchema(db);
}

// " WHERE <fixed filter>" with its bind values appended to binds.
QString filterClause(Driver driver, const SecretLocation& l, const QString& alias, QVariantList& binds)
{
    QStringList parts;
    const QString prefix = alias.isEmpty() ? QString() : alias + QLatin1Char('.');
    if (!l.filterColumn1.isEmpty()) {
        parts << prefix + SqlSupport::quote(driver, l.filterColumn1) + QStringLiteral(" = ?");
        binds << l.filterValue1;
    }
    if (!l.filterColumn2.isEmpty()) {
        parts << prefix + SqlSupport::quote(driver, l.filterColumn2) + QStringLiteral(" = ?");
        binds << l.filterValue2;
    }
    return parts.join(QStringLiteral(" AND "));
}

QString displayText(const QVariant& v)
{
    return SqlSupport::toText(v);
}

QVariant idBind(const SecretLocation& l, const QString& rowId)
{
    if (l.idIsText)
        return rowId;
    return QVariant(rowId.toLongLong());
}

} // namespace

namespace {

// Keyset page (`id > afterRowId`, ordered, limited) or the one row `id = rowId`.
Result<QList<Cell>> selectCells(Database& db, const SecretLocation& l, const QString& rowId, bool exactRow, int limit)
{
    auto schema = ensureSchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    if (!schema->hasTable(l.table) || !schema->hasColumn(l.table, l.column))
        return QList<Cell>{};

    const Driver driver = db.driver();
    auto q = [driver](const QString& id) { return SqlSupport::quote(driver, id); };
    const QString col = QStringLiteral("t.") + q(l.column);
    const QString idCol = QStringLiteral("t.") + q(l.idColumn);

    QStringList select;
    select << idCol;
    if (driver == Driver::Sqlite) {
        select << QStringLiteral("CAST(%1 AS BLOB)").arg(col)
               << QStringLiteral("CASE WHEN typeof(%1) = 'blob' THEN 1 ELSE 0 END").arg(col);
    } else {
        select << col << QStringLiteral("0");
    }
    select << QStringLiteral("CASE WHEN %1 IS NULL THEN 1 ELSE 0 END").arg(col);

    QStringList ownerCols;
    for (const QString& c : l.ownerColumns) {
        if (schema->hasColumn(l.table, c))
            ownerCols << c;
    }
    const bool hasLogin = !l.ownerUserIdColumn.isEmpty() && schema->hasColumn(l.table, l.ownerUserIdColumn)
                          && schema->hasColumn(QStringLiteral("user"), QStringLiteral("login"));
    for (const QString& c : ownerCols)
        select << QStringLiteral("t.") + q(c);
    if (hasLogin)
        select << QStringLiteral("(SELECT u.%1 FROM %2 u WHERE u.%3 = t.%4)")
                      .arg(q(QStringLiteral("login")), q(QStringLiteral("user")), q(QStringLiteral("id")),
                           q(l.ownerUserIdColumn));
    const bool hasUpdated = !l.updatedColumn.isEmpty() && schema->hasColumn(l.table, l.updatedColumn);
    if (hasUpdated)
        select << QStringLiteral("t.") + q(l.updatedColumn);
    const bool hasOrg = !l.ownerOrgColumn.isEmpty() && schema->hasColumn(l.table, l.ownerOrgColumn);
    if (hasOrg)
        select << QStringLiteral("t.") + q(l.ownerOrgColumn);

    QVariantList binds;
    QStringList where;
    const QString filter = filterClause(driver, l, QStringLiteral("t"), binds);
    if (!filter.isEmpty())
        where << filter;
    if (exactRow) {
        where << idCol + QStringLiteral(" = ?");
        binds << idBind(l, rowId);
    } else if (!rowId.isEmpty()) {
        where << idCol + QStringLiteral(" > ?");
        binds << idBind(l, rowId);
    }
    QString sql = QStringLiteral("SELECT %1 FROM %2 t").arg(select.join(QStringLiteral(", ")), q(l.table));
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY %1 LIMIT ?").arg(idCol);
    binds << QVariant(exactRow ? 1 : (limit > 0 ? limit : 1000));

    QSqlQuery query(QSqlDatabase::database(db.connectionName(), false));
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return std::unexpected(SqlSupport::queryError(driver, query.lastError(), QStringLiteral("read ") + l.key));
    for (const QVariant& b : binds)
        query.addBindValue(b);
    if (!query.exec())
        return std::unexpected(SqlSupport::queryError(driver, query.lastError(), QStringLiteral("read ") + l.key));

    QList<Cell> cells;
    while (query.next()) {
        Cell c;
        c.rowId = displayText(query.value(0));
        const QVariant value = query.value(1);
        c.isNull = query.value(3).toInt() != 0;
        if (!c.isNull) {
            c.raw = SqlSupport::toBytes(value);
            if (c.raw.isNull())
                c.raw = QByteArray("", 0);
        }
        c.isBlob = driver == Driver::Sqlite ? query.value(2).toInt() != 0
                                            : value.typeId() == QMetaType::QByteArray;
        int i = 4;
        QStringList ownerValues;
        for (qsizetype k = 0; k < ownerCols.size(); ++k)
            ownerValues << displayText(query.value(i++));
        if (hasLogin) {
            const QString login = displayText(query.value(i++));
            if (!login.isEmpty()) {
                // Show the login instead of the numeric user id.
                const qsizetype userIdx = ownerCols.indexOf(l.ownerUserIdColumn);
                if (userIdx >= 0)
                    ownerValues.removeAt(userIdx);
                ownerValues.prepend(login);
            }
        }
        ownerValues.removeAll(QString());
        c.owner = ownerValues.isEmpty() ? c.rowId : ownerValues.join(QStringLiteral(" / "));
        if (hasUpdated)
            c.updated = displayText(query.value(i++));
        if (hasOrg)
            c.org = displayText(query.value(i++));
        cells.append(std::move(c));
    }
    return cells;
}

} // namespace

Result<QList<Cell>> readCells(Database& db, const SecretLocation& l, const QString& afterRowId, int limit)
{
    return selectCells(db, l, afterRowId, false, limit);
}

Result<std::optional<Cell>> readCell(Database& db, const SecretLocation& l, const QString& rowId)
{
    auto cells = selectCells(db, l, rowId, true, 1);
    if (!cells)
        return std::unexpected(cells.error());
    if (cells->isEmpty())
        return std::optional<Cell>();
    return std::optional<Cell>(cells->takeFirst());
}

Result<qint64> countRows(Database& db, const SecretLocation& l)
{
    auto schema = ensureSchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    if (!schema->hasTable(l.table) || !schema->hasColumn(l.table, l.column))
        return qint64(0);
    const Driver driver = db.driver();
    QVariantList binds;
    QString sql = QStringLiteral("SELECT COUNT(*) FROM %1").arg(SqlSupport::quote(driver, l.table));
    const QString filter = filterClause(driver, l, QString(), binds);
    if (!filter.isEmpty())
        sql += QStringLiteral(" WHERE ") + filter;
    QSqlQuery query(QSqlDatabase::database(db.connectionName(), false));
    if (!query.prepare(sql))
        return std::unexpected(SqlSupport::queryError(driver, query.lastError(), QStringLiteral("count ") + l.key));
    for (const QVariant& b : binds)
        query.addBindValue(b);
    if (!query.exec() || !query.next())
        return std::unexpected(SqlSupport::queryError(driver, query.lastError(), QStringLiteral("count ") + l.key));
    return query.value(0).toLongLong();
}

Result<void> updateCell(Database& db,
                        const SecretLocation& l,
                        const QString& rowId,
                        const QByteArray& expectedOldRaw,
                        const QByteArray& newRaw,
                        const QString& updatedUtc)
{
    if (db.isReadOnly())
        return fail(ErrorCode::ReadOnly, QStringLiteral("connection is read-only"));
    auto schema = ensureSchema(db);
    if (!schema)
        return std::unexpected(schema.error());
    if (!schema->hasColumn(l.table, l.column))
        return fail(ErrorCode::QueryFailed, QStringLiteral("no column ") + l.key);

    const Driver driver = db.driver();
    auto q = [driver](const QString& id) { return SqlSupport::quote(driver, id); };
    QSqlDatabase handle = QSqlDatabase::database(db.connectionName(), false);

    // Storage class to write: SQLite keeps what the row has; elsewhere the column type decides.
    bool asBlob = l.encoding == SecretLocation::Encoding::RawBytes;
    if (driver == Driver::Sqlite) {
        QSqlQuery probe(handle);
        probe.prepare(QStringLiteral("SELECT typeof(%1) FROM %2 WHERE %3 = ?")
                          .arg(q(l.column), q(l.table), q(l.idColumn)));
        probe.addBindValue(idBind(l, rowId));
        if (!probe.exec())
            return std::unexpected(SqlSupport::queryError(driver, probe.lastError(), QStringLiteral("probe ") + l.key));
        if (!probe.next())
            return fail(ErrorCode::Conflict, QStringLiteral("row vanished"));
        const QString cls = probe.value(0).toString();
        if (cls == QLatin1String("blob"))
            asBlob = true;
        else if (cls == QLatin1String("text"))
            asBlob = false;
    }

    QStringList sets;
    QVariantList binds;
    sets << q(l.column) + QStringLiteral(" = ?");
    binds << (asBlob ? QVariant(newRaw.isNull() ? QByteArray("", 0) : newRaw)
                     : QVariant(QString::fromUtf8(newRaw)));
    if (!l.updatedColumn.isEmpty() && !updatedUtc.isEmpty() && schema->hasColumn(l.table, l.updatedColumn)) {
        sets << q(l.updatedColumn) + QStringLiteral(" = ?");
        binds << updatedUtc;
    }
    QString cond;
    if (expectedOldRaw.isEmpty()) {
        cond = QStringLiteral("(%1 IS NULL OR LENGTH(%1) = 0)").arg(q(l.column));
    } else {
        switch (driver) {
        case Driver::Sqlite:
            cond = QStringLiteral("CAST(%1 AS BLOB) = ?").arg(q(l.column));
            binds << QVariant(expectedOldRaw);
            break;
        case Driver::Mysql:
            cond = QStringLiteral("CAST(%1 AS BINARY) = ?").arg(q(l.column));
            binds << QVariant(expectedOldRaw);
            break;
        case Driver::Postgres:
            cond = q(l.column) + QStringLiteral(" = ?");
            binds << (l.encoding == SecretLocation::Encoding::RawBytes ? QVariant(expectedOldRaw)
                                                                      : QVariant(QString::fromUtf8(expectedOldRaw)));
            break;
        }
    }
    const QString sql = QStringLiteral("UPDATE %1 SET %2 WHERE %3 = ? AND %4")
                            .arg(q(l.table), sets.join(QStringLiteral(", ")), q(l.idColumn), cond);
    // Bind order: SET values, id, then the expected value.
    QVariantList ordered;
    const qsizetype setCount = sets.size();
    for (qsizetype i = 0; i < setCount; ++i)
        ordered << binds.at(i);
    ordered << idBind(l, rowId);
    for (qsizetype i = setCount; i < binds.size(); ++i)
        ordered << binds.at(i);

    QSqlQuery query(handle);
    if (!query.prepare(sql))
        return std::unexpected(SqlSupport::queryError(driver, query.lastError(), QStringLiteral("update ") + l.key));
    for (const QVariant& b : ordered)
        query.addBindValue(b);
    if (!query.exec())
        return std::unexpected(SqlSupport::queryError(driver, query.lastError(), QStringLiteral("update ") + l.key));
    if (query.numRowsAffected() < 1) {
        qCInfo(lcStore).noquote() << "optimistic update lost on" << l.key << "row" << rowId;
        return fail(ErrorCode::Conflict, QStringLiteral("%1 row %2 changed since it was read").arg(l.key, rowId));
    }
    return {};
}

} // namespace mk::store
