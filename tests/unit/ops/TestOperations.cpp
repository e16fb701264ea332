// The four operations and backup/restore on copies of every SQLite fixture (fixtures/README.md §6):
// after each operation the same expected file still matches, the values are in the promised
// formats, a second run changes nothing, dry runs change no byte, broken rows fail with their class
// and stay untouched, a cancel and a concurrent writer lose nothing.
#include "crypto/Payload.h"
#include "model/ops/BackupJob.h"
#include "model/ops/JsonReport.h"
#include "model/ops/ReEncryptJob.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "model/ops/RollbackJob.h"
#include "model/ops/RotateJob.h"
#include "model/store/Cell.h"
#include "model/store/Database.h"
#include "model/store/SchemaInfo.h"
#include "model/store/SecretLocation.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QFileInfo>
#include <QRegularExpression>
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
    if (name.endsWith(QLatin1String(".db")) && QFileInfo::exists(test::syntheticFixturesDir() + QLatin1Char('/') + name))
        return test::syntheticFixturesDir() + QLatin1Char('/') + name;
    for (const QString& db : test::realFixtureDatabases()) {
        if (QFileInfo(db).fileName().startsWith(name))
            return db;
    }
    return {};
}

QByteArray keyFor(const QString& fixture)
{
    return fixture.endsWith(QLatin1String("custom-key.db")) ? QByteArray(test::kCustomSecretKey)
                                                            : QByteArray(test::kDefaultSecretKey);
}

// Every real fixture and the small synthetic ones.
void addFixtureRows()
{
    QTest::addColumn<QString>("fixture");
    const QStringList real = test::realFixtureDatabases();
    for (const QString& db : real)
        QTest::newRow(qPrintable(QFileInfo(db).fileName())) << db;
    for (const char* name : {"mixed-default-key.db", "custom-key.db", "broken.db"})
        QTest::newRow(name) << test::syntheticFixturesDir() + QLatin1Char('/') + QLatin1String(name);
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

QSet<QString> failedCells(const QList<model::ValueFailure>& failures)
{
    QSet<QString> cells;
    for (const model::ValueFailure& f : failures)
        cells.insert(f.table + QLatin1Char('.') + f.column + QLatin1Char('/') + f.rowId);
    return cells;
}

QString cellKeyOf(const model::ValueRecord& v)
{
    return store::secretLocations().at(v.locationIndex).key + QLatin1Char('/') + v.rowId;
}

bool touchedByRewrite(const model::ValueRecord& v)
{
    const store::SecretLocation& l = store::secretLocations().at(v.locationIndex);
    return l.migratedUpstream || l.legacyOnly;
}

QString describe(const model::ValueRecord& v)
{
    return QStringLiteral("%1 row %2 field %3: %4 key %5")
        .arg(store::secretLocations().at(v.locationIndex).key, v.rowId, v.field, model::formatToken(v.format),
             v.dataKeyId);
}

} // namespace

class TestOperations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void reEncryptKeepsEveryPlaintext_data() { addFixtureRows(); }
    void reEncryptKeepsEveryPlaintext();
    void rollbackKeepsEveryPlaintext_data();
    void rollbackKeepsEveryPlaintext();
    void rewrapDataKeys_data() { addFixtureRows(); }
    void rewrapDataKeys();
    void changeSecretKeyTwice_data() { addFixtureRows(); }
    void changeSecretKeyTwice();
    void rotateDeactivatesAndTellsUntilWhen();
    void sequence_data();
    void sequence();
    void dryRunsChangeNothing_data();
    void dryRunsChangeNothing();
    void dryRunReportsWhatTheRunDoes();
    void rollbackRefusesToDeleteKeysUsedByCacheData();
    void wrongSecretKeyIsRefused();
    void envelopeDisabledWritesLegacy();
    void gcmConfigWritesGcm();
    void freshSaltPerValue();
    void cancelAfterFirstBatch_data();
    void cancelAfterFirstBatch();
    void concurrentWriterIsNotClobbered();
    void backupAndRestore_data();
    void backupAndRestore();
    void restoreBringsBackActiveFlags();
    void backupRefusesExistingFile();
    void preflightReportsPlan();
    void jsonShape();

private:
    QString copy(const QString& fixture);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestOperations::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestOperations::copy(const QString& fixture)
{
    const QString path = test::copyFixture(fixture, m_dir->path());
    if (path.isEmpty())
        qFatal("cannot copy %s", qPrintable(fixture));
    return path;
}

void TestOperations::reEncryptKeepsEveryPlaintext()
{
    QFETCH(QString, fixture);
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    const QHash<QString, QByteArray> before = test::snapshotCells(target);
    const QStringList expectedFailures = test::expectedFailures(test::expectedLines(fixture));

    const auto result = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QCOMPARE(failureClasses(result->failures), expectedFailures);
    QCOMPARE(result->failed, qint64(expectedFailures.size()));
    QCOMPARE(result->conflicts, 0);
    QCOMPARE(model::exitCodeFor(*result), expectedFailures.isEmpty() ? 0 : 1);
    QCOMPARE(result->processed, result->changed + result->skipped + result->failed);
    const QString diff = mismatch(target, fixture);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // Failed cells are left byte for byte as they were (a sibling value included).
    const QHash<QString, QByteArray> after = test::snapshotCells(target);
    const QSet<QString> failed = failedCells(result->failures);
    for (const QString& cell : failed)
        QVERIFY2(after.value(cell) == before.value(cell), qPrintable(cell));

    // Today's key: active, secretKey.v1, 52-byte prefixed wrap, local "YYYY-MM-DD HH:MM:SS".
    QString currentId;
    for (const store::DataKeyRow& key : test::dataKeysOf(target)) {
        if (key.label == test::todaysLabel() && key.active)
            currentId = key.id;
    }
    if (result->changed > 0) {
        QCOMPARE(result->dataKeysCreated.size(), 1);
        QCOMPARE(currentId, result->dataKeysCreated.first());
        for (const store::DataKeyRow& key : test::dataKeysOf(target)) {
            if (key.id != currentId)
                continue;
            QCOMPARE(key.provider, QStringLiteral("secretKey.v1"));
            QCOMPARE(key.scope, QStringLiteral("root"));
            QCOMPARE(key.encryptedData.size(), 52);
            QVERIFY(key.encryptedData.startsWith("*YWVzLWNmYg*"));
            QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$"))
                         .match(key.created)
                         .hasMatch(),
                     qPrintable(key.created));
        }
    }

    // Every value is in the promised form: envelope under today's key, alert_notification legacy.
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (!touchedByRewrite(v) || failed.contains(cellKeyOf(v)))
            continue;
        const bool legacyOnly = store::secretLocations().at(v.locationIndex).legacyOnly;
        if (legacyOnly)
            QVERIFY2(v.format == model::ValueFormat::LegacyCfbPrefixed, qPrintable(describe(v)));
        else
            QVERIFY2(v.format == model::ValueFormat::EnvelopeCfbPrefixed && v.dataKeyId == currentId,
                     qPrintable(describe(v)));
    }

    // Idempotent: a second run has nothing left to do and fails the same way.
    const auto again = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->changed, 0);
    QCOMPARE(again->failed, result->failed);
    QVERIFY(again->dataKeysCreated.isEmpty());
    QCOMPARE(test::snapshotCells(target), after);
}

void TestOperations::rollbackKeepsEveryPlaintext_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<bool>("legacyFormat");
    for (const QString& db : test::realFixtureDatabases())
        QTest::newRow(qPrintable(QFileInfo(db).fileName())) << db << false;
    for (const char* name : {"mixed-default-key.db", "custom-key.db", "broken.db"})
        QTest::newRow(name) << test::syntheticFixturesDir() + QLatin1Char('/') + QLatin1String(name) << false;
    for (const char* name : {"mixed-default-key.db", "broken.db"})
        QTest::newRow(qPrintable(QStringLiteral("legacy/") + QLatin1String(name)))
            << test::syntheticFixturesDir() + QLatin1Char('/') + QLatin1String(name) << true;
    for (const char* name : {"OpenVidu", "akshtshrma24", "quickwit", "anmawxz"})
        QTest::newRow(qPrintable(QStringLiteral("legacy/") + QLatin1String(name)))
            << fixturePath(QLatin1String(name)) << true;
}

void TestOperations::rollbackKeepsEveryPlaintext()
{
    QFETCH(QString, fixture);
    QFETCH(bool, legacyFormat);
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    const QStringList expectedFailures = test::expectedFailures(test::expectedLines(fixture));
    model::RollbackOptions options;
    options.includeUnverifiable = true;
    options.format = legacyFormat ? model::RollbackFormat::Legacy : model::RollbackFormat::Prefixed92;

    const auto result = model::runRollback(target, options, nullptr);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QCOMPARE(failureClasses(result->failures), expectedFailures);
    const QString diff = mismatch(target, fixture);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // Remaining data keys are exactly those something still references.
    QStringList remaining;
    for (const store::DataKeyRow& key : test::dataKeysOf(target))
        remaining << key.id;
    QStringList kept;
    bool keptForOthers = false;
    for (const model::DataKeyLoss& loss : result->dataKeysKept) {
        kept << loss.id;
        keptForOthers = keptForOthers || !loss.onlyFailedValues;
    }
    remaining.sort();
    kept.sort();
    QCOMPARE(remaining, kept);
    QVERIFY(!result->refused); // values were rolled back: kept keys make an unfinished run, not a refusal
    QCOMPARE(!result->unfinished.isEmpty(), keptForOthers);
    QCOMPARE(model::exitCodeFor(*result), keptForOthers || !expectedFailures.isEmpty() ? 1 : 0);
    const bool hasCacheData = fixture.contains(QLatin1String("anmawxz"));
    QCOMPARE(keptForOthers, hasCacheData);
    if (!hasCacheData && expectedFailures.isEmpty())
        QVERIFY(remaining.isEmpty());

    const QSet<QString> failed = failedCells(result->failures);
    const model::ValueFormat promised = legacyFormat ? model::ValueFormat::LegacyCfb
                                                     : model::ValueFormat::LegacyCfbPrefixed;
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (!touchedByRewrite(v) || failed.contains(cellKeyOf(v)))
            continue;
        QVERIFY2(v.format == promised, qPrintable(describe(v)));
    }

    // Idempotent.
    const auto again = model::runRollback(target, options, nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->changed, 0);
    QCOMPARE(again->failed, result->failed);
    QCOMPARE(again->dataKeysDeleted, 0);
    QVERIFY(mismatch(target, fixture).isEmpty());
}

void TestOperations::rewrapDataKeys()
{
    QFETCH(QString, fixture);
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    const QList<store::DataKeyRow> before = test::dataKeysOf(target);
    const bool broken = fixture.endsWith(QLatin1String("broken.db"));

    model::RewrapDataKeysOptions options;

    options.includeUnverifiable = true;
    auto result = model::runRewrapDataKeys(target, options, nullptr);
    QStringList skipped;
    if (broken) {
        // Its sixth key unwraps to garbage (another secret key): refused, nothing changed.
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().kind, model::ErrorKind::Refused);
        QVERIFY(result.error().message.contains(QLatin1String("f06jbkl6xtlkum")));
        QCOMPARE(test::dataKeysOf(target).size(), before.size());
        for (qsizetype i = 0; i < before.size(); ++i)
            QCOMPARE(test::dataKeysOf(target).at(i).encryptedData, before.at(i).encryptedData);
        options.force = true;
        result = model::runRewrapDataKeys(target, options, nullptr);
        QVERIFY(result.has_value());
        for (const model::DataKeyPlan& key : result->dataKeyFailures)
            skipped << key.id;
        QCOMPARE(skipped, QStringList{QStringLiteral("f06jbkl6xtlkum")});
        QCOMPARE(model::exitCodeFor(*result), 1);
    } else {
        QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
        QVERIFY(result->dataKeyFailures.isEmpty());
        QCOMPARE(model::exitCodeFor(*result), 0);
    }
    QCOMPARE(result->dataKeysRewrapped, before.size() - skipped.size());
    const QList<store::DataKeyRow> after = test::dataKeysOf(target);
    QCOMPARE(after.size(), before.size());
    for (const store::DataKeyRow& key : after) {
        const auto old = std::find_if(before.cbegin(), before.cend(),
                                      [&key](const store::DataKeyRow& b) { return b.id == key.id; });
        QVERIFY(old != before.cend());
        QCOMPARE(key.active, old->active);
        if (skipped.contains(key.id)) {
            QCOMPARE(key.encryptedData, old->encryptedData);
            QCOMPARE(key.label, old->label);
            continue;
        }
        QCOMPARE(key.provider, QStringLiteral("secretKey.v1"));
        QCOMPARE(key.label, test::todaysLabel());
        QCOMPARE(key.encryptedData.size(), 52);
        QVERIFY(key.encryptedData != old->encryptedData);
    }
    const QString diff = mismatch(target, fixture);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestOperations::changeSecretKeyTwice()
{
    QFETCH(QString, fixture);
    const model::Target first = test::targetFor(copy(fixture), keyFor(fixture));
    const bool broken = fixture.endsWith(QLatin1String("broken.db"));
    const QStringList expectedFailures = test::expectedFailures(test::expectedLines(fixture));
    qint64 legacyValues = 0;
    for (const model::ValueRecord& v : test::scanValues(first))
        legacyValues += model::isLegacy(v.format) ? 1 : 0;

    const QByteArray second("second `key` #1; with spaces");
    const QByteArray third("third-key-\xc3\xa4\xc3\xb6\xc3\xbc");
    model::Target current = first;
    for (const QByteArray& next : {second, third}) {
        model::RewrapDataKeysOptions options;
        options.includeUnverifiable = true;
        options.newSecretKey = next;
        options.newSecretKeySource = QStringLiteral("/etc/mosaicoo/new.key");
        options.force = broken;
        const auto result = model::runRewrapDataKeys(current, options, nullptr);
        QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
        // Every legacy value moves to the new key, even next to a broken value in the same cell
        // (left under the old key it would be lost).
        QCOMPARE(result->changed, legacyValues);
        QCOMPARE(result->blocked, 0);
        QVERIFY(result->verifyChecked >= test::expectedLines(fixture).size());
        QCOMPARE(result->verifyFailed, qint64(expectedFailures.size()));
        QVERIFY(!result->configChange.isEmpty());
        QVERIFY2(!result->configChange.contains(QString::fromUtf8(next)), "the key must never be printed");
        QVERIFY(result->configChange.contains(QLatin1String("/etc/mosaicoo/new.key")));
        current = test::withSecretKey(current, next);
        const QString diff = mismatch(current, fixture);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }
    // The original key no longer opens it (every fixture holds values or keys under the secret key).
    if (legacyValues > 0 || !test::dataKeysOf(first).isEmpty())
        QVERIFY(!mismatch(first, fixture).isEmpty() || test::expectedLines(fixture).isEmpty());
}

void TestOperations::rotateDeactivatesAndTellsUntilWhen()
{
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    const QDateTime before = QDateTime::currentDateTime();
    const auto result = model::runRotate(target, {}, nullptr);
    QVERIFY(result.has_value());
    QCOMPARE(result->dataKeysDeactivated, 1);
    QCOMPARE(result->dataKeysDeactivatedIds.size(), 1);
    QCOMPARE(result->dataKeysCacheTtlSeconds, 900);
    const QDateTime until = QDateTime::fromString(result->encryptUntil, Qt::ISODate);
    QVERIFY2(until.isValid(), qPrintable(result->encryptUntil));
    QVERIFY(qAbs(before.secsTo(until) - 900) <= 5);
    for (const store::DataKeyRow& key : test::dataKeysOf(target))
        QVERIFY(!key.active);
    const auto again = model::runRotate(target, {}, nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->dataKeysDeactivated, 0);
    QVERIFY(mismatch(target, fixture).isEmpty());
}

void TestOperations::sequence_data()
{
    QTest::addColumn<QString>("fixture");
    for (const char* name : {"mixed-default-key.db", "custom-key.db", "OpenVidu", "akshtshrma24", "quickwit",
                             "anmawxz", "2022-Winter-Bootcamp-Team-C", "OatApiwat"})
        QTest::newRow(name) << fixturePath(QLatin1String(name));
}

// re-encrypt → rotate → re-encrypt → rollback → re-encrypt.
void TestOperations::sequence()
{
    QFETCH(QString, fixture);
    QVERIFY(!fixture.isEmpty());
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    auto check = [&](const char* step) {
        const QString diff = mismatch(target, fixture);
        if (!diff.isEmpty())
            QFAIL(qPrintable(QStringLiteral("after %1: %2").arg(QLatin1String(step), diff)));
    };
    auto allUnder = [&](const QString& keyId) {
        for (const model::ValueRecord& v : test::scanValues(target)) {
            const store::SecretLocation& l = store::secretLocations().at(v.locationIndex);
            if (!touchedByRewrite(v) || l.legacyOnly)
                continue;
            if (v.dataKeyId != keyId)
                return false;
        }
        return true;
    };

    const auto first = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(first.has_value());
    check("re-encrypt");
    const QString firstKey = first->dataKeysCreated.value(0);
    QVERIFY(allUnder(firstKey));
    QVERIFY(model::runRotate(target, {}, nullptr).has_value());
    check("rotate");
    const auto second = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(second.has_value());
    check("second re-encrypt");
    if (first->changed > 0) {
        QCOMPARE(second->dataKeysCreated.size(), 1);
        QVERIFY(second->dataKeysCreated.first() != firstKey);
        QVERIFY(allUnder(second->dataKeysCreated.first()));
    }
    const auto rolledBack = model::runRollback(target, trusted<model::RollbackOptions>(), nullptr);
    QVERIFY(rolledBack.has_value());
    check("rollback");
    QCOMPARE(!rolledBack->unfinished.isEmpty(), fixture.contains(QLatin1String("anmawxz")));
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (touchedByRewrite(v))
            QVERIFY2(model::isLegacy(v.format), qPrintable(describe(v)));
    }
    const auto last = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(last.has_value());
    check("final re-encrypt");
    if (first->changed > 0)
        QVERIFY(allUnder(last->dataKeysCreated.value(0)));
}

void TestOperations::dryRunsChangeNothing_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("operation");
    for (const char* name : {"mixed-default-key.db", "broken.db", "anmawxz"}) {
        for (const char* op : {"re-encrypt", "rollback", "rollback-legacy-accept-loss", "rewrap", "change-key",
                               "rotate", "restore"})
            QTest::newRow(qPrintable(QStringLiteral("%1/%2").arg(QLatin1String(name), QLatin1String(op))))
                << fixturePath(QLatin1String(name)) << QString::fromLatin1(op);
    }
}

void TestOperations::dryRunsChangeNothing()
{
    QFETCH(QString, fixture);
    QFETCH(QString, operation);
    const QString path = copy(fixture);
    const model::Target target = test::targetFor(path, keyFor(fixture));
    QString backup;
    if (operation == QLatin1String("restore")) {
        // A backup of the original, then a change, then a dry-run restore.
        backup = m_dir->filePath(QStringLiteral("backup.json"));
        model::BackupOptions options;
        options.outPath = backup;
        options.format = QStringLiteral("json");
        QVERIFY(model::runBackup(target, options, nullptr).has_value());
        QVERIFY(model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr).has_value());
    }
    const QByteArray digest = test::fileDigest(path);
    QVERIFY(!digest.isEmpty());

    model::Result<model::OperationResult> result = std::unexpected(model::Error{});
    if (operation == QLatin1String("re-encrypt")) {
        model::ReEncryptOptions options;
        options.includeUnverifiable = true;
        options.dryRun = true;
        result = model::runReEncrypt(target, options, nullptr);
    } else if (operation.startsWith(QLatin1String("rollback"))) {
        model::RollbackOptions options;
        options.includeUnverifiable = true;
        options.dryRun = true;
        options.acceptLoss = operation.contains(QLatin1String("accept-loss"));
        options.format = operation.contains(QLatin1String("legacy")) ? model::RollbackFormat::Legacy
                                                                     : model::RollbackFormat::Prefixed92;
        result = model::runRollback(target, options, nullptr);
    } else if (operation == QLatin1String("rewrap") || operation == QLatin1String("change-key")) {
        model::RewrapDataKeysOptions options;
        options.includeUnverifiable = true;
        options.dryRun = true;
        options.force = true;
        if (operation == QLatin1String("change-key"))
            options.newSecretKey = QByteArray("another key");
        result = model::runRewrapDataKeys(target, options, nullptr);
    } else if (operation == QLatin1String("rotate")) {
        model::OperationOptions options;
        options.dryRun = true;
        result = model::runRotate(target, options, nullptr);
    } else {
        model::RestoreOptions options;
        options.dryRun = true;
        options.fromPath = backup;
        result = model::runRestore(target, options, nullptr);
        QVERIFY(result.has_value());
        QVERIFY(result->changed > 0);
    }
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QVERIFY(result->dryRun);
    QCOMPARE(test::fileDigest(path), digest);
}

// A dry run reports exactly what the run then does.
void TestOperations::dryRunReportsWhatTheRunDoes()
{
    for (const char* name : {"mixed-default-key.db", "broken.db", "anmawxz"}) {
        const QString fixture = fixturePath(QLatin1String(name));
        const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
        model::ReEncryptOptions dry;
        dry.includeUnverifiable = true;
        dry.dryRun = true;
        const auto predicted = model::runReEncrypt(target, dry, nullptr);
        const auto done = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
        QVERIFY(predicted.has_value() && done.has_value());
        QCOMPARE(predicted->changed, done->changed);
        QCOMPARE(predicted->failed, done->failed);
        QCOMPARE(predicted->skipped, done->skipped);
        QCOMPARE(failureClasses(predicted->failures), failureClasses(done->failures));

        model::RollbackOptions rollbackDry;

        rollbackDry.includeUnverifiable = true;
        rollbackDry.dryRun = true;
        const auto predictedRollback = model::runRollback(target, rollbackDry, nullptr);
        const auto rollback = model::runRollback(target, trusted<model::RollbackOptions>(), nullptr);
        QVERIFY(predictedRollback.has_value() && rollback.has_value());
        QCOMPARE(predictedRollback->changed, rollback->changed);
        QCOMPARE(predictedRollback->dataKeysDeleted, rollback->dataKeysDeleted);
        QCOMPARE(predictedRollback->dataKeysDeletedIds, rollback->dataKeysDeletedIds);
        QCOMPARE(predictedRollback->unfinished.isEmpty(), rollback->unfinished.isEmpty());
        QCOMPARE(predictedRollback->dataKeysKept.size(), rollback->dataKeysKept.size());
    }
}

void TestOperations::rollbackRefusesToDeleteKeysUsedByCacheData()
{
    const QString fixture = fixturePath(QStringLiteral("anmawxz"));
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    const auto preflight = model::preflightRollback(target, {}, nullptr);
    QVERIFY(preflight.has_value());
    QVERIFY(!preflight->warnings.filter(QStringLiteral("cache_data")).isEmpty());

    const auto refused = model::runRollback(target, trusted<model::RollbackOptions>(), nullptr);
    QVERIFY(refused.has_value());
    // The values were rolled back: not a refusal (that writes nothing) but an unfinished run.
    QVERIFY(!refused->refused);
    QVERIFY(refused->changed > 0);
    QCOMPARE(model::exitCodeFor(*refused), 1);
    QCOMPARE(refused->dataKeysKept.size(), 1);
    QCOMPARE(refused->dataKeysKept.first().references, 2);
    QCOMPARE(refused->dataKeysKept.first().locations, QStringList{QStringLiteral("cache_data.data")});
    QVERIFY(refused->unfinished.contains(QLatin1String("--accept-loss")));
    QVERIFY(refused->unfinished.contains(QLatin1String("rolled back")));
    const QString keptId = refused->dataKeysKept.first().id;
    const QList<store::DataKeyRow> keysLeft = test::dataKeysOf(target);
    QVERIFY(std::any_of(keysLeft.cbegin(), keysLeft.cend(),
                        [&keptId](const store::DataKeyRow& k) { return k.id == keptId; }));
    // The cache entries still decrypt: nothing referenced was destroyed.
    const auto verified = model::runVerify(target, {}, nullptr);
    QVERIFY(verified.has_value());
    QCOMPARE(verified->failed, 0);

    model::RollbackOptions accept;

    accept.includeUnverifiable = true;
    accept.acceptLoss = true;
    const auto accepted = model::runRollback(target, accept, nullptr);
    QVERIFY(accepted.has_value());
    QVERIFY(!accepted->refused);
    QCOMPARE(accepted->dataKeysDeleted, 1);
    QCOMPARE(accepted->valuesLost.size(), 2);
    for (const model::ValueFailure& lost : accepted->valuesLost)
        QCOMPARE(lost.table, QStringLiteral("cache_data"));
    QVERIFY(test::dataKeysOf(target).isEmpty());
    QVERIFY(mismatch(target, fixture).isEmpty()); // the listed values are unaffected
}

void TestOperations::wrongSecretKeyIsRefused()
{
    const QString fixture = fixturePath(QStringLiteral("custom-key.db"));
    const QString path = copy(fixture);
    const model::Target wrong = test::targetFor(path, test::kDefaultSecretKey);
    const QByteArray digest = test::fileDigest(path);
    const auto reEncrypt = model::runReEncrypt(wrong, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(!reEncrypt.has_value());
    QCOMPARE(reEncrypt.error().kind, model::ErrorKind::Refused);
    const auto rollback = model::runRollback(wrong, trusted<model::RollbackOptions>(), nullptr);
    QVERIFY(!rollback.has_value());
    QCOMPARE(rollback.error().kind, model::ErrorKind::Refused);
    model::RewrapDataKeysOptions change;
    change.includeUnverifiable = true;
    change.newSecretKey = QByteArray("new key");
    const auto changed = model::runRewrapDataKeys(wrong, change, nullptr);
    QVERIFY(!changed.has_value());
    QCOMPARE(changed.error().kind, model::ErrorKind::Refused);
    QCOMPARE(model::exitCodeFor(changed.error().kind), 3);
    QCOMPARE(test::fileDigest(path), digest);

    // Forced: whatever does not decrypt is reported and never rewritten (no garbage in).
    model::ReEncryptOptions forced;
    forced.includeUnverifiable = true;
    forced.force = true;
    const auto result = model::runReEncrypt(wrong, forced, nullptr);
    QVERIFY(result.has_value());
    // Values already in the target form are not touched; everything else fails, except the one
    // empty plaintext (empty under any key).
    QVERIFY2(result->changed <= 1, qPrintable(QString::number(result->changed)));
    QVERIFY(result->failed >= 150);
    const QString diff = mismatch(test::targetFor(path, test::kCustomSecretKey), fixture);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestOperations::envelopeDisabledWritesLegacy()
{
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    target.config.envelopeEncryptionDisabled = true;
    const int keys = test::dataKeysOf(target).size();
    const auto result = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(result.has_value());
    QVERIFY(result->dataKeysCreated.isEmpty());
    QCOMPARE(test::dataKeysOf(target).size(), keys); // data keys are kept, like upstream
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (touchedByRewrite(v))
            QVERIFY2(v.format == model::ValueFormat::LegacyCfbPrefixed, qPrintable(describe(v)));
    }
    QVERIFY(mismatch(target, fixture).isEmpty());
}

void TestOperations::gcmConfigWritesGcm()
{
    const QString fixture = fixturePath(QStringLiteral("OpenVidu"));
    model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    target.config.security.algorithm = QStringLiteral("aes-gcm");
    const auto result = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(result.has_value());
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (touchedByRewrite(v))
            QVERIFY2(v.format == model::ValueFormat::EnvelopeGcm, qPrintable(describe(v)));
    }
    for (const store::DataKeyRow& key : test::dataKeysOf(target)) {
        if (key.id == result->dataKeysCreated.value(0))
            QVERIFY(key.encryptedData.startsWith("*YWVzLWdjbQ*"));
    }
    QVERIFY(mismatch(target, fixture).isEmpty());
    // Rollback with --format legacy still writes unprefixed aes-cfb for old readers.
    model::RollbackOptions legacy;
    legacy.includeUnverifiable = true;
    legacy.format = model::RollbackFormat::Legacy;
    QVERIFY(model::runRollback(target, legacy, nullptr).has_value());
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (touchedByRewrite(v))
            QVERIFY2(v.format == model::ValueFormat::LegacyCfb, qPrintable(describe(v)));
    }
    QVERIFY(mismatch(target, fixture).isEmpty());
}

void TestOperations::freshSaltPerValue()
{
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    // Default: one salt per batch and data key; fresh IVs.
    QVERIFY(model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr).has_value());
    QSet<QByteArray> salts;
    QSet<QByteArray> ivs;
    qint64 envelope = 0;
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (v.format != model::ValueFormat::EnvelopeCfbPrefixed)
            continue;
        const QByteArray body = v.payload.mid(v.payload.indexOf('#', 1) + 1 + 12);
        salts.insert(body.left(8));
        ivs.insert(body.mid(8, 16));
        ++envelope;
    }
    QVERIFY(envelope > 200);
    QVERIFY2(salts.size() <= 2 * store::secretLocations().size(), qPrintable(QString::number(salts.size())));
    QCOMPARE(ivs.size(), envelope);

    model::ReEncryptOptions fresh;

    fresh.includeUnverifiable = true;
    fresh.freshSaltPerValue = true;
    QVERIFY(model::runRotate(target, {}, nullptr).has_value());
    QVERIFY(model::runReEncrypt(target, fresh, nullptr).has_value());
    salts.clear();
    envelope = 0;
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (v.format != model::ValueFormat::EnvelopeCfbPrefixed)
            continue;
        salts.insert(v.payload.mid(v.payload.indexOf('#', 1) + 1 + 12, 8));
        ++envelope;
    }
    QVERIFY(salts.size() > envelope - 3); // random 8-char salts: collisions are practically impossible
    QVERIFY(mismatch(target, fixture).isEmpty());
}

void TestOperations::cancelAfterFirstBatch_data()
{
    QTest::addColumn<QString>("operation");
    QTest::newRow("re-encrypt") << QStringLiteral("re-encrypt");
    QTest::newRow("rollback") << QStringLiteral("rollback");
    QTest::newRow("change-key") << QStringLiteral("change-key");
}

void TestOperations::cancelAfterFirstBatch()
{
    QFETCH(QString, operation);
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    if (operation == QLatin1String("rollback"))
        QVERIFY(model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr).has_value());
    const QHash<QString, QByteArray> before = test::snapshotCells(target);
    const int keysBefore = test::dataKeysOf(target).size();

    model::CallbackJobContext context;
    int batches = 0;
    context.onProgress = [&context, &batches](qint64, const QString& text) {
        if (text.contains(QLatin1String("rewritten")) && ++batches == 1)
            context.canceled = true; // the job polls between batches
    };
    const QByteArray newKey("the new key");
    auto run = [&](model::JobContext* ctx) -> model::Result<model::OperationResult> {
        if (operation == QLatin1String("re-encrypt")) {
            model::ReEncryptOptions options;
            options.includeUnverifiable = true;
            options.batchSize = 10;
            return model::runReEncrypt(target, options, ctx);
        }
        if (operation == QLatin1String("rollback")) {
            model::RollbackOptions options;
            options.includeUnverifiable = true;
            options.batchSize = 10;
            return model::runRollback(target, options, ctx);
        }
        model::RewrapDataKeysOptions options;
        options.includeUnverifiable = true;
        options.batchSize = 10;
        options.newSecretKey = newKey;
        return model::runRewrapDataKeys(target, options, ctx);
    };
    const auto canceled = run(&context);
    QVERIFY2(canceled.has_value(), canceled ? "" : qPrintable(canceled.error().message));
    QVERIFY(canceled->canceled);
    QCOMPARE(model::exitCodeFor(*canceled), model::kExitInterrupted);
    QCOMPARE(canceled->canceledBeforeCommit, operation == QLatin1String("change-key"));
    const QString diff = mismatch(target, fixture);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    if (operation == QLatin1String("change-key")) {
        QCOMPARE(test::snapshotCells(target), before); // one transaction: nothing happened
        QCOMPARE(canceled->changed, 0);
    } else {
        QVERIFY(canceled->cellsWritten > 0);
        QVERIFY(test::snapshotCells(target) != before);
    }
    QCOMPARE(test::dataKeysOf(target).size(), keysBefore + (operation == QLatin1String("re-encrypt") ? 1 : 0));

    // A re-run finishes the job.
    const auto finished = run(nullptr);
    QVERIFY(finished.has_value());
    QVERIFY(!finished->canceled);
    const model::Target after = operation == QLatin1String("change-key") ? test::withSecretKey(target, newKey)
                                                                         : target;
    const QString diff2 = mismatch(after, fixture);
    QVERIFY2(diff2.isEmpty(), qPrintable(diff2));
    if (operation == QLatin1String("re-encrypt")) {
        QVERIFY(finished->dataKeysCreated.isEmpty()); // the committed key of the first run is reused
        QCOMPARE(model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr)->changed, 0);
    }
    if (operation == QLatin1String("rollback"))
        QVERIFY(test::dataKeysOf(target).isEmpty());
}

void TestOperations::concurrentWriterIsNotClobbered()
{
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const QString path = copy(fixture);
    const model::Target target = test::targetFor(path, keyFor(fixture));
    const store::SecretLocation* secrets = store::findSecretLocation(QStringLiteral("secrets.value"));
    QVERIFY(secrets);

    QString changedRow;
    QByteArray written;
    model::ReEncryptOptions options;
    options.includeUnverifiable = true;
    options.batchSize = 50;
    options.beforeBatchWrite = [&](const QString& location, const QStringList& rowIds) {
        if (!changedRow.isEmpty() || location != secrets->key)
            return;
        // Another instance writes a new value into the first row of this batch.
        store::ConnectionSpec spec = target.connection;
        spec.readOnly = false;
        auto db = store::Database::open(spec);
        QVERIFY(db.has_value());
        QVERIFY(store::detectSchema(*db).has_value());
        auto cells = store::readCells(*db, *secrets, QString(), 1000);
        QVERIFY(cells.has_value());
        for (const store::Cell& cell : std::as_const(*cells)) {
            if (cell.rowId != rowIds.first())
                continue;
            auto payload = crypto::encryptPayload("{\"password\":\"written concurrently\"}", target.secretKey);
            QVERIFY(payload.has_value());
            written = payload->toBase64(QByteArray::OmitTrailingEquals);
            QVERIFY(store::updateCell(*db, *secrets, cell.rowId, cell.raw, written, QString()).has_value());
            changedRow = cell.rowId;
        }
    };
    const auto result = model::runReEncrypt(target, options, nullptr);
    QVERIFY(result.has_value());
    QVERIFY(!changedRow.isEmpty());
    // The changed row is read again and rewritten from its new value (never clobbered with the
    // old one). A row that keeps changing ends as a conflict: TestLiveWriter.
    QCOMPARE(result->rereads, 1);
    QCOMPARE(result->conflicts, 0);
    QCOMPARE(result->failed, 0);
    QCOMPARE(model::exitCodeFor(*result), 0);
    QVERIFY(test::snapshotCells(target).value(secrets->key + QLatin1Char('/') + changedRow) != written);
    const QString digest = QString::fromLatin1(
        QCryptographicHash::hash("{\"password\":\"written concurrently\"}", QCryptographicHash::Sha256).toHex());
    QVERIFY(test::verifyLines(target).contains(QStringLiteral("secrets\t%1\tvalue\t%2").arg(changedRow, digest)));
    for (const model::ValueRecord& v : test::scanValues(target)) {
        if (store::secretLocations().at(v.locationIndex).key == secrets->key && v.rowId == changedRow)
            QCOMPARE(v.format, model::ValueFormat::EnvelopeCfbPrefixed);
    }

    // Nothing left for a re-run.
    const auto again = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->changed, 0);
    QCOMPARE(again->failed, 0);
}

void TestOperations::backupAndRestore_data()
{
    QTest::addColumn<QString>("format");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("json") << QStringLiteral("json");
}

void TestOperations::backupAndRestore()
{
    QFETCH(QString, format);
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    const QHash<QString, QByteArray> original = test::snapshotCells(target);
    const QList<store::DataKeyRow> originalKeys = test::dataKeysOf(target);

    model::BackupOptions backup;
    backup.outPath = m_dir->filePath(QStringLiteral("backup.") + format);
    backup.format = format;
    const auto saved = model::runBackup(target, backup, nullptr);
    QVERIFY2(saved.has_value(), saved ? "" : qPrintable(saved.error().message));
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                                            | QFileDevice::ReadOther | QFileDevice::WriteOther
                                            | QFileDevice::ExeOther;
    QVERIFY((QFileInfo(backup.outPath).permissions() & others) == 0);
    QVERIFY(QFileInfo(backup.outPath).permissions() & QFileDevice::ReadOwner);

    // Change everything: re-encrypt, rotate, rollback (keys deleted).
    QVERIFY(model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr).has_value());
    QVERIFY(model::runRollback(target, trusted<model::RollbackOptions>(), nullptr).has_value());
    QVERIFY(test::dataKeysOf(target).isEmpty());

    model::RestoreOptions restore;
    restore.fromPath = backup.outPath;
    const auto restored = model::runRestore(target, restore, nullptr);
    QVERIFY2(restored.has_value(), restored ? "" : qPrintable(restored.error().message));
    QCOMPARE(restored->failed, 0);
    QCOMPARE(restored->dataKeysCreated.size(), originalKeys.size());
    QCOMPARE(test::snapshotCells(target), original);
    const QList<store::DataKeyRow> keys = test::dataKeysOf(target);
    QCOMPARE(keys.size(), originalKeys.size());
    for (const store::DataKeyRow& key : originalKeys) {
        const auto now = std::find_if(keys.cbegin(), keys.cend(), [&key](const store::DataKeyRow& k) { return k.id == key.id; });
        QVERIFY(now != keys.cend());
        QCOMPARE(now->encryptedData, key.encryptedData);
        QCOMPARE(now->provider, key.provider);
        QCOMPARE(now->label, key.label);
    }
    QVERIFY(mismatch(target, fixture).isEmpty());
    // Restoring again changes nothing.
    const auto again = model::runRestore(target, restore, nullptr);
    QVERIFY(again.has_value());
    QCOMPARE(again->changed, 0);
}

void TestOperations::restoreBringsBackActiveFlags()
{
    // Backup, then rotate (every key inactive) and re-encrypt (a new active key): a restore gives
    // the backup's keys their flags back and keeps the newer key, inactive.
    const QString fixture = fixturePath(QStringLiteral("mixed-default-key.db"));
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    const QList<store::DataKeyRow> originalKeys = test::dataKeysOf(target);
    QVERIFY(std::any_of(originalKeys.cbegin(), originalKeys.cend(), [](const store::DataKeyRow& k) { return k.active; }));
    model::BackupOptions backup;
    backup.outPath = m_dir->filePath(QStringLiteral("flags.json"));
    backup.format = QStringLiteral("json");
    QVERIFY(model::runBackup(target, backup, nullptr).has_value());
    QVERIFY(model::runRotate(target, {}, nullptr).has_value());
    QVERIFY(model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr).has_value());
    const QList<store::DataKeyRow> changedKeys = test::dataKeysOf(target);
    QCOMPARE(changedKeys.size(), originalKeys.size() + 1);

    model::RestoreOptions restore;
    restore.fromPath = backup.outPath;
    restore.dryRun = true;
    const auto dry = model::runRestore(target, restore, nullptr);
    QVERIFY(dry.has_value());
    auto flags = [](const QList<store::DataKeyRow>& rows) {
        QStringList out;
        for (const store::DataKeyRow& row : rows)
            out << row.id + (row.active ? QStringLiteral(":on") : QStringLiteral(":off"));
        out.sort();
        return out;
    };
    QCOMPARE(flags(test::dataKeysOf(target)), flags(changedKeys)); // a dry run writes nothing
    restore.dryRun = false;
    const auto restored = model::runRestore(target, restore, nullptr);
    QVERIFY2(restored.has_value(), restored ? "" : qPrintable(restored.error().message));
    QCOMPARE(restored->failed, 0);
    QCOMPARE(restored->dataKeysDeactivated, dry->dataKeysDeactivated);
    QCOMPARE(restored->dataKeysDeactivated, 1); // the key the re-encrypt made
    const QList<store::DataKeyRow> keys = test::dataKeysOf(target);
    QCOMPARE(keys.size(), originalKeys.size() + 1);
    for (const store::DataKeyRow& key : keys) {
        const auto before = std::find_if(originalKeys.cbegin(), originalKeys.cend(),
                                         [&key](const store::DataKeyRow& k) { return k.id == key.id; });
        if (before == originalKeys.cend())
            QVERIFY2(!key.active, qPrintable(key.id));
        else
            QCOMPARE(key.active, before->active);
    }
    QVERIFY(mismatch(target, fixture).isEmpty());
}

void TestOperations::backupRefusesExistingFile()
{
    const QString fixture = fixturePath(QStringLiteral("broken.db"));
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    model::BackupOptions backup;
    backup.outPath = m_dir->filePath(QStringLiteral("exists.db"));
    QFile file(backup.outPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("keep me");
    file.close();
    const auto result = model::runBackup(target, backup, nullptr);
    QVERIFY(!result.has_value());
    QCOMPARE(result.error().kind, model::ErrorKind::Refused);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("keep me"));
}

void TestOperations::preflightReportsPlan()
{
    const QString fixture = fixturePath(QStringLiteral("broken.db"));
    const QString path = copy(fixture);
    const model::Target target = test::targetFor(path, keyFor(fixture));
    const QByteArray digest = test::fileDigest(path);
    const auto preflight = model::preflightReEncrypt(target, {}, nullptr);
    QVERIFY(preflight.has_value());
    QCOMPARE(test::fileDigest(path), digest);
    QCOMPARE(preflight->values, 108);
    QVERIFY(preflight->createsDataKey);
    QCOMPARE(preflight->newDataKeyLabel, test::todaysLabel());
    QVERIFY(!preflight->keyCheck.wrongKeySuspected);
    QVERIFY(preflight->keyCheck.sampled >= 10);
    QVERIFY(!preflight->refused);
    // Found without decrypting: missing key, truncated, bad base64, bad JSON; the sample catches
    // both values under the mis-wrapped key.
    QVERIFY(preflight->willFail >= 4);
    QVERIFY(!preflight->irreversible.isEmpty());
    bool suspect = false;
    for (const model::DataKeyPlan& key : preflight->dataKeys) {
        if (key.id == QLatin1String("f06jbkl6xtlkum"))
            suspect = key.health == QLatin1String("suspect");
    }
    QVERIFY(suspect);

    const auto rewrap = model::preflightRewrapDataKeys(target, {}, nullptr);
    QVERIFY(rewrap.has_value());
    QVERIFY(rewrap->refused);
    QVERIFY(rewrap->refusal.contains(QLatin1String("f06jbkl6xtlkum")));
    const auto rotate = model::preflightRotate(target, {}, nullptr);
    QVERIFY(rotate.has_value());
    QCOMPARE(std::count_if(rotate->dataKeys.cbegin(), rotate->dataKeys.cend(),
                           [](const model::DataKeyPlan& k) { return k.action == QLatin1String("deactivate"); }),
             1);
    QCOMPARE(test::fileDigest(path), digest);
}

void TestOperations::jsonShape()
{
    const QString fixture = fixturePath(QStringLiteral("broken.db"));
    const model::Target target = test::targetFor(copy(fixture), keyFor(fixture));
    const auto result = model::runReEncrypt(target, trusted<model::ReEncryptOptions>(), nullptr);
    QVERIFY(result.has_value());
    const QJsonObject json = model::operationToJson(*result);
    for (const char* field : {"operation", "dryRun", "processed", "changed", "skipped", "failed", "failures",
                              "dataKeysCreated", "dataKeysDeleted", "durationMs", "preflight", "conflicts"})
        QVERIFY2(json.contains(QLatin1String(field)), field);
    QCOMPARE(json.value(QStringLiteral("operation")).toString(), QStringLiteral("re-encrypt"));
    QCOMPARE(json.value(QStringLiteral("failed")).toInt(), 7);
    QCOMPARE(json.value(QStringLiteral("failures")).toArray().size(), 7);
    QCOMPARE(json.value(QStringLiteral("dataKeysCreated")).toArray().size(), 1);
}

QTEST_GUILESS_MAIN(TestOperations)
#include "TestOperations.moc"
