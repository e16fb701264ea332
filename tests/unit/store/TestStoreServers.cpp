// The store against real PostgreSQL and MariaDB servers: schema detection, byte-exact reads of
// BYTEA/BLOB and TEXT cells, keyset pagination, owners, optimistic updates and data-key writes.

#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/DataKeyRow.h"
#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SecretLocation.h"

#include <QCoreApplication>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace mk::store;

namespace {

QString serverUrl(const char* name)
{
    const QByteArray direct = qgetenv(name);
    if (!direct.isEmpty())
        return QString::fromUtf8(direct);
    QFile f(QString::fromLocal8Bit(qgetenv("MK_DBSERVERS_ENV")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(QByteArray(name) + '='))
            return QString::fromUtf8(line.mid(qstrlen(name) + 1)).trimmed();
    }
    return {};
}

bool exec(Database& db, const QString& sql, const QVariantList& binds = {})
{
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    if (binds.isEmpty()) { // DDL cannot be prepared on PostgreSQL
        if (!q.exec(sql)) {
            qWarning() << q.lastError().text();
            return false;
        }
        return true;
    }
    if (!q.prepare(sql)) {
        qWarning() << q.lastError().text();
        return false;
    }
    for (const QVariant& b : binds)
        q.addBindValue(b);
    if (!q.exec()) {
        qWarning() << q.lastError().text();
        return false;
    }
    return true;
}

QByteArray allBytes()
{
    QByteArray b;
    for (int i = 0; i < 256; ++i)
        b.append(static_cast<char>(i));
    return b;
}

} // namespace

class TestStoreServers : public QObject
{
    Q_OBJECT

private slots:
    void server_data();
    void server();
};

void TestStoreServers::server_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("postgres") << serverUrl("MK_TEST_PG_URL");
    QTest::newRow("mariadb") << serverUrl("MK_TEST_MYSQL_URL");
}

void TestStoreServers::server()
{
    QFETCH(QString, url);
    if (url.isEmpty())
        QFAIL("database servers not running: run through ctest (fixture dbservers) or tests/support/db-servers.sh");
    auto adminSpec = ConnectionSpec::fromUrl(url);
    QVERIFY(adminSpec);
    const bool pg = adminSpec->driver == ConnectionSpec::Driver::Postgres;
    adminSpec->readOnly = false;
    const QString dbName = QStringLiteral("mk_store_t%1").arg(QCoreApplication::applicationPid());
    {
        auto admin = Database::open(*adminSpec);
        QVERIFY2(admin, qPrintable(admin ? QString() : admin.error().detail));
        QVERIFY(exec(*admin, QStringLiteral("DROP DATABASE IF EXISTS ") + dbName));
        QVERIFY(exec(*admin, QStringLiteral("CREATE DATABASE ") + dbName));
        auto version = admin->serverVersion();
        QVERIFY(version);
        QVERIFY(version->startsWith(pg ? QLatin1String("PostgreSQL") : QLatin1String("MariaDB")));
    }
    ConnectionSpec spec = *adminSpec;
    spec.database = dbName;
    spec.readOnly = false;
    {
        auto db = Database::open(spec);
        QVERIFY(db);
        const QStringList ddl = pg ? QStringList{
            QStringLiteral("CREATE TABLE data_keys (name VARCHAR(100) PRIMARY KEY NOT NULL, active BOOL NOT NULL, scope VARCHAR(30) NOT NULL, provider VARCHAR(50) NOT NULL, encrypted_data BYTEA NOT NULL, created TIMESTAMP NOT NULL, updated TIMESTAMP NOT NULL, label VARCHAR(100) NOT NULL DEFAULT '')"),
            QStringLiteral("CREATE TABLE data_source (id SERIAL PRIMARY KEY, name VARCHAR(190) NOT NULL, secure_json_data TEXT NULL, updated TIMESTAMP NOT NULL)"),
            QStringLiteral("CREATE TABLE dashboard_snapshot (id SERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL, dashboard_encrypted BYTEA NULL, updated TIMESTAMP NOT NULL)"),
            QStringLiteral("CREATE TABLE \"user\" (id SERIAL PRIMARY KEY, login VARCHAR(190) NOT NULL)"),
            QStringLiteral("CREATE TABLE user_auth (id SERIAL PRIMARY KEY, user_id BIGINT NOT NULL, auth_module VARCHAR(190) NOT NULL, o_auth_access_token TEXT NULL)"),
            QStringLiteral("CREATE TABLE sso_setting (id VARCHAR(40) PRIMARY KEY NOT NULL, provider VARCHAR(255) NOT NULL, settings TEXT NOT NULL, updated TIMESTAMP NOT NULL, is_deleted BOOL NOT NULL DEFAULT false)"),
        } : QStringList{
            QStringLiteral("CREATE TABLE `data_keys` (`name` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci PRIMARY KEY NOT NULL, `active` TINYINT(1) NOT NULL, `scope` VARCHAR(30) NOT NULL, `provider` VARCHAR(50) NOT NULL, `encrypted_data` BLOB NOT NULL, `created` DATETIME NOT NULL, `updated` DATETIME NOT NULL, `label` VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci"),
            QStringLiteral("CREATE TABLE `data_source` (`id` INT PRIMARY KEY AUTO_INCREMENT NOT NULL, `name` VARCHAR(190) NOT NULL, `secure_json_data` TEXT NULL, `updated` DATETIME NOT NULL) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci"),
            QStringLiteral("CREATE TABLE `dashboard_snapshot` (`id` INT PRIMARY KEY AUTO_INCREMENT NOT NULL, `name` VARCHAR(255) NOT NULL, `dashboard_encrypted` MEDIUMBLOB NULL, `updated` DATETIME NOT NULL)"),
            QStringLiteral("CREATE TABLE `user` (`id` INT PRIMARY KEY AUTO_INCREMENT NOT NULL, `login` VARCHAR(190) NOT NULL)"),
            QStringLiteral("CREATE TABLE `user_auth` (`id` INT PRIMARY KEY AUTO_INCREMENT NOT NULL, `user_id` BIGINT NOT NULL, `auth_module` VARCHAR(190) NOT NULL, `o_auth_access_token` TEXT NULL)"),
            QStringLiteral("CREATE TABLE `sso_setting` (`id` VARCHAR(40) PRIMARY KEY NOT NULL, `provider` VARCHAR(255) NOT NULL, `settings` TEXT NOT NULL, `updated` DATETIME NOT NULL, `is_deleted` TINYINT(1) NOT NULL DEFAULT 0)"),
        };
        for (const QString& s : ddl)
            QVERIFY(exec(*db, s));
        const QString user = pg ? QStringLiteral("\"user\"") : QStringLiteral("`user`");
        QVERIFY(exec(*db, QStringLiteral("INSERT INTO %1 (login) VALUES ('alice')").arg(user)));
        for (int i = 1; i <= 12; ++i) {
            const QString json = i % 4 == 0 ? QString()
                                            : QStringLiteral("{\"password\":\"QUJD\",\"n%1\":\"QUJDRA==\"}").arg(i);
            QVERIFY(exec(*db, QStringLiteral("INSERT INTO data_source (name, secure_json_data, updated) VALUES (?, ?, ?)"),
                         {QStringLiteral("ds%1").arg(i), json.isEmpty() ? QVariant() : QVariant(json),
                          QStringLiteral("2024-05-01 10:00:00")}));
        }
        QVERIFY(exec(*db, QStringLiteral("INSERT INTO dashboard_snapshot (name, dashboard_encrypted, updated) VALUES (?, ?, ?)"),
                     {QStringLiteral("snap"), QVariant(QByteArray("#id#") + allBytes()), QStringLiteral("2024-05-01 10:00:00")}));
        QVERIFY(exec(*db, QStringLiteral("INSERT INTO user_auth (user_id, auth_module, o_auth_access_token) VALUES (1, 'oauth_generic', 'QUJD')")));
        QVERIFY(exec(*db, QStringLiteral("INSERT INTO sso_setting (id, provider, settings, updated) VALUES ('b-id', 'github', '{\"client_secret\":\"QUI\"}', '2024-05-01 10:00:00'), ('a-id', 'gitlab', '{}', '2024-05-01 10:00:00')")));
        if (!pg) // MySQL leaves label nullable after Grafana's renames
            QVERIFY(exec(*db, QStringLiteral("INSERT INTO data_keys (name, active, scope, provider, encrypted_data, created, updated, label) VALUES ('old', 1, 'root', 'secretKey', ?, '2022-01-01 00:00:00', '2022-01-01 00:00:00', NULL)"),
                         {QVariant(QByteArray(40, '\0'))}));
    }

    spec.readOnly = true;
    auto db = Database::open(spec); // read-only from here until the write part
    QVERIFY(db);
    auto schema = detectSchema(*db);
    QVERIFY2(schema, qPrintable(schema ? QString() : schema.error().detail));
    QVERIFY(schema->hasDataKeys && schema->dataKeysHasLabel);
    QVERIFY(schema->hasTable(QStringLiteral("data_source")));
    QVERIFY(!schema->hasTable(QStringLiteral("secrets")));

    const SecretLocation* ds = findSecretLocation(QStringLiteral("data_source.secure_json_data"));
    auto count = countRows(*db, *ds);
    QVERIFY(count);
    QCOMPARE(*count, qint64(12));
    QStringList ids;
    int values = 0;
    QString after;
    for (;;) {
        auto page = readCells(*db, *ds, after, 5);
        QVERIFY2(page, qPrintable(page ? QString() : page.error().detail));
        if (page->isEmpty())
            break;
        for (const Cell& c : *page) {
            ids << c.rowId;
            QCOMPARE(c.owner, QStringLiteral("ds") + c.rowId);
            QCOMPARE(c.updated, QStringLiteral("2024-05-01 10:00:00"));
            QCOMPARE(c.isNull, c.rowId.toInt() % 4 == 0);
            const CellExpansion ex = expandCell(*ds, c.raw, c.isNull);
            values += int(ex.values.size());
            QList<std::pair<QString, QByteArray>> same;
            for (const CellValue& v : ex.values)
                same.append({v.field, v.payload});
            QCOMPARE(replaceValues(*ds, c.raw, same), c.raw);
        }
        after = page->last().rowId;
    }
    QCOMPARE(ids.size(), 12);
    QCOMPARE(ids.last(), QStringLiteral("12")); // numeric order
    QCOMPARE(values, 18);

    const SecretLocation* snap = findSecretLocation(QStringLiteral("dashboard_snapshot.dashboard_encrypted"));
    auto snaps = readCells(*db, *snap, QString(), 10);
    QVERIFY(snaps);
    QCOMPARE(snaps->size(), 1);
    QCOMPARE(snaps->first().raw, QByteArray("#id#") + allBytes());
    QVERIFY(snaps->first().isBlob);

    const SecretLocation* ua = findSecretLocation(QStringLiteral("user_auth.o_auth_access_token"));
    auto uas = readCells(*db, *ua, QString(), 10);
    QVERIFY(uas);
    QCOMPARE(uas->first().owner, QStringLiteral("alice / oauth_generic"));

    const SecretLocation* sso = findSecretLocation(QStringLiteral("sso_setting.settings"));
    auto ssos = readCells(*db, *sso, QString(), 1);
    QVERIFY(ssos);
    QCOMPARE(ssos->first().rowId, QStringLiteral("a-id"));
    ssos = readCells(*db, *sso, QStringLiteral("a-id"), 10);
    QVERIFY(ssos);
    QCOMPARE(ssos->size(), 1);
    QCOMPARE(expandCell(*sso, ssos->first().raw, false).values.first().field, QStringLiteral("settings.client_secret"));

    auto ro = updateCell(*db, *snap, QStringLiteral("1"), snaps->first().raw, QByteArray("x"), QString());
    QVERIFY(!ro);
    QCOMPARE(ro.error().code, ErrorCode::ReadOnly);
    QVERIFY(!exec(*db, QStringLiteral("DELETE FROM data_source"))); // the session itself is read-only

    // Writes.
    spec.readOnly = false;
    db = Database::open(spec);
    QVERIFY(db);
    DataKeyRow key;
    key.id = QStringLiteral("k1abcdefghijkl");
    key.label = QStringLiteral("2024-05-01/root@secretKey.v1");
    key.provider = QStringLiteral("secretKey.v1");
    key.scope = QStringLiteral("root");
    key.active = true;
    key.encryptedData = allBytes().left(52);
    key.created = key.updated = QStringLiteral("2024-05-01 10:00:00");
    QVERIFY(insertDataKey(*db, key));
    auto keys = loadDataKeys(*db);
    QVERIFY(keys);
    QCOMPARE(keys->size(), pg ? 1 : 2);
    const DataKeyRow& k = keys->last();
    QCOMPARE(k.id, key.id);
    QCOMPARE(k.encryptedData, key.encryptedData);
    QCOMPARE(k.active, true);
    QCOMPARE(k.label, key.label);
    QCOMPARE(k.created, key.created);
    if (!pg) {
        QCOMPARE(keys->first().label, QString()); // NULL label
        QCOMPARE(keys->first().encryptedData, QByteArray(40, '\0'));
    }
    auto deact = deactivateAllDataKeys(*db);
    QVERIFY(deact);
    QCOMPARE(*deact, qint64(pg ? 1 : 2));
    QCOMPARE(*deactivateAllDataKeys(*db), qint64(0));
    QVERIFY(updateDataKeyWrap(*db, key.id, QStringLiteral("secretKey.v1"), QStringLiteral("2024-06-01/root@secretKey.v1"),
                              allBytes().mid(100, 52), QStringLiteral("2024-06-01 00:00:00")));
    keys = loadDataKeys(*db);
    QCOMPARE(keys->last().encryptedData, allBytes().mid(100, 52));
    QCOMPARE(keys->last().active, false);

    QVERIFY(db->begin());
    const QByteArray newSnap = QByteArray("#id2#") + allBytes();
    QVERIFY(updateCell(*db, *snap, QStringLiteral("1"), snaps->first().raw, newSnap, QStringLiteral("2024-06-01 00:00:00")));
    QVERIFY(db->commit());
    auto conflict = updateCell(*db, *snap, QStringLiteral("1"), snaps->first().raw, newSnap, QString());
    QVERIFY(!conflict);
    QCOMPARE(conflict.error().code, ErrorCode::Conflict);
    QVERIFY(updateCell(*db, *snap, QStringLiteral("1"), newSnap, newSnap, QString())); // unchanged value still matches
    QCOMPARE(readCells(*db, *snap, QString(), 1)->first().raw, newSnap);

    auto first = readCells(*db, *ds, QString(), 1);
    QVERIFY(first);
    const QByteArray changed = replaceValues(*ds, first->first().raw, {{QStringLiteral("password"), QByteArray("xyz")}});
    // Case-insensitive collations must not let a different-case expectation match.
    auto caseConflict = updateCell(*db, *ds, first->first().rowId, first->first().raw.toLower(), changed, QString());
    QVERIFY(!caseConflict);
    QCOMPARE(caseConflict.error().code, ErrorCode::Conflict);
    QVERIFY(updateCell(*db, *ds, first->first().rowId, first->first().raw, changed, QStringLiteral("2024-06-02 00:00:00")));
    auto reread = readCells(*db, *ds, QString(), 1);
    QCOMPARE(reread->first().raw, changed);
    QCOMPARE(reread->first().updated, QStringLiteral("2024-06-02 00:00:00"));

    auto deleted = deleteDataKeys(*db, {key.id});
    QVERIFY(deleted);
    QCOMPARE(*deleted, qint64(1));

    db = Database::open(*adminSpec);
    QVERIFY(db);
    QVERIFY(exec(*db, QStringLiteral("DROP DATABASE ") + dbName));
}

QTEST_GUILESS_MAIN(TestStoreServers)
#include "TestStoreServers.moc"
