// The CLI's answers to bad input and a hostile environment (issue 13): a stray word, damaged and
// foreign files, a full disk, a read-only file, passwords in URLs, directories given as files,
// Ctrl-C, and the status table's columns. Each case runs the real executable.
#include "tests/support/TestData.h"
#include "tests/unit/ops/CliRunner.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QTest>
#include <QThread>

#include <csignal>
#include <memory>
#include <unistd.h>

using namespace mk;
using test::CliRun;
using test::runCli;

namespace {

QString synthetic(const char* name)
{
    return test::syntheticFixturesDir() + QLatin1Char('/') + QLatin1String(name);
}

bool runTool(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(30'000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// A small tmpfs of its own (needs root, as in CI): a real full disk and a real read-only
// filesystem, without touching the machine's disks. Unmounted when destroyed.
class TinyFilesystem
{
public:
    explicit TinyFilesystem(const QString& dir, qint64 bytes)
        : m_dir(dir)
    {
        m_mounted = ::geteuid() == 0
                    && runTool(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                                         QStringLiteral("size=%1").arg(bytes), QStringLiteral("tmpfs"), dir});
    }
    ~TinyFilesystem()
    {
        if (m_mounted)
            runTool(QStringLiteral("umount"), {QStringLiteral("-l"), m_dir});
    }
    bool mounted() const { return m_mounted; }
    // Writes a filler file until the filesystem has no free block left.
    bool fill() const
    {
        QFile filler(m_dir + QStringLiteral("/filler"));
        if (!filler.open(QIODevice::WriteOnly))
            return false;
        const QByteArray block(4096, 'x');
        while (filler.write(block) == block.size() && filler.flush()) {
        }
        return true;
    }
    bool remountReadOnly() const
    {
        return runTool(QStringLiteral("mount"), {QStringLiteral("-o"), QStringLiteral("remount,ro"), m_dir});
    }

private:
    QString m_dir;
    bool m_mounted = false;
};

// Nothing but the one error line: no internal log line (mk.store: ...) repeating it.
bool onlyOurLines(const QByteArray& err)
{
    for (const QByteArray& line : err.split('\n')) {
        if (!line.isEmpty() && !line.startsWith("mosaicoo-keys-cli: ") && !line.startsWith("warning: ")
            && !line.startsWith("note: "))
            return false;
    }
    return true;
}

QString describe(const CliRun& run)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(run.exitCode)
        .arg(QString::fromUtf8(run.out.left(600)), QString::fromUtf8(run.err.left(1200)));
}

} // namespace

class TestCliErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set"); }
    void init();
    void strayWordIsUsageError_data();
    void strayWordIsUsageError();
    void damagedOrForeignFileExitsTwo_data();
    void damagedOrForeignFileExitsTwo();
    void restoreFromDamagedFileExitsTwo();
    void diskFullExitsTwo_data();
    void diskFullExitsTwo();
    void readOnlyRollbackExitsTwo();
    void demoIntoMissingFolderExitsTwo();
    void backupIntoMissingFolderExitsTwo();
    void singleValueOptionGivenTwiceIsUsageError();
    void passwordNeverPrinted_data();
    void passwordNeverPrinted();
    void directoryGivenAsFile_data();
    void directoryGivenAsFile();
    void interruptHasItsOwnExitCode();
    void interruptedChangeOfKeySaysWhatHappened_data();
    void interruptedChangeOfKeySaysWhatHappened();
    void statusColumnsFitTheirContent();
    void jsonErrorsAreOneObject_data();
    void jsonErrorsAreOneObject();

private:
    QString copy(const QString& fixture) { return test::copyFixture(fixture, m_dir->path()); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCliErrors::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCliErrors::strayWordIsUsageError_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<QString>("hint");
    QTest::newRow("rollback dry-run") << QStringList{QStringLiteral("rollback"), QStringLiteral("dry-run")}
                                      << QStringLiteral("did you mean --dry-run?");
    QTest::newRow("re-encrypt dry-run") << QStringList{QStringLiteral("re-encrypt"), QStringLiteral("dry-run")}
                                        << QStringLiteral("did you mean --dry-run?");
    QTest::newRow("rotate now") << QStringList{QStringLiteral("rotate"), QStringLiteral("now")} << QString();
    QTest::newRow("status json") << QStringList{QStringLiteral("status"), QStringLiteral("json")}
                                 << QStringLiteral("did you mean --json?");
}

void TestCliErrors::strayWordIsUsageError()
{
    QFETCH(QStringList, command);
    QFETCH(QString, hint);
    const QString db = copy(synthetic("mixed-default-key.db"));
    const QByteArray digest = test::fileDigest(db);
    const CliRun run = runCli(QStringList{QStringLiteral("--db"), db} + command);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("unexpected argument '" + command.last().toUtf8() + "'"), qPrintable(describe(run)));
    if (!hint.isEmpty())
        QVERIFY2(run.err.contains(hint.toUtf8()), qPrintable(describe(run)));
    QCOMPARE(test::fileDigest(db), digest);
    // before anything is opened: a missing database is not even looked at
    const CliRun missing = runCli(QStringList{QStringLiteral("--db"), m_dir->filePath(QStringLiteral("none.db"))}
                                  + command);
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("unexpected argument"), qPrintable(describe(missing)));
    QVERIFY(!missing.err.contains("none.db"));
}

void TestCliErrors::damagedOrForeignFileExitsTwo_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<QString>("wording");
    const QList<QStringList> commands{
        {QStringLiteral("status")},
        {QStringLiteral("verify")},
        {QStringLiteral("re-encrypt")},
        {QStringLiteral("rollback")},
        {QStringLiteral("re-encrypt-data-keys")},
        {QStringLiteral("rotate")},
        {QStringLiteral("backup"), QStringLiteral("--out"), QStringLiteral("OUT")},
    };
    for (const QStringList& command : commands) {
        for (const char* damage : {"truncated", "malformed", "text"}) {
            QTest::addRow("%s %s", damage, qPrintable(command.first()))
                << QString::fromLatin1(damage) << command
                << (qstrcmp(damage, "text") == 0 ? QStringLiteral("is not an SQLite database")
                                                 : QStringLiteral("damaged SQLite file"));
        }
    }
}

namespace {

// A copy of mixed-default-key.db cut at 60 %, with its pages 3.. overwritten, or a text file.
QString damagedCopy(const QString& damage, const QString& dir)
{
    const QString path = dir + QStringLiteral("/damaged.db");
    QFile source(synthetic("mixed-default-key.db"));
    if (!source.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = source.readAll();
    if (damage == QLatin1String("truncated")) {
        bytes.truncate(bytes.size() * 6 / 10);
    } else if (damage == QLatin1String("malformed")) {
        const qsizetype pageSize = 4096;
        for (qsizetype i = 2 * pageSize; i < bytes.size(); ++i)
            bytes[i] = static_cast<char>((i * 131) & 0xff);
    } else {
        bytes = QByteArray("[database]\ntype = sqlite3\n").repeated(200);
    }
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size())
        return {};
    return path;
}

} // namespace

void TestCliErrors::damagedOrForeignFileExitsTwo()
{
    QFETCH(QString, damage);
    QFETCH(QStringList, command);
    QFETCH(QString, wording);
    const QString db = damagedCopy(damage, m_dir->path());
    QVERIFY(!db.isEmpty());
    command.replaceInStrings(QStringLiteral("OUT"), m_dir->filePath(QStringLiteral("backup.db")));
    const CliRun run = runCli(QStringList{QStringLiteral("--db"), db} + command);
    QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
    QVERIFY2(run.err.contains(wording.toUtf8()), qPrintable(describe(run)));
    QVERIFY2(onlyOurLines(run.err), qPrintable(describe(run)));
}

void TestCliErrors::restoreFromDamagedFileExitsTwo()
{
    const QString db = copy(synthetic("mixed-default-key.db"));
    const QByteArray digest = test::fileDigest(db);
    for (const char* damage : {"truncated", "malformed"}) {
        const QString backup = damagedCopy(QString::fromLatin1(damage), m_dir->path());
        QVERIFY(!backup.isEmpty());
        const CliRun run = runCli({QStringLiteral("--db"), db, QStringLiteral("restore"), QStringLiteral("--from"), backup});
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QVERIFY2(run.err.contains("damaged SQLite file"), qPrintable(describe(run)));
        QVERIFY(QFile::remove(backup));
    }
    QCOMPARE(test::fileDigest(db), digest);
}

void TestCliErrors::diskFullExitsTwo_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::newRow("re-encrypt") << QStringList{QStringLiteral("re-encrypt")};
    QTest::newRow("rollback") << QStringList{QStringLiteral("rollback")};
    QTest::newRow("rotate") << QStringList{QStringLiteral("rotate")};
    QTest::newRow("re-encrypt-data-keys") << QStringList{QStringLiteral("re-encrypt-data-keys")};
    QTest::newRow("change of key") << QStringList{QStringLiteral("re-encrypt-data-keys"),
                                                  QStringLiteral("--new-secret-key-file"), QStringLiteral("KEY")};
    QTest::newRow("backup") << QStringList{QStringLiteral("backup"), QStringLiteral("--out"), QStringLiteral("FULL")};
    QTest::newRow("backup json") << QStringList{QStringLiteral("backup"), QStringLiteral("--format"),
                                                QStringLiteral("json"), QStringLiteral("--out"), QStringLiteral("FULL")};
}

void TestCliErrors::diskFullExitsTwo()
{
    QFETCH(QStringList, command);
    const QString mountPoint = m_dir->filePath(QStringLiteral("full"));
    QVERIFY(QDir().mkpath(mountPoint));
    // The database on a filesystem with no free block: the first write of every operation fails.
    const QFileInfo fixture(synthetic("mixed-default-key.db"));
    TinyFilesystem fs(mountPoint, fixture.size() + 256 * 1024);
    if (!fs.mounted())
        QSKIP("mounting a tmpfs needs root (CI runs as root)");
    const QString db = command.first() == QLatin1String("backup") ? copy(fixture.filePath())
                                                                   : test::copyFixture(fixture.filePath(), mountPoint);
    QVERIFY(!db.isEmpty());
    const QString keyFile = m_dir->filePath(QStringLiteral("new.key"));
    QFile key(keyFile);
    QVERIFY(key.open(QIODevice::WriteOnly));
    key.write("a-new-secret-key\n");
    key.close();
    command.replaceInStrings(QStringLiteral("KEY"), keyFile);
    command.replaceInStrings(QStringLiteral("FULL"), mountPoint + QStringLiteral("/backup"));
    QVERIFY(fs.fill());
    const QStringList before = test::verifyLines(test::targetFor(db, test::kDefaultSecretKey));

    const CliRun run = runCli(QStringList{QStringLiteral("--db"), db} + command);
    QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
    QVERIFY2(run.err.contains("disk is full") || run.err.contains("No space left on device"), qPrintable(describe(run)));
    QVERIFY2(!run.err.contains("no transaction is active"), qPrintable(describe(run)));
    QVERIFY2(onlyOurLines(run.err), qPrintable(describe(run)));
    QCOMPARE(test::verifyLines(test::targetFor(db, test::kDefaultSecretKey)), before);
    QVERIFY(!QFile::exists(mountPoint + QStringLiteral("/backup")));
}

void TestCliErrors::readOnlyRollbackExitsTwo()
{
    // Root writes through file permissions: a read-only filesystem then; else a read-only file.
    const QString folder = m_dir->filePath(QStringLiteral("ro"));
    QVERIFY(QDir().mkpath(folder));
    TinyFilesystem fs(folder, 4 * 1024 * 1024);
    const QString db = test::copyFixture(synthetic("mixed-default-key.db"), folder);
    if (fs.mounted())
        QVERIFY(fs.remountReadOnly());
    else if (::geteuid() == 0)
        QSKIP("mounting a tmpfs failed: no read-only filesystem for root");
    else
        QVERIFY(QFile::setPermissions(db, QFileDevice::ReadOwner));
    const QByteArray digest = test::fileDigest(db);
    const CliRun run = runCli({QStringLiteral("--db"), db, QStringLiteral("rollback")});
    QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
    QVERIFY2(run.err.contains("is read-only"), qPrintable(describe(run)));
    QVERIFY2(!run.err.contains("again"), qPrintable(describe(run))); // a re-run cannot help
    QVERIFY2(onlyOurLines(run.err), qPrintable(describe(run)));
    QCOMPARE(test::fileDigest(db), digest);
}

void TestCliErrors::demoIntoMissingFolderExitsTwo()
{
    const QString out = m_dir->filePath(QStringLiteral("missing-dir/x.db"));
    const CliRun run = runCli({QStringLiteral("demo"), QStringLiteral("--out"), out});
    QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
    QVERIFY2(run.err.contains("x.db"), qPrintable(describe(run)));
    QVERIFY(!QFile::exists(out));
}

// A wrong --out is a usage error (2), not "finished with failures" (1), and found before the
// database is opened.
void TestCliErrors::backupIntoMissingFolderExitsTwo()
{
    const QString db = copy(synthetic("mixed-default-key.db"));
    const QString out = m_dir->filePath(QStringLiteral("missing-dir/bk.db"));
    const CliRun run = runCli({QStringLiteral("--db"), db, QStringLiteral("backup"), QStringLiteral("--out"), out});
    QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
    QVERIFY2(run.err.contains("does not exist"), qPrintable(describe(run)));
    QVERIFY(!QFile::exists(out));
}

// --db A --db B used the last one without a word; --jobs out of range says what is allowed.
void TestCliErrors::singleValueOptionGivenTwiceIsUsageError()
{
    const QString a = copy(synthetic("mixed-default-key.db"));
    const QString b = copy(synthetic("custom-key.db"));
    const CliRun twice = runCli({QStringLiteral("--db"), a, QStringLiteral("--db"), b, QStringLiteral("status")});
    QVERIFY2(twice.exitCode == 2, qPrintable(describe(twice)));
    QVERIFY2(twice.err.contains("--db is given twice"), qPrintable(describe(twice)));
    const CliRun jobs = runCli({QStringLiteral("--db"), a, QStringLiteral("verify"), QStringLiteral("--jobs"),
                                QStringLiteral("100000")});
    QVERIFY2(jobs.exitCode == 2, qPrintable(describe(jobs)));
    QVERIFY2(jobs.err.contains("from 1 to 256"), qPrintable(describe(jobs)));
}

void TestCliErrors::passwordNeverPrinted_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("command");
    QTest::newRow("postgres, bad port") << QStringLiteral("postgres://grafana:S3cretPW@db.internal:54x/grafana")
                                        << QStringLiteral("status");
    QTest::newRow("mysql, bad %") << QStringLiteral("mysql://grafana:S3cretPW%zz@127.0.0.1:3306/grafana")
                                  << QStringLiteral("verify");
    QTest::newRow("postgres, refused") << QStringLiteral("postgres://grafana:S3cretPW@127.0.0.1:1/grafana?sslmode=disable")
                                       << QStringLiteral("re-encrypt");
    QTest::newRow("mysql, bad parameter") << QStringLiteral("mysql://grafana:S3cretPW@127.0.0.1:1/grafana?x=%zz")
                                          << QStringLiteral("rollback");
}

void TestCliErrors::passwordNeverPrinted()
{
    QFETCH(QString, url);
    QFETCH(QString, command);
    QProcessEnvironment env = test::cliEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("mk.*=true")); // every log line too
    for (const bool json : {false, true}) {
        QStringList args{QStringLiteral("--db"), url, command};
        if (json)
            args << QStringLiteral("--json");
        const CliRun run = runCli(args, env);
        QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
        QVERIFY2(!run.err.isEmpty(), "an error message is expected");
        QVERIFY2(!run.err.contains("S3cret") && !run.out.contains("S3cret"), qPrintable(describe(run)));
    }
}

void TestCliErrors::directoryGivenAsFile_data()
{
    QTest::addColumn<QString>("option");
    QTest::newRow("--secret-key-file") << QStringLiteral("--secret-key-file");
    QTest::newRow("--config") << QStringLiteral("--config");
    QTest::newRow("--new-secret-key-file") << QStringLiteral("--new-secret-key-file");
}

void TestCliErrors::directoryGivenAsFile()
{
    QFETCH(QString, option);
    const QString db = copy(synthetic("mixed-default-key.db"));
    const CliRun run = runCli({QStringLiteral("--db"), db, option, m_dir->path(), QStringLiteral("re-encrypt-data-keys")});
    QVERIFY2(run.exitCode == 2, qPrintable(describe(run)));
    QVERIFY2(run.err.contains("is a directory"), qPrintable(describe(run)));
    QVERIFY2(!run.err.contains("Unknown error"), qPrintable(describe(run)));
}

void TestCliErrors::interruptHasItsOwnExitCode()
{
    // Ctrl-C once the run has written (its data key committed, so the handler is in place):
    // 130, not 1 ("some rows failed"); every value still decrypts and a second run finishes.
    const QString fixture = synthetic("large-20k.db");
    const QString db = copy(fixture);
    const QDateTime start = QFileInfo(db).lastModified();
    bool signalled = false;
    // large-20k.db's short legacy values are under the right key: include them (else exit 1).
    const CliRun run = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt"), QStringLiteral("--json"),
                               QStringLiteral("--include-unverifiable")},
                              test::cliEnvironment(), [&](QProcess& process) {
                                  QDeadlineTimer deadline(300'000);
                                  while (!deadline.hasExpired() && process.state() == QProcess::Running) {
                                      if (QFileInfo(db).lastModified() != start) {
                                          signalled = ::kill(static_cast<pid_t>(process.processId()), SIGINT) == 0;
                                          return;
                                      }
                                      QThread::msleep(20);
                                  }
                              });
    QVERIFY(signalled);
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    if (run.json[QStringLiteral("canceled")].toBool()) {
        QVERIFY2(run.exitCode == 130, qPrintable(describe(run)));
    } else { // the run ended between the first write and the signal
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
    }
    const CliRun again = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt"), QStringLiteral("--json"),
                                 QStringLiteral("--include-unverifiable")});
    QVERIFY2(again.exitCode == 0, qPrintable(describe(again)));
    QCOMPARE(again.json[QStringLiteral("canceled")].toBool(), false);
    QCOMPARE(test::verifyLines(test::targetFor(db, test::kDefaultSecretKey)), test::expectedLines(fixture));
}

namespace {

QList<QByteArray> wrappedKeys(const QString& db)
{
    QList<QByteArray> keys;
    for (const store::DataKeyRow& row : test::dataKeysOf(test::targetFor(db, test::kDefaultSecretKey)))
        keys << row.encryptedData;
    return keys;
}

} // namespace

void TestCliErrors::interruptedChangeOfKeySaysWhatHappened_data()
{
    QTest::addColumn<QString>("when");
    QTest::newRow("while rewriting") << QStringLiteral("-journal"); // the transaction has begun
    QTest::newRow("while verifying") << QString();                  // the commit touched the file
}

void TestCliErrors::interruptedChangeOfKeySaysWhatHappened()
{
    // Ctrl-C during a change of the secret key: before the commit nothing changed (and no "run
    // again to finish"); after it the change is complete and a cut-short check says so. Which of
    // the two happens depends on timing; each has one right answer.
    QFETCH(QString, when);
    const QString db = copy(synthetic("large-20k.db"));
    const QString keyFile = m_dir->filePath(QStringLiteral("new.key"));
    QFile key(keyFile);
    QVERIFY(key.open(QIODevice::WriteOnly));
    key.write("a-new-secret-key\n");
    key.close();
    const QList<QByteArray> before = wrappedKeys(db);
    const QDateTime start = QFileInfo(db).lastModified();
    bool signalled = false;
    const CliRun run = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt-data-keys"),
                               QStringLiteral("--new-secret-key-file"), keyFile, QStringLiteral("--include-unverifiable")},
                              test::cliEnvironment(), [&](QProcess& process) {
                                  QDeadlineTimer deadline(600'000);
                                  while (!deadline.hasExpired() && process.state() == QProcess::Running) {
                                      if (when.isEmpty() ? QFileInfo(db).lastModified() != start
                                                         : QFileInfo::exists(db + when)) {
                                          signalled = ::kill(static_cast<pid_t>(process.processId()), SIGINT) == 0;
                                          return;
                                      }
                                      QThread::msleep(5);
                                  }
                              });
    QVERIFY(signalled);
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    const bool changed = wrappedKeys(db) != before;
    if (!changed) {
        QVERIFY2(run.exitCode == 130, qPrintable(describe(run)));
        QVERIFY2(run.out.contains("Canceled: nothing was changed"), qPrintable(describe(run)));
        QVERIFY2(!run.out.contains("run the same command again"), qPrintable(describe(run)));
        QVERIFY(!run.out.contains("CONFIGURATION CHANGE"));
        return;
    }
    QVERIFY2(run.out.contains("CONFIGURATION CHANGE"), qPrintable(describe(run)));
    QVERIFY2(!run.out.contains("nothing was changed"), qPrintable(describe(run)));
    if (run.exitCode == 130) {
        QVERIFY2(run.out.contains("INTERRUPTED: not every value was checked"), qPrintable(describe(run)));
        QVERIFY2(run.out.contains("run verify with the new key"), qPrintable(describe(run)));
    } else {
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        QVERIFY2(run.out.contains("verified with the new key: 20000 values, 0 failed\n"), qPrintable(describe(run)));
    }
}

void TestCliErrors::statusColumnsFitTheirContent()
{
    // alert_configuration_history.alertmanager_configuration is 52 characters long: its count must
    // not run into it ("...configuration0").
    QString db;
    for (const QString& real : test::realFixtureDatabases()) {
        if (QFileInfo(real).fileName().startsWith(QLatin1String("AimanZX06")))
            db = real;
    }
    QVERIFY(!db.isEmpty());
    const CliRun run = runCli({QStringLiteral("--db"), db, QStringLiteral("status")});
    QCOMPARE(run.exitCode, 0);
    const QStringList lines = QString::fromUtf8(run.out).split(QLatin1Char('\n'));
    const auto header = std::find_if(lines.cbegin(), lines.cend(),
                                     [](const QString& l) { return l.startsWith(QLatin1String("LOCATION")); });
    QVERIFY(header != lines.cend());
    QList<qsizetype> starts;
    for (const QString& name : {QStringLiteral("VALUES"), QStringLiteral("ENVELOPE"), QStringLiteral("LEGACY"),
                                QStringLiteral("ORPHANED"), QStringLiteral("MALFORMED")})
        starts << header->indexOf(name);
    bool sawLongName = false;
    for (auto line = header + 1; line != lines.cend() && !line->isEmpty(); ++line) {
        const QStringList cells = line->split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QVERIFY2(cells.size() == 6, qPrintable(*line));
        sawLongName = sawLongName || cells.first().size() >= 52;
        for (const qsizetype start : std::as_const(starts)) {
            QVERIFY2(line->at(start - 1) == QLatin1Char(' ') && line->at(start) != QLatin1Char(' '), qPrintable(*line));
        }
    }
    QVERIFY2(sawLongName, "the fixture has no 52-character location name");
}

void TestCliErrors::jsonErrorsAreOneObject_data()
{
    QTest::addColumn<QStringList>("args"); // DB stands for a copy of custom-key.db
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<bool>("operationFields");
    const QString missing = QStringLiteral("/nonexistent/mk-none.db");
    QTest::newRow("status, no such file") << QStringList{QStringLiteral("--db"), missing, QStringLiteral("status")} << 2 << false;
    QTest::newRow("verify, bad --jobs") << QStringList{QStringLiteral("--db"), QStringLiteral("DB"), QStringLiteral("verify"),
                                                      QStringLiteral("--jobs"), QStringLiteral("abc")} << 2 << false;
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--db"), QStringLiteral("DB"), QStringLiteral("--bogus"),
                                                   QStringLiteral("status")} << 2 << false;
    QTest::newRow("backup without --out") << QStringList{QStringLiteral("--db"), QStringLiteral("DB"), QStringLiteral("backup")}
                                          << 2 << false;
    QTest::newRow("re-encrypt, no such file") << QStringList{QStringLiteral("--db"), missing, QStringLiteral("re-encrypt")}
                                              << 2 << true;
    // custom-key.db with the public default key: the wrong-key refusal.
    QTest::newRow("re-encrypt, wrong key") << QStringList{QStringLiteral("--db"), QStringLiteral("DB"), QStringLiteral("re-encrypt")}
                                           << 3 << true;
}

// --json promises exactly one JSON object on stdout (product.md §4), an error included: the
// command, the message, the exit code; an operation's refusal carries the operation's fields too.
void TestCliErrors::jsonErrorsAreOneObject()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(bool, operationFields);
    const QString db = copy(synthetic("custom-key.db"));
    const QByteArray digest = test::fileDigest(db);
    args.replaceInStrings(QRegularExpression(QStringLiteral("^DB$")), db);
    const CliRun run = runCli(args + QStringList{QStringLiteral("--json")});
    QCOMPARE(run.exitCode, exitCode);
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(run.out, &parse);
    QVERIFY2(parse.error == QJsonParseError::NoError && doc.isObject(), qPrintable(describe(run)));
    const QJsonObject json = doc.object();
    QCOMPARE(json.value(QLatin1String("exitCode")).toInt(), exitCode);
    QVERIFY2(!json.value(QLatin1String("error")).toString().isEmpty(), qPrintable(describe(run)));
    QVERIFY(json.contains(QLatin1String("command")));
    QCOMPARE(json.contains(QLatin1String("failed")), operationFields);
    if (operationFields) {
        QCOMPARE(json.value(QLatin1String("operation")).toString(), QStringLiteral("re-encrypt"));
        QCOMPARE(json.value(QLatin1String("changed")).toInt(-1), 0);
        QCOMPARE(json.value(QLatin1String("refused")).toBool(), exitCode == 3);
    }
    QVERIFY(!run.out.contains(test::kCustomSecretKey));
    QCOMPARE(test::fileDigest(db), digest);
}

QTEST_GUILESS_MAIN(TestCliErrors)
#include "TestCliErrors.moc"
