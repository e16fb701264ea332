#include "ConfigTestUtil.h"

#include "model/config/ConfigLoader.h"
#include "model/config/SecretKeySource.h"
#include "tests/support/TestData.h"

#include <QTemporaryDir>
#include <QTest>

using namespace mk::config;
using mk::config::test::envOf;
using mk::config::test::writeFile;

namespace {

class TestSecretKeySource : public QObject
{
    Q_OBJECT

private slots:
    void precedence_data();
    void precedence();
    void keyFileTrimming_data();
    void keyFileTrimming();
    void keyFileErrors();
    void grafanaEnvConsistentWithConfig();
    void publicDefaultDetectedFromAnySource();
    void emptyConfigKeyIsRefused();
    void customKeyDbIniEndToEnd_data();
    void customKeyDbIniEndToEnd();
};

void TestSecretKeySource::precedence_data()
{
    QTest::addColumn<bool>("useFile");
    QTest::addColumn<QString>("mosaicooEnv");
    QTest::addColumn<QString>("grafanaEnv");
    QTest::addColumn<QByteArray>("iniKey"); // empty: no secret_key line
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<int>("origin");

    const QString m = QStringLiteral("from-mosaicoo-env");
    const QString g = QStringLiteral("from-gf-env");
    const QByteArray c = "from-config";
    QTest::newRow("file beats all") << true << m << g << c << QByteArray("from-file") << int(SecretKeyOrigin::File);
    QTest::newRow("MOSAICOO_SECRET_KEY beats GF and config") << false << m << g << c << m.toUtf8()
                                                             << int(SecretKeyOrigin::MosaicooEnv);
    QTest::newRow("GF_SECURITY_SECRET_KEY beats config") << false << QString() << g << c << g.toUtf8()
                                                         << int(SecretKeyOrigin::GrafanaEnv);
    QTest::newRow("config") << false << QString() << QString() << c << c << int(SecretKeyOrigin::Config);
    QTest::newRow("public default") << false << QString() << QString() << QByteArray()
                                    << QByteArray(kPublicDefaultSecretKey) << int(SecretKeyOrigin::PublicDefault);
    QTest::newRow("file beats nothing else set") << true << QString() << QString() << QByteArray()
                                                 << QByteArray("from-file") << int(SecretKeyOrigin::File);
}

void TestSecretKeySource::precedence()
{
    QFETCH(bool, useFile);
    QFETCH(QString, mosaicooEnv);
    QFETCH(QString, grafanaEnv);
    QFETCH(QByteArray, iniKey);
    QFETCH(QByteArray, expected);
    QFETCH(int, origin);

    QTemporaryDir dir;
    const QString file = useFile ? writeFile(dir.filePath(QStringLiteral("key")), "from-file\n") : QString();
    QStringList pairs;
    if (!mosaicooEnv.isEmpty())
        pairs << QStringLiteral("MOSAICOO_SECRET_KEY=") + mosaicooEnv;
    if (!grafanaEnv.isEmpty())
        pairs << QStringLiteral("GF_SECURITY_SECRET_KEY=") + grafanaEnv;
    const QProcessEnvironment env = envOf(pairs);
    const QByteArray ini = iniKey.isEmpty() ? QByteArray() : "[security]\nsecret_key = `" + iniKey + "`\n";
    const auto cfg = parseConfig(ini, QStringLiteral("/x/conf/custom.ini"), env);
    QVERIFY(cfg.has_value());

    const auto r = resolveSecretKey(file, env, &*cfg);
    QVERIFY(r.has_value());
    QCOMPARE(r->key, expected);
    QCOMPARE(int(r->origin), origin);
    QCOMPARE(r->usesPublicDefault, origin == int(SecretKeyOrigin::PublicDefault));

    // Without a config object the environment-based answers are the same.
    if (origin != int(SecretKeyOrigin::Config)) {
        const auto bare = resolveSecretKey(file, env);
        QVERIFY(bare.has_value());
        QCOMPARE(bare->key, expected);
        QCOMPARE(int(bare->origin), origin);
    }
}

void TestSecretKeySource::keyFileTrimming_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray k = mk::test::kCustomSecretKey;
    QTest::newRow("lf") << k + "\n" << k;
    QTest::newRow("crlf") << k + "\r\n" << k;
    QTest::newRow("several newlines") << k + "\n\r\n\n" << k;
    QTest::newRow("no newline") << k << k;
    QTest::newRow("trailing space kept") << QByteArray("key \n") << QByteArray("key ");
    QTest::newRow("leading space kept") << QByteArray(" key\n") << QByteArray(" key");
    QTest::newRow("lone cr kept") << QByteArray("key\r") << QByteArray("key\r");
    QTest::newRow("inner newline kept") << QByteArray("a\nb\n") << QByteArray("a\nb");
    QTest::newRow("no expansion") << QByteArray("$__env{HOME}\n") << QByteArray("$__env{HOME}");
}

void TestSecretKeySource::keyFileTrimming()
{
    QFETCH(QByteArray, contents);
    QFETCH(QByteArray, expected);
    QTemporaryDir dir;
    const QString file = writeFile(dir.filePath(QStringLiteral("key")), contents);
    const auto r = resolveSecretKey(file, QProcessEnvironment());
    QVERIFY(r.has_value());
    QCOMPARE(r->key, expected);
    QCOMPARE(r->origin, SecretKeyOrigin::File);
    QVERIFY(!r->usesPublicDefault);
}

void TestSecretKeySource::keyFileErrors()
{
    QTemporaryDir dir;
    auto r = resolveSecretKey(dir.filePath(QStringLiteral("missing")), QProcessEnvironment());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::FileNotFound);
    r = resolveSecretKey(writeFile(dir.filePath(QStringLiteral("empty")), "\r\n\n"), QProcessEnvironment());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::BadValue);
    r = resolveSecretKey(dir.path(), QProcessEnvironment());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Unreadable);
}

void TestSecretKeySource::grafanaEnvConsistentWithConfig()
{
    QTemporaryDir dir;
    const QString keyFile = writeFile(dir.filePath(QStringLiteral("k")), QByteArray(mk::test::kCustomSecretKey) + "\n");
    const QProcessEnvironment env = envOf({QStringLiteral("GF_SECURITY_SECRET_KEY=$__file{") + keyFile + QLatin1Char('}')});
    const auto cfg = parseConfig("[security]\nsecret_key = `file-value`\n", QStringLiteral("/x/custom.ini"), env);
    QVERIFY(cfg.has_value());
    QVERIFY(cfg->security.secretKeyFromEnv);
    QCOMPARE(*cfg->security.secretKey, QByteArray(mk::test::kCustomSecretKey));

    const auto withCfg = resolveSecretKey({}, env, &*cfg);
    const auto withoutCfg = resolveSecretKey({}, env);
    QVERIFY(withCfg && withoutCfg);
    QCOMPARE(withCfg->key, QByteArray(mk::test::kCustomSecretKey));
    QCOMPARE(withoutCfg->key, withCfg->key);
    QCOMPARE(withCfg->origin, SecretKeyOrigin::GrafanaEnv);
    QCOMPARE(withoutCfg->origin, SecretKeyOrigin::GrafanaEnv);
}

void TestSecretKeySource::publicDefaultDetectedFromAnySource()
{
    const auto cfg = parseConfig("[security]\nsecret_key = SW2YcwTIb9zpOOhoPsMm\n", {}, QProcessEnvironment());
    QVERIFY(cfg.has_value());
    const auto r = resolveSecretKey({}, QProcessEnvironment(), &*cfg);
    QVERIFY(r.has_value());
    QCOMPARE(r->origin, SecretKeyOrigin::Config);
    QVERIFY(r->usesPublicDefault);
}

void TestSecretKeySource::emptyConfigKeyIsRefused()
{
    const auto cfg = parseConfig("[security]\nsecret_key = $__env{NOT_SET}\n", {}, QProcessEnvironment());
    QVERIFY(cfg.has_value());
    const auto r = resolveSecretKey({}, QProcessEnvironment(), &*cfg);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::BadValue);
}

void TestSecretKeySource::customKeyDbIniEndToEnd_data()
{
    QTest::addColumn<QByteArray>("ini");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray k = mk::test::kCustomSecretKey;
    QTest::newRow("backticks") << "[security]\nsecret_key = `" + k + "`\n" << QStringList() << k;
    QTest::newRow("triple quotes") << "[security]\nsecret_key = \"\"\"" + k + "\"\"\"\n" << QStringList() << k;
    QTest::newRow("GF env") << QByteArray("[security]\nsecret_key = wrong\n")
                            << QStringList{QStringLiteral("GF_SECURITY_SECRET_KEY=") + QString::fromUtf8(k)} << k;
    QTest::newRow("unquoted trap") << "[security]\nsecret_key = " + k + "\n" << QStringList()
                                   << QByteArray("k3y-with");
}

void TestSecretKeySource::customKeyDbIniEndToEnd()
{
    QFETCH(QByteArray, ini);
    QFETCH(QStringList, env);
    QFETCH(QByteArray, expected);
    QTemporaryDir dir;
    const QString path = writeFile(dir.filePath(QStringLiteral("conf/grafana.ini")), ini);
    const QProcessEnvironment e = envOf(env);
    const auto cfg = loadConfig(path, e);
    QVERIFY(cfg.has_value());
    const auto r = resolveSecretKey({}, e, &*cfg);
    QVERIFY(r.has_value());
    QCOMPARE(r->key, expected);
    QVERIFY(!r->usesPublicDefault);
}

} // namespace

QObject* mk::config::test::makeSecretKeySourceTest()
{
    return new TestSecretKeySource;
}

#include "TestSecretKeySource.moc"
