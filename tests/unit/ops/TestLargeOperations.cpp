// Rule 4 on large-20k.db (slow): mosaicoo-keys-cli killed with SIGKILL at a random point of each
// operation leaves a database whose plaintexts all still match the expected file, and running the
// same command again finishes the job. Also prints the time of each complete operation.
#include "model/ops/CensusJob.h"
#include "model/store/SqliteJournal.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

namespace {

QProcessEnvironment environmentWithKey(const QByteArray& key)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(key));
    return env;
}

} // namespace

class TestLargeOperations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set"); }
    void killedAnywhereLosesNothing_data();
    void killedAnywhereLosesNothing();
    void killedAnywhereLeavesAReadableFile_data();
    void killedAnywhereLeavesAReadableFile();
};

void TestLargeOperations::killedAnywhereLosesNothing_data()
{
    QTest::addColumn<QString>("command");
    QTest::newRow("re-encrypt") << QStringLiteral("re-encrypt");
    QTest::newRow("rollback") << QStringLiteral("rollback");
    QTest::newRow("change-secret-key") << QStringLiteral("re-encrypt-data-keys");
}

void TestLargeOperations::killedAnywhereLosesNothing()
{
    QFETCH(QString, command);
    const QString fixture = test::syntheticFixturesDir() + QStringLiteral("/large-20k.db");
    const QStringList expected = test::expectedLines(fixture);
    QCOMPARE(expected.size(), 20000);
    QTemporaryDir dir;
    const QString db = test::copyFixture(fixture, dir.path());
    const QByteArray oldKey(test::kDefaultSecretKey);
    const QByteArray newKey("large #20k; new key");
    // large-20k.db holds 106 legacy values too short to prove their key, all under the right one.
    QStringList args{QStringLiteral("--db"), db, command, QStringLiteral("--json"), QStringLiteral("--include-unverifiable")};
    if (command == QLatin1String("re-encrypt-data-keys")) {
        const QString keyFile = dir.filePath(QStringLiteral("new.key"));
        QFile file(keyFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(newKey);
        file.close();
        args << QStringLiteral("--new-secret-key-file") << keyFile;
    }

    // Kill at a random instant (after the preflight, somewhere in the batches).
    QProcess victim;
    victim.setProcessEnvironment(environmentWithKey(oldKey));
    victim.start(qEnvironmentVariable("MK_CLI"), args);
    QVERIFY(victim.waitForStarted(10'000));
    // On a fast machine the run may end before its instant: that is the other right outcome, and
    // everything below holds for it as well (nothing is lost, a re-run has nothing left to do).
    const int delayMs = 1500 + int(QRandomGenerator::global()->bounded(6000));
    if (victim.waitForFinished(delayMs)) {
        QCOMPARE(victim.exitStatus(), QProcess::NormalExit);
        QCOMPARE(victim.exitCode(), 0);
        qInfo("%s finished before its kill instant (%d ms)", qPrintable(command), delayMs);
    } else {
        victim.kill(); // SIGKILL
        QVERIFY(victim.waitForFinished(10'000));
        QCOMPARE(victim.exitStatus(), QProcess::CrashExit);
        qInfo("%s killed after %d ms", qPrintable(command), delayMs);
    }

    // SQLite rolls a killed writer's hot journal back on the next open with write access (Grafana's
    // or the re-run's); a read-only open refuses until then, with a hint. Whether the journal is hot
    // depends on the kill instant (killed between transactions, or while the journal was created and
    // still empty, it is not): decide from its state, as SQLite does, not from its existence.
    const model::Target target = test::targetFor(db, oldKey);
    QString error;
    const bool hot = store::hasHotJournal(db);
    const auto census = model::runCensus(target, nullptr);
    qInfo("journal %s, read-only census %s", hot ? "hot" : QFileInfo::exists(db + QStringLiteral("-journal")) ? "present, not hot" : "absent",
          census ? "succeeded" : "refused");
    if (hot) {
        QVERIFY(!census.has_value());
        QVERIFY2(census.error().message.contains(QLatin1String("run the interrupted operation again")),
                 qPrintable(census.error().message));
        QVERIFY(test::rollBackKilledWriter(target, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qInfo("hot journal rolled back by a writing open");
    } else {
        QVERIFY2(census.has_value(), census ? "" : qPrintable(census.error().message));
    }

    // Every value still decrypts to its original plaintext. The change of the secret key is one
    // transaction: all values are under the old key, or (killed while verifying after the commit)
    // all under the new one.
    QStringList actual = test::verifyLines(target, 0, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    if (actual != expected && command == QLatin1String("re-encrypt-data-keys")) {
        actual = test::verifyLines(test::withSecretKey(target, newKey), 0, &error);
        QVERIFY2(actual == expected, qPrintable(test::describeDifference(expected, actual)));
        qInfo("killed after the commit (or finished): everything is under the new key");
        return;
    }
    QVERIFY2(actual == expected, qPrintable(test::describeDifference(expected, actual)));

    // The same command again finishes the job.
    QProcess rerun;
    rerun.setProcessEnvironment(environmentWithKey(oldKey));
    QElapsedTimer timer;
    timer.start();
    rerun.start(qEnvironmentVariable("MK_CLI"), args);
    QVERIFY(rerun.waitForStarted(10'000));
    QVERIFY(rerun.waitForFinished(1'800'000));
    const QByteArray err = rerun.readAllStandardError();
    QCOMPARE(rerun.exitCode(), 0);
    const QJsonObject json = QJsonDocument::fromJson(rerun.readAllStandardOutput()).object();
    qInfo("%s re-run on large-20k.db: %lld ms wall, %d values changed, %d failed", qPrintable(command),
          timer.elapsed(), json.value(QStringLiteral("changed")).toInt(), json.value(QStringLiteral("failed")).toInt());
    QCOMPARE(json.value(QStringLiteral("failed")).toInt(), 0);
    const model::Target after = command == QLatin1String("re-encrypt-data-keys") ? test::withSecretKey(target, newKey)
                                                                                : target;
    actual = test::verifyLines(after, 0, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(actual == expected, qPrintable(test::describeDifference(expected, actual)));
    // And a third run has nothing left to do.
    if (command != QLatin1String("re-encrypt-data-keys")) {
        QProcess third;
        third.setProcessEnvironment(environmentWithKey(oldKey));
        third.start(qEnvironmentVariable("MK_CLI"), args);
        QVERIFY(third.waitForFinished(1'800'000));
        QCOMPARE(third.exitCode(), 0);
        QCOMPARE(QJsonDocument::fromJson(third.readAllStandardOutput()).object().value(QStringLiteral("changed")).toInt(),
                 0);
    }
    Q_UNUSED(err);
}

void TestLargeOperations::killedAnywhereLeavesAReadableFile_data()
{
    killedAnywhereLosesNothing_data();
}

// Many kill instants, preflight included, on one copy: after each, a read-only census either works,
// or (exactly when SQLite's journal is hot) refuses with the hint; a writing open then plays the
// journal back. A run that finishes before its kill instant is the other right outcome.
void TestLargeOperations::killedAnywhereLeavesAReadableFile()
{
    QFETCH(QString, command);
    QTemporaryDir dir;
    const QString db = test::copyFixture(test::syntheticFixturesDir() + QStringLiteral("/large-20k.db"), dir.path());
    const QByteArray key(test::kDefaultSecretKey);
    QStringList args{QStringLiteral("--db"), db, command, QStringLiteral("--json"), QStringLiteral("--include-unverifiable")};
    if (command == QLatin1String("re-encrypt-data-keys")) {
        QFile file(dir.filePath(QStringLiteral("new.key")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("large #20k; new key");
        file.close();
        args << QStringLiteral("--new-secret-key-file") << file.fileName();
    }
    const model::Target target = test::targetFor(db, key);
    int hotSeen = 0;
    for (int kill = 0; kill < 4; ++kill) {
        QProcess victim;
        victim.setProcessEnvironment(environmentWithKey(key));
        victim.start(qEnvironmentVariable("MK_CLI"), args);
        QVERIFY(victim.waitForStarted(10'000));
        const int delayMs = 200 + int(QRandomGenerator::global()->bounded(5000));
        if (victim.waitForFinished(delayMs)) {
            QCOMPARE(victim.exitStatus(), QProcess::NormalExit);
            qInfo("%s finished before its kill instant (%d ms)", qPrintable(command), delayMs);
            break; // nothing left to do, or (after the change of the key's commit) refused
        }
        victim.kill();
        QVERIFY(victim.waitForFinished(10'000));
        const bool hot = store::hasHotJournal(db);
        const auto census = model::runCensus(target, nullptr);
        if (hot) {
            ++hotSeen;
            QVERIFY2(!census.has_value(), "a read-only census read past a hot journal");
            QVERIFY2(census.error().message.contains(QLatin1String("run the interrupted operation again")),
                     qPrintable(census.error().message));
            QString error;
            QVERIFY(test::rollBackKilledWriter(target, &error));
            QVERIFY2(error.isEmpty(), qPrintable(error));
        } else {
            QVERIFY2(census.has_value(), census ? "" : qPrintable(census.error().message));
        }
        qInfo("%s killed after %d ms: journal %s", qPrintable(command), delayMs, hot ? "hot" : "not hot");
    }
    qInfo("%d hot journal(s) seen", hotSeen);
}

QTEST_GUILESS_MAIN(TestLargeOperations)
#include "TestLargeOperations.moc"
