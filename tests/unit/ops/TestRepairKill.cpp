// repair of large-20k.db (slow): the database moved to a server with another key, repaired with
// the old key as a candidate; mosaicoo-keys-cli is killed with SIGKILL at a random instant. Whatever
// the instant, every value still decrypts to its expected plaintext under the current or the
// candidate key (nothing is lost), the same command finishes the job (apart from values it reports
// as ambiguous, too short to prove their key), and a third run changes nothing.
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

namespace {

const QByteArray kCurrentKey("large #20k; the new server's key");

struct Run
{
    int exitCode = -1;
    QJsonObject json;
    qint64 ms = 0;
};

Run runToEnd(const QStringList& args)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(kCurrentKey));
    QProcess process;
    process.setProcessEnvironment(env);
    QElapsedTimer timer;
    timer.start();
    process.start(qEnvironmentVariable("MK_CLI"), args);
    process.waitForFinished(1'800'000);
    return Run{process.exitCode(), QJsonDocument::fromJson(process.readAllStandardOutput()).object(), timer.elapsed()};
}

} // namespace

class TestRepairKill : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set"); }
    void killedAnywhereLosesNothing_data();
    void killedAnywhereLosesNothing();
};

void TestRepairKill::killedAnywhereLosesNothing_data()
{
    // Kill instants spread over the whole run (scan, key search, data keys, values, verify).
    QTest::addColumn<int>("slot");
    const int rounds = qEnvironmentVariableIntValue("MK_REPAIR_KILL_ROUNDS") > 0
                           ? qEnvironmentVariableIntValue("MK_REPAIR_KILL_ROUNDS")
                           : 3;
    for (int i = 0; i < rounds; ++i)
        QTest::newRow(qPrintable(QStringLiteral("kill-%1").arg(i))) << i;
}

void TestRepairKill::killedAnywhereLosesNothing()
{
    QFETCH(int, slot);
    const QString fixture = test::syntheticFixturesDir() + QStringLiteral("/large-20k.db");
    const QStringList expected = test::expectedLines(fixture);
    QCOMPARE(expected.size(), 20000);
    QTemporaryDir dir;
    const QString db = test::copyFixture(fixture, dir.path());
    const QString keyFile = dir.filePath(QStringLiteral("old.key"));
    {
        QFile file(keyFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(test::kDefaultSecretKey);
    }
    const QStringList args{QStringLiteral("--db"), db, QStringLiteral("repair"), QStringLiteral("--candidate-key-file"),
                           keyFile, QStringLiteral("--json")};

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(kCurrentKey));
    QProcess victim;
    victim.setProcessEnvironment(env);
    victim.start(qEnvironmentVariable("MK_CLI"), args);
    QVERIFY(victim.waitForStarted(10'000));
    // Slot i kills at a random instant of [15 i, 15 (i + 1)) s: scan, key search, data keys, values,
    // verify (a run that ends before its instant is checked the same way).
    const int delayMs = 300 + slot * 15'000 + int(QRandomGenerator::global()->bounded(15'000));
    const bool finished = victim.waitForFinished(delayMs);
    if (!finished) {
        victim.kill(); // SIGKILL
        QVERIFY(victim.waitForFinished(10'000));
    }
    qInfo("repair %s after %d ms", finished ? "finished" : "killed", delayMs);

    const model::Target current = test::targetFor(db, kCurrentKey);
    // A killed writer's hot journal is rolled back by the next writing open.
    QString error;
    test::rollBackKilledWriter(current, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // Nothing lost: every expected line is what the current or the candidate key decrypts.
    const QStringList underCurrent = test::verifyLines(current, 0, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QStringList underOld = test::verifyLines(test::withSecretKey(current, test::kDefaultSecretKey), 0, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QSet<QString> seen = QSet<QString>(underCurrent.cbegin(), underCurrent.cend())
                               + QSet<QString>(underOld.cbegin(), underOld.cend());
    QStringList lost;
    for (const QString& line : expected) {
        if (!seen.contains(line))
            lost << line;
    }
    QVERIFY2(lost.isEmpty(), qPrintable(QStringLiteral("%1 values lost, e.g. %2").arg(lost.size()).arg(lost.value(0))));

    // The same command finishes the job; a third run changes nothing.
    const Run rerun = runToEnd(args);
    qInfo("re-run: %lld ms, %d data keys re-wrapped, %d values re-encrypted", rerun.ms,
          rerun.json.value(QStringLiteral("dataKeysRewrapped")).toInt(),
          rerun.json.value(QStringLiteral("valuesReencrypted")).toInt());
    QCOMPARE(rerun.exitCode, 0);
    // Every value is right under the current key, except legacy values too short to prove their
    // key (a 1-byte CFB value is plausible under any key): repair leaves those as they are and
    // counts them as ambiguous; they still decrypt right under the old key.
    const QStringList after = test::verifyLines(current, 0, &error);
    const QStringList afterOld = test::verifyLines(test::withSecretKey(current, test::kDefaultSecretKey), 0, &error);
    const QSet<QString> rightNow(after.cbegin(), after.cend());
    const QSet<QString> rightOld(afterOld.cbegin(), afterOld.cend());
    qint64 notUnderCurrent = 0;
    for (const QString& line : expected) {
        QVERIFY2(rightNow.contains(line) || rightOld.contains(line), qPrintable(QStringLiteral("lost: ") + line));
        notUnderCurrent += rightNow.contains(line) ? 0 : 1;
    }
    qInfo("%lld values left under the old key, %d reported ambiguous", notUnderCurrent,
          rerun.json.value(QStringLiteral("ambiguous")).toInt());
    QVERIFY(notUnderCurrent <= rerun.json.value(QStringLiteral("ambiguous")).toInt());
    const QByteArray digest = test::fileDigest(db);
    const Run third = runToEnd(args);
    QCOMPARE(third.exitCode, 0);
    QCOMPARE(third.json.value(QStringLiteral("changed")).toInt(), 0);
    QCOMPARE(test::fileDigest(db), digest);
}

QTEST_GUILESS_MAIN(TestRepairKill)
#include "TestRepairKill.moc"
