// The operations on real PostgreSQL and MariaDB servers (Grafana's column types on each engine),
// on a representative subset of the fixtures: every plaintext survives every step, the values are in
// the promised formats, a JSON backup restores the exact bytes, dry runs and conflicts are safe.
#include "model/ops/BackupJob.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/ReEncryptJob.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "model/ops/RollbackJob.h"
#include "model/ops/RotateJob.h"
#include "model/store/Cell.h"
#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SecretLocation.h"
#include "crypto/Payload.h"
#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

namespace {

// The fixtures' values are all under the keys the tests give, their short legacy values too:
// the operations may rewrite those (the default path is pinned in TestSafetyRegressions).
template <typename Options> Options trusted()
{
    Options options;
    options.includeUnverifiable = true;
    return options;
}

QString fixturePath(const QString& name)
{
    const QString synthetic = test::syntheticFixturesDir() + QLatin1Char('/') + name;
    if (QFileInfo::exists(synthetic))
        return synthetic;
    for (const QString& db : test::realFixtureDatabases()) {
        if (QFileInfo(db).fileName().startsWith(name))
            return db;
    }
    return {};
}

QString mismatch(const model::Target& target, const QString& fixture)
{
    QString error;
    const QStringList expected = test::expectedLines(fixture);
    const QStringList actual = test::verifyLines(target, 0, &error);
    if (!error.isEmpty())
        return error;
    return actual == expected ? QString() : test::describeDifference(expected, actual);
}

QStringList failureClasses(const QList<model::ValueFailure>& failures)
{
    QStringList list;
    for (const model::ValueFailure& f : failures)
        list << f.table + QLatin1Char('/') + f.rowId + QLatin1Char('/') + f.field + QLatin1Char('/')
                    + model::fixtureClass(f.reason);
    list.sort();
    return list;
}

bool touchedByRewrite(const model::ValueRecord& v)
{
    const store::SecretLocation& l = store::secretLocations().at(v.locationIndex);
    return l.migratedUpstream || l.legacyOnly;
}

} // namespace

class TestServerOperations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyOperation_data();
    void everyOperation();
    void concurrentWriterIsNotClobbered_data();
    void concurrentWriterIsNotClobbered();
    void serverGoesAwayMidOperation_data();
    void serverGoesAwayMidOperation();
    void secondWriterIsRefused_data();
    void secondWriterIsRefused();
};

void TestServerOperations::initTestCase()
{
    if (test::serverUrl(test::Engine::PostgreSQL).isEmpty() || test::serverUrl(test::Engine::MySQL).isEmpty())
        QFAIL("database servers are not running: run through ctest (fixture dbservers) or "
              "tests/support/db-servers.sh start DIR with MK_DBSERVERS_DIR=DIR");
}

void TestServerOperations::everyOperation_data()
{
    QTest::addColumn<int>("engine");
    QTest::addColumn<QString>("fixture");
    for (const test::Engine engine : {test::Engine::PostgreSQL, test::Engine::MySQL}) {
        for (const char* name : {"anmawxz", "OpenVidu", "akshtshrma24", "quickwit", "2022-Winter-Bootcamp-Team-C",
                                 "OatApiwat", "mixed-default-key.db", "broken.db"})
            QTest::newRow(qPrintable(test::engineName(engine) + QLatin1Char('/') + QLatin1String(name)))
                << int(engine) << fixturePath(QLatin1String(name));
    }
}

void TestServerOperations::everyOperation()
{
    QFETCH(int, engine);
    QFETCH(QString, fixture);
    QVERIFY(!fixture.isEmpty());
    const auto serverEngine = static_cast<test::Engine>(engine);
    const QString schema = test::schemaNameFor(QStringLiteral("opsrun"), fixture);
    QString error;
    QVERIFY2(test::loadSqliteIntoServer(fixture, serverEngine, schema, &error), qPrintable(error));
    const model::Target target = test::targetFor(test::urlForSchema(serverEngine, schema), test::kDefaultSecretKey);
    const bool broken = fixture.endsWith(QLatin1String("broken.db"));
    const bool cacheData = fixture.contains(QLatin1String("anmawxz"));
    const QStringList expectedFailures = test::expectedFailures(test::expectedLines(fixture));
    auto check = [&](const char* step, const model::Target& t) {
        const QString diff = mismatch(t, fixture);
        if (!diff.isEmpty())
            QFAIL(qPrintable(QStringLiteral("after %1: %2").arg(QLatin1String(step), diff)));
    };
    const QHash<QString, QByteArray> original = test::snapshotCells(target);
    QVERIFY(!original.isEmpty());
    QTemporaryDir dir;

    // Backup (JSON export for servers).
    model::BackupOptions backup;
    backup.outPath = dir.filePath(QStringLiteral("backup.json"));
    const auto saved = model::runBackup(target, backup, nullptr);
    QVERIFY2(saved.has_value(), saved ? "" : qPrintable(saved.error().message));
    QCOMPARE(saved->backupFormat, QStringLiteral("json"));

    // Dry run: not one byte changes.
    model::ReEncryptOptions dry;
    dry.includeUnverifiable = true;
    dry.dryRun = true;
    const auto predicted = model::runReEncrypt(target, dry, nullptr);
    QVERIFY(predicted.has_value());
    QCOMPARE(test::snapshotCells(target), original);

    // re-encrypt: everything envelope under today's key; idempotent.
    const auto reEncrypted = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY2(reEncrypted.has_value(), reEncrypted ? "" : qPrintable(reEncrypted.error().message));
    QCOMPARE(failureClasses(reEncrypted->failures), expectedFailures);
    QCOMPARE(reEncrypted->changed, predicted->changed);
    check("re-encrypt", target);
    const QString firstKey = reEncrypted->dataKeysCreated.value(0);
    for (const model::ValueRecord& v : test::scanValues(target)) {
        const store::SecretLocation& l = store::secretLocations().at(v.locationIndex);
        if (!touchedByRewrite(v) || l.legacyOnly || v.format == model::ValueFormat::Malformed || broken)
            continue;
        QCOMPARE(v.format, model::ValueFormat::EnvelopeCfbPrefixed);
        QCOMPARE(v.dataKeyId, firstKey);
    }
    QCOMPARE(model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr)->changed, 0);

    // rotate, re-encrypt under a new key.
    const auto rotated = model::runRotate(target, {}, nullptr);
    QVERIFY(rotated.has_value());
    QVERIFY(rotated->dataKeysDeactivated >= 1);
    const auto second = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(second.has_value());
    QVERIFY(second->dataKeysCreated.value(0) != firstKey);
    check("second re-encrypt", target);

    // rollback: legacy everywhere; keys kept only where something still references them.
    const auto rolledBack = model::runRollback(target, trusted<model::RollbackOptions>(), nullptr);
    QVERIFY(rolledBack.has_value());
    QCOMPARE(!rolledBack->unfinished.isEmpty(), cacheData);
    check("rollback", target);
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (touchedByRewrite(v) && !broken)
            QCOMPARE(v.format, model::ValueFormat::LegacyCfbPrefixed);
    }
    if (!broken && !cacheData)
        QVERIFY(test::dataKeysOf(target).isEmpty());

    // Back to envelope, then change the secret key twice.
    QVERIFY(model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr).has_value());
    model::Target current = target;
    for (const QByteArray& next : {QByteArray("server #1; key"), QByteArray(test::kDefaultSecretKey)}) {
        model::RewrapDataKeysOptions change;
        change.includeUnverifiable = true;
        change.newSecretKey = next;
        change.force = broken;
        const auto changed = model::runRewrapDataKeys(current, change, nullptr);
        QVERIFY2(changed.has_value(), changed ? "" : qPrintable(changed.error().message));
        QCOMPARE(changed->verifyFailed, qint64(expectedFailures.size()));
        current = test::withSecretKey(current, next);
        check("change of the secret key", current);
    }

    // Restore the backup: the original bytes come back.
    model::RestoreOptions restore;
    restore.fromPath = backup.outPath;
    const auto restored = model::runRestore(target, restore, nullptr);
    QVERIFY2(restored.has_value(), restored ? "" : qPrintable(restored.error().message));
    QCOMPARE(restored->failed, 0);
    QCOMPARE(test::snapshotCells(target), original);
    check("restore", target);

    QVERIFY2(test::dropServerSchema(serverEngine, schema, &error), qPrintable(error));
}

void TestServerOperations::concurrentWriterIsNotClobbered_data()
{
    QTest::addColumn<int>("engine");
    QTest::newRow("postgresql") << int(test::Engine::PostgreSQL);
    QTest::newRow("mysql") << int(test::Engine::MySQL);
}

void TestServerOperations::concurrentWriterIsNotClobbered()
{
    QFETCH(int, engine);
    const auto serverEngine = static_cast<test::Engine>(engine);
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const QString schema = test::schemaNameFor(QStringLiteral("opsconflict"), fixture);
    QString error;
    QVERIFY2(test::loadSqliteIntoServer(fixture, serverEngine, schema, &error), qPrintable(error));
    const model::Target target = test::targetFor(test::urlForSchema(serverEngine, schema), test::kDefaultSecretKey);
    const store::SecretLocation* location = store::findSecretLocation(QStringLiteral("data_source.secure_json_data"));
    QString changedRow;
    QByteArray written;
    model::ReEncryptOptions options;
    options.includeUnverifiable = true;
    options.beforeBatchWrite = [&](const QString& key, const QStringList& rowIds) {
        if (!changedRow.isEmpty() || key != location->key)
            return;
        store::ConnectionSpec spec = target.connection;
        spec.readOnly = false;
        auto db = store::Database::open(spec);
        QVERIFY(db.has_value());
        QVERIFY(store::detectSchema(*db).has_value());
        auto cells = store::readCells(*db, *location, QString(), 1000);
        QVERIFY(cells.has_value());
        for (const store::Cell& cell : std::as_const(*cells)) {
            if (cell.rowId != rowIds.first())
                continue;
            auto payload = crypto::encryptPayload("changed by another instance", target.secretKey);
            QVERIFY(payload.has_value());
            written = "{\"password\":\"" + payload->toBase64() + "\"}";
            QVERIFY(store::updateCell(*db, *location, cell.rowId, cell.raw, written, QString()).has_value());
            changedRow = cell.rowId;
        }
    };
    const auto result = model::runReEncrypt(target, options, nullptr);
    QVERIFY(result.has_value());
    QVERIFY(!changedRow.isEmpty());
    // Read again and rewritten from the new value, not clobbered (TestLiveWriter: a row that keeps
    // changing ends as a conflict).
    QCOMPARE(result->rereads, 1);
    QCOMPARE(result->conflicts, 0);
    QCOMPARE(result->failed, 0);
    const QString digest = QString::fromLatin1(
        QCryptographicHash::hash("changed by another instance", QCryptographicHash::Sha256).toHex());
    QVERIFY(test::verifyLines(target).contains(
        QStringLiteral("data_source\t%1\tpassword\t%2").arg(changedRow, digest)));
    QVERIFY(test::snapshotCells(target).value(location->key + QLatin1Char('/') + changedRow) != written);
    const auto again = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->failed, 0);
    QCOMPARE(again->changed, 0);
    QVERIFY2(test::dropServerSchema(serverEngine, schema, &error), qPrintable(error));
}

void TestServerOperations::serverGoesAwayMidOperation_data()
{
    QTest::addColumn<int>("engine");
    QTest::newRow("postgresql") << int(test::Engine::PostgreSQL);
    QTest::newRow("mysql") << int(test::Engine::MySQL);
}

// product.md §6: "a server that goes away mid-operation" gets a clear error and nothing is lost.
// After the second committed batch every connection of the operation is killed on the server;
// the run must stop with a connection error, every value must still decrypt to its original
// plaintext, and a second run must finish the job.
void TestServerOperations::serverGoesAwayMidOperation()
{
    QFETCH(int, engine);
    const auto serverEngine = static_cast<test::Engine>(engine);
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const QString schema = test::schemaNameFor(QStringLiteral("opsgone"), fixture);
    QString error;
    QVERIFY2(test::loadSqliteIntoServer(fixture, serverEngine, schema, &error), qPrintable(error));
    const model::Target target = test::targetFor(test::urlForSchema(serverEngine, schema), test::kDefaultSecretKey);

    int batches = 0;
    int killed = 0;
    model::ReEncryptOptions options;
    options.includeUnverifiable = true;
    options.batchSize = 4;
    options.beforeBatchWrite = [&](const QString&, const QStringList&) {
        if (++batches != 3)
            return;
        test::ServerConnection admin(serverEngine);
        QVERIFY2(admin.isOpen(), qPrintable(admin.error()));
        QSqlQuery query(admin.db());
        if (serverEngine == test::Engine::PostgreSQL) {
            QVERIFY(query.prepare(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                                 "WHERE datname = ? AND pid <> pg_backend_pid()")));
            query.addBindValue(schema);
            QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
            while (query.next())
                killed += query.value(0).toBool() ? 1 : 0;
        } else {
            QVERIFY(query.prepare(QStringLiteral("SELECT ID FROM information_schema.PROCESSLIST "
                                                 "WHERE DB = ? AND ID <> CONNECTION_ID()")));
            query.addBindValue(schema);
            QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
            QList<qlonglong> ids;
            while (query.next())
                ids << query.value(0).toLongLong();
            for (const qlonglong id : ids) {
                QSqlQuery kill(admin.db());
                if (kill.exec(QStringLiteral("KILL CONNECTION %1").arg(id)))
                    ++killed;
            }
        }
    };
    const auto result = model::runReEncrypt(target, options, nullptr);
    QVERIFY(batches >= 3);
    QVERIFY(killed >= 1);
    // Either the run stops with an error naming the lost connection, or (if the driver reconnects)
    // it reports the rows it could not write; it never claims a clean success over a dead link.
    if (result.has_value()) {
        QVERIFY(result->failed > 0);
    } else {
        QCOMPARE(result.error().kind, model::ErrorKind::Connection);
        QVERIFY2(!result.error().message.isEmpty(), "empty error message");
        QVERIFY2(!result.error().message.contains(QLatin1String("mk-test-pw")), qPrintable(result.error().message));
    }
    QCOMPARE(mismatch(target, fixture), QString());

    const auto again = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY2(again.has_value(), again ? "" : qPrintable(again.error().message));
    QCOMPARE(again->failed, 0);
    const auto third = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(third.has_value());
    QCOMPARE(third->changed, 0);
    QCOMPARE(mismatch(target, fixture), QString());
    QVERIFY2(test::dropServerSchema(serverEngine, schema, &error), qPrintable(error));
}

void TestServerOperations::secondWriterIsRefused_data()
{
    concurrentWriterIsNotClobbered_data();
}

// Two console operations on one database: the second is refused (exit 3) while the first holds the
// per-database advisory lock (another connection, as another process would have), and runs once
// it is released. A reader is never held up.
void TestServerOperations::secondWriterIsRefused()
{
    QFETCH(int, engine);
    const auto serverEngine = static_cast<test::Engine>(engine);
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const QString schema = test::schemaNameFor(QStringLiteral("opslock"), fixture);
    QString error;
    QVERIFY2(test::loadSqliteIntoServer(fixture, serverEngine, schema, &error), qPrintable(error));
    const model::Target target = test::targetFor(test::urlForSchema(serverEngine, schema), test::kDefaultSecretKey);
    const QHash<QString, QByteArray> before = test::snapshotCells(target);
    {
        auto holder = model::openTarget(target, model::AccessMode::ReadWrite);
        QVERIFY2(holder.has_value(), holder ? "" : qPrintable(holder.error().message));
        const auto second = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
        QVERIFY(!second.has_value());
        QCOMPARE(second.error().kind, model::ErrorKind::Refused);
        QVERIFY2(second.error().message.contains(QLatin1String("another mosaicoo-keys operation")),
                 qPrintable(second.error().message));
        QCOMPARE(test::snapshotCells(target), before);
        model::ReEncryptOptions dryRun;
        dryRun.includeUnverifiable = true;
        dryRun.dryRun = true; // a dry run only reads
        QVERIFY(model::runReEncrypt(target, dryRun, nullptr).has_value());
    }
    const auto afterRelease = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY2(afterRelease.has_value(), afterRelease ? "" : qPrintable(afterRelease.error().message));
    QCOMPARE(afterRelease->failed, 0);
    QVERIFY(afterRelease->changed > 0);
    QVERIFY2(test::dropServerSchema(serverEngine, schema, &error), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestServerOperations)
#include "TestServerOperations.moc"
