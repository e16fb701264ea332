// The console talks to the running instances (issue #17): `instances`, `rotate --via-api`, the
// rotation at the end of another operation, against mk-admin-api-standin processes (a stand-in for
// the server's Admin API, tests/support/AdminApiStandIn.cpp) on loopback, each with its own
// in-memory data-key cache whose stale use the test observes after a rotation that did not reach
// that instance.
#include "model/store/ConnectionSpec.h"
#include "model/store/DataKeyRow.h"
#include "model/store/Database.h"
#include "tests/support/CliRunner.h"
#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mk;

namespace {

constexpr const char* kFixturePrefix = "2022-Winter-Bootcamp-team-L"; // one active data key
const QString kActiveKey = QStringLiteral("fl48-tA4z");
const QByteArray kToken = "glsa_standInAdminToken_0123456789abcdef";
const QByteArray kOtherToken = "glsa_anotherInstancesToken_fedcba9876";
const QByteArray kViewerToken = "glsa_viewerOnlyToken_00112233445566";

using Run = test::CliRun;

Run runCli(const QStringList& args)
{
    QProcessEnvironment env = test::environmentWithDefaultKey();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir::tempPath() + QStringLiteral("/mk-no-settings")); // no [console]
    return test::runCli(args, env);
}

QString fixture()
{
    return test::realFixtureStartingWith(QLatin1String(kFixturePrefix));
}

// One stand-in process.
class StandIn
{
public:
    bool start(const QString& db, const QString& tokenFile, const QStringList& extra, QString* error)
    {
        m_process.start(qEnvironmentVariable("MK_ADMIN_API_STANDIN"),
                        QStringList{QStringLiteral("--db"), db, QStringLiteral("--token-file"), tokenFile} + extra);
        if (!m_process.waitForStarted(10'000)) {
            *error = m_process.errorString();
            return false;
        }
        while (!m_process.canReadLine() && m_process.waitForReadyRead(10'000)) {
        }
        const QByteArray line = m_process.readLine().trimmed();
        if (!line.startsWith("listening ")) {
            *error = QString::fromUtf8(line + m_process.readAllStandardError());
            return false;
        }
        m_port = line.mid(10).toInt();
        return m_port > 0;
    }
    ~StandIn()
    {
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(5000);
    }
    int port() const { return m_port; }
    QString url(const QString& host = QStringLiteral("127.0.0.1"), const QString& scheme = QStringLiteral("http")) const
    {
        return QStringLiteral("%1://%2:%3").arg(scheme, host).arg(m_port);
    }
    // The test hook: which data key would this instance encrypt with now?
    QJsonObject encrypt() const
    {
        QNetworkAccessManager manager;
        QNetworkReply* reply = manager.get(QNetworkRequest(QUrl(url() + QStringLiteral("/stand-in/encrypt"))));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const QJsonObject object = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return object;
    }

private:
    QProcess m_process;
    int m_port = 0;
};

QString writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content + '\n');
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return path;
}

// A loopback port with nothing listening (bound, then released).
QString deadUrl()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const int port = server.serverPort();
    server.close();
    return QStringLiteral("http://127.0.0.1:%1").arg(port);
}

QList<store::DataKeyRow> dataKeys(const QString& path)
{
    auto spec = store::ConnectionSpec::fromUrl(path);
    if (!spec)
        return {};
    auto db = store::Database::open(*spec);
    if (!db)
        return {};
    auto keys = store::loadDataKeys(*db);
    return keys ? *keys : QList<store::DataKeyRow>{};
}

QStringList activeIds(const QString& path)
{
    QStringList ids;
    for (const store::DataKeyRow& row : dataKeys(path)) {
        if (row.active)
            ids << row.id;
    }
    return ids;
}

QJsonObject instanceIn(const QJsonObject& json, const QString& url)
{
    for (const QJsonValue& v : json.value(QStringLiteral("instances")).toArray()) {
        if (v.toObject().value(QStringLiteral("url")).toString() == url)
            return v.toObject();
    }
    return {};
}

QStringList strings(const QJsonValue& array)
{
    QStringList list;
    for (const QJsonValue& v : array.toArray())
        list << v.toString();
    return list;
}

} // namespace

class TestInstances : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tokenNeverOnTheCommandLine();
    void instancesCommand();
    void rotateViaApiWithPartialFailure();
    void rotateViaApiNoneReached();
    void tls();
    void rotationAtTheEndOfAnOperation();

private:
    QString freshCopy(const QString& name);
    void checkNoTokenIn(const Run& run);
    QTemporaryDir m_dir;
    QString m_tokenFile;
    QString m_otherTokenFile;
    QString m_viewerTokenFile;
};

void TestInstances::initTestCase()
{
    QVERIFY2(!qEnvironmentVariable("MK_CLI").isEmpty(), "MK_CLI not set");
    QVERIFY2(!qEnvironmentVariable("MK_ADMIN_API_STANDIN").isEmpty(), "MK_ADMIN_API_STANDIN not set");
    QVERIFY(m_dir.isValid());
    QVERIFY(!fixture().isEmpty());
    m_tokenFile = writeFile(m_dir.path() + QStringLiteral("/token"), kToken);
    m_otherTokenFile = writeFile(m_dir.path() + QStringLiteral("/other-token"), kOtherToken);
    m_viewerTokenFile = writeFile(m_dir.path() + QStringLiteral("/viewer-token"), kViewerToken);
    QVERIFY(!m_tokenFile.isEmpty() && !m_otherTokenFile.isEmpty() && !m_viewerTokenFile.isEmpty());
}

QString TestInstances::freshCopy(const QString& name)
{
    const QString dir = m_dir.path() + QLatin1Char('/') + name;
    QDir().mkpath(dir);
    return test::copyFixture(fixture(), dir);
}

void TestInstances::checkNoTokenIn(const Run& run)
{
    for (const QByteArray& token : {kToken, kOtherToken, kViewerToken}) {
        QVERIFY(!run.out.contains(token));
        QVERIFY(!run.err.contains(token));
    }
}

void TestInstances::tokenNeverOnTheCommandLine()
{
    const Run run = runCli({QStringLiteral("instances"), QStringLiteral("--instance"), deadUrl(),
                            QStringLiteral("--api-token"), QString::fromLatin1(kToken)});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--api-token-file"), run.err.constData());
    checkNoTokenIn(run);
    const Run missing = runCli({QStringLiteral("instances"), QStringLiteral("--instance"), deadUrl()});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("--api-token-file"), missing.err.constData());
    const Run credentials = runCli({QStringLiteral("instances"), QStringLiteral("--instance"),
                                    QStringLiteral("http://admin:pw@127.0.0.1:3000"),
                                    QStringLiteral("--api-token-file"), m_tokenFile});
    QCOMPARE(credentials.exitCode, 2);
    QVERIFY(!credentials.err.contains(":pw@"));
}

void TestInstances::instancesCommand()
{
    const QString db = freshCopy(QStringLiteral("instances"));
    QString error;
    StandIn a, b, viewer;
    QVERIFY2(a.start(db, m_tokenFile, {QStringLiteral("--version"), QStringLiteral("11.5.2")}, &error), qPrintable(error));
    QVERIFY2(b.start(db, m_otherTokenFile, {}, &error), qPrintable(error));
    QVERIFY2(viewer.start(db, m_otherTokenFile, {QStringLiteral("--viewer-token-file"), m_viewerTokenFile}, &error),
             qPrintable(error));
    const QString down = deadUrl();
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("instances"), QStringLiteral("--json"),
                            QStringLiteral("--instance"), a.url(), QStringLiteral("--instance"), b.url(),
                            QStringLiteral("--instance"), down, QStringLiteral("--api-token-file"), m_tokenFile});
    QCOMPARE(run.exitCode, 1); // not every instance is fine
    checkNoTokenIn(run);
    const QJsonObject ia = instanceIn(run.json, a.url());
    QCOMPARE(ia.value(QStringLiteral("state")).toString(), QStringLiteral("ok"));
    QCOMPARE(ia.value(QStringLiteral("version")).toString(), QStringLiteral("11.5.2"));
    QCOMPARE(ia.value(QStringLiteral("edition")).toString(), QStringLiteral("Open Source"));
    QCOMPARE(ia.value(QStringLiteral("database")).toString(), QStringLiteral("ok"));
    QCOMPARE(ia.value(QStringLiteral("sameDatabase")).toBool(), true);
    const QJsonObject ib = instanceIn(run.json, b.url());
    QCOMPARE(ib.value(QStringLiteral("state")).toString(), QStringLiteral("unauthorized"));
    QCOMPARE(ib.value(QStringLiteral("httpStatus")).toInt(), 401);
    QCOMPARE(instanceIn(run.json, down).value(QStringLiteral("state")).toString(), QStringLiteral("down"));

    // Another database: the data sources differ.
    const QString otherDb = test::copyFixture(test::syntheticFixtureDatabases().value(0), m_dir.path());
    const Run other = runCli({QStringLiteral("--db"), otherDb, QStringLiteral("instances"), QStringLiteral("--json"),
                              QStringLiteral("--instance"), a.url(), QStringLiteral("--api-token-file"), m_tokenFile});
    QCOMPARE(other.exitCode, 0);
    QCOMPARE(instanceIn(other.json, a.url()).value(QStringLiteral("sameDatabase")).toBool(true), false);

    // A token without server-admin rights: the build info answers, the data sources do not.
    const Run limited = runCli({QStringLiteral("--db"), db, QStringLiteral("instances"), QStringLiteral("--json"),
                                QStringLiteral("--instance"), viewer.url(), QStringLiteral("--api-token-file"),
                                m_viewerTokenFile});
    QCOMPARE(limited.exitCode, 0);
    const QJsonObject iv = instanceIn(limited.json, viewer.url());
    QVERIFY(iv.value(QStringLiteral("sameDatabase")).isNull());
    QVERIFY2(iv.value(QStringLiteral("sameDatabaseDetail")).toString().contains(QStringLiteral("403")),
             qPrintable(iv.value(QStringLiteral("sameDatabaseDetail")).toString()));
}

void TestInstances::rotateViaApiWithPartialFailure()
{
    const QString db = freshCopy(QStringLiteral("partial"));
    QCOMPARE(activeIds(db), QStringList{kActiveKey});
    QString error;
    StandIn a, b, viewer;
    QVERIFY2(a.start(db, m_tokenFile, {}, &error), qPrintable(error));
    QVERIFY2(b.start(db, m_otherTokenFile, {}, &error), qPrintable(error));           // wrong token
    QVERIFY2(viewer.start(db, m_otherTokenFile, {QStringLiteral("--viewer-token-file"), m_tokenFile}, &error),
             qPrintable(error));                                                      // 403
    // Every instance encrypts with the active key and caches it.
    for (const StandIn* s : {&a, &b, &viewer}) {
        QCOMPARE(s->encrypt().value(QStringLiteral("dataKeyId")).toString(), kActiveKey);
        QCOMPARE(s->encrypt().value(QStringLiteral("fromCache")).toBool(), true);
    }
    const QString down = deadUrl();
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("rotate"), QStringLiteral("--via-api"),
                            QStringLiteral("--json"), QStringLiteral("--instance"), a.url(), QStringLiteral("--instance"),
                            b.url(), QStringLiteral("--instance"), down, QStringLiteral("--instance"), viewer.url(),
                            QStringLiteral("--api-token-file"), m_tokenFile});
    QCOMPARE(run.exitCode, 1); // partial
    checkNoTokenIn(run);
    QCOMPARE(instanceIn(run.json, a.url()).value(QStringLiteral("state")).toString(), QStringLiteral("ok"));
    QCOMPARE(instanceIn(run.json, a.url()).value(QStringLiteral("httpStatus")).toInt(), 204);
    QCOMPARE(instanceIn(run.json, b.url()).value(QStringLiteral("httpStatus")).toInt(), 401);
    QCOMPARE(instanceIn(run.json, down).value(QStringLiteral("state")).toString(), QStringLiteral("down"));
    QCOMPARE(instanceIn(run.json, viewer.url()).value(QStringLiteral("httpStatus")).toInt(), 403);
    QCOMPARE(run.json.value(QStringLiteral("apiRotationConfirmed")).toBool(), true);
    QCOMPARE(strings(run.json.value(QStringLiteral("instancesNotReached"))),
             (QStringList{b.url(), down, viewer.url()}));
    QVERIFY(!run.json.value(QStringLiteral("encryptUntil")).toString().isEmpty()); // countdown for those
    QCOMPARE(strings(run.json.value(QStringLiteral("dataKeysDeactivatedIds"))), QStringList{kActiveKey});
    QVERIFY(activeIds(db).isEmpty());

    // The reached instance dropped its cache: no active key left, it would create a new one.
    const QJsonObject fromA = a.encrypt();
    QVERIFY(fromA.value(QStringLiteral("dataKeyId")).isNull());
    QCOMPARE(fromA.value(QStringLiteral("fromCache")).toBool(), false);
    // The instances not reached still encrypt with the deactivated key: the stale use.
    for (const StandIn* s : {&b, &viewer}) {
        const QJsonObject stale = s->encrypt();
        QCOMPARE(stale.value(QStringLiteral("dataKeyId")).toString(), kActiveKey);
        QCOMPARE(stale.value(QStringLiteral("fromCache")).toBool(), true);
        QCOMPARE(stale.value(QStringLiteral("activeInDatabase")).toBool(), false);
    }
    // The human summary names them and the countdown.
    const Run text = runCli({QStringLiteral("--db"), db, QStringLiteral("rotate"), QStringLiteral("--via-api"),
                             QStringLiteral("--instance"), a.url(), QStringLiteral("--instance"), down,
                             QStringLiteral("--api-token-file"), m_tokenFile});
    QCOMPARE(text.exitCode, 1);
    QVERIFY2(text.out.contains("rotated (cache flushed)"), text.out.constData());
    QVERIFY2(text.out.contains(QStringLiteral("Instances not reached (%1) may still encrypt").arg(down).toUtf8()),
             text.out.constData());
}

void TestInstances::rotateViaApiNoneReached()
{
    const QString db = freshCopy(QStringLiteral("none"));
    const QString down = deadUrl();
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("rotate"), QStringLiteral("--via-api"),
                            QStringLiteral("--json"), QStringLiteral("--instance"), down,
                            QStringLiteral("--api-token-file"), m_tokenFile});
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.json.value(QStringLiteral("apiRotationConfirmed")).toBool(), false);
    QCOMPARE(run.json.value(QStringLiteral("dataKeysDeactivated")).toInt(), 1); // directly in the database
    QVERIFY(!run.json.value(QStringLiteral("encryptUntil")).toString().isEmpty());
    QVERIFY(activeIds(db).isEmpty());
}

void TestInstances::tls()
{
    const QString tlsDir = test::dbServersDir() + QStringLiteral("/tls");
    if (test::tlsCaFile().isEmpty() || !QFileInfo::exists(tlsDir + QStringLiteral("/server.key")))
        QSKIP("no throw-away CA (run through ctest: fixture dbservers)");
    const QString db = freshCopy(QStringLiteral("tls"));
    QString error;
    StandIn secure;
    QVERIFY2(secure.start(db, m_tokenFile,
                          {QStringLiteral("--tls-cert"), tlsDir + QStringLiteral("/server.pem"),
                           QStringLiteral("--tls-key"), tlsDir + QStringLiteral("/server.key")},
                          &error),
             qPrintable(error));
    // The certificate names DNS:localhost (which resolves to 127.0.0.1 here).
    const QString url = secure.url(QStringLiteral("localhost"), QStringLiteral("https"));
    const QStringList base{QStringLiteral("--db"), db, QStringLiteral("instances"), QStringLiteral("--json"),
                           QStringLiteral("--instance"), url, QStringLiteral("--api-token-file"), m_tokenFile};
    const Run trusted = runCli(base + QStringList{QStringLiteral("--instance-ca"), test::tlsCaFile()});
    QVERIFY2(trusted.exitCode == 0, trusted.out.constData());
    QCOMPARE(instanceIn(trusted.json, url).value(QStringLiteral("sameDatabase")).toBool(), true);
    for (const QStringList& extra : {QStringList{QStringLiteral("--instance-ca"), test::tlsOtherCaFile()}, QStringList{}}) {
        const Run refused = runCli(base + extra);
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(instanceIn(refused.json, url).value(QStringLiteral("state")).toString(), QStringLiteral("tls-error"));
    }
    // By IP the name does not match the certificate: refused too.
    const QString byIp = secure.url(QStringLiteral("127.0.0.1"), QStringLiteral("https"));
    const Run wrongName = runCli({QStringLiteral("instances"), QStringLiteral("--json"), QStringLiteral("--instance"), byIp,
                                  QStringLiteral("--api-token-file"), m_tokenFile, QStringLiteral("--instance-ca"),
                                  test::tlsCaFile()});
    QCOMPARE(instanceIn(wrongName.json, byIp).value(QStringLiteral("state")).toString(), QStringLiteral("tls-error"));
    // rotate through TLS
    const Run rotate = runCli({QStringLiteral("--db"), db, QStringLiteral("rotate"), QStringLiteral("--via-api"),
                               QStringLiteral("--json"), QStringLiteral("--instance"), url, QStringLiteral("--api-token-file"),
                               m_tokenFile, QStringLiteral("--instance-ca"), test::tlsCaFile()});
    QCOMPARE(rotate.exitCode, 0);
    QCOMPARE(rotate.json.value(QStringLiteral("apiRotationConfirmed")).toBool(), true);
    QVERIFY(!rotate.json.contains(QStringLiteral("encryptUntil"))); // everybody reached: no countdown
}

void TestInstances::rotationAtTheEndOfAnOperation()
{
    const QString db = freshCopy(QStringLiteral("end"));
    QString error;
    StandIn a;
    QVERIFY2(a.start(db, m_tokenFile, {}, &error), qPrintable(error));
    QCOMPARE(a.encrypt().value(QStringLiteral("dataKeyId")).toString(), kActiveKey);
    const Run run = runCli({QStringLiteral("--db"), db, QStringLiteral("re-encrypt"), QStringLiteral("--json"),
                            QStringLiteral("--instance"), a.url(), QStringLiteral("--api-token-file"), m_tokenFile});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(run.json.value(QStringLiteral("changed")).toInt() > 0);
    QCOMPARE(instanceIn(run.json, a.url()).value(QStringLiteral("state")).toString(), QStringLiteral("ok"));
    QCOMPARE(run.json.value(QStringLiteral("apiRotationConfirmed")).toBool(), true);
    QVERIFY(!run.json.contains(QStringLiteral("encryptUntil")));
    // The key re-encrypt created is deactivated too: the instance picks a fresh one at once.
    QVERIFY(activeIds(db).isEmpty());
    QVERIFY(a.encrypt().value(QStringLiteral("dataKeyId")).isNull());
    // A dry run calls nobody.
    const Run dry = runCli({QStringLiteral("--db"), db, QStringLiteral("rollback"), QStringLiteral("--dry-run"),
                            QStringLiteral("--json"), QStringLiteral("--instance"), a.url(),
                            QStringLiteral("--api-token-file"), m_tokenFile});
    QCOMPARE(dry.exitCode, 0);
    QVERIFY(!dry.json.contains(QStringLiteral("instances")));
}

QTEST_GUILESS_MAIN(TestInstances)
#include "TestInstances.moc"
