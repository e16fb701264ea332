// `status` counts every value of every real fixture like MANIFEST.tsv, without decrypting.
#include "model/ops/CensusJob.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QFileInfo>
#include <QTest>

using namespace mk;

class TestCensusFixtures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void realFixturesMatchManifest_data();
    void realFixturesMatchManifest();
    void syntheticKeysAndHealth();
    void brokenDatabaseShowsOrphanAndMalformed();
    void notAGrafanaDatabase();
    void missingFileIsNotCreated();
};

void TestCensusFixtures::realFixturesMatchManifest_data()
{
    QTest::addColumn<QString>("database");
    for (const QString& db : test::realFixtureDatabases())
        QTest::newRow(qPrintable(QFileInfo(db).fileName())) << db;
}

void TestCensusFixtures::realFixturesMatchManifest()
{
    QFETCH(QString, database);
    const auto manifest = test::readManifest();
    const QHash<QString, QString> row = manifest.value(QFileInfo(database).fileName());
    QVERIFY2(!row.isEmpty(), "fixture missing from MANIFEST.tsv");

    const auto census = model::runCensus(test::targetFor(database, test::kDefaultSecretKey), nullptr);
    QVERIFY2(census.has_value(), census ? "" : qPrintable(census.error().message));
    QHash<QString, qint64> perTable;
    for (const model::LocationCensus& l : census->locations)
        perTable[l.table] += l.values;
    for (const QString& table :
         {QStringLiteral("data_source"), QStringLiteral("plugin_setting"), QStringLiteral("secrets"),
          QStringLiteral("user_auth"), QStringLiteral("user_external_session"), QStringLiteral("signing_key"),
          QStringLiteral("sso_setting"), QStringLiteral("alert_configuration"),
          QStringLiteral("alert_configuration_history"), QStringLiteral("dashboard_snapshot"),
          QStringLiteral("cache_data"), QStringLiteral("alert_notification")}) {
        QVERIFY2(perTable.value(table) == row.value(table).toLongLong(),
                 qPrintable(QStringLiteral("%1: census %2, manifest %3")
                                .arg(table)
                                .arg(perTable.value(table))
                                .arg(row.value(table))));
    }
    QCOMPARE(census->dataKeys.size(), row.value(QStringLiteral("data_keys")).toLongLong());
    QCOMPARE(census->totals.malformed, 0);
    QCOMPARE(census->totals.orphaned, 0);
    for (const model::DataKeyInfo& key : census->dataKeys)
        QCOMPARE(model::unwrapStatusName(key.unwrap), QStringLiteral("ok"));
    QCOMPARE(census->driver, QStringLiteral("sqlite"));
    QVERIFY(census->defaultSecretKey);
}

void TestCensusFixtures::syntheticKeysAndHealth()
{
    const QString database = test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db");
    const auto census = model::runCensus(test::targetFor(database, test::kDefaultSecretKey), nullptr);
    QVERIFY(census.has_value());
    QCOMPARE(census->totals.values, 300);
    QCOMPARE(census->dataKeys.size(), 5);
    QCOMPARE(census->totals.unusedDataKeys, 1);
    QCOMPARE(census->totals.legacy + census->totals.envelope, 300);
    int active = 0;
    for (const model::DataKeyInfo& key : census->dataKeys) {
        active += key.active ? 1 : 0;
        if (key.label == QLatin1String("2024-11-20/root@secretKey.v1"))
            QCOMPARE(key.references, 0);
        if (key.id == QLatin1String("2022-01-10/root@secretKey"))
            QCOMPARE(key.provider, QStringLiteral("secretKey")); // 8.x provider id, read as secretKey.v1
        QCOMPARE(key.unwrap, model::UnwrapStatus::Ok);
    }
    QCOMPARE(active, 1);
    // format counts add up to all values
    qint64 formats = 0;
    for (const auto& pair : census->valuesPerFormat)
        formats += pair.second;
    QCOMPARE(formats, 300);
}

void TestCensusFixtures::brokenDatabaseShowsOrphanAndMalformed()
{
    const QString database = test::syntheticFixturesDir() + QStringLiteral("/broken.db");
    const auto census = model::runCensus(test::targetFor(database, test::kDefaultSecretKey), nullptr);
    QVERIFY(census.has_value());
    QCOMPARE(census->totals.orphaned, 1);
    // truncated payload, bad base64 field, bad JSON container: visible without decrypting
    QCOMPARE(census->totals.malformed, 3);
    QCOMPARE(census->dataKeys.size(), 6);
}

void TestCensusFixtures::notAGrafanaDatabase()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("other.db"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a database at all");
    }
    const auto census = model::runCensus(test::targetFor(path, test::kDefaultSecretKey), nullptr);
    QVERIFY(!census.has_value());
    QVERIFY(census.error().kind == model::ErrorKind::NotMosaicoo
            || census.error().kind == model::ErrorKind::Connection);
    QCOMPARE(model::exitCodeFor(census.error().kind), 2);
}

void TestCensusFixtures::missingFileIsNotCreated()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("missing.db"));
    const auto census = model::runCensus(test::targetFor(path, test::kDefaultSecretKey), nullptr);
    QVERIFY(!census.has_value());
    QCOMPARE(census.error().kind, model::ErrorKind::Connection);
    QVERIFY(census.error().message.contains(QStringLiteral("missing.db")));
    QVERIFY(!QFile::exists(path));
}

QTEST_GUILESS_MAIN(TestCensusFixtures)
#include "TestCensusFixtures.moc"
