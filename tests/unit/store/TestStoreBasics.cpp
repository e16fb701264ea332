// URL parsing, opening rules, JSON scanning/expansion edge cases, and writes on temporary copies.

#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/DataKeyRow.h"
#include "model/store/Database.h"
#include "model/store/JsonScanner.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SecretLocation.h"
#include "model/store/SqliteBackup.h"
#include "tests/support/TestData.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mk::store;

namespace {

const SecretLocation& loc(const char* key)
{
    const SecretLocation* l = findSecretLocation(QLatin1String(key));
    Q_ASSERT(l);
    return *l;
}

QString sqliteScalar(const QString& path, const QString& sql)
{
    QString value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                value = q.value(0).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    return value;
}

} // namespace

class TestStoreBasics : public QObject
{
    Q_OBJECT

private slots:
    void urls_data();
    void urls();
    void badUrls_data();
    void badUrls();
    void displayNameHidesPassword();
    void catalogOrder();
    void missingFile();
    void notGrafana();
    void garbageFile();
    void lockedDatabase();
    void jsonScanner();
    void expandEdgeCases();
    void replaceSplicesOnlyTheValue();
    void replaceDuplicateKeysInOrder();
    void ssoPaths();
    void updateCellOnCopy();
    void readOnlyRefusesWrites();
    void signingKeyKeepsStorageClass();
    void dataKeyWrites();
    void backup();
};

void TestStoreBasics::urls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("driver");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("sslMode");
    QTest::addColumn<QString>("sslRootCert");
    const int sq = int(ConnectionSpec::Driver::Sqlite), pg = int(ConnectionSpec::Driver::Postgres),
              my = int(ConnectionSpec::Driver::Mysql);
    QTest::newRow("sqlite:") << "sqlite:/var/lib/grafana/grafana.db" << sq << "/var/lib/grafana/grafana.db"
                             << "" << 0 << "" << "" << "" << "" << "";
    QTest::newRow("sqlite://abs") << "sqlite:///data/g.db" << sq << "/data/g.db" << "" << 0 << "" << "" << ""
                                  << "" << "";
    QTest::newRow("sqlite://rel") << "sqlite://rel/g.db" << sq << "rel/g.db" << "" << 0 << "" << "" << "" << ""
                                  << "";
    QTest::newRow("bare") << "/tmp/x y/grafana.db" << sq << "/tmp/x y/grafana.db" << "" << 0 << "" << "" << ""
                          << "" << "";
    QTest::newRow("bare relative") << "grafana.db" << sq << "grafana.db" << "" << 0 << "" << "" << "" << ""
                                   << "";
    QTest::newRow("postgres") << "postgres://graf:s%40cr%3At@db.example:5433/grafana?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                              << pg << "" << "db.example" << 5433 << "grafana" << "graf" << "s@cr:t"
                              << "verify-full" << "/etc/ca.pem";
    QTest::newRow("postgresql no port") << "postgresql://u@localhost/g" << pg << "" << "localhost" << 0 << "g"
                                        << "u" << "" << "" << "";
    QTest::newRow("mysql") << "mysql://root:p%2Fw%20d@127.0.0.1:3307/grafana" << my << "" << "127.0.0.1" << 3307
                           << "grafana" << "root" << "p/w d" << "" << "";
    QTest::newRow("mariadb") << "mariadb://a:b@h/d" << my << "" << "h" << 0 << "d" << "a" << "b" << "" << "";
}

void TestStoreBasics::urls()
{
    QFETCH(QString, url);
    auto spec = ConnectionSpec::fromUrl(url);
    QVERIFY2(spec, qPrintable(spec ? QString() : spec.error().detail));
    QTEST(int(spec->driver), "driver");
    QTEST(spec->path, "path");
    QTEST(spec->host, "host");
    QTEST(spec->port, "port");
    QTEST(spec->database, "database");
    QTEST(spec->user, "user");
    QTEST(spec->password, "password");
    QTEST(spec->sslMode, "sslMode");
    QTEST(spec->sslRootCert, "sslRootCert");
    QVERIFY(spec->readOnly);
}

void TestStoreBasics::badUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("empty") << "";
    QTest::newRow("sqlite no path") << "sqlite:";
    QTest::newRow("unknown scheme") << "oracle://a/b";
    QTest::newRow("pg no db") << "postgres://u:p@host:5432/";
    QTest::newRow("pg no host") << "postgres:///db";
    QTest::newRow("unknown param") << "postgres://u@h/db?sslmod=require";
    // ';' would add connect options (QMYSQL passes SSL_CA unquoted)
    QTest::newRow("option injection") << "mysql://u@h/db?ssl-ca=/ca.pem%3BMYSQL_OPT_SSL_VERIFY_SERVER_CERT=0";
    QTest::newRow("option injection raw") << "postgres://u@h/db?sslmode=require;x=1";
}

void TestStoreBasics::badUrls()
{
    QFETCH(QString, url);
    auto spec = ConnectionSpec::fromUrl(url);
    QVERIFY(!spec);
    QCOMPARE(spec.error().code, ErrorCode::BadUrl);
}

void TestStoreBasics::displayNameHidesPassword()
{
    auto spec = ConnectionSpec::fromUrl(QStringLiteral("postgres://graf:hunter2@db:5432/grafana"));
    QVERIFY(spec);
    QVERIFY(!spec->displayName().contains(QLatin1String("hunter2")));
    QCOMPARE(spec->displayName(), QStringLiteral("postgres://graf@db:5432/grafana"));
}

void TestStoreBasics::catalogOrder()
{
    QStringList keys;
    for (const SecretLocation& l : secretLocations())
        keys << l.key;
    QCOMPARE(keys.size(), 20);
    QCOMPARE(keys.first(), QStringLiteral("dashboard_snapshot.dashboard_encrypted"));
    QCOMPARE(keys.at(5), QStringLiteral("secrets.value"));
    QCOMPARE(keys.at(16), QStringLiteral("resource.value"));
    QCOMPARE(keys.last(), QStringLiteral("cache_data.data"));
    QVERIFY(loc("alert_notification.secure_settings").legacyOnly);
    QVERIFY(!loc("cache_data.data").migratedUpstream);
    QCOMPARE(loc("sso_setting.settings").idIsText, true);
    QCOMPARE(loc("resource.value").idColumn, QStringLiteral("guid"));
}

void TestStoreBasics::missingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("nope.db"));
    ConnectionSpec spec;
    spec.path = path;
    auto db = Database::open(spec);
    QVERIFY(!db);
    QCOMPARE(db.error().code, ErrorCode::FileNotFound);
    spec.readOnly = false;
    db = Database::open(spec);
    QVERIFY(!db);
    QCOMPARE(db.error().code, ErrorCode::FileNotFound);
    QVERIFY(!QFileInfo::exists(path));
}

void TestStoreBasics::notGrafana()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("other.db"));
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("maker"));
        raw.setDatabaseName(path);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO notes (body) VALUES ('hello')")));
        q.finish();
        raw.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("maker"));
    ConnectionSpec spec;
    spec.path = path;
    auto db = Database::open(spec);
    QVERIFY(db);
    auto schema = detectSchema(*db);
    QVERIFY(!schema);
    QCOMPARE(schema.error().code, ErrorCode::NotMosaicoo);
}

void TestStoreBasics::garbageFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("garbage.db"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, 'x'));
    f.close();
    ConnectionSpec spec;
    spec.path = path;
    auto db = Database::open(spec);
    QVERIFY(!db);
    QCOMPARE(db.error().code, ErrorCode::NotSqlite);
}

void TestStoreBasics::lockedDatabase()
{
    QTemporaryDir dir;
    const QString path = mk::test::copyFixture(
        mk::test::realFixturesDir() + QStringLiteral("/akshtshrma24__PingAlerting__monitoring_grafana_data_grafana.db"),
        dir.path());
    QVERIFY(!path.isEmpty());
    {
        QSqlDatabase locker = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("locker"));
        locker.setDatabaseName(path);
        QVERIFY(locker.open());
        QSqlQuery q(locker);
        QVERIFY(q.exec(QStringLiteral("BEGIN EXCLUSIVE")));
        QVERIFY(q.exec(QStringLiteral("UPDATE data_keys SET active = active")));
        ConnectionSpec spec;
        spec.path = path;
        auto db = Database::open(spec);
        QVERIFY(!db);
        QCOMPARE(db.error().code, ErrorCode::Locked);
        QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
        q.finish();
        locker.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("locker"));
}

void TestStoreBasics::jsonScanner()
{
    const QByteArray doc = R"( {"a": "x\"y\u00e9\ud83d\ude00", "b": [1, -2.5e3, true, null, {}], "c": {"d": ""}} )";
    const JsonScanner s(doc);
    QVERIFY2(s.ok(), qPrintable(s.error()));
    const auto& root = s.root();
    QCOMPARE(root.type, JsonScanner::Type::Object);
    QCOMPARE(root.members.size(), 3);
    const auto* a = root.member(QStringLiteral("a"));
    QVERIFY(a);
    QCOMPARE(a->text, QByteArray("x\"y\xc3\xa9\xf0\x9f\x98\x80"));
    QCOMPARE(doc.mid(a->start, a->length), QByteArray(R"(x\"y\u00e9\ud83d\ude00)"));
    QCOMPARE(root.member(QStringLiteral("b"))->items.size(), 5);
    for (const char* bad : {"", "{", "{\"a\":}", "{\"a\":1,}", "[1 2]", "{\"a\":\"\x01\"}", "01", "{} x", "nul",
                            "\"abc", "{\"a\":tru}"}) {
        const JsonScanner b{QByteArray(bad)};
        QVERIFY2(!b.ok(), bad);
    }
    QByteArray deep(1000, '[');
    deep += QByteArray(1000, ']');
    QVERIFY(!JsonScanner(deep).ok());
}

void TestStoreBasics::expandEdgeCases()
{
    const SecretLocation& ds = loc("data_source.secure_json_data");
    QVERIFY(expandCell(ds, QByteArray(), true).empty);
    QVERIFY(expandCell(ds, QByteArray(""), false).empty);
    QVERIFY(expandCell(ds, "{}", false).empty);
    QVERIFY(expandCell(ds, "null", false).empty);
    QVERIFY(expandCell(ds, R"({"password":""})", false).empty);

    CellExpansion e = expandCell(ds, "[1]", false);
    QCOMPARE(e.problems.size(), 1);
    QCOMPARE(e.problems.first().field, QStringLiteral("secure_json_data"));
    QCOMPARE(e.problems.first().kind, CellProblem::BadJson);

    e = expandCell(ds, R"({"a":1,"b":"QUJD"})", false);
    QCOMPARE(e.problems.size(), 1);
    QCOMPARE(e.problems.first().field, QStringLiteral("a"));
    QCOMPARE(e.values.size(), 1);
    QCOMPARE(e.values.first().payload, QByteArray("ABC"));

    e = expandCell(ds, R"({"a":"QUI","b":"QU_D"})", false); // unpadded / url-safe in a padded column
    QCOMPARE(e.problems.size(), 2);
    QCOMPARE(e.problems.first().kind, CellProblem::BadBase64);

    const SecretLocation& secrets = loc("secrets.value");
    e = expandCell(secrets, "QUI", false);
    QCOMPARE(e.values.size(), 1);
    QCOMPARE(e.values.first().padded, false);
    e = expandCell(secrets, "QUI=", false);
    QCOMPARE(e.problems.size(), 1);

    const SecretLocation& sk = loc("signing_key.private_key");
    e = expandCell(sk, "QUI=", false);
    QCOMPARE(e.values.size(), 1);
    QCOMPARE(e.values.first().encodingUsed, SecretLocation::Encoding::StdBase64);
    e = expandCell(sk, "QUI", false);
    QCOMPARE(e.values.first().encodingUsed, SecretLocation::Encoding::RawBase64);

    const SecretLocation& cache = loc("cache_data.data");
    QVERIFY(expandCell(cache, "eyJhbGciOi", false).empty);
    QCOMPARE(expandCell(cache, "#abc#xyz", false).values.size(), 1);

    const SecretLocation& ac = loc("alert_configuration.alertmanager_configuration");
    e = expandCell(ac, R"({"alertmanager_config":{"receivers":[{"grafana_managed_receiver_configs":[{"secureSettings":null},{"secureSettings":{"url":"QUJD","n":5}}]}]}})",
                   false);
    QCOMPARE(e.values.size(), 1);
    QCOMPARE(e.values.first().field, QStringLiteral("receivers[0].grafana_managed_receiver_configs[1].secureSettings.url"));
    QCOMPARE(e.problems.size(), 1);
}

void TestStoreBasics::replaceSplicesOnlyTheValue()
{
    const SecretLocation& ds = loc("data_source.secure_json_data");
    const QByteArray raw = R"({ "password" : "QUJD",  "x":"QUJDRA\u003d\u003d" })";
    // Same payloads: byte-identical, even for the escaped one.
    QCOMPARE(replaceValues(ds, raw, {{QStringLiteral("password"), "ABC"}, {QStringLiteral("x"), "ABCD"}}), raw);
    const QByteArray changed = replaceValues(ds, raw, {{QStringLiteral("x"), "hello"}, {QStringLiteral("nope"), "z"}});
    QCOMPARE(changed, QByteArray(R"({ "password" : "QUJD",  "x":"aGVsbG8=" })"));
    const SecretLocation& secrets = loc("secrets.value");
    QCOMPARE(replaceValues(secrets, "QUJD", {{QStringLiteral("value"), "hello"}}), QByteArray("aGVsbG8"));
    const SecretLocation& snap = loc("dashboard_snapshot.dashboard_encrypted");
    QCOMPARE(replaceValues(snap, "#a#b", {{QStringLiteral("dashboard_encrypted"), QByteArray("\0\1", 2)}}),
             QByteArray("\0\1", 2));
}

// Found by fuzz_json_locations (tests/fuzz/corpus/json_locations/regress-duplicate-keys): with a
// duplicate key, both replacements went to the first occurrence, so replacing every value with
// its own payload changed the cell, and new payloads were spliced into the wrong value.
void TestStoreBasics::replaceDuplicateKeysInOrder()
{
    const SecretLocation& ds = loc("data_source.secure_json_data");
    const QByteArray raw = R"({"a":"YQ==","a":"Yg=="})";
    const CellExpansion e = expandCell(ds, raw, false);
    QCOMPARE(e.values.size(), 2);
    QCOMPARE(replaceValues(ds, raw, {{QStringLiteral("a"), "a"}, {QStringLiteral("a"), "b"}}), raw);
    QCOMPARE(replaceValues(ds, raw, {{QStringLiteral("a"), "x"}, {QStringLiteral("a"), "y"}}),
             QByteArray(R"({"a":"eA==","a":"eQ=="})"));
    // One replacement: the first occurrence only.
    QCOMPARE(replaceValues(ds, raw, {{QStringLiteral("a"), "x"}}), QByteArray(R"({"a":"eA==","a":"Yg=="})"));
}

void TestStoreBasics::ssoPaths()
{
    const SecretLocation& sso = loc("sso_setting.settings");
    const QByteArray raw = R"({"client_secret":"QUI","extra":{"signing_password":"QUJD","list":[{"Private_Key":"QQ"}],"certificates":["QUI",""]},"client_id":"QUJD","empty_client_secret":""})";
    const CellExpansion e = expandCell(sso, raw, false);
    QVERIFY(e.problems.isEmpty());
    QStringList fields;
    for (const CellValue& v : e.values)
        fields << v.field;
    QCOMPARE(fields, QStringList({QStringLiteral("settings.client_secret"),
                                  QStringLiteral("settings.extra.signing_password"),
                                  QStringLiteral("settings.extra.list[0].Private_Key"),
                                  QStringLiteral("settings.extra.certificates[0]")}));
}

void TestStoreBasics::updateCellOnCopy()
{
    QTemporaryDir dir;
    const QString path = mk::test::copyFixture(mk::test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db"),
                                               dir.path());
    ConnectionSpec spec;
    spec.path = path;
    spec.readOnly = false;
    auto db = Database::open(spec);
    QVERIFY(db);
    const SecretLocation& ds = loc("data_source.secure_json_data");
    auto cells = readCells(*db, ds, QString(), 50);
    QVERIFY(cells);
    const Cell* target = nullptr;
    for (const Cell& c : *cells) {
        if (!expandCell(ds, c.raw, c.isNull).values.isEmpty()) {
            target = &c;
            break;
        }
    }
    QVERIFY(target);
    const CellExpansion ex = expandCell(ds, target->raw, false);
    const QString field = ex.values.first().field;
    const QByteArray newRaw = replaceValues(ds, target->raw, {{field, QByteArray("new payload")}});
    QVERIFY(newRaw != target->raw);
    QVERIFY(db->begin());
    QVERIFY(updateCell(*db, ds, target->rowId, target->raw, newRaw, QStringLiteral("2030-01-02 03:04:05")));
    QVERIFY(db->commit());

    auto again = readCells(*db, ds, QString::number(target->rowId.toLongLong() - 1), 1);
    QVERIFY(again);
    QCOMPARE(again->size(), 1);
    QCOMPARE(again->first().raw, newRaw);
    QCOMPARE(again->first().updated, QStringLiteral("2030-01-02 03:04:05"));
    const CellExpansion after = expandCell(ds, newRaw, false);
    QCOMPARE(after.values.size(), ex.values.size());
    QCOMPARE(after.values.first().payload, QByteArray("new payload"));

    // A writer changed the row meanwhile: the stale expectation loses.
    auto conflict = updateCell(*db, ds, target->rowId, target->raw, target->raw, QString());
    QVERIFY(!conflict);
    QCOMPARE(conflict.error().code, ErrorCode::Conflict);
    // Unknown row: conflict too.
    auto missing = updateCell(*db, ds, QStringLiteral("999999"), newRaw, target->raw, QString());
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::Conflict);
    // Writing the same bytes back matches.
    QVERIFY(updateCell(*db, ds, target->rowId, newRaw, newRaw, QString()));
}

void TestStoreBasics::readOnlyRefusesWrites()
{
    QTemporaryDir dir;
    const QString path = mk::test::copyFixture(mk::test::syntheticFixturesDir() + QStringLiteral("/broken.db"),
                                               dir.path());
    auto db = Database::open(*ConnectionSpec::fromUrl(path));
    QVERIFY(db);
    const SecretLocation& secrets = loc("secrets.value");
    auto cells = readCells(*db, secrets, QString(), 1);
    QVERIFY(cells && !cells->isEmpty());
    auto r = updateCell(*db, secrets, cells->first().rowId, cells->first().raw, "QUJD", QString());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::ReadOnly);
    auto d = deactivateAllDataKeys(*db);
    QVERIFY(!d);
    QCOMPARE(d.error().code, ErrorCode::ReadOnly);
}

void TestStoreBasics::signingKeyKeepsStorageClass()
{
    QTemporaryDir dir;
    const QString path = mk::test::copyFixture(mk::test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db"),
                                               dir.path());
    ConnectionSpec spec;
    spec.path = path;
    spec.readOnly = false;
    auto db = Database::open(spec);
    QVERIFY(db);
    const SecretLocation& sk = loc("signing_key.private_key");
    auto cells = readCells(*db, sk, QString(), 10);
    QVERIFY(cells);
    QCOMPARE(cells->size(), 2);
    for (const Cell& c : *cells) {
        QVERIFY(c.isBlob);
        const CellExpansion ex = expandCell(sk, c.raw, false);
        QCOMPARE(ex.values.size(), 1);
        const QByteArray newRaw = replaceValues(sk, c.raw, {{ex.values.first().field, QByteArray(100, 'k')}});
        QCOMPARE(newRaw.endsWith('='), ex.values.first().padded);
        QVERIFY(updateCell(*db, sk, c.rowId, c.raw, newRaw, QString()));
    }
    db = Database::open(*ConnectionSpec::fromUrl(path)); // closes the writer first
    QVERIFY(db);
    QCOMPARE(sqliteScalar(path, QStringLiteral("SELECT group_concat(typeof(private_key)) FROM signing_key")),
             QStringLiteral("blob,blob"));
}

void TestStoreBasics::dataKeyWrites()
{
    QTemporaryDir dir;
    const QString path = mk::test::copyFixture(mk::test::syntheticFixturesDir() + QStringLiteral("/custom-key.db"),
                                               dir.path());
    ConnectionSpec spec;
    spec.path = path;
    spec.readOnly = false;
    auto db = Database::open(spec);
    QVERIFY(db);
    auto before = loadDataKeys(*db);
    QVERIFY(before);
    QCOMPARE(before->size(), 5);
    int activeBefore = 0;
    for (const DataKeyRow& k : *before)
        activeBefore += k.active ? 1 : 0;

    DataKeyRow row;
    row.id = QStringLiteral("abcdefghijklmn");
    row.label = QStringLiteral("2030-01-01/root@secretKey.v1");
    row.provider = QStringLiteral("secretKey.v1");
    row.scope = QStringLiteral("root");
    row.active = true;
    row.encryptedData = QByteArray("\0\1\2\3", 4) + QByteArray(48, 'z');
    row.created = row.updated = QStringLiteral("2030-01-01 00:00:00");
    QVERIFY(insertDataKey(*db, row));
    auto deactivated = deactivateAllDataKeys(*db);
    QVERIFY(deactivated);
    QCOMPARE(*deactivated, qint64(activeBefore + 1));
    QVERIFY(updateDataKeyWrap(*db, row.id, QStringLiteral("secretKey.v1"), QStringLiteral("2030-01-02/root@secretKey.v1"),
                              QByteArray(52, 'w'), QStringLiteral("2030-01-02 00:00:00")));
    auto nope = updateDataKeyWrap(*db, QStringLiteral("missing"), QString(), QString(), QByteArray(1, 'x'), QString());
    QVERIFY(!nope);
    QCOMPARE(nope.error().code, ErrorCode::Conflict);

    auto after = loadDataKeys(*db);
    QVERIFY(after);
    QCOMPARE(after->size(), 6);
    bool found = false;
    for (const DataKeyRow& k : *after) {
        QVERIFY(!k.active);
        if (k.id == row.id) {
            found = true;
            QCOMPARE(k.label, QStringLiteral("2030-01-02/root@secretKey.v1"));
            QCOMPARE(k.encryptedData, QByteArray(52, 'w'));
            QCOMPARE(k.updated, QStringLiteral("2030-01-02 00:00:00"));
            QCOMPARE(k.created, QStringLiteral("2030-01-01 00:00:00"));
        }
    }
    QVERIFY(found);
    auto deleted = deleteDataKeys(*db, {row.id, QStringLiteral("missing")});
    QVERIFY(deleted);
    QCOMPARE(*deleted, qint64(1));
    QCOMPARE(loadDataKeys(*db)->size(), 5);
}

void TestStoreBasics::backup()
{
    QTemporaryDir dir;
    const QString source = mk::test::realFixturesDir()
                           + QStringLiteral("/anmawxz__grafana-keycloak__grafana_data_grafana.db");
    auto db = Database::open(*ConnectionSpec::fromUrl(source)); // read-only is enough
    QVERIFY(db);
    const QString target = dir.filePath(QStringLiteral("backup.db"));
    auto r = backupSqlite(*db, target);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().detail));
    QCOMPARE(QFileInfo(target).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());
    auto copy = Database::open(*ConnectionSpec::fromUrl(target));
    QVERIFY(copy);
    QCOMPARE(loadDataKeys(*copy)->size(), loadDataKeys(*db)->size());
    auto again = backupSqlite(*db, target);
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::Io);
}

QTEST_GUILESS_MAIN(TestStoreBasics)
#include "TestStoreBasics.moc"
