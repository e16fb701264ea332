// Secret hygiene (issue "Hardening"): runs every CLI command on copies of the demo database
// (`mosaicoo-keys-cli demo`), whose plaintexts are the invented literals of
// model/ops/DemoDatabase.cpp, then searches stdout, stderr, every file left in the temporary
// HOME / XDG folders / TMPDIR / working folder (databases, backups, JSON exports, any log) for
// every plaintext, the secret keys and every data key: none may appear. The one exception is
// `decrypt`'s standard output, which prints a plaintext on purpose.
//
// The list of plaintexts is checked against the demo itself: every value the verify engine
// decrypts must have the SHA-256 of a listed plaintext, so a new demo secret cannot slip past.
// Failure messages name the needle by index and kind, never by its content. The needles and the
// demo's plaintexts are shared with the GUI hygiene test (tests/support/hygiene).
//
// cliRunsWithoutCoreDumps: a running CLI (waiting for `decrypt` input) has RLIMIT_CORE 0/0 and is
// not dumpable (no core file, no ptrace or /proc/<pid>/mem by other processes of the user).

#include "model/ops/VerifyJob.h"
#include "model/store/SecretLocation.h"
#include "tests/support/hygiene/SecretNeedles.h"
#include "tests/unit/ops/GsmFixture.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

namespace {

const QByteArray kDefaultKey("SW2YcwTIb9zpOOhoPsMm");
const QByteArray kNewKey("hygiene#new-key-9f3Qk2Lw"); // '#': the config-change hint path
const QByteArray kProbe("hygiene-probe-plaintext-5Rt8");

struct Run
{
    QString what;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestSecretHygiene : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void demoPlaintextsAreComplete();
    void everyCommandKeepsSecretsOut();
    void secretsManagerKeepsSecretsOut();
    void cliRunsWithoutCoreDumps();

private:
    Run cli(const QString& what, QStringList args, const QByteArray& input = {});
    QString path(const QString& name) const { return m_dir.filePath(name); }
    test::NeedleSet needles(const QList<QByteArray>& dataKeys) const;

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    QList<Run> m_runs;
};

void TestSecretHygiene::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set");
    QVERIFY(m_dir.isValid());
    for (const char* sub : {"home", "xdg-data", "xdg-config", "xdg-cache", "xdg-state", "tmp", "runtime"})
        QVERIFY(QDir(m_dir.path()).mkpath(QLatin1String(sub)));
    m_env = QProcessEnvironment::systemEnvironment();
    for (const char* var : {"MOSAICOO_SECRET_KEY", "GF_SECURITY_SECRET_KEY"})
        m_env.remove(QLatin1String(var));
    m_env.insert(QStringLiteral("HOME"), path(QStringLiteral("home")));
    m_env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("xdg-data")));
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("xdg-config")));
    m_env.insert(QStringLiteral("XDG_CACHE_HOME"), path(QStringLiteral("xdg-cache")));
    m_env.insert(QStringLiteral("XDG_STATE_HOME"), path(QStringLiteral("xdg-state")));
    m_env.insert(QStringLiteral("XDG_RUNTIME_DIR"), path(QStringLiteral("runtime")));
    m_env.insert(QStringLiteral("TMPDIR"), path(QStringLiteral("tmp")));
    QFile::setPermissions(path(QStringLiteral("runtime")), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                                              | QFileDevice::ExeOwner);

    for (const auto& [name, key] : {std::pair{QStringLiteral("old.key"), kDefaultKey},
                                    std::pair{QStringLiteral("new.key"), kNewKey}}) {
        QFile f(path(name));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::NewOnly));
        f.write(key);
    }
    const Run demo = cli(QStringLiteral("demo"), {QStringLiteral("demo"), QStringLiteral("--out"),
                                                   path(QStringLiteral("demo.db"))});
    QCOMPARE(demo.exitCode, 0);
}

Run TestSecretHygiene::cli(const QString& what, QStringList args, const QByteArray& input)
{
    QProcess process;
    process.setProcessEnvironment(m_env);
    process.setWorkingDirectory(m_dir.path());
    process.start(qEnvironmentVariable("MK_CLI"), args);
    if (!process.waitForStarted(10000))
        qFatal("cannot start the CLI");
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(240000))
        qFatal("CLI did not finish: %s", qPrintable(what));
    Run run{what, process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
    m_runs << run;
    return run;
}

test::NeedleSet TestSecretHygiene::needles(const QList<QByteArray>& dataKeys) const
{
    test::NeedleSet set;
    for (const QByteArray& p : test::demoPlaintexts() + QList<QByteArray>{kProbe})
        set.addPlaintext(p);
    for (const QByteArray& key : {kDefaultKey, kNewKey})
        set.addSecretKey(key);
    for (const QByteArray& dek : dataKeys)
        set.addDataKey(dek);
    return set;
}

void TestSecretHygiene::demoPlaintextsAreComplete()
{
    QSet<QByteArray> known;
    for (const QByteArray& p : test::demoPlaintexts() + test::composedDemoPlaintexts())
        known.insert(QCryptographicHash::hash(p, QCryptographicHash::Sha256));
    model::VerifyOptions options;
    QStringList unknown;
    int decrypted = 0;
    options.observer = [&](const QList<model::ValueOutcome>& outcomes) {
        for (const model::ValueOutcome& o : outcomes) {
            if (o.failure)
                continue;
            ++decrypted;
            if (!known.contains(o.plaintextSha256))
                unknown << model::locationNameOf(o.locationIndex) + QLatin1Char(' ') + o.rowId
                               + QLatin1Char(' ') + o.field;
        }
    };
    const auto result = model::runVerify(test::targetFor(path(QStringLiteral("demo.db")), kDefaultKey),
                                         options, nullptr);
    QVERIFY2(result.has_value(), result ? "" : qPrintable(result.error().message));
    QVERIFY(decrypted > 30);
    QVERIFY2(unknown.isEmpty(), qPrintable(QStringLiteral("demo values whose plaintext this test does not "
                                                          "search for (update demoPlaintexts()): ")
                                           + unknown.join(QStringLiteral(", "))));
}

void TestSecretHygiene::everyCommandKeepsSecretsOut()
{
    const QString work = path(QStringLiteral("work.db"));
    QVERIFY(QFile::copy(path(QStringLiteral("demo.db")), work));
    QFile::setPermissions(work, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QStringList oldKey{QStringLiteral("--db"), work, QStringLiteral("--secret-key-file"),
                             path(QStringLiteral("old.key"))};
    const QStringList newKey{QStringLiteral("--db"), work, QStringLiteral("--secret-key-file"),
                             path(QStringLiteral("new.key"))};
    auto op = [&](const QStringList& base, const QStringList& args, const QByteArray& input = {}) {
        return cli(args.join(QLatin1Char(' ')), base + args, input);
    };
    auto S = [](const char* s) { return QString::fromLatin1(s); };

    // Read-only commands, text and JSON.
    op(oldKey, {S("status")});
    op(oldKey, {S("status"), S("--json")});
    op(oldKey, {S("verify")});
    op(oldKey, {S("verify"), S("--json"), S("--jobs"), S("2")});

    // encrypt / decrypt of a probe value; decrypt's stdout is the one deliberate plaintext output.
    const Run encrypted = op({S("--secret-key-file"), path(S("old.key"))}, {S("encrypt")}, kProbe);
    QCOMPARE(encrypted.exitCode, 0);
    op({S("--secret-key-file"), path(S("old.key"))},
       {S("encrypt"), S("--algorithm"), S("aes-gcm"), S("--encoding"), S("raw")}, kProbe);
    const Run decrypted = op({S("--secret-key-file"), path(S("old.key"))}, {S("decrypt")},
                             encrypted.out.trimmed());
    QCOMPARE(decrypted.exitCode, 0);
    QVERIFY(decrypted.out.contains(kProbe)); // the search would be empty if decrypt printed nothing
    m_runs.last().out.clear();
    {
        // An envelope value of the database: decrypt with --db for its data key.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("hygiene-read"));
        db.setDatabaseName(work);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT o_auth_access_token FROM user_auth ORDER BY id")));
        QVERIFY(q.next());
        const QByteArray cell = q.value(0).toByteArray();
        db.close();
        const Run envelope = op(oldKey, {S("decrypt")}, cell);
        QCOMPARE(envelope.exitCode, 0);
        m_runs.last().out.clear();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("hygiene-read"));

    // Backups, then every writing operation (dry run first), on the working copy.
    op(oldKey, {S("backup"), S("--out"), path(S("backup.db"))});
    op(oldKey, {S("backup"), S("--format"), S("json"), S("--out"), path(S("backup.json"))});
    op(oldKey, {S("re-encrypt"), S("--dry-run")});
    op(oldKey, {S("re-encrypt"), S("--force")});
    op(oldKey, {S("rotate"), S("--dry-run")});
    op(oldKey, {S("rotate")});
    op(oldKey, {S("re-encrypt"), S("--json"), S("--force"), S("--fresh-salt-per-value")});
    op(oldKey, {S("re-encrypt-data-keys"), S("--dry-run"), S("--force")});
    op(oldKey, {S("re-encrypt-data-keys"), S("--json"), S("--force")});
    op(oldKey, {S("rollback"), S("--dry-run")});
    op(oldKey, {S("rollback"), S("--format"), S("legacy"), S("--force")});
    op(oldKey, {S("re-encrypt"), S("--force")});
    op(oldKey, {S("rollback"), S("--json"), S("--accept-loss"), S("--force")});
    op(oldKey, {S("restore"), S("--from"), path(S("backup.db")), S("--dry-run")});
    op(oldKey, {S("restore"), S("--from"), path(S("backup.db"))});
    op(oldKey, {S("restore"), S("--from"), path(S("backup.json")), S("--json")});
    // Change of secret key, then the new key everywhere.
    op(oldKey, {S("re-encrypt-data-keys"), S("--new-secret-key-file"), path(S("new.key")), S("--dry-run")});
    op(oldKey, {S("re-encrypt-data-keys"), S("--new-secret-key-file"), path(S("new.key")), S("--force")});
    const Run verifiedNew = op(newKey, {S("verify"), S("--json")});
    op(newKey, {S("status")});
    op(newKey, {S("backup"), S("--format"), S("json"), S("--out"), path(S("backup-new.json"))});
    op(newKey, {S("re-encrypt"), S("--force")});
    // Wrong key: refusals and failure reports must not echo anything either.
    op(oldKey, {S("verify")});
    op(oldKey, {S("re-encrypt")});
    // A failing usage path and the bench.
    op(oldKey, {S("backup"), S("--out"), work});
    op({}, {S("bench"), S("--seconds"), S("1")});
    op({}, {S("--help")});

    for (const Run& run : std::as_const(m_runs)) {
        qInfo("%s: exit %d", qPrintable(run.what.section(QLatin1Char(' '), 0, 0)), run.exitCode);
        QVERIFY2(run.exitCode >= 0 && run.exitCode <= 3,
                 qPrintable(QStringLiteral("%1: exit %2").arg(run.what).arg(run.exitCode)));
    }

    // The operations really ran: after the secret key change the work copy verifies with the new
    // key (exit 1: the demo's tampered value and orphaned reference still fail).
    QVERIFY2(verifiedNew.exitCode <= 1,
             qPrintable(QStringLiteral("verify with the new key: exit %1").arg(verifiedNew.exitCode)));

    // Every data key that ever existed in one of the databases.
    QList<QByteArray> dataKeys;
    for (const QString& db : {path(S("demo.db")), work, path(S("backup.db"))})
        dataKeys += test::dataKeysOf(db, {kDefaultKey, kNewKey});
    QVERIFY(dataKeys.size() >= 3);
    const test::NeedleSet all = needles(dataKeys);

    QStringList leaks;
    auto search = [&](const QString& where, const QByteArray& haystack) { leaks << all.find(where, haystack); };
    for (const Run& run : std::as_const(m_runs)) {
        search(run.what + QStringLiteral(" (stdout)"), run.out);
        search(run.what + QStringLiteral(" (stderr)"), run.err);
    }
    int files = 0;
    QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString name = QFileInfo(file).fileName();
        if (name == QLatin1String("old.key") || name == QLatin1String("new.key"))
            continue; // the keys we handed to the CLI
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        ++files;
        search(QDir(m_dir.path()).relativeFilePath(file), f.readAll());
    }
    QVERIFY(files >= 4); // demo.db, work.db, backup.db, backup.json, ...
    qInfo("searched %lld outputs of %lld commands and %d files for %lld needles",
          static_cast<long long>(2 * m_runs.size()), static_cast<long long>(m_runs.size()), files,
          static_cast<long long>(all.needles().size()));
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QStringLiteral("\n"))));

    // Backups and exports are owner-only.
    for (const char* name : {"backup.db", "backup.json", "backup-new.json"}) {
        const QFile::Permissions perms = QFile::permissions(path(QLatin1String(name)));
        QVERIFY2(perms != QFile::Permissions() && !(perms & (QFile::ReadGroup | QFile::ReadOther)),
                 name);
    }
}

// The secrets-manager store (secret_* tables of a generated fixture, two KEKs in [secrets_manager]):
// every command that reads or writes it, with right and wrong keys, then every output and file is
// searched for its plaintexts, its KEKs and every data key it ever had (backups hold ciphertext and
// wrapped keys only, so they are searched too; only the configuration, which holds the KEKs we
// handed over, is not).
void TestSecretHygiene::secretsManagerKeepsSecretsOut()
{
    const QString gsmDir = path(QStringLiteral("gsm"));
    QVERIFY(QDir().mkpath(gsmDir));
    const test::GsmFixture f = test::makeGsmFixture(test::gsmFixtureWithColumn(), gsmDir);
    const QString pristine = QDir(gsmDir).filePath(QStringLiteral("pristine.db"));
    QVERIFY(QFile::copy(f.databasePath, pristine));
    const QString config = test::writeGsmConfig(gsmDir, QStringLiteral("secret_key.v2"));
    const QString wrongDir = QDir(gsmDir).filePath(QStringLiteral("wrong"));
    QVERIFY(QDir().mkpath(wrongDir));
    const QString wrong = test::writeGsmConfig(wrongDir, QStringLiteral("secret_key.v2"), "wrong-kek-for-v1");
    const QStringList base{QStringLiteral("--db"), f.databasePath, QStringLiteral("--config"), config,
                           QStringLiteral("--secret-key-file"), path(QStringLiteral("old.key"))};
    const QStringList wrongBase{QStringLiteral("--db"), f.databasePath, QStringLiteral("--config"), wrong,
                                QStringLiteral("--secret-key-file"), path(QStringLiteral("old.key"))};
    const qsizetype first = m_runs.size();
    auto op = [&](const QStringList& with, const QStringList& args) {
        return cli(QStringLiteral("gsm ") + args.join(QLatin1Char(' ')), with + args);
    };
    auto S = [](const char* s) { return QString::fromLatin1(s); };
    const QString backupDb = QDir(gsmDir).filePath(S("backup.db"));
    const QString backupJson = QDir(gsmDir).filePath(S("backup.json"));

    op(base, {S("status")});
    op(base, {S("status"), S("--json")});
    op(base, {S("verify")});
    QCOMPARE(op(base, {S("verify"), S("--json")}).exitCode, 0);
    op(wrongBase, {S("verify")});
    op(wrongBase, {S("verify"), S("--json")});
    op(base, {S("backup"), S("--out"), backupDb});
    QCOMPARE(op(base, {S("backup"), S("--format"), S("json"), S("--out"), backupJson}).exitCode, 0);
    QCOMPARE(op(wrongBase, {S("consolidate"), S("--json")}).exitCode, 3);
    op(base, {S("consolidate"), S("--dry-run")});
    QCOMPARE(op(base, {S("consolidate"), S("--json"), S("--batch-size"), S("3")}).exitCode, 0);
    op(base, {S("re-encrypt-data-keys"), S("--json"), S("--force")});
    op(base, {S("rotate")});
    op(base, {S("restore"), S("--from"), backupJson, S("--dry-run")});
    QCOMPARE(op(base, {S("restore"), S("--from"), backupJson, S("--json")}).exitCode, 0);
    op(base, {S("consolidate")});
    QCOMPARE(op(base, {S("restore"), S("--from"), backupDb}).exitCode, 0);
    QCOMPARE(op(base, {S("verify"), S("--json")}).exitCode, 0);
    for (qsizetype i = first; i < m_runs.size(); ++i) {
        const Run& run = m_runs.at(i);
        QVERIFY2(run.exitCode >= 0 && run.exitCode <= 3,
                 qPrintable(QStringLiteral("%1: exit %2").arg(run.what).arg(run.exitCode)));
    }

    test::NeedleSet set;
    int searchable = 0;
    for (const QByteArray& p : f.plaintexts) {
        if (p.size() >= 8) {
            set.addPlaintext(p);
            ++searchable;
        }
    }
    for (const QByteArray& kek : {QByteArray(test::kGsmKekV1), QByteArray(test::kGsmKekV2)})
        set.addSecretKey(kek);
    QList<QByteArray> deks;
    for (const QString& db : {pristine, f.databasePath, backupDb})
        deks += test::gsmDataKeysOf(db, {test::kGsmKekV1, test::kGsmKekV2});
    for (const QByteArray& dek : std::as_const(deks))
        set.addDataKey(dek);
    QVERIFY(searchable >= 6);
    QVERIFY(deks.size() >= 5 + 3); // the fixture's keys and consolidate's
    QStringList leaks;
    for (qsizetype i = first; i < m_runs.size(); ++i) {
        leaks << set.find(m_runs.at(i).what + QStringLiteral(" (stdout)"), m_runs.at(i).out);
        leaks << set.find(m_runs.at(i).what + QStringLiteral(" (stderr)"), m_runs.at(i).err);
    }
    int files = 0;
    QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (file == config || file == wrong)
            continue; // the configuration we handed to the CLI holds the KEKs
        QFile in(file);
        if (!in.open(QIODevice::ReadOnly))
            continue;
        ++files;
        leaks << set.find(QDir(m_dir.path()).relativeFilePath(file), in.readAll());
    }
    QVERIFY(files >= 4);
    qInfo("secrets manager: searched %lld outputs and %d files for %lld needles (%d plaintexts, %d data keys)",
          static_cast<long long>(2 * (m_runs.size() - first)), files,
          static_cast<long long>(set.needles().size()), set.plaintextCount(), set.dataKeyCount());
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QStringLiteral("\n"))));
    // The search is not blind: the plaintexts are what the store decrypts to.
    const model::Target target = test::gsmTargetFor(f.databasePath, config, kDefaultKey);
    QCOMPARE(test::decryptGsmValues(target), f.plaintexts);
    // The JSON backup holds the store, as ciphertext.
    QFile json(backupJson);
    QVERIFY(json.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(json.readAll()).object().value(QLatin1String("secretsManager")).toObject()
                 .value(QLatin1String("values")).toArray().size(),
             f.plaintexts.size());
}

// A running CLI, read from the outside: core dumps off (RLIMIT_CORE 0/0) and not dumpable. The
// same probe on `cat` (which does neither) must see a core limit and a dumpable process, so the
// check can tell the two apart on this machine.
void TestSecretHygiene::cliRunsWithoutCoreDumps()
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    env.insert(QStringLiteral("HOME"), QStringLiteral("/nonexistent"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    // stdin stays open: `cat` and `decrypt` wait for input.
    const test::ProbeOutcome control = test::probeProcessHardening(QStringLiteral("cat"), {}, env, false);
    if (control.skip)
        QSKIP(qPrintable(control.message));
    QVERIFY2(control.message.isEmpty(), qPrintable(control.message));
    const test::ProbeOutcome cli =
        test::probeProcessHardening(qEnvironmentVariable("MK_CLI"), {QStringLiteral("decrypt")}, env, true);
    QVERIFY2(cli.message.isEmpty(), qPrintable(cli.message));
}

QTEST_GUILESS_MAIN(TestSecretHygiene)
#include "TestSecretHygiene.moc"
