#include "ConfigTestUtil.h"

#include "model/config/ConfigLoader.h"
#include "model/config/ConfigLocator.h"
#include "model/config/GoDuration.h"
#include "tests/support/TestData.h"

#include <QTemporaryDir>
#include <QTest>

using namespace mk::config;
using mk::config::test::envOf;
using mk::config::test::writeFile;

namespace {

const QString kIni = QStringLiteral("/opt/mosaicoo/conf/custom.ini");

Result<MosaicooConfig> parse(const QByteArray& text, const QStringList& env = {})
{
    return parseConfig(text, kIni, envOf(env));
}

class TestConfigLoader : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void secretKey_data();
    void secretKey();
    void envKeyNames_data();
    void envKeyNames();
    void envOverrides();
    void envOverrideEmptyIsIgnored();
    void envOverrideIsExpanded();
    void databaseHost_data();
    void databaseHost();
    void databaseUrl_data();
    void databaseUrl();
    void databaseBadValues_data();
    void databaseBadValues();
    void databaseTls();
    void paths_data();
    void paths();
    void goDuration_data();
    void goDuration();
    void cacheTtl_data();
    void cacheTtl();
    void featureToggles_data();
    void featureToggles();
    void providers();
    void kmsEnvOverrideWithDashedName();
    void expansionInConfig();
    void vaultInUsedKeyFails();
    void brokenUnusedSectionIsIgnored();
    void caseMismatchWarns();
    void malformed_data();
    void malformed();
    void loadConfigFiles();
    void loadConfigLayersDefaultsIni();
    void locator();
};

void TestConfigLoader::defaults()
{
    const auto c = parse("");
    QVERIFY(c.has_value());
    QCOMPARE(c->database.type, DatabaseType::Sqlite3);
    QCOMPARE(c->homePath, QStringLiteral("/opt/mosaicoo"));
    QCOMPARE(c->dataPath, QStringLiteral("/opt/mosaicoo/data"));
    QCOMPARE(c->database.sqliteFile, QStringLiteral("/opt/mosaicoo/data/grafana.db"));
    QVERIFY(!c->security.secretKey.has_value());
    QCOMPARE(c->security.encryptionProvider, QStringLiteral("secretKey.v1"));
    QVERIFY(c->security.availableEncryptionProviders.isEmpty());
    QCOMPARE(c->security.algorithm, QStringLiteral("aes-cfb"));
    QCOMPARE(c->security.dataKeysCacheTtlSeconds, 900);
    QCOMPARE(c->security.dataKeysCacheCleanupIntervalSeconds, 60);
    QVERIFY(c->security.kmsProviders.isEmpty());
    QVERIFY(!c->envelopeEncryptionDisabled);
    QCOMPARE(c->database.sslMode, QStringLiteral("disable"));
    QVERIFY(c->appliedEnvOverrides.isEmpty());
    QVERIFY(c->warnings.isEmpty());
}

void TestConfigLoader::secretKey_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<bool>("present");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray key = mk::test::kCustomSecretKey;
    QTest::newRow("backticks") << (QByteArray("[security]\nsecret_key = `") + key + "`\n") << QStringList()
                               << true << key;
    QTest::newRow("triple quotes") << (QByteArray("[security]\nsecret_key = \"\"\"") + key + "\"\"\"\n")
                                   << QStringList() << true << key;
    QTest::newRow("unquoted is cut at #") << (QByteArray("[security]\nsecret_key = ") + key + "\n")
                                          << QStringList() << true << QByteArray("k3y-with");
    QTest::newRow("double quotes do not help") << (QByteArray("[security]\nsecret_key = \"") + key + "\"\n")
                                               << QStringList() << true << QByteArray("\"k3y-with");
    QTest::newRow("env GF_SECURITY_SECRET_KEY")
        << QByteArray("[security]\nsecret_key = `other`\n")
        << QStringList{QStringLiteral("GF_SECURITY_SECRET_KEY=") + QString::fromUtf8(key)} << true << key;
    QTest::newRow("env without file key") << QByteArray()
                                          << QStringList{QStringLiteral("GF_SECURITY_SECRET_KEY=") + QString::fromUtf8(key)}
                                          << true << key;
    QTest::newRow("absent") << QByteArray("[security]\nencryption_provider = secretKey.v1\n") << QStringList()
                            << false << QByteArray();
    QTest::newRow("empty means absent") << QByteArray("[security]\nsecret_key =\n") << QStringList() << false
                                        << QByteArray();
    QTest::newRow("only a comment") << QByteArray("[security]\nsecret_key = # todo\n") << QStringList() << false
                                    << QByteArray();
    QTest::newRow("in other section") << QByteArray("[server]\nsecret_key = nope\n") << QStringList() << false
                                      << QByteArray();
}

void TestConfigLoader::secretKey()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, env);
    QFETCH(bool, present);
    QFETCH(QByteArray, expected);
    const auto c = parse(text, env);
    QVERIFY(c.has_value());
    QCOMPARE(c->security.secretKey.has_value(), present);
    if (present)
        QCOMPARE(*c->security.secretKey, expected);
}

void TestConfigLoader::envKeyNames_data()
{
    QTest::addColumn<QString>("section");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected");
    QTest::newRow("security") << QStringLiteral("security") << QStringLiteral("secret_key")
                              << QStringLiteral("GF_SECURITY_SECRET_KEY");
    QTest::newRow("dotted section") << QStringLiteral("security.encryption") << QStringLiteral("algorithm")
                                    << QStringLiteral("GF_SECURITY_ENCRYPTION_ALGORITHM");
    QTest::newRow("dashed section") << QStringLiteral("auth.generic-oauth") << QStringLiteral("client_id")
                                    << QStringLiteral("GF_AUTH_GENERIC_OAUTH_CLIENT_ID");
    QTest::newRow("dotted key") << QStringLiteral("s") << QStringLiteral("a.b") << QStringLiteral("GF_S_A_B");
    QTest::newRow("dash in key kept (Grafana)") << QStringLiteral("s") << QStringLiteral("a-b")
                                                << QStringLiteral("GF_S_A-B");
    QTest::newRow("toggle") << QStringLiteral("feature_toggles") << QStringLiteral("disableEnvelopeEncryption")
                            << QStringLiteral("GF_FEATURE_TOGGLES_DISABLEENVELOPEENCRYPTION");
}

void TestConfigLoader::envKeyNames()
{
    QFETCH(QString, section);
    QFETCH(QString, key);
    QFETCH(QString, expected);
    QCOMPARE(envKeyFor(section, key), expected);
}

void TestConfigLoader::envOverrides()
{
    const auto c = parse("[database]\ntype = mysql\nhost = file-host\n[security.encryption]\nalgorithm = aes-cfb\n",
                         {QStringLiteral("GF_SECURITY_ENCRYPTION_ALGORITHM=aes-gcm"),
                          QStringLiteral("GF_DATABASE_TYPE=postgres"),
                          QStringLiteral("GF_DATABASE_PASSWORD=s3cret"),
                          QStringLiteral("GF_PATHS_DATA=/var/lib/mosaicoo")});
    QVERIFY(c.has_value());
    QCOMPARE(c->security.algorithm, QStringLiteral("aes-gcm"));
    QCOMPARE(c->database.type, DatabaseType::Postgres);
    QCOMPARE(c->database.host, QStringLiteral("file-host"));
    QCOMPARE(c->database.port, 5432);
    QCOMPARE(c->database.password, QStringLiteral("s3cret"));
    QCOMPARE(c->dataPath, QStringLiteral("/var/lib/mosaicoo"));
    QVERIFY(c->appliedEnvOverrides.contains(QStringLiteral("GF_DATABASE_TYPE")));
    QVERIFY(c->appliedEnvOverrides.contains(QStringLiteral("GF_SECURITY_ENCRYPTION_ALGORITHM")));
    for (const auto& name : c->appliedEnvOverrides)
        QVERIFY(!name.contains(QStringLiteral("s3cret")));
}

void TestConfigLoader::envOverrideEmptyIsIgnored()
{
    const auto c = parse("[database]\ntype = mysql\n", {QStringLiteral("GF_DATABASE_TYPE=")});
    QVERIFY(c.has_value());
    QCOMPARE(c->database.type, DatabaseType::Mysql);
    QVERIFY(c->appliedEnvOverrides.isEmpty());
}

void TestConfigLoader::envOverrideIsExpanded()
{
    const auto c = parse("", {QStringLiteral("GF_SECURITY_SECRET_KEY=$__env{REAL_KEY}"),
                              QStringLiteral("REAL_KEY=") + QString::fromUtf8(mk::test::kCustomSecretKey)});
    QVERIFY(c.has_value());
    QCOMPARE(*c->security.secretKey, QByteArray(mk::test::kCustomSecretKey));
    QVERIFY(c->security.secretKeyFromEnv);
}

void TestConfigLoader::databaseHost_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("expectedHost");
    QTest::addColumn<int>("expectedPort");
    QTest::addColumn<bool>("socket");

    QTest::newRow("postgres host:port") << QStringLiteral("postgres") << QStringLiteral("db.example:6543")
                                        << QStringLiteral("db.example") << 6543 << false;
    QTest::newRow("postgres host only") << QStringLiteral("postgres") << QStringLiteral("db")
                                        << QStringLiteral("db") << 5432 << false;
    QTest::newRow("postgres trailing colon") << QStringLiteral("postgres") << QStringLiteral("db:")
                                             << QStringLiteral("db") << 5432 << false;
    QTest::newRow("postgres ipv6") << QStringLiteral("postgres") << QStringLiteral("[::1]:5433")
                                   << QStringLiteral("::1") << 5433 << false;
    QTest::newRow("postgres socket") << QStringLiteral("postgres") << QStringLiteral("/var/run/postgresql")
                                     << QStringLiteral("/var/run/postgresql") << 0 << true;
    QTest::newRow("mysql host:port") << QStringLiteral("mysql") << QStringLiteral("mysql:3307")
                                     << QStringLiteral("mysql") << 3307 << false;
    QTest::newRow("mysql host only") << QStringLiteral("mysql") << QStringLiteral("mysql")
                                     << QStringLiteral("mysql") << 3306 << false;
    QTest::newRow("mysql socket") << QStringLiteral("mysql") << QStringLiteral("/run/mysqld/mysqld.sock")
                                  << QStringLiteral("/run/mysqld/mysqld.sock") << 0 << true;
    QTest::newRow("mysql defaults.ini host") << QStringLiteral("mysql") << QString()
                                             << QStringLiteral("127.0.0.1") << 3306 << false;
}

void TestConfigLoader::databaseHost()
{
    QFETCH(QString, type);
    QFETCH(QString, host);
    QFETCH(QString, expectedHost);
    QFETCH(int, expectedPort);
    QFETCH(bool, socket);
    const QByteArray text = "[database]\ntype = " + type.toUtf8() + "\nhost = " + host.toUtf8()
                            + "\nname = gf\nuser = u\npassword = `p#w`\n";
    const auto c = parse(text);
    QVERIFY2(c.has_value(), qPrintable(c ? QString() : c.error().detail));
    QCOMPARE(c->database.host, expectedHost);
    QCOMPARE(c->database.port, expectedPort);
    QCOMPARE(c->database.unixSocket, socket);
    QCOMPARE(c->database.name, QStringLiteral("gf"));
    QCOMPARE(c->database.user, QStringLiteral("u"));
    QCOMPARE(c->database.password, QStringLiteral("p#w"));
    QVERIFY(!c->database.fromUrl);
}

void TestConfigLoader::databaseUrl_data()
{
    QTest::addColumn<QByteArray>("url");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("sslMode");

    QTest::newRow("postgres full") << QByteArray("postgres://gf:p%40ss%3Aw@pg.example:5433/grafana?sslmode=require")
                                   << int(DatabaseType::Postgres) << QStringLiteral("pg.example") << 5433
                                   << QStringLiteral("grafana") << QStringLiteral("gf") << QStringLiteral("p@ss:w")
                                   << QStringLiteral("require");
    QTest::newRow("postgres no port") << QByteArray("postgres://gf@pg/db") << int(DatabaseType::Postgres)
                                      << QStringLiteral("pg") << 5432 << QStringLiteral("db")
                                      << QStringLiteral("gf") << QString() << QStringLiteral("disable");
    QTest::newRow("mysql") << QByteArray("mysql://root:secret@mysql:3306/gf") << int(DatabaseType::Mysql)
                           << QStringLiteral("mysql") << 3306 << QStringLiteral("gf") << QStringLiteral("root")
                           << QStringLiteral("secret") << QStringLiteral("disable");
    QTest::newRow("name is first path segment") << QByteArray("mysql://u:p@h/first/second")
                                                << int(DatabaseType::Mysql) << QStringLiteral("h") << 3306
                                                << QStringLiteral("first") << QStringLiteral("u")
                                                << QStringLiteral("p") << QStringLiteral("disable");
    QTest::newRow("no path: empty name") << QByteArray("postgres://u:p@h:1") << int(DatabaseType::Postgres)
                                         << QStringLiteral("h") << 1 << QString() << QStringLiteral("u")
                                         << QStringLiteral("p") << QStringLiteral("disable");
}

void TestConfigLoader::databaseUrl()
{
    QFETCH(QByteArray, url);
    QFETCH(int, type);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, name);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, sslMode);
    // url wins over the individual keys.
    const QByteArray text = "[database]\ntype = sqlite3\nhost = ignored:1\nname = ignored\nuser = ignored\n"
                            "password = ignored\nurl = " + url + "\n";
    const auto c = parse(text);
    QVERIFY2(c.has_value(), qPrintable(c ? QString() : c.error().detail));
    QCOMPARE(int(c->database.type), type);
    QVERIFY(c->database.fromUrl);
    QCOMPARE(c->database.host, host);
    QCOMPARE(c->database.port, port);
    QCOMPARE(c->database.name, name);
    QCOMPARE(c->database.user, user);
    QCOMPARE(c->database.password, password);
    QCOMPARE(c->database.sslMode, sslMode);
}

void TestConfigLoader::databaseBadValues_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("unknown type") << QByteArray("[database]\ntype = oracle\n");
    QTest::newRow("bad port") << QByteArray("[database]\ntype = postgres\nhost = db:abc\n");
    QTest::newRow("port out of range") << QByteArray("[database]\ntype = mysql\nhost = db:70000\n");
    QTest::newRow("ipv6 without ]") << QByteArray("[database]\ntype = postgres\nhost = [::1:5432\n");
    QTest::newRow("url unknown scheme") << QByteArray("[database]\nurl = oracle://u:topsecret@h/db\n");
    QTest::newRow("url not a url") << QByteArray("[database]\nurl = ://topsecret\n");
}

void TestConfigLoader::databaseBadValues()
{
    QFETCH(QByteArray, text);
    const auto c = parse(text);
    QVERIFY(!c.has_value());
    QCOMPARE(c.error().code, ErrorCode::BadValue);
    QVERIFY(!c.error().detail.contains(QStringLiteral("topsecret")));
}

void TestConfigLoader::databaseTls()
{
    const auto c = parse("[database]\ntype = postgres\nssl_mode = verify-full\nca_cert_path = /ca.pem\n"
                         "client_key_path = /k.pem\nclient_cert_path = /c.pem\nserver_cert_name = db.local\n");
    QVERIFY(c.has_value());
    QCOMPARE(c->database.sslMode, QStringLiteral("verify-full"));
    QCOMPARE(c->database.caCertPath, QStringLiteral("/ca.pem"));
    QCOMPARE(c->database.clientKeyPath, QStringLiteral("/k.pem"));
    QCOMPARE(c->database.clientCertPath, QStringLiteral("/c.pem"));
    QCOMPARE(c->database.serverCertName, QStringLiteral("db.local"));
}

void TestConfigLoader::paths_data()
{
    QTest::addColumn<QString>("iniPath");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("home");
    QTest::addColumn<QString>("data");
    QTest::addColumn<QString>("sqlite");

    QTest::newRow("conf folder: home is parent") << QStringLiteral("/srv/gf/conf/custom.ini") << QByteArray()
                                                 << QStringLiteral("/srv/gf") << QStringLiteral("/srv/gf/data")
                                                 << QStringLiteral("/srv/gf/data/grafana.db");
    QTest::newRow("other folder: home is the folder") << QStringLiteral("/etc/grafana/grafana.ini") << QByteArray()
                                                      << QStringLiteral("/etc/grafana")
                                                      << QStringLiteral("/etc/grafana/data")
                                                      << QStringLiteral("/etc/grafana/data/grafana.db");
    QTest::newRow("relative data") << QStringLiteral("/srv/gf/conf/custom.ini")
                                   << QByteArray("[paths]\ndata = var/lib\n[database]\npath = mosaicoo.db\n")
                                   << QStringLiteral("/srv/gf") << QStringLiteral("/srv/gf/var/lib")
                                   << QStringLiteral("/srv/gf/var/lib/mosaicoo.db");
    QTest::newRow("relative data without conf") << QStringLiteral("/etc/mk/mosaicoo.ini")
                                                << QByteArray("[paths]\ndata = ../state\n")
                                                << QStringLiteral("/etc/mk") << QStringLiteral("/etc/state")
                                                << QStringLiteral("/etc/state/grafana.db");
    QTest::newRow("absolute data") << QStringLiteral("/srv/gf/conf/custom.ini")
                                   << QByteArray("[paths]\ndata = /var/lib/grafana\n")
                                   << QStringLiteral("/srv/gf") << QStringLiteral("/var/lib/grafana")
                                   << QStringLiteral("/var/lib/grafana/grafana.db");
    QTest::newRow("relative sqlite subfolder") << QStringLiteral("/srv/gf/conf/custom.ini")
                                               << QByteArray("[database]\npath = sub/../db/x.db\n")
                                               << QStringLiteral("/srv/gf") << QStringLiteral("/srv/gf/data")
                                               << QStringLiteral("/srv/gf/data/db/x.db");
    QTest::newRow("absolute sqlite") << QStringLiteral("/srv/gf/conf/custom.ini")
                                     << QByteArray("[database]\npath = /tmp/x.db\n") << QStringLiteral("/srv/gf")
                                     << QStringLiteral("/srv/gf/data") << QStringLiteral("/tmp/x.db");
    QTest::newRow("folder merely ending in conf") << QStringLiteral("/srv/myconf/custom.ini") << QByteArray()
                                                  << QStringLiteral("/srv/myconf")
                                                  << QStringLiteral("/srv/myconf/data")
                                                  << QStringLiteral("/srv/myconf/data/grafana.db");
}

void TestConfigLoader::paths()
{
    QFETCH(QString, iniPath);
    QFETCH(QByteArray, text);
    QFETCH(QString, home);
    QFETCH(QString, data);
    QFETCH(QString, sqlite);
    const auto c = parseConfig(text, iniPath, QProcessEnvironment());
    QVERIFY(c.has_value());
    QCOMPARE(c->homePath, home);
    QCOMPARE(c->dataPath, data);
    QCOMPARE(c->database.sqliteFile, sqlite);
}

void TestConfigLoader::goDuration_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("15m") << QStringLiteral("15m") << true << qint64(900000);
    QTest::newRow("1h30m") << QStringLiteral("1h30m") << true << qint64(5400000);
    QTest::newRow("90s") << QStringLiteral("90s") << true << qint64(90000);
    QTest::newRow("1.5h") << QStringLiteral("1.5h") << true << qint64(5400000);
    QTest::newRow(".5s") << QStringLiteral(".5s") << true << qint64(500);
    QTest::newRow("5.s") << QStringLiteral("5.s") << true << qint64(5000);
    QTest::newRow("1h2m3s4ms") << QStringLiteral("1h2m3s4ms") << true << qint64(3723004);
    QTest::newRow("micro sign") << QStringLiteral("1500\u00B5s") << true << qint64(1);
    QTest::newRow("ns") << QStringLiteral("2000000ns") << true << qint64(2);
    QTest::newRow("negative") << QStringLiteral("-5m") << true << qint64(-300000);
    QTest::newRow("plus") << QStringLiteral("+1s") << true << qint64(1000);
    QTest::newRow("zero") << QStringLiteral("0") << true << qint64(0);
    QTest::newRow("missing unit") << QStringLiteral("900") << false << qint64(0);
    QTest::newRow("days") << QStringLiteral("1d") << false << qint64(0);
    QTest::newRow("space") << QStringLiteral("15 m") << false << qint64(0);
    QTest::newRow("empty") << QString() << false << qint64(0);
    QTest::newRow("sign only") << QStringLiteral("-") << false << qint64(0);
    QTest::newRow("dot only") << QStringLiteral(".s") << false << qint64(0);
    QTest::newRow("overflow") << QStringLiteral("9999999999h") << false << qint64(0);
}

void TestConfigLoader::goDuration()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, ms);
    const auto d = parseGoDuration(text);
    QCOMPARE(d.has_value(), valid);
    if (valid)
        QCOMPARE(std::chrono::duration_cast<std::chrono::milliseconds>(*d).count(), ms);
}

void TestConfigLoader::cacheTtl_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<bool>("warns");
    QTest::newRow("15m") << QByteArray("15m") << qint64(900) << false;
    QTest::newRow("1h30m") << QByteArray("1h30m") << qint64(5400) << false;
    QTest::newRow("90s") << QByteArray("90s") << qint64(90) << false;
    QTest::newRow("1m30s # comment") << QByteArray("1m30s # comment") << qint64(90) << false;
    QTest::newRow("500ms truncates") << QByteArray("500ms") << qint64(0) << false;
    QTest::newRow("0") << QByteArray("0") << qint64(0) << false;
    QTest::newRow("empty -> default") << QByteArray("") << qint64(900) << false;
    QTest::newRow("no unit -> default") << QByteArray("900") << qint64(900) << true;
    QTest::newRow("garbage -> default") << QByteArray("soon") << qint64(900) << true;
}

void TestConfigLoader::cacheTtl()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, seconds);
    QFETCH(bool, warns);
    const auto c = parse("[security.encryption]\ndata_keys_cache_ttl = " + value
                         + "\ndata_keys_cache_cleanup_interval = 2m\n");
    QVERIFY(c.has_value());
    QCOMPARE(c->security.dataKeysCacheTtlSeconds, seconds);
    QCOMPARE(c->security.dataKeysCacheCleanupIntervalSeconds, qint64(120));
    QCOMPARE(!c->warnings.isEmpty(), warns);
}

void TestConfigLoader::featureToggles_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<bool>("disabled");

    QTest::newRow("absent") << QByteArray("[feature_toggles]\nenable = foo\n") << QStringList() << false;
    QTest::newRow("enable comma list") << QByteArray("[feature_toggles]\nenable = a,disableEnvelopeEncryption\n")
                                       << QStringList() << true;
    QTest::newRow("enable space list") << QByteArray("[feature_toggles]\nenable = a  disableEnvelopeEncryption b\n")
                                       << QStringList() << true;
    QTest::newRow("enable json list")
        << QByteArray("[feature_toggles]\nenable = [\"a\", \"disableEnvelopeEncryption\"]\n") << QStringList()
        << true;
    QTest::newRow("individual true") << QByteArray("[feature_toggles]\ndisableEnvelopeEncryption = true\n")
                                     << QStringList() << true;
    QTest::newRow("individual 1") << QByteArray("[feature_toggles]\ndisableEnvelopeEncryption = 1\n")
                                  << QStringList() << true;
    QTest::newRow("individual false") << QByteArray("[feature_toggles]\ndisableEnvelopeEncryption = false\n")
                                      << QStringList() << false;
    QTest::newRow("individual wins over enable")
        << QByteArray("[feature_toggles]\nenable = disableEnvelopeEncryption\ndisableEnvelopeEncryption = false\n")
        << QStringList() << false;
    QTest::newRow("not a bool is ignored") << QByteArray("[feature_toggles]\ndisableEnvelopeEncryption = yes\n")
                                           << QStringList() << false;
    QTest::newRow("names are case-sensitive")
        << QByteArray("[feature_toggles]\nenable = disableenvelopeencryption\n") << QStringList() << false;
    QTest::newRow("env enable") << QByteArray()
                                << QStringList{QStringLiteral("GF_FEATURE_TOGGLES_ENABLE=disableEnvelopeEncryption")}
                                << true;
    QTest::newRow("env individual overrides file key")
        << QByteArray("[feature_toggles]\ndisableEnvelopeEncryption = false\n")
        << QStringList{QStringLiteral("GF_FEATURE_TOGGLES_DISABLEENVELOPEENCRYPTION=true")} << true;
    QTest::newRow("env individual without file key (Grafana ignores it)")
        << QByteArray() << QStringList{QStringLiteral("GF_FEATURE_TOGGLES_DISABLEENVELOPEENCRYPTION=true")}
        << false;
}

void TestConfigLoader::featureToggles()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, env);
    QFETCH(bool, disabled);
    const auto c = parse(text, env);
    QVERIFY(c.has_value());
    QCOMPARE(c->envelopeEncryptionDisabled, disabled);
}

void TestConfigLoader::providers()
{
    const auto c = parse("[security]\nencryption_provider = awskms.v1\n"
                         "available_encryption_providers = secretKey.v1 awskms.v1,azurekv.main\n"
                         "[security.encryption.awskms.v1]\nkey_id = arn:aws:kms:eu-west-1:1:key/abc\n"
                         "access_key_id = AKIA\nsecret_access_key = `x#y`\nregion = eu-west-1\n"
                         "[security.encryption.azurekv.main]\ntenant_id = t\nvault_uri = https://v.vault.azure.net/\n"
                         "[security.encryption.pkcs11.hsm]\nlibrary = /usr/lib/p11.so\n"
                         "[security.encryption.awskms]\nkey_id = nameless-is-skipped\n");
    QVERIFY(c.has_value());
    QCOMPARE(c->security.encryptionProvider, QStringLiteral("awskms.v1"));
    QCOMPARE(c->security.availableEncryptionProviders,
             (QStringList{QStringLiteral("secretKey.v1"), QStringLiteral("awskms.v1"), QStringLiteral("azurekv.main")}));
    QCOMPARE(c->security.kmsProviders.keys(),
             (QStringList{QStringLiteral("awskms.v1"), QStringLiteral("azurekv.main"), QStringLiteral("pkcs11.hsm")}));
    const auto aws = c->security.kmsProviders.value(QStringLiteral("awskms.v1"));
    QCOMPARE(aws.value(QStringLiteral("key_id")), QStringLiteral("arn:aws:kms:eu-west-1:1:key/abc"));
    QCOMPARE(aws.value(QStringLiteral("secret_access_key")), QStringLiteral("x#y"));
    QCOMPARE(aws.size(), 4);
    QCOMPARE(c->security.kmsProviders.value(QStringLiteral("azurekv.main")).value(QStringLiteral("vault_uri")),
             QStringLiteral("https://v.vault.azure.net/"));
}

void TestConfigLoader::kmsEnvOverrideWithDashedName()
{
    const auto c = parse("[security.encryption.awskms.my-key]\nsecret_access_key = from-file\n",
                         {QStringLiteral("GF_SECURITY_ENCRYPTION_AWSKMS_MY_KEY_SECRET_ACCESS_KEY=from-env")});
    QVERIFY(c.has_value());
    QCOMPARE(c->security.kmsProviders.value(QStringLiteral("awskms.my-key")).value(QStringLiteral("secret_access_key")),
             QStringLiteral("from-env"));
}

void TestConfigLoader::expansionInConfig()
{
    QTemporaryDir dir;
    const QString keyFile = writeFile(dir.filePath(QStringLiteral("secret")),
                                      QByteArray(mk::test::kCustomSecretKey) + "\n");
    const auto c = parse("[security]\nsecret_key = $__file{" + keyFile.toUtf8() + "}\n"
                         "[database]\ntype = postgres\nhost = ${DB_HOST}:$__env{DB_PORT}\n"
                         "password = $__env{DB_PASS}\n",
                         {QStringLiteral("DB_HOST=pg"), QStringLiteral("DB_PORT=6000"),
                          QStringLiteral("DB_PASS=pw")});
    QVERIFY2(c.has_value(), qPrintable(c ? QString() : c.error().detail));
    QCOMPARE(*c->security.secretKey, QByteArray(mk::test::kCustomSecretKey));
    QCOMPARE(c->database.host, QStringLiteral("pg"));
    QCOMPARE(c->database.port, 6000);
    QCOMPARE(c->database.password, QStringLiteral("pw"));

    // Expansion to nothing: secret_key is present but empty (resolveSecretKey refuses it).
    const auto empty = parse("[security]\nsecret_key = $__env{UNSET_VAR}\n");
    QVERIFY(empty.has_value());
    QVERIFY(empty->security.secretKey.has_value());
    QVERIFY(empty->security.secretKey->isEmpty());
}

void TestConfigLoader::vaultInUsedKeyFails()
{
    const auto c = parse("[security]\nsecret_key = $__vault{kv:grafana/key}\n");
    QVERIFY(!c.has_value());
    QCOMPARE(c.error().code, ErrorCode::BadValue);
    QVERIFY(c.error().detail.contains(QStringLiteral("security.secret_key")));
}

void TestConfigLoader::brokenUnusedSectionIsIgnored()
{
    const auto c = parse("[smtp]\npassword = $__vault{kv:x}\ncert = $__file{/nonexistent}\n"
                         "[security]\nsecret_key = `ok`\n");
    QVERIFY(c.has_value());
    QCOMPARE(*c->security.secretKey, QByteArray("ok"));
}

void TestConfigLoader::caseMismatchWarns()
{
    const auto c = parse("[Security]\nSecret_Key = `abc`\n");
    QVERIFY(c.has_value());
    QCOMPARE(*c->security.secretKey, QByteArray("abc"));
    QCOMPARE(c->warnings.size(), 1);
    QVERIFY(!c->warnings.first().contains(QStringLiteral("abc")));
}

void TestConfigLoader::malformed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("code");
    QTest::newRow("unterminated triple quote") << QByteArray("[security]\nsecret_key = \"\"\"abc\n")
                                               << int(ErrorCode::Syntax);
    QTest::newRow("missing ]") << QByteArray("[security\nsecret_key = a\n") << int(ErrorCode::Syntax);
    static const char binary[] = "\x00\x01\x02\xff\xfe garbage\n";
    QTest::newRow("binary") << QByteArray(binary, sizeof binary - 1) << int(ErrorCode::Syntax);
}

void TestConfigLoader::malformed()
{
    QFETCH(QByteArray, text);
    QFETCH(int, code);
    const auto c = parse(text);
    QVERIFY(!c.has_value());
    QCOMPARE(int(c.error().code), code);
}

void TestConfigLoader::loadConfigFiles()
{
    QTemporaryDir dir;
    auto c = loadConfig(dir.filePath(QStringLiteral("conf/none.ini")), QProcessEnvironment());
    QVERIFY(!c);
    QCOMPARE(c.error().code, ErrorCode::FileNotFound);

    const QString ini = writeFile(dir.filePath(QStringLiteral("conf/custom.ini")),
                                  "[security]\nsecret_key = `k3y-with#hash;and spaces`\n");
    c = loadConfig(ini, QProcessEnvironment());
    QVERIFY(c.has_value());
    QCOMPARE(*c->security.secretKey, QByteArray(mk::test::kCustomSecretKey));
    QCOMPARE(c->homePath, QDir::cleanPath(QDir(dir.path()).absolutePath()));
    QCOMPARE(c->database.sqliteFile, QDir(dir.path()).absoluteFilePath(QStringLiteral("data/grafana.db")));
    QCOMPARE(c->loadedFiles, QStringList{QFileInfo(ini).absoluteFilePath()});
}

void TestConfigLoader::loadConfigLayersDefaultsIni()
{
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("conf/defaults.ini")),
              "[paths]\ndata = state\n[security]\nsecret_key = from-defaults\nencryption_provider = secretKey.v1\n"
              "[database]\npath = mosaicoo.db\n");
    const QString custom = writeFile(dir.filePath(QStringLiteral("conf/custom.ini")),
                                     "[security]\nsecret_key =\nencryption_provider = awskms.v1\n");
    auto c = loadConfig(custom, QProcessEnvironment());
    QVERIFY(c.has_value());
    QCOMPARE(c->loadedFiles.size(), 2);
    QCOMPARE(*c->security.secretKey, QByteArray("from-defaults")); // empty custom value skipped
    QCOMPARE(c->security.encryptionProvider, QStringLiteral("awskms.v1"));
    QCOMPARE(c->database.sqliteFile, QDir(dir.path()).absoluteFilePath(QStringLiteral("state/mosaicoo.db")));

    // Loading defaults.ini itself does not layer it twice.
    c = loadConfig(dir.filePath(QStringLiteral("conf/defaults.ini")), QProcessEnvironment());
    QVERIFY(c.has_value());
    QCOMPARE(c->loadedFiles.size(), 1);
}

void TestConfigLoader::locator()
{
    QTemporaryDir dir;
    QVERIFY(ConfigLocator::candidateConfigFiles(dir.path()).isEmpty());
    writeFile(dir.filePath(QStringLiteral("grafana.ini")), "");
    writeFile(dir.filePath(QStringLiteral("conf/defaults.ini")), "");
    writeFile(dir.filePath(QStringLiteral("conf/custom.ini")), "");
    writeFile(dir.filePath(QStringLiteral("conf/mosaicoo.ini")), "");
    QDir().mkpath(dir.filePath(QStringLiteral("conf/grafana.ini"))); // a folder, not a file
    const QDir d(dir.path());
    QCOMPARE(ConfigLocator::candidateConfigFiles(dir.path()),
             (QStringList{d.absoluteFilePath(QStringLiteral("grafana.ini")),
                          d.absoluteFilePath(QStringLiteral("conf/custom.ini")),
                          d.absoluteFilePath(QStringLiteral("conf/mosaicoo.ini")),
                          d.absoluteFilePath(QStringLiteral("conf/defaults.ini"))}));
    QVERIFY(ConfigLocator::candidateConfigFiles(QString()).isEmpty());
}

} // namespace

QObject* mk::config::test::makeConfigLoaderTest()
{
    return new TestConfigLoader;
}

#include "TestConfigLoader.moc"
