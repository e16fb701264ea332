// Issue #17, part 1: is a server running against this database? The evidence tables a running
// server writes on its own schedule (store/WriteMarks.h) on SQLite, PostgreSQL and MariaDB with
// each engine's column types; the fixtures hold old timestamps, so the tests write fresh ones (as
// Unix seconds and as UTC DATETIME text) and check the age under several local time zones. Then
// the policy: rollback and the change of the secret key refuse (exit 3) unless --servers-stopped,
// re-encrypt and rotate warn; and the refusal with mk-live-writer --touch-evidence running.
#include "model/ops/Liveness.h"
#include "model/store/ConnectionSpec.h"
#include "model/store/Database.h"
#include "model/store/ServerFacts.h"
#include "tests/support/CliRunner.h"
#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

namespace {

// A real Grafana 9.3 database: 3 data sources, 2 secrets, server_lock, kv_store, alert_instance.
constexpr const char* kFixturePrefix = "2022-Winter-Bootcamp-team-L";
const QString kRefusal = QStringLiteral("Stop the servers, or pass --servers-stopped if this evidence is stale");

using Run = test::CliRun;

Run runCli(const QStringList& args, const QString& timeZone = QStringLiteral("UTC"))
{
    QProcessEnvironment env = test::environmentWithDefaultKey();
    env.insert(QStringLiteral("TZ"), timeZone);
    env.insert(QStringLiteral("PGTZ"), timeZone); // the PostgreSQL session's zone as well
    return test::runCli(args, env);
}

QString fixture()
{
    return test::realFixtureStartingWith(QLatin1String(kFixturePrefix));
}

// Runs statements on a SQLite file through its own connection.
bool execSqlite(const QString& path, const QString& sql, const QVariantList& binds, QString* error)
{
    const QString name = QStringLiteral("liveness-%1").arg(QDateTime::currentMSecsSinceEpoch());
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(sql);
            for (const QVariant& v : binds)
                q.addBindValue(v);
            ok = q.exec();
            if (!ok)
                *error = q.lastError().text();
        } else {
            *error = db.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

QString utcText(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QJsonObject evidenceFor(const QJsonObject& liveness, const QString& source)
{
    for (const QJsonValue& v : liveness.value(QStringLiteral("evidence")).toArray()) {
        if (v.toObject().value(QStringLiteral("source")).toString() == source)
            return v.toObject();
    }
    return {};
}

std::expected<model::Liveness, QString> assessUrl(const QString& url)
{
    auto spec = store::ConnectionSpec::fromUrl(url);
    if (!spec)
        return std::unexpected(spec.error().detail);
    auto db = store::Database::open(*spec);
    if (!db)
        return std::unexpected(db.error().detail);
    auto liveness = model::assessLiveness(*db);
    if (!liveness)
        return std::unexpected(liveness.error().message);
    return *liveness;
}

} // namespace

class TestLiveness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parsesServerTimestamps_data();
    void parsesServerTimestamps();
    void fixtureIsNotLive();
    void freshEvidenceOnSqliteUnderEveryTimeZone();
    void refusalsAndWarnings();
    void serverEngines_data();
    void serverEngines();
    void refusedWithLiveWriter();

private:
    QString freshCopy(const QString& name);
    QTemporaryDir m_dir;
};

void TestLiveness::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set");
    QVERIFY(m_dir.isValid());
    QVERIFY2(!fixture().isEmpty(), kFixturePrefix);
}

QString TestLiveness::freshCopy(const QString& name)
{
    const QString dir = m_dir.path() + QLatin1Char('/') + name;
    QDir().mkpath(dir);
    return test::copyFixture(fixture(), dir);
}

void TestLiveness::parsesServerTimestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("expected");
    const qint64 base = QDateTime(QDate(2025, 6, 14), QTime(21, 21, 35), Qt::UTC).toSecsSinceEpoch();
    QTest::newRow("xorm") << QStringLiteral("2025-06-14 21:21:35") << base;
    QTest::newRow("go with offset") << QStringLiteral("2025-06-14 21:21:35.01086309+00:00") << base;
    QTest::newRow("postgres micros") << QStringLiteral("2025-06-14 21:21:35.123456") << base;
    QTest::newRow("iso Z") << QStringLiteral("2025-06-14T21:21:35Z") << base;
    QTest::newRow("plus two") << QStringLiteral("2025-06-14 23:21:35+02:00") << base;
    QTest::newRow("minus 0530") << QStringLiteral("2025-06-14 15:51:35-0530") << base;
    QTest::newRow("garbage") << QStringLiteral("yesterday") << qint64(-1);
}

void TestLiveness::parsesServerTimestamps()
{
    QFETCH(QString, text);
    QFETCH(qint64, expected);
    QCOMPARE(store::parseUtcTimestamp(text), expected);
}

void TestLiveness::fixtureIsNotLive()
{
    const QString path = freshCopy(QStringLiteral("old"));
    QVERIFY(!path.isEmpty());
    const Run run = runCli({QStringLiteral("--db"), path, QStringLiteral("status"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject liveness = run.json.value(QStringLiteral("liveness")).toObject();
    QCOMPARE(liveness.value(QStringLiteral("checked")).toBool(), true);
    QCOMPARE(liveness.value(QStringLiteral("suspected")).toBool(), false);
    // The fixture's newest mark: user_auth_token.seen_at 1675403183 (2023-02-03).
    const qint64 age = QDateTime::currentSecsSinceEpoch() - 1675403183;
    const qint64 reported = liveness.value(QStringLiteral("lastWriteSecondsAgo")).toInteger();
    QVERIFY2(reported >= age - 5 && reported <= age, qPrintable(QString::number(reported)));
    const QJsonObject lock = evidenceFor(liveness, QStringLiteral("server_lock.last_execution"));
    QCOMPARE(lock.value(QStringLiteral("detail")).toString(), QStringLiteral("delete old login attempts"));
    QCOMPARE(lock.value(QStringLiteral("lastWrite")).toString(), QStringLiteral("2023-02-03T05:45:44Z"));
    // An old database is not refused.
    const Run rollback = runCli({QStringLiteral("--db"), path, QStringLiteral("rollback"), QStringLiteral("--dry-run")});
    QVERIFY2(rollback.exitCode == 0, rollback.err.constData());
}

void TestLiveness::freshEvidenceOnSqliteUnderEveryTimeZone()
{
    const QString path = freshCopy(QStringLiteral("fresh"));
    QString error;
    const qint64 written = QDateTime::currentSecsSinceEpoch();
    // Only the alertmanager state in kv_store is fresh (DATETIME text, UTC): 200 s ago.
    QVERIFY2(execSqlite(path, QStringLiteral("UPDATE kv_store SET updated = ? WHERE namespace = 'alertmanager'"),
                        {utcText(written - 200)}, &error),
             qPrintable(error));
    for (const QString& zone : {QStringLiteral("UTC"), QStringLiteral("Pacific/Kiritimati"),
                                QStringLiteral("America/Los_Angeles"), QStringLiteral("Asia/Kolkata")}) {
        const Run run = runCli({QStringLiteral("--db"), path, QStringLiteral("status"), QStringLiteral("--json")}, zone);
        QCOMPARE(run.exitCode, 0);
        const qint64 elapsed = QDateTime::currentSecsSinceEpoch() - written;
        const QJsonObject liveness = run.json.value(QStringLiteral("liveness")).toObject();
        QVERIFY2(liveness.value(QStringLiteral("suspected")).toBool(), qPrintable(zone));
        const qint64 ago = liveness.value(QStringLiteral("lastWriteSecondsAgo")).toInteger();
        QVERIFY2(ago >= 200 && ago <= 200 + elapsed + 1, qPrintable(QStringLiteral("%1: %2").arg(zone).arg(ago)));
        const QJsonArray evidence = liveness.value(QStringLiteral("evidence")).toArray();
        QCOMPARE(evidence.size(), 1); // only the recent marks
        QCOMPARE(evidence.first().toObject().value(QStringLiteral("source")).toString(),
                 QStringLiteral("kv_store.updated"));
    }
    // The periodic job (Unix seconds) 20 s ago becomes the newest mark.
    QVERIFY2(execSqlite(path, QStringLiteral("UPDATE server_lock SET last_execution = ? WHERE operation_uid = "
                                             "'delete old login attempts'"),
                        {written - 20}, &error),
             qPrintable(error));
    const Run run = runCli({QStringLiteral("--db"), path, QStringLiteral("status")}, QStringLiteral("Asia/Kolkata"));
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("RUNNING? a server wrote here"), run.out.constData());
    QVERIFY2(run.out.contains("server_lock.last_execution \"delete old login attempts\""), run.out.constData());
}

void TestLiveness::refusalsAndWarnings()
{
    const QString path = freshCopy(QStringLiteral("policy"));
    QString error;
    QVERIFY2(execSqlite(path, QStringLiteral("UPDATE server_lock SET last_execution = ?"),
                        {QDateTime::currentSecsSinceEpoch()}, &error),
             qPrintable(error));
    const QByteArray before = test::fileDigest(path);

    // rollback: refused, even with --force, nothing written.
    for (const QStringList& extra : {QStringList{}, QStringList{QStringLiteral("--force")}}) {
        const Run refused = runCli(QStringList{QStringLiteral("--db"), path, QStringLiteral("rollback")} + extra);
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.contains(kRefusal.toUtf8()), refused.err.constData());
        QVERIFY2(refused.err.contains("server_lock.last_execution"), refused.err.constData());
    }
    const Run json = runCli({QStringLiteral("--db"), path, QStringLiteral("rollback"), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 3);
    QCOMPARE(json.json.value(QStringLiteral("refused")).toBool(), true);
    QCOMPARE(test::fileDigest(path), before);

    // The change of the secret key: refused too.
    const QString newKeyFile = m_dir.path() + QStringLiteral("/new.key");
    {
        QFile f(newKeyFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a-new-secret-key-for-the-test");
    }
    const Run change = runCli({QStringLiteral("--db"), path, QStringLiteral("re-encrypt-data-keys"),
                               QStringLiteral("--new-secret-key-file"), newKeyFile});
    QCOMPARE(change.exitCode, 3);
    QVERIFY2(change.err.contains(kRefusal.toUtf8()), change.err.constData());
    QCOMPARE(test::fileDigest(path), before);

    // re-encrypt and rotate: a warning in the preflight, the operation runs.
    const Run reencrypt = runCli({QStringLiteral("--db"), path, QStringLiteral("re-encrypt"), QStringLiteral("--json")});
    QCOMPARE(reencrypt.exitCode, 0);
    const QJsonObject preflight = reencrypt.json.value(QStringLiteral("preflight")).toObject();
    const QJsonObject liveness = preflight.value(QStringLiteral("liveness")).toObject();
    QCOMPARE(liveness.value(QStringLiteral("suspected")).toBool(), true);
    QCOMPARE(liveness.value(QStringLiteral("refused")).toBool(), false);
    QVERIFY(preflight.value(QStringLiteral("warnings")).toArray().contains(liveness.value(QStringLiteral("message"))));
    const Run rotate = runCli({QStringLiteral("--db"), path, QStringLiteral("rotate")});
    QCOMPARE(rotate.exitCode, 0);
    QVERIFY2(rotate.err.contains("A running server is likely"), rotate.err.constData());

    // --servers-stopped: the administrator takes the evidence as stale; rollback runs.
    const Run stopped = runCli({QStringLiteral("--db"), path, QStringLiteral("rollback"),
                                QStringLiteral("--servers-stopped"), QStringLiteral("--json")});
    QVERIFY2(stopped.exitCode == 0, stopped.err.constData());
    const QJsonObject stoppedLiveness = stopped.json.value(QStringLiteral("preflight")).toObject()
                                            .value(QStringLiteral("liveness")).toObject();
    QCOMPARE(stoppedLiveness.value(QStringLiteral("overridden")).toBool(), true);
    QVERIFY(stopped.json.value(QStringLiteral("changed")).toInteger() > 0);
}

void TestLiveness::serverEngines_data()
{
    QTest::addColumn<int>("engine");
    QTest::newRow("postgresql") << int(test::Engine::PostgreSQL);
    QTest::newRow("mariadb") << int(test::Engine::MySQL);
}

void TestLiveness::serverEngines()
{
    QFETCH(int, engine);
    const auto which = static_cast<test::Engine>(engine);
    if (test::serverUrl(which).isEmpty())
        QSKIP("no test database server (run through ctest: fixture dbservers)");
    const QString schema = test::schemaNameFor(QStringLiteral("liveness"), test::engineName(which));
    QString error;
    QVERIFY2(test::loadSqliteIntoServer(fixture(), which, schema, &error), qPrintable(error));
    const QString url = test::urlForSchema(which, schema);
    {
        auto old = assessUrl(url);
        QVERIFY2(old.has_value(), old ? "" : qPrintable(old.error()));
        QVERIFY(old->checked);
        QVERIFY(!old->suspected);
        QVERIFY(old->lastWriteSecondsAgo > 365 * 24 * 3600);
    }
    const qint64 written = QDateTime::currentSecsSinceEpoch();
    {
        test::ServerConnection connection(which, schema);
        QVERIFY2(connection.isOpen(), qPrintable(connection.error()));
        QSqlQuery q(connection.db());
        // BIGINT Unix seconds, and a TIMESTAMP / DATETIME column written as UTC wall-clock text.
        q.prepare(QStringLiteral("UPDATE server_lock SET last_execution = ? WHERE operation_uid = ?"));
        q.addBindValue(written - 40);
        q.addBindValue(QStringLiteral("cleanup expired auth tokens"));
        QVERIFY2(q.exec() && q.numRowsAffected() == 1, qPrintable(q.lastError().text()));
        q.prepare(QStringLiteral("UPDATE kv_store SET updated = ? WHERE namespace = ?"));
        q.addBindValue(utcText(written - 300));
        q.addBindValue(QStringLiteral("alertmanager"));
        QVERIFY2(q.exec() && q.numRowsAffected() > 0, qPrintable(q.lastError().text()));
    }
    for (const QString& zone : {QStringLiteral("UTC"), QStringLiteral("Pacific/Kiritimati"),
                                QStringLiteral("America/Los_Angeles")}) {
        const Run run = runCli({QStringLiteral("--db"), url, QStringLiteral("status"), QStringLiteral("--json")}, zone);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const qint64 elapsed = QDateTime::currentSecsSinceEpoch() - written;
        const QJsonObject liveness = run.json.value(QStringLiteral("liveness")).toObject();
        QVERIFY2(liveness.value(QStringLiteral("suspected")).toBool(), qPrintable(zone));
        const qint64 ago = liveness.value(QStringLiteral("lastWriteSecondsAgo")).toInteger();
        QVERIFY2(ago >= 40 && ago <= 40 + elapsed + 1, qPrintable(QStringLiteral("%1: %2").arg(zone).arg(ago)));
        const QJsonObject lock = evidenceFor(liveness, QStringLiteral("server_lock.last_execution"));
        QCOMPARE(lock.value(QStringLiteral("detail")).toString(), QStringLiteral("cleanup expired auth tokens"));
        const qint64 kvAgo = evidenceFor(liveness, QStringLiteral("kv_store.updated"))
                                 .value(QStringLiteral("secondsAgo"))
                                 .toInteger();
        QVERIFY2(kvAgo >= 300 && kvAgo <= 300 + elapsed + 1, qPrintable(QStringLiteral("%1: %2").arg(zone).arg(kvAgo)));
    }
    const Run refused = runCli({QStringLiteral("--db"), url, QStringLiteral("rollback")});
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.contains(kRefusal.toUtf8()), refused.err.constData());
    QVERIFY(test::dropServerSchema(which, schema, &error));
}

void TestLiveness::refusedWithLiveWriter()
{
    const QString writer = qEnvironmentVariable("MK_LIVE_WRITER");
    QVERIFY2(!writer.isEmpty(), "MK_LIVE_WRITER not set");
    const QString path = freshCopy(QStringLiteral("writer"));
    // The fixture's evidence is old: a rollback would run.
    const Run before = runCli({QStringLiteral("--db"), path, QStringLiteral("rollback"), QStringLiteral("--dry-run")});
    QCOMPARE(before.exitCode, 0);

    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromLatin1(test::kDefaultSecretKey));
    process.setProcessEnvironment(env);
    process.start(writer, {QStringLiteral("--db"), path, QStringLiteral("--log"), m_dir.path() + QStringLiteral("/writer.log"),
                           QStringLiteral("--pause-ms"), QStringLiteral("50:100"), QStringLiteral("--touch-evidence")});
    QVERIFY2(process.waitForStarted(10'000), qPrintable(process.errorString()));
    QElapsedTimer timer;
    timer.start();
    while (!process.canReadLine() && timer.elapsed() < 60'000 && process.state() == QProcess::Running)
        process.waitForReadyRead(1000);
    QCOMPARE(process.readLine().trimmed(), QByteArray("ready")); // after its first write + evidence

    const Run refused = runCli({QStringLiteral("--db"), path, QStringLiteral("rollback")});
    const Run warned = runCli({QStringLiteral("--db"), path, QStringLiteral("status"), QStringLiteral("--json")});
    process.closeWriteChannel(); // the writer stops when its stdin closes
    QVERIFY(process.waitForFinished(30'000));
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.contains(kRefusal.toUtf8()), refused.err.constData());
    const QJsonObject liveness = warned.json.value(QStringLiteral("liveness")).toObject();
    QCOMPARE(liveness.value(QStringLiteral("suspected")).toBool(), true);
    QVERIFY(!evidenceFor(liveness, QStringLiteral("server_lock.last_execution")).isEmpty());
    QVERIFY(!evidenceFor(liveness, QStringLiteral("kv_store.updated")).isEmpty());
}

QTEST_GUILESS_MAIN(TestLiveness)
#include "TestLiveness.moc"
