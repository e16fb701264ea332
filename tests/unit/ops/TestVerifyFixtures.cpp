// Every value of every fixture decrypts to the plaintext digest of its .expected.tsv, and every
// damaged value fails with its documented class (fixtures/README.md §6).
#include "model/ops/VerifyJob.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

class TestVerifyFixtures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFixtureMatchesExpected_data();
    void everyFixtureMatchesExpected();
    void customKeyThroughIniQuoting_data();
    void customKeyThroughIniQuoting();
    void customKeyWithDefaultKeyFails();
    void brokenDatabaseReportsEachDamage();
    void resultIsIndependentOfJobs();
};

void TestVerifyFixtures::everyFixtureMatchesExpected_data()
{
    QTest::addColumn<QString>("database");
    QTest::addColumn<QByteArray>("secretKey");
    const QStringList real = test::realFixtureDatabases();
    QCOMPARE(real.size(), 30);
    for (const QString& db : real)
        QTest::newRow(qPrintable(QFileInfo(db).fileName())) << db << QByteArray(test::kDefaultSecretKey);
    for (const QString& name : {QStringLiteral("mixed-default-key.db"), QStringLiteral("broken.db"),
                                QStringLiteral("large-20k.db")})
        QTest::newRow(qPrintable(name))
            << test::syntheticFixturesDir() + QLatin1Char('/') + name << QByteArray(test::kDefaultSecretKey);
    QTest::newRow("custom-key.db") << test::syntheticFixturesDir() + QStringLiteral("/custom-key.db")
                                   << QByteArray(test::kCustomSecretKey);
}

void TestVerifyFixtures::everyFixtureMatchesExpected()
{
    QFETCH(QString, database);
    QFETCH(QByteArray, secretKey);
    const QStringList expected = test::expectedLines(database);
    QVERIFY2(!expected.isEmpty(), "fixture has no expected lines");
    QString error;
    const QStringList actual = test::verifyLines(test::targetFor(database, secretKey), 0, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(actual == expected, qPrintable(test::describeDifference(expected, actual)));
}

void TestVerifyFixtures::customKeyThroughIniQuoting_data()
{
    QTest::addColumn<QString>("ini");
    QTest::addColumn<QString>("envKey");
    QTest::newRow("backticks") << QStringLiteral("[security]\nsecret_key = `k3y-with#hash;and spaces`\n")
                               << QString();
    QTest::newRow("triple quotes")
        << QStringLiteral("[security]\nsecret_key = \"\"\"k3y-with#hash;and spaces\"\"\"\n") << QString();
    QTest::newRow("environment override")
        << QStringLiteral("[security]\nsecret_key = k3y-with#hash;and spaces\n")
        << QString::fromUtf8(test::kCustomSecretKey);
}

void TestVerifyFixtures::customKeyThroughIniQuoting()
{
    QFETCH(QString, ini);
    QFETCH(QString, envKey);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = test::syntheticFixturesDir() + QStringLiteral("/custom-key.db");
    QFile file(dir.filePath(QStringLiteral("grafana.ini")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(ini.toUtf8() + "[database]\ntype = sqlite3\npath = " + database.toUtf8() + "\n");
    file.close();

    model::OpenRequest request;
    request.configFile = file.fileName();
    request.environment = QProcessEnvironment();
    if (!envKey.isEmpty())
        request.environment.insert(QStringLiteral("GF_SECURITY_SECRET_KEY"), envKey);
    const auto target = model::resolveTarget(request);
    QVERIFY2(target.has_value(), target ? "" : qPrintable(target.error().message));
    QCOMPARE(target->connection.path, database);
    QCOMPARE(target->secretKey, QByteArray(test::kCustomSecretKey));
    QVERIFY(!target->usesPublicDefaultKey());
    const QStringList actual = test::verifyLines(*target);
    QCOMPARE(actual, test::expectedLines(database));
}

void TestVerifyFixtures::customKeyWithDefaultKeyFails()
{
    // fixtures/README.md: 199 of 200 values fail; an empty CFB plaintext "decrypts" under any key.
    const QString database = test::syntheticFixturesDir() + QStringLiteral("/custom-key.db");
    model::VerifyOptions options;
    const auto result = model::runVerify(test::targetFor(database, test::kDefaultSecretKey), options, nullptr);
    QVERIFY(result.has_value());
    QCOMPARE(result->checked, 200);
    QCOMPARE(result->failed, 199);
    QCOMPARE(result->ok, 1);
}

void TestVerifyFixtures::brokenDatabaseReportsEachDamage()
{
    const QString database = test::syntheticFixturesDir() + QStringLiteral("/broken.db");
    model::VerifyOptions options;
    const auto result = model::runVerify(test::targetFor(database, test::kDefaultSecretKey), options, nullptr);
    QVERIFY(result.has_value());
    QCOMPARE(result->ok, 101);
    QCOMPARE(result->failed, 7);
    QHash<QString, QString> reasons;
    for (const model::ValueFailure& f : result->failures)
        reasons.insert(f.table + QLatin1Char('/') + f.rowId + QLatin1Char('/') + f.field, model::reasonName(f.reason));
    QCOMPARE(reasons.value(QStringLiteral("data_source/12/password")), QStringLiteral("missing-data-key"));
    QCOMPARE(reasons.value(QStringLiteral("user_auth/9/o_auth_refresh_token")), QStringLiteral("bad-payload"));
    QCOMPARE(reasons.value(QStringLiteral("plugin_setting/7/token")), QStringLiteral("bad-encoding"));
    QCOMPARE(reasons.value(QStringLiteral("data_source/13/secure_json_data")), QStringLiteral("bad-encoding"));
    QCOMPARE(reasons.value(QStringLiteral("user_auth/10/o_auth_access_token")),
             QStringLiteral("implausible-plaintext"));
    QCOMPARE(reasons.value(QStringLiteral("secrets/11/value")), QStringLiteral("authentication-failed"));
    QCOMPARE(reasons.value(QStringLiteral("user_external_session/7/access_token")),
             QStringLiteral("authentication-failed"));
}

void TestVerifyFixtures::resultIsIndependentOfJobs()
{
    const QString database = test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db");
    const model::Target target = test::targetFor(database, test::kDefaultSecretKey);
    const QStringList one = test::verifyLines(target, 1);
    const QStringList four = test::verifyLines(target, 4);
    QCOMPARE(one.size(), 300);
    QCOMPARE(one, four);
}

QTEST_GUILESS_MAIN(TestVerifyFixtures)
#include "TestVerifyFixtures.moc"
