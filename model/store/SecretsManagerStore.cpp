#include "model/store/SecretsManagerStore.h"

#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SqlSupport.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace mk::store {

namespace {

using Driver = ConnectionSpec::Driver;

const QString kDataKeys = QStringLiteral("secret_data_key");
const QString kValues = QStringLiteral("secret_encrypted_value");
const QString kSecureValues = QStringLiteral("secret_secure_value");

QString text(const QVariant& v)
{
    return SqlSupport::toText(v);
}

bool toBool(const QVariant& v)
{
    return SqlSupport::toBool(v);
}

QString blobColumn(Driver driver, const QString& column)
{
    return driver == Driver::Sqlite ? QStringLiteral("CAST(%1 AS BLOB)").arg(column) : column;
}

Result<QSqlQuery> run(Database& db, const QString& sql, const QVariantList& binds, const QString& what)
{
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    q.setForwardOnly(true);
    if (auto done = SqlSupport::exec(q, db.driver(), sql, binds, what); !done)
        return std::unexpected(done.error());
    return q;
}

Result<qint64> write(Database& db, const QString& sql, const QVariantList& binds, const QString& what)
{
    if (db.isReadOnly())
        return fail(ErrorCode::ReadOnly, QStringLiteral("connection is read-only"));
    auto q = run(db, sql, binds, what);
    if (!q)
        return std::unexpected(q.error());
    return qint64(q->numRowsAffected());
}

Result<GsmLayout> layout(Database& db)
{
    auto l = detectGsmLayout(db);
    if (!l)
        return std::unexpected(l.error());
    if (!l->present)
        return fail(ErrorCode::QueryFailed, QStringLiteral("no secrets-manager tables"));
    return *l;
}

QString valueSelect(Driver driver, const GsmLayout& l)
{
    const QString owner = l.hasSecureValue
                              ? QStringLiteral("s.guid, s.description, s.keeper, s.decrypters, s.active")
                              : QStringLiteral("NULL, NULL, NULL, NULL, NULL");
    const QString join = l.hasSecureValue
                             ? QStringLiteral(" LEFT JOIN secret_secure_value s ON s.namespace = v.namespace "
                                              "AND s.name = v.name AND s.version = v.version")
                             : QString();
    return QStringLiteral("SELECT v.namespace, v.name, v.version, %1, %2, v.created, v.updated, %3 "
                          "FROM secret_encrypted_value v%4")
        .arg(blobColumn(driver, QStringLiteral("v.encrypted_data")),
             l.hasDataKeyIdColumn ? QStringLiteral("v.data_key_id") : QStringLiteral("''"), owner, join);
}

QList<GsmValueRow> readValues(QSqlQuery& q)
{
    QList<GsmValueRow> rows;
    while (q.next()) {
        GsmValueRow r;
        r.nameSpace = text(q.value(0));
        r.name = text(q.value(1));
        r.version = q.value(2).toLongLong();
        r.encryptedData = SqlSupport::toBytes(q.value(3));
        r.dataKeyId = text(q.value(4));
        r.created = q.value(5).toLongLong();
        r.updated = q.value(6).toLongLong();
        r.hasOwner = !q.value(7).isNull();
        r.guid = text(q.value(7));
        r.description = text(q.value(8));
        r.keeper = text(q.value(9));
        r.decrypters = text(q.value(10));
        r.ownerActive = toBool(q.value(11));
        rows.append(std::move(r));
    }
    return rows;
}

} // namespace

Result<GsmLayout> detectGsmLayout(Database& db)
{
    if (!db.cachedSchema()) {
        auto s = detectSchema(db);
        if (!s)
            return std::unexpected(s.error());
    }
    const SchemaInfo& s = *db.cachedSchema();
    GsmLayout l;
    l.present = s.hasTable(kDataKeys) && s.hasTable(kValues);
    l.hasSecureValue = s.hasTable(kSecureValues);
    if (l.present) {
        const QSqlRecord rec = QSqlDatabase::database(db.connectionName(), false).record(kValues);
        l.hasDataKeyIdColumn = rec.indexOf(QStringLiteral("data_key_id")) >= 0;
    }
    return l;
}

Result<QList<GsmDataKeyRow>> loadGsmDataKeys(Database& db)
{
    auto l = layout(db);
    if (!l)
        return std::unexpected(l.error());
    auto q = run(db,
                 QStringLiteral("SELECT uid, namespace, label, active, provider, %1, created, updated "
                                "FROM secret_data_key ORDER BY namespace, created, uid")
                     .arg(blobColumn(db.driver(), QStringLiteral("encrypted_data"))),
                 {}, QStringLiteral("load secrets-manager data keys"));
    if (!q)
        return std::unexpected(q.error());
    QList<GsmDataKeyRow> rows;
    while (q->next()) {
        GsmDataKeyRow r;
        r.uid = text(q->value(0));
        r.nameSpace = text(q->value(1));
        r.label = text(q->value(2));
        r.active = toBool(q->value(3));
        r.provider = text(q->value(4));
        r.encryptedData = SqlSupport::toBytes(q->value(5));
        r.created = text(q->value(6));
        r.updated = text(q->value(7));
        rows.append(std::move(r));
    }
    return rows;
}

Result<QList<GsmValueRow>> loadGsmValues(Database& db)
{
    auto l = layout(db);
    if (!l)
        return std::unexpected(l.error());
    auto q = run(db, valueSelect(db.driver(), *l) + QStringLiteral(" ORDER BY v.namespace, v.name, v.version"),
                 {}, QStringLiteral("load secrets-manager values"));
    if (!q)
        return std::unexpected(q.error());
    return readValues(*q);
}

Result<QList<GsmValueRow>> loadGsmValue(Database& db, const QString& nameSpace, const QString& name, qint64 version)
{
    auto l = layout(db);
    if (!l)
        return std::unexpected(l.error());
    auto q = run(db,
                 valueSelect(db.driver(), *l)
                     + QStringLiteral(" WHERE v.namespace = ? AND v.name = ? AND v.version = ?"),
                 {nameSpace, name, version}, QStringLiteral("re-read a secrets-manager value"));
    if (!q)
        return std::unexpected(q.error());
    return readValues(*q);
}

Result<QList<GsmExternalValue>> loadGsmExternalValues(Database& db)
{
    auto l = layout(db);
    if (!l)
        return std::unexpected(l.error());
    QList<GsmExternalValue> rows;
    if (!l->hasSecureValue)
        return rows;
    auto q = run(db,
                 QStringLiteral("SELECT s.namespace, s.name, s.version, s.keeper, s.external_id "
                                "FROM secret_secure_value s WHERE s.keeper IS NOT NULL AND s.keeper <> 'system' "
                                "AND s.keeper <> '' ORDER BY s.namespace, s.name, s.version"),
                 {}, QStringLiteral("load external secure values"));
    if (!q)
        return std::unexpected(q.error());
    while (q->next()) {
        rows.append(GsmExternalValue{text(q->value(0)), text(q->value(1)), q->value(2).toLongLong(),
                                     text(q->value(3)), text(q->value(4))});
    }
    return rows;
}

Result<void> insertGsmDataKey(Database& db, const GsmDataKeyRow& row)
{
    auto n = write(db,
                   QStringLiteral("INSERT INTO secret_data_key (uid, namespace, label, active, provider, "
                                  "encrypted_data, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                   {row.uid, row.nameSpace, row.label, SqlSupport::boolValue(db.driver(), row.active), row.provider,
                    QVariant(row.encryptedData), row.created, row.updated},
                   QStringLiteral("insert secrets-manager data key"));
    if (!n)
        return std::unexpected(n.error());
    return {};
}

Result<qint64> deactivateAllGsmDataKeys(Database& db, const QString& updated)
{
    const Driver d = db.driver();
    return write(db, QStringLiteral("UPDATE secret_data_key SET active = ?, updated = ? WHERE active = ?"),
                 {SqlSupport::boolValue(d, false), updated, SqlSupport::boolValue(d, true)},
                 QStringLiteral("deactivate secrets-manager data keys"));
}

Result<void> updateGsmDataKeyWrap(Database& db, const QString& uid, const QString& provider,
                                  const QByteArray& encryptedData, const QString& updated)
{
    auto n = write(db,
                   QStringLiteral("UPDATE secret_data_key SET provider = ?, encrypted_data = ?, updated = ? WHERE uid = ?"),
                   {provider, QVariant(encryptedData), updated, uid},
                   QStringLiteral("re-wrap secrets-manager data key"));
    if (!n)
        return std::unexpected(n.error());
    if (*n != 1)
        return fail(ErrorCode::Conflict, QStringLiteral("secrets-manager data key vanished"));
    return {};
}

Result<bool> replaceGsmValue(Database& db, const GsmValueRow& old, const QByteArray& encryptedData,
                             const QString& dataKeyId, qint64 updated)
{
    auto l = layout(db);
    if (!l)
        return std::unexpected(l.error());
    const QString where = blobColumn(db.driver(), QStringLiteral("encrypted_data")) + QStringLiteral(" = ?");
    QString sql;
    QVariantList binds;
    if (l->hasDataKeyIdColumn) {
        sql = QStringLiteral("UPDATE secret_encrypted_value SET encrypted_data = ?, data_key_id = ?, updated = ? "
                             "WHERE namespace = ? AND name = ? AND version = ? AND data_key_id = ? AND %1")
                  .arg(where);
        // NOT NULL columns: an empty id is '' (a null QString would bind NULL and never match).
        binds = {QVariant(encryptedData), dataKeyId.isNull() ? QStringLiteral("") : dataKeyId, updated,
                 old.nameSpace, old.name, old.version, old.dataKeyId.isNull() ? QStringLiteral("") : old.dataKeyId,
                 QVariant(old.encryptedData)};
    } else {
        sql = QStringLiteral("UPDATE secret_encrypted_value SET encrypted_data = ?, updated = ? "
                             "WHERE namespace = ? AND name = ? AND version = ? AND %1")
                  .arg(where);
        binds = {QVariant(encryptedData), updated, old.nameSpace, old.name, old.version,
                 QVariant(old.encryptedData)};
    }
    auto n = write(db, sql, binds, QStringLiteral("re-encrypt secrets-manager value"));
    if (!n)
        return std::unexpected(n.error());
    return *n == 1;
}

Result<qint64> deleteGsmDataKeys(Database& db, const QStringList& uids)
{
    qint64 total = 0;
    for (const QString& uid : uids) {
        auto n = write(db, QStringLiteral("DELETE FROM secret_data_key WHERE uid = ?"), {uid},
                       QStringLiteral("delete secrets-manager data key"));
        if (!n)
            return std::unexpected(n.error());
        total += *n;
    }
    return total;
}

Result<void> restoreGsmDataKey(Database& db, const GsmDataKeyRow& row)
{
    auto n = write(db,
                   QStringLiteral("UPDATE secret_data_key SET label = ?, provider = ?, encrypted_data = ?, updated = ? "
                                  "WHERE uid = ?"),
                   {row.label, row.provider, QVariant(row.encryptedData), row.updated, row.uid},
                   QStringLiteral("restore secrets-manager data key"));
    if (!n)
        return std::unexpected(n.error());
    if (*n != 1)
        return fail(ErrorCode::Conflict, QStringLiteral("secrets-manager data key vanished"));
    return {};
}

Result<void> setGsmDataKeyActive(Database& db, const QString& uid, bool active, const QString& updated)
{
    auto n = write(db, QStringLiteral("UPDATE secret_data_key SET active = ?, updated = ? WHERE uid = ?"),
                   {SqlSupport::boolValue(db.driver(), active), updated, uid},
                   QStringLiteral("set active flag of a secrets-manager data key"));
    if (!n)
        return std::unexpected(n.error());
    if (*n != 1)
        return fail(ErrorCode::Conflict, QStringLiteral("secrets-manager data key vanished"));
    return {};
}

} // namespace mk::store
