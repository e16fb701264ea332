// The secrets-manager store on real PostgreSQL and MariaDB servers: a generated fixture (both
// schema variants) copied into a server database with Grafana's column types (secret_data_key.active
// BOOL on PostgreSQL), then census, verify, a JSON backup, consolidate (KEK rotation v1 -> v2), re-wrap,
// rotate, and the restore of that backup.

#include "GsmFixture.h"
#include "OpsTestSupport.h"

#include "model/ops/BackupJob.h"
#include "model/ops/CensusJob.h"
#include "model/ops/ConsolidateJob.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "model/ops/RotateJob.h"
#include "model/ops/SecretsManager.h"
#include "model/ops/VerifyJob.h"
#include "model/store/Database.h"
#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

class TestSecretsManagerServers : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (test::serverUrl(test::Engine::PostgreSQL).isEmpty() || test::serverUrl(test::Engine::MySQL).isEmpty())
            QFAIL("database servers are not running: run through ctest (fixture dbservers)");
    }

    void store_data()
    {
        QTest::addColumn<int>("engine");
        QTest::addColumn<QString>("source");
        for (const test::Engine engine : {test::Engine::PostgreSQL, test::Engine::MySQL}) {
            QTest::newRow(qPrintable(test::engineName(engine) + QStringLiteral(" id prefix")))
                << int(engine) << test::gsmFixtureWithoutColumn();
            QTest::newRow(qPrintable(test::engineName(engine) + QStringLiteral(" data_key_id")))
                << int(engine) << test::gsmFixtureWithColumn();
        }
    }

    void store()
    {
        QFETCH(int, engine);
        QFETCH(QString, source);
        const auto e = test::Engine(engine);
        QTemporaryDir dir;
        const test::GsmFixture f = test::makeGsmFixture(source, dir.path());
        const QString name = test::schemaNameFor(QStringLiteral("gsm"), source);
        QString error;
        QVERIFY2(test::loadSqliteIntoServer(f.databasePath, e, name, &error), qPrintable(error));
        if (e == test::Engine::PostgreSQL) {
            // Grafana's dialect: Bool -> BOOL on PostgreSQL.
            test::ServerConnection c(e, name);
            QVERIFY2(c.isOpen(), qPrintable(c.error()));
            QSqlQuery q(c.db());
            for (const char* t : {"secret_data_key", "secret_secure_value"}) {
                QVERIFY2(q.exec(QStringLiteral("ALTER TABLE %1 ALTER COLUMN active TYPE BOOLEAN USING active <> 0")
                                    .arg(QLatin1String(t))),
                         qPrintable(q.lastError().text()));
            }
        }
        const QString url = test::urlForSchema(e, name);
        const model::Target v1 = test::gsmTargetFor(url, test::writeGsmConfig(dir.path()), test::kDefaultSecretKey);

        const auto census = model::runCensus(v1, nullptr);
        QVERIFY2(census, qPrintable(census ? QString() : census.error().message));
        QCOMPARE(census->secretsManager.values, f.plaintexts.size());
        QCOMPARE(census->secretsManager.dataKeyIdColumn, f.dataKeyIdColumn);
        QCOMPARE(census->secretsManager.dataKeys.size(), 5);
        const auto verified = model::runVerify(v1, {}, nullptr);
        QVERIFY(verified);
        QCOMPARE(verified->failed, 0);
        QCOMPARE(test::decryptGsmValues(v1), f.plaintexts);
        // A JSON backup (the server's backup format) holds the store; restored at the end.
        model::BackupOptions backup;
        backup.outPath = dir.filePath(QStringLiteral("backup.json"));
        const auto backedUp = model::runBackup(v1, backup, nullptr);
        QVERIFY2(backedUp, qPrintable(backedUp ? QString() : backedUp.error().message));
        QCOMPARE(backedUp->backupFormat, QStringLiteral("json"));

        // Re-wrap to v2 and back is not needed: consolidate rotates v1 -> v2 directly.
        const model::Target v2 = test::gsmTargetFor(
            url, test::writeGsmConfig(dir.path(), QStringLiteral("secret_key.v2")), test::kDefaultSecretKey);
        model::OperationOptions options;
        options.batchSize = 3;
        const auto consolidated = model::runConsolidate(v2, options, nullptr);
        QVERIFY2(consolidated, qPrintable(consolidated ? QString() : consolidated.error().message));
        QCOMPARE(consolidated->failed, 0);
        QCOMPARE(consolidated->changed, f.plaintexts.size());
        // Keys deactivated by this run stay for data_keys_cache_ttl (the server's timestamp is read
        // back); the two deactivated on 2026-03-01 go.
        QCOMPARE(consolidated->dataKeysDeleted, 2);
        QCOMPARE(consolidated->dataKeysKeptForCacheIds.size(), 3);
        // Without a cache to wait for, the next run deletes every unreferenced old key.
        const model::Target noCache = test::gsmTargetFor(
            url, test::writeGsmConfig(dir.path(), QStringLiteral("secret_key.v2"), test::kGsmKekV1, "0s"),
            test::kDefaultSecretKey);
        const auto again = model::runConsolidate(noCache, options, nullptr);
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QCOMPARE(again->failed, 0);
        QCOMPARE(again->dataKeysDeleted, 6);
        QCOMPARE(again->dataKeysKeptForCacheIds.size(), 0);
        const model::Target onlyV2 = test::gsmTargetFor(
            url, test::writeGsmConfig(dir.path(), QStringLiteral("secret_key.v2"), "v1-forgotten"),
            test::kDefaultSecretKey);
        QCOMPARE(test::decryptGsmValues(onlyV2), f.plaintexts);

        // Re-wrap (all keys already v2: rewritten with fresh wraps) and rotate.
        const auto rewrapped = model::runRewrapDataKeys(onlyV2, {}, nullptr);
        QVERIFY2(rewrapped, qPrintable(rewrapped ? QString() : rewrapped.error().message));
        QVERIFY(!rewrapped->refused);
        const auto rotated = model::runRotate(onlyV2, {}, nullptr);
        QVERIFY(rotated);
        QVERIFY(rotated->dataKeysDeactivated >= 3);
        {
            auto db = store::Database::open(onlyV2.connection);
            QVERIFY(db);
            const auto keys = store::loadGsmDataKeys(*db);
            QVERIFY(keys);
            QCOMPARE(keys->size(), 3);
            for (const store::GsmDataKeyRow& k : *keys) {
                QVERIFY(!k.active);
                QCOMPARE(k.provider, QStringLiteral("secret_key.v2"));
            }
        }
        QCOMPARE(test::decryptGsmValues(onlyV2), f.plaintexts);

        // Restore: the store as it was before consolidate (the keys it deleted come back, the
        // values are under them again), refused for nothing, decrypting with v1 and v2.
        model::RestoreOptions restore;
        restore.fromPath = backup.outPath;
        const auto restored = model::runRestore(v1, restore, nullptr);
        QVERIFY2(restored, qPrintable(restored ? QString() : restored.error().message));
        QCOMPARE(restored->failed, 0);
        QCOMPARE(restored->changed, f.plaintexts.size());
        QCOMPARE(restored->dataKeysCreated.size(), 5);
        QCOMPARE(test::decryptGsmValues(v1), f.plaintexts);
        {
            auto db = store::Database::open(v1.connection);
            QVERIFY(db);
            const auto values = store::loadGsmValues(*db);
            QVERIFY(values);
            for (const store::GsmValueRow& v : *values)
                QCOMPARE(model::splitGsmValue(v).dataKeyId, f.valueKeys.value(v.rowId()));
        }
        const auto restoredAgain = model::runRestore(v1, restore, nullptr);
        QVERIFY(restoredAgain);
        QCOMPARE(restoredAgain->changed, 0);
        QVERIFY2(test::dropServerSchema(e, name, &error), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestSecretsManagerServers)
#include "TestSecretsManagerServers.moc"
