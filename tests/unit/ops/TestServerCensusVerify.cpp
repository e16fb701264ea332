// The same fixtures loaded into a real PostgreSQL and a real MariaDB server (Grafana's column types
// on each engine) give the same census and the same plaintext digests as on SQLite.
#include "model/ops/CensusJob.h"
#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QFileInfo>
#include <QTest>

using namespace mk;

class TestServerCensusVerify : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameResultsAsSqlite_data();
    void sameResultsAsSqlite();
    void refusedLoginIsAConnectionError();
};

void TestServerCensusVerify::initTestCase()
{
    if (test::serverUrl(test::Engine::PostgreSQL).isEmpty() || test::serverUrl(test::Engine::MySQL).isEmpty())
        QFAIL("database servers are not running: run through ctest (fixture dbservers) or "
              "tests/support/db-servers.sh start DIR with MK_DBSERVERS_DIR=DIR");
}

void TestServerCensusVerify::sameResultsAsSqlite_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("database");
    QTest::addColumn<QByteArray>("secretKey");
    QStringList databases = test::realFixtureDatabases();
    databases << test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db")
              << test::syntheticFixturesDir() + QStringLiteral("/broken.db");
    for (const test::Engine engine : {test::Engine::PostgreSQL, test::Engine::MySQL}) {
        for (const QString& db : databases) {
            const QString name = test::engineName(engine) + QLatin1Char('/') + QFileInfo(db).fileName();
            QTest::newRow(qPrintable(name)) << int(engine) << db << QByteArray(test::kDefaultSecretKey);
        }
        QTest::newRow(qPrintable(test::engineName(engine) + QStringLiteral("/custom-key.db")))
            << int(engine) << test::syntheticFixturesDir() + QStringLiteral("/custom-key.db")
            << QByteArray(test::kCustomSecretKey);
    }
}

void TestServerCensusVerify::sameResultsAsSqlite()
{
    QFETCH(int, engine);
    QFETCH(QString, database);
    QFETCH(QByteArray, secretKey);
    const auto serverEngine = static_cast<test::Engine>(engine);
    const QString schema = test::schemaNameFor(QStringLiteral("ops"), database);
    QString error;
    QVERIFY2(test::loadSqliteIntoServer(database, serverEngine, schema, &error), qPrintable(error));
    const QString url = test::urlForSchema(serverEngine, schema);

    const model::Target sqlite = test::targetFor(database, secretKey);
    const model::Target server = test::targetFor(url, secretKey);

    const auto sqliteCensus = model::runCensus(sqlite, nullptr);
    const auto serverCensus = model::runCensus(server, nullptr);
    QVERIFY2(serverCensus.has_value(), serverCensus ? "" : qPrintable(serverCensus.error().message));
    QVERIFY(sqliteCensus.has_value());
    QCOMPARE(serverCensus->driver, serverEngine == test::Engine::PostgreSQL ? QStringLiteral("postgres")
                                                                            : QStringLiteral("mysql"));
    QCOMPARE(serverCensus->totals.values, sqliteCensus->totals.values);
    QCOMPARE(serverCensus->totals.envelope, sqliteCensus->totals.envelope);
    QCOMPARE(serverCensus->totals.orphaned, sqliteCensus->totals.orphaned);
    QCOMPARE(serverCensus->dataKeys.size(), sqliteCensus->dataKeys.size());
    for (qsizetype i = 0; i < serverCensus->locations.size(); ++i)
        QCOMPARE(serverCensus->locations.at(i).values, sqliteCensus->locations.at(i).values);

    const QStringList expected = test::expectedLines(database);
    const QStringList actual = test::verifyLines(server, 0, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(actual == expected, qPrintable(test::describeDifference(expected, actual)));
    QVERIFY2(test::dropServerSchema(serverEngine, schema, &error), qPrintable(error));
}

void TestServerCensusVerify::refusedLoginIsAConnectionError()
{
    for (const test::Engine engine : {test::Engine::PostgreSQL, test::Engine::MySQL}) {
        QString url = test::serverUrl(engine);
        url.replace(QStringLiteral("mk-test-pw"), QStringLiteral("wrong-password"));
        const auto census = model::runCensus(test::targetFor(url, test::kDefaultSecretKey), nullptr);
        QVERIFY(!census.has_value());
        QCOMPARE(census.error().kind, model::ErrorKind::Connection);
        QVERIFY2(!census.error().message.contains(QStringLiteral("wrong-password")),
                 "the password must never appear in an error message");
    }
}

QTEST_GUILESS_MAIN(TestServerCensusVerify)
#include "TestServerCensusVerify.moc"
