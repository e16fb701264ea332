// repair on PostgreSQL and MariaDB (slow): mixed-default-key.db loaded into a server, then damaged
// as a migration would: moved to a server with another key, two data_keys rows lost (the JSON
// backup still has them) and one alerting value under a key nobody has. A dry run changes nothing,
// the repair with the old key as a candidate, the backup and --clear-unrecoverable keeps every other
// plaintext, and a second run changes nothing.
#include "model/ops/BackupJob.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/RepairJob.h"
#include "model/store/DataKeyRow.h"
#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"
#include "tests/unit/ops/RepairTestSupport.h"

#include <QTemporaryDir>
#include <QTest>

using namespace mk;

class TestRepairServers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void repairOnServer_data();
    void repairOnServer();
};

void TestRepairServers::initTestCase()
{
    if (test::serverUrl(test::Engine::PostgreSQL).isEmpty() || test::serverUrl(test::Engine::MySQL).isEmpty())
        QFAIL("database servers are not running: run through ctest (fixture dbservers)");
}

void TestRepairServers::repairOnServer_data()
{
    QTest::addColumn<int>("engine");
    for (const test::Engine engine : {test::Engine::PostgreSQL, test::Engine::MySQL})
        QTest::newRow(qPrintable(test::engineName(engine))) << int(engine);
}

void TestRepairServers::repairOnServer()
{
    QFETCH(int, engine);
    const auto serverEngine = static_cast<test::Engine>(engine);
    const QString fixture = test::repairFixture();
    const QString schema = test::schemaNameFor(QStringLiteral("repair"), fixture);
    QString error;
    QVERIFY2(test::loadSqliteIntoServer(fixture, serverEngine, schema, &error), qPrintable(error));
    const QString url = test::urlForSchema(serverEngine, schema);
    const model::Target old = test::targetFor(url, test::kDefaultSecretKey);
    QTemporaryDir dir;
    model::BackupOptions backup;
    backup.outPath = dir.filePath(QStringLiteral("backup.json"));
    QVERIFY(model::runBackup(old, backup, nullptr).has_value());

    // Damage: two referenced data keys lost, one alerting value under an unknown key.
    QCOMPARE(test::deleteReferencedDataKeys(old, 2).size(), 2);
    const QString field = QStringLiteral("receivers[0].grafana_managed_receiver_configs[0].secureSettings.password");
    const QByteArray payload = test::undecryptablePayload(old, QByteArray("a webhook password of decent length"),
                                                          crypto::Algorithm::AesGcm);
    QVERIFY(test::replaceValue(old, QStringLiteral("alert_configuration.alertmanager_configuration"), QStringLiteral("1"),
                               field, payload));

    // The server now runs with another key.
    const model::Target here = test::targetFor(url, test::kOtherKey);
    const QHash<QString, QByteArray> damagedCells = test::snapshotCells(here);
    const qsizetype keysBefore = test::dataKeysOf(here).size();
    model::RepairOptions options;
    options.candidateKeys = {QByteArray(test::kDefaultSecretKey)};
    options.dataKeysFrom = backup.outPath;
    options.clearUnrecoverable = true;
    options.dryRun = true;
    const auto dry = model::runRepair(here, options, nullptr);
    QVERIFY2(dry.has_value(), dry ? "" : qPrintable(dry.error().message));
    QCOMPARE(dry->dataKeysRestored, 2);
    QCOMPARE(dry->cleared.size(), 1);
    QCOMPARE(test::snapshotCells(here), damagedCells);
    QCOMPARE(test::dataKeysOf(here).size(), keysBefore);

    options.dryRun = false;
    const auto done = model::runRepair(here, options, nullptr);
    QVERIFY2(done.has_value(), done ? "" : qPrintable(done.error().message));
    QCOMPARE(done->dataKeysRestored, 2);
    QVERIFY(done->operation.dataKeysRewrapped > 0);
    QVERIFY(done->valuesReencrypted > 0);
    QCOMPARE(done->cleared.size(), 1);
    QCOMPARE(done->remaining.size(), 0);
    QCOMPARE(model::exitCodeFor(*done), 0);
    const QString diff = test::mismatch(here, test::expectedWithout({QStringLiteral("alert_configuration/1/") + field}));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    const QHash<QString, QByteArray> repaired = test::snapshotCells(here);
    const auto again = model::runRepair(here, options, nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->operation.changed, 0);
    QCOMPARE(again->dataKeysRestored + again->operation.dataKeysRewrapped, 0);
    QCOMPARE(test::snapshotCells(here), repaired);
    QVERIFY(test::dropServerSchema(serverEngine, schema, &error));
}

QTEST_GUILESS_MAIN(TestRepairServers)
#include "TestRepairServers.moc"
