// The operations through mosaicoo-keys-cli (product.md §4): one JSON object on stdout, exit codes
// 0 / 1 / 2 / 3, dry runs leave the file alone, the new secret key is never printed.
#include "model/ops/OpenedDatabase.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/CliRunner.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

namespace {

using Run = test::CliRun;

Run runCli(const QStringList& args, const QByteArray& secretKey = {})
{
    QProcessEnvironment env = test::cliEnvironment();
    if (!secretKey.isEmpty())
        env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(secretKey));
    return test::runCli(args, env);
}

QString synthetic(const char* name)
{
    return test::syntheticFixturesDir() + QLatin1Char('/') + QLatin1String(name);
}

QString real(const char* prefix)
{
    for (const QString& db : test::realFixtureDatabases()) {
        if (QFileInfo(db).fileName().startsWith(QLatin1String(prefix)))
            return db;
    }
    return {};
}

} // namespace

class TestCliOperations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set"); }
    void init();
    void reEncryptJson();
    void brokenExitsOne();
    void wrongKeyExitsThree();
    void rollbackKeptKeysExitOne();
    void usageErrorsExitTwo();
    void rewrapRefusesBrokenKeyUnlessForced();
    void changeSecretKeyPrintsConfigButNotKey();
    void rotateTellsUntilWhen();
    void backupAndRestore();
    void dryRunLeavesFileAlone();
    void humanSummary();
    void secondWriterIsRefused();

private:
    QString copy(const QString& fixture) { return test::copyFixture(fixture, m_dir->path()); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCliOperations::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCliOperations::reEncryptJson()
{
    const QString db = copy(synthetic("mixed-default-key.db"));
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt"), QStringLiteral("--json"),
                            QStringLiteral("--jobs"), QStringLiteral("2")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(!run.json.isEmpty(), run.out.left(300).constData());
    QCOMPARE(run.json[QStringLiteral("operation")].toString(), QStringLiteral("re-encrypt"));
    QCOMPARE(run.json[QStringLiteral("dryRun")].toBool(), false);
    QCOMPARE(run.json[QStringLiteral("processed")].toInt(), 300);
    QCOMPARE(run.json[QStringLiteral("failed")].toInt(), 0);
    QCOMPARE(run.json[QStringLiteral("failures")].toArray().size(), 0);
    QCOMPARE(run.json[QStringLiteral("dataKeysCreated")].toArray().size(), 1);
    QCOMPARE(run.json[QStringLiteral("dataKeysDeleted")].toInt(), 0);
    QVERIFY(run.json.contains(QStringLiteral("durationMs")));
    QVERIFY(run.json.contains(QStringLiteral("preflight")));
    QCOMPARE(run.json[QStringLiteral("changed")].toInt() + run.json[QStringLiteral("skipped")].toInt(), 300);
    const QStringList expected = test::expectedLines(synthetic("mixed-default-key.db"));
    QCOMPARE(test::verifyLines(test::targetFor(db, test::kDefaultSecretKey)), expected);
}

void TestCliOperations::brokenExitsOne()
{
    const QString db = copy(synthetic("broken.db"));
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.json[QStringLiteral("failed")].toInt(), 7);
    QStringList reasons;
    for (const QJsonValue& f : run.json[QStringLiteral("failures")].toArray())
        reasons << f[QStringLiteral("class")].toString();
    reasons.sort();
    QCOMPARE(reasons, (QStringList{QStringLiteral("auth_failed"), QStringLiteral("auth_failed"),
                                   QStringLiteral("bad_base64"), QStringLiteral("bad_json"),
                                   QStringLiteral("missing_data_key"), QStringLiteral("truncated"),
                                   QStringLiteral("wrong_key")}));
}

void TestCliOperations::wrongKeyExitsThree()
{
    const QString db = copy(synthetic("custom-key.db"));
    const QByteArray digest = test::fileDigest(db);
    for (const char* command : {"re-encrypt", "rollback", "re-encrypt-data-keys"}) {
        const Run run = runCli({QStringLiteral("--db"), db, QLatin1String(command), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 3);
        QCOMPARE(run.json[QStringLiteral("refused")].toBool(), true);
        QVERIFY(run.err.contains("--force"));
    }
    QCOMPARE(test::fileDigest(db), digest);
    // With the right key it runs; the one legacy value too short to prove the key needs the opt-in.
    const Run right = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt")}, test::kCustomSecretKey);
    QCOMPARE(right.exitCode, 1);
    QVERIFY2(right.out.contains("unverifiable"), right.out.constData());
    const Run optIn = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt"), QStringLiteral("--include-unverifiable")},
                             test::kCustomSecretKey);
    QCOMPARE(optIn.exitCode, 0);
}

// Keys kept because cache_data still references them: the values were rolled back, so this is an
// unfinished run (exit 1, "unfinished"), not a refusal (exit 3 means nothing was written).
void TestCliOperations::rollbackKeptKeysExitOne()
{
    const QString db = copy(real("anmawxz"));
    const Run refused = runCli({QStringLiteral("--db"), db, QStringLiteral("rollback"), QStringLiteral("--json")});
    QCOMPARE(refused.exitCode, 1);
    QCOMPARE(refused.json[QStringLiteral("refused")].toBool(), false);
    QVERIFY(refused.json[QStringLiteral("changed")].toInt() > 0);
    QVERIFY(refused.json[QStringLiteral("unfinished")].toString().contains(QLatin1String("--accept-loss")));
    QCOMPARE(refused.json[QStringLiteral("dataKeysKept")].toArray().size(), 1);
    const Run accepted = runCli({QStringLiteral("--db"), db, QStringLiteral("rollback"), QStringLiteral("--json"),
                                 QStringLiteral("--accept-loss")});
    QCOMPARE(accepted.exitCode, 0);
    QCOMPARE(accepted.json[QStringLiteral("dataKeysDeleted")].toInt(), 1);
    QCOMPARE(accepted.json[QStringLiteral("valuesLost")].toArray().size(), 2);
}

void TestCliOperations::usageErrorsExitTwo()
{
    const QString db = copy(synthetic("mixed-default-key.db"));
    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("rollback"), QStringLiteral("--format"),
                     QStringLiteral("8.0")})
                 .exitCode,
             2);
    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("backup")}).exitCode, 2);
    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("restore")}).exitCode, 2);
    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt-data-keys"),
                     QStringLiteral("--new-secret-key-file"), m_dir->filePath(QStringLiteral("missing"))})
                 .exitCode,
             2);
    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt-data-keys"), QStringLiteral("--provider"),
                     QStringLiteral("awskms.nope")})
                 .exitCode,
             2);
    QCOMPARE(runCli({QStringLiteral("--db"), m_dir->filePath(QStringLiteral("nothing.db")),
                     QStringLiteral("re-encrypt")})
                 .exitCode,
             2);
}

void TestCliOperations::rewrapRefusesBrokenKeyUnlessForced()
{
    const QString db = copy(synthetic("broken.db"));
    const Run refused = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt-data-keys"), QStringLiteral("--json")});
    QCOMPARE(refused.exitCode, 3);
    QVERIFY(refused.json[QStringLiteral("error")].toString().contains(QLatin1String("f06jbkl6xtlkum")));
    const Run forced = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt-data-keys"),
                               QStringLiteral("--json"), QStringLiteral("--force")});
    QCOMPARE(forced.exitCode, 1);
    QCOMPARE(forced.json[QStringLiteral("dataKeysRewrapped")].toInt(), 5);
    QCOMPARE(forced.json[QStringLiteral("dataKeyFailures")].toArray().size(), 1);
    QCOMPARE(test::verifyLines(test::targetFor(db, test::kDefaultSecretKey)),
             test::expectedLines(synthetic("broken.db")));
}

void TestCliOperations::changeSecretKeyPrintsConfigButNotKey()
{
    const QString db = copy(synthetic("mixed-default-key.db"));
    const QString keyFile = m_dir->filePath(QStringLiteral("new.key"));
    const QByteArray newKey("n3w;secret#key");
    QFile file(keyFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(newKey + '\n');
    file.close();
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt-data-keys"),
                            QStringLiteral("--new-secret-key-file"), keyFile});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(!run.out.contains(newKey));
    QVERIFY(!run.err.contains(newKey));
    QVERIFY(run.out.contains("secret_key"));
    QVERIFY(run.out.contains(keyFile.toUtf8()));
    QVERIFY(run.out.contains("backticks"));
    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("verify")}, newKey).exitCode, 0);
    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("verify")}).exitCode, 1);
    QCOMPARE(test::verifyLines(test::targetFor(db, newKey)), test::expectedLines(synthetic("mixed-default-key.db")));
}

void TestCliOperations::rotateTellsUntilWhen()
{
    const QString db = copy(synthetic("mixed-default-key.db"));
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("rotate"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.json[QStringLiteral("dataKeysDeactivated")].toInt(), 1);
    QVERIFY(QDateTime::fromString(run.json[QStringLiteral("encryptUntil")].toString(), Qt::ISODate).isValid());
    QCOMPARE(run.json[QStringLiteral("dataKeysCacheTtlSeconds")].toInt(), 900);
    const Run human = runCli({QStringLiteral("--db"), db, QStringLiteral("rotate")});
    QCOMPARE(human.exitCode, 0);
    QVERIFY(human.out.contains("until"));
}

void TestCliOperations::backupAndRestore()
{
    const QString fixture = synthetic("mixed-default-key.db");
    const QString db = copy(fixture);
    const QString backup = m_dir->filePath(QStringLiteral("backup.db"));
    const Run saved = runCli({QStringLiteral("--db"), db, QStringLiteral("backup"), QStringLiteral("--out"), backup,
                              QStringLiteral("--json")});
    QCOMPARE(saved.exitCode, 0);
    QCOMPARE(saved.json[QStringLiteral("backupFormat")].toString(), QStringLiteral("sqlite"));
    QVERIFY(!(QFileInfo(backup).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup)));
    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("backup"), QStringLiteral("--out"), backup}).exitCode, 3);

    QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("rollback")}).exitCode, 0);
    const Run dry = runCli({QStringLiteral("--db"), db, QStringLiteral("restore"), QStringLiteral("--from"), backup,
                            QStringLiteral("--dry-run"), QStringLiteral("--json")});
    QCOMPARE(dry.exitCode, 0);
    QVERIFY(dry.json[QStringLiteral("changed")].toInt() > 0);
    const Run restored = runCli({QStringLiteral("--db"), db, QStringLiteral("restore"), QStringLiteral("--from"), backup,
                                 QStringLiteral("--json")});
    QCOMPARE(restored.exitCode, 0);
    QCOMPARE(restored.json[QStringLiteral("changed")].toInt(), dry.json[QStringLiteral("changed")].toInt());
    QCOMPARE(test::snapshotCells(test::targetFor(db, test::kDefaultSecretKey)),
             test::snapshotCells(test::targetFor(fixture, test::kDefaultSecretKey)));
}

void TestCliOperations::dryRunLeavesFileAlone()
{
    const QString db = copy(synthetic("broken.db"));
    const QByteArray digest = test::fileDigest(db);
    for (const QStringList& args : {QStringList{QStringLiteral("re-encrypt")},
                                    QStringList{QStringLiteral("rollback"), QStringLiteral("--accept-loss")},
                                    QStringList{QStringLiteral("re-encrypt-data-keys"), QStringLiteral("--force")},
                                    QStringList{QStringLiteral("rotate")}}) {
        const Run run = runCli(QStringList{QStringLiteral("--db"), db} + args
                               + QStringList{QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0 || run.exitCode == 1, qPrintable(args.join(QLatin1Char(' '))));
        QCOMPARE(run.json[QStringLiteral("dryRun")].toBool(), true);
        QCOMPARE(test::fileDigest(db), digest);
    }
}

void TestCliOperations::humanSummary()
{
    const QString db = copy(synthetic("broken.db"));
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.contains("re-encrypt: 108 values processed"));
    QVERIFY(run.out.contains("FAILED plugin_setting.secure_json_data row 7 field token"));
    QVERIFY(run.out.contains("data key created"));
}

// While one operation writes (here: this test process holding the operation lock, as a running CLI
// or console would), a second writing run is refused (exit 3) before it writes anything; dry runs
// and reads go on; once the lock is gone the run works.
void TestCliOperations::secondWriterIsRefused()
{
    const QString db = copy(synthetic("mixed-default-key.db"));
    const QByteArray digest = test::fileDigest(db);
    {
        auto holder = model::openTarget(test::targetFor(db, test::kDefaultSecretKey), model::AccessMode::ReadWrite);
        QVERIFY2(holder.has_value(), holder ? "" : qPrintable(holder.error().message));
        for (const char* command : {"re-encrypt", "rollback", "rotate"}) {
            const Run refused = runCli({QStringLiteral("--db"), db, QLatin1String(command), QStringLiteral("--json")});
            QCOMPARE(refused.exitCode, 3);
            QVERIFY2(refused.err.contains("another mosaicoo-keys operation is writing to this database (process "
                                          + QByteArray::number(QCoreApplication::applicationPid()) + ")"),
                     refused.err.constData());
        }
        const Run dryRun = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt"), QStringLiteral("--dry-run")});
        QCOMPARE(dryRun.exitCode, 0);
        QCOMPARE(runCli({QStringLiteral("--db"), db, QStringLiteral("status")}).exitCode, 0);
    }
    QCOMPARE(test::fileDigest(db), digest);
    const Run after = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt"), QStringLiteral("--json")});
    QCOMPARE(after.exitCode, 0);
    QVERIFY(after.json[QStringLiteral("changed")].toInt() > 0);
}

QTEST_GUILESS_MAIN(TestCliOperations)
#include "TestCliOperations.moc"
