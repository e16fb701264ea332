// TLS to the real PostgreSQL and MariaDB test servers. db-servers.sh gives both a certificate for
// DNS:localhost only (not 127.0.0.1), signed by a throw-away CA, and makes a second CA that signed
// nothing. Every failure must name the problem, and no error or log line may hold the password.

#include "model/store/ConnectionSpec.h"
#include "model/store/Database.h"
#include "tests/support/ServerFixtures.h"

#include <QFileInfo>
#include <QLibraryInfo>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QVersionNumber>

using namespace mk::store;
using mk::test::Engine;

namespace {

QMutex s_logMutex;
QStringList s_log;
QtMessageHandler s_previousHandler = nullptr;

void captureMessages(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        QMutexLocker lock(&s_logMutex);
        s_log << message;
    }
    if (s_previousHandler)
        s_previousHandler(type, context, message);
}

// Qt 6.4's QMYSQL cannot ask the client library to check the host name (see Database.cpp).
bool mysqlChecksHostName()
{
    return QLibraryInfo::version() >= QVersionNumber(6, 5);
}

} // namespace

class TestStoreTls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void modes_data();
    void modes();
    void badModes();

    void verifyFullToLocalhost_data();
    void verifyFullToLocalhost();
    void verifyFullToAddressFails_data();
    void verifyFullToAddressFails();
    void verifyCaToAddress_data();
    void verifyCaToAddress();
    void wrongCaFails_data();
    void wrongCaFails();
    void requireWithoutCaEncrypts_data();
    void requireWithoutCaEncrypts();
    void disableStaysPlain_data();
    void disableStaysPlain();
    void missingCaFile_data();
    void missingCaFile();
    void mysqlVerifyNeedsCa();
    void wrongPasswordOverTls_data();
    void wrongPasswordOverTls();
    void noPasswordInLogs();

private:
    void addEngines();
    QString url(Engine engine, const QString& host, const QString& query, const QString& password = {}) const;
    Result<Database> open(Engine engine, const QString& host, const QString& query, const QString& password = {});
    // true/false: the session is encrypted (pg_stat_ssl / Ssl_cipher); fails the test on errors.
    bool encrypted(Database& db, QString* what);
    void checkCleanError(const Result<Database>& db, const QStringList& mustContain);

    QString m_ca;
    QString m_otherCa;
    QString m_password;
};

void TestStoreTls::initTestCase()
{
    m_ca = mk::test::tlsCaFile();
    m_otherCa = mk::test::tlsOtherCaFile();
    m_password = mk::test::serverPassword();
    QVERIFY2(!mk::test::serverUrl(Engine::PostgreSQL).isEmpty() && !mk::test::serverUrl(Engine::MySQL).isEmpty(),
             "no test servers: run through ctest (fixture dbservers) or set MK_DBSERVERS_DIR");
    QVERIFY2(QFileInfo(m_ca).isFile(), qPrintable(QStringLiteral("no test CA at '%1'").arg(m_ca)));
    QVERIFY2(QFileInfo(m_otherCa).isFile(), qPrintable(m_otherCa));
    QVERIFY(m_password.size() >= 4);
    s_previousHandler = qInstallMessageHandler(captureMessages);
}

void TestStoreTls::cleanupTestCase()
{
    qInstallMessageHandler(s_previousHandler);
}

void TestStoreTls::addEngines()
{
    QTest::addColumn<Engine>("engine");
    QTest::newRow("postgresql") << Engine::PostgreSQL;
    QTest::newRow("mariadb") << Engine::MySQL;
}

QString TestStoreTls::url(Engine engine, const QString& host, const QString& query, const QString& password) const
{
    const QString scheme = engine == Engine::PostgreSQL ? QStringLiteral("postgres") : QStringLiteral("mysql");
    return QStringLiteral("%1://%2:%3@%4:%5/mk?%6")
        .arg(scheme, mk::test::serverUser(),
             QString::fromLatin1(QUrl::toPercentEncoding(password.isEmpty() ? m_password : password)), host)
        .arg(mk::test::serverPort(engine))
        .arg(query);
}

Result<Database> TestStoreTls::open(Engine engine, const QString& host, const QString& query, const QString& password)
{
    const auto spec = ConnectionSpec::fromUrl(url(engine, host, query, password));
    if (!spec)
        return std::unexpected(spec.error());
    return Database::open(*spec);
}

bool TestStoreTls::encrypted(Database& db, QString* what)
{
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    if (db.driver() == ConnectionSpec::Driver::Postgres) {
        if (!q.exec(QStringLiteral("SELECT ssl, coalesce(version, '') FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
            || !q.next()) {
            *what = q.lastError().text();
            return false;
        }
        *what = q.value(1).toString();
        return q.value(0).toBool();
    }
    if (!q.exec(QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) || !q.next()) {
        *what = q.lastError().text();
        return false;
    }
    *what = q.value(1).toString();
    return !what->isEmpty();
}

void TestStoreTls::checkCleanError(const Result<Database>& db, const QStringList& mustContain)
{
    QVERIFY2(!db, "the connection opened but must not");
    const QString detail = db.error().detail;
    QCOMPARE(db.error().code, ErrorCode::ConnectFailed);
    for (const QString& part : mustContain)
        QVERIFY2(detail.contains(part, Qt::CaseInsensitive),
                 qPrintable(QStringLiteral("'%1' not in: %2").arg(part, detail)));
    QVERIFY2(!detail.contains(m_password), "the error shows the password");
}

// --- parsing, no server ---------------------------------------------------------------------

void TestStoreTls::modes_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("canonical");
    using M = ConnectionSpec::TlsMode;
    QTest::newRow("empty") << "" << int(M::Default) << "";
    QTest::newRow("disable") << "disable" << int(M::Disable) << "disable";
    QTest::newRow("DISABLED") << "DISABLED" << int(M::Disable) << "disable";
    QTest::newRow("grafana false") << "false" << int(M::Disable) << "disable";
    QTest::newRow("allow") << "allow" << int(M::Allow) << "allow";
    QTest::newRow("prefer") << "prefer" << int(M::Prefer) << "prefer";
    QTest::newRow("PREFERRED") << "PREFERRED" << int(M::Prefer) << "prefer";
    QTest::newRow("require") << "require" << int(M::Require) << "require";
    QTest::newRow("REQUIRED") << "REQUIRED" << int(M::Require) << "require";
    QTest::newRow("grafana skip-verify") << "skip-verify" << int(M::Require) << "require";
    QTest::newRow("verify-ca") << "verify-ca" << int(M::VerifyCa) << "verify-ca";
    QTest::newRow("VERIFY_CA") << "VERIFY_CA" << int(M::VerifyCa) << "verify-ca";
    QTest::newRow("verify-full") << "Verify-Full" << int(M::VerifyFull) << "verify-full";
    QTest::newRow("VERIFY_IDENTITY") << "VERIFY_IDENTITY" << int(M::VerifyFull) << "verify-full";
    QTest::newRow("grafana true") << "true" << int(M::VerifyFull) << "verify-full";
}

void TestStoreTls::modes()
{
    QFETCH(QString, value);
    QFETCH(int, mode);
    QFETCH(QString, canonical);
    const auto parsed = ConnectionSpec::parseTlsMode(value);
    QVERIFY(parsed);
    QCOMPARE(int(*parsed), mode);
    QCOMPARE(ConnectionSpec::tlsModeName(*parsed), canonical);
    // Through a URL (ssl-mode is an alias): stored in libpq spelling.
    const QString query = value.isEmpty() ? QStringLiteral("ssl-ca=/ca.pem")
                                          : QStringLiteral("ssl-mode=%1&sslrootcert=/ca.pem").arg(value);
    const auto spec = ConnectionSpec::fromUrl(QStringLiteral("mysql://u:p@db.example/g?") + query);
    QVERIFY2(spec, qPrintable(spec ? QString() : spec.error().detail));
    QCOMPARE(spec->sslMode, canonical);
    QCOMPARE(spec->sslRootCert, QStringLiteral("/ca.pem"));
    // A CA file without a mode means verify-ca.
    const QString effective = canonical.isEmpty() ? QStringLiteral("verify-ca") : canonical;
    QCOMPARE(ConnectionSpec::tlsModeName(*spec->tlsMode()), effective);
    QCOMPARE(spec->displayName(), QStringLiteral("mysql://u@db.example:3306/g?sslmode=") + effective);
}

void TestStoreTls::badModes()
{
    for (const char* bad : {"verify", "on", "yes", "verify-fulll", "ssl"}) {
        const auto parsed = ConnectionSpec::parseTlsMode(QString::fromLatin1(bad));
        QVERIFY2(!parsed, bad);
        QVERIFY(parsed.error().detail.contains(QStringLiteral("verify-full")));
        const auto spec = ConnectionSpec::fromUrl(QStringLiteral("postgres://u:p@h/d?sslmode=") + QString::fromLatin1(bad));
        QVERIFY(!spec);
        QCOMPARE(spec.error().code, ErrorCode::BadUrl);
        QVERIFY2(spec.error().detail.contains(QStringLiteral("sslmode")), qPrintable(spec.error().detail));
    }
    // From a configuration file (not parsed by fromUrl): refused when opening, before any network.
    ConnectionSpec spec;
    spec.driver = ConnectionSpec::Driver::Postgres;
    spec.host = QStringLiteral("127.0.0.1");
    spec.port = 1;
    spec.database = QStringLiteral("x");
    spec.sslMode = QStringLiteral("strict");
    const auto db = Database::open(spec);
    QVERIFY(!db);
    QVERIFY2(db.error().detail.contains(QStringLiteral("unknown sslmode 'strict'")), qPrintable(db.error().detail));
}

// --- against the servers ----------------------------------------------------------------------

void TestStoreTls::verifyFullToLocalhost_data()
{
    addEngines();
}

void TestStoreTls::verifyFullToLocalhost()
{
    QFETCH(Engine, engine);
    const QString query = QStringLiteral("sslmode=verify-full&sslrootcert=") + m_ca;
    if (engine == Engine::MySQL) {
        if (mysqlChecksHostName())
            QSKIP("MySQL clients take 'localhost' for the Unix socket; verify-full is covered by the 127.0.0.1 case");
        // Qt 6.4: refused before connecting, saying why and what to use instead.
        checkCleanError(open(engine, QStringLiteral("localhost"), query),
                        {QStringLiteral("verify-full"), QStringLiteral("host name"), QStringLiteral("verify-ca")});
        return;
    }
    auto db = open(engine, QStringLiteral("localhost"), query);
    QVERIFY2(db, qPrintable(db ? QString() : db.error().detail));
    QString version;
    QVERIFY2(encrypted(*db, &version), qPrintable(version));
    QVERIFY2(version.startsWith(QStringLiteral("TLSv1.")), qPrintable(version));
    QCOMPARE(db->spec().displayName().endsWith(QStringLiteral("?sslmode=verify-full")), true);
}

void TestStoreTls::verifyFullToAddressFails_data()
{
    addEngines();
}

void TestStoreTls::verifyFullToAddressFails()
{
    QFETCH(Engine, engine);
    const auto db = open(engine, QStringLiteral("127.0.0.1"), QStringLiteral("sslmode=verify-full&sslrootcert=") + m_ca);
    if (engine == Engine::MySQL && !mysqlChecksHostName()) {
        checkCleanError(db, {QStringLiteral("verify-full"), QStringLiteral("cannot check the server's host name")});
        return;
    }
    // The certificate names DNS:localhost only.
    checkCleanError(db, {QStringLiteral("does not name the host '127.0.0.1'")});
}

void TestStoreTls::verifyCaToAddress_data()
{
    addEngines();
}

void TestStoreTls::verifyCaToAddress()
{
    QFETCH(Engine, engine);
    auto db = open(engine, QStringLiteral("127.0.0.1"), QStringLiteral("sslmode=verify-ca&sslrootcert=") + m_ca);
    QVERIFY2(db, qPrintable(db ? QString() : db.error().detail));
    QString cipher;
    QVERIFY2(encrypted(*db, &cipher), qPrintable(cipher));
    QVERIFY(!cipher.isEmpty());
    // Still a normal read-only session.
    auto version = db->serverVersion();
    QVERIFY(version);
    QVERIFY(version->startsWith(engine == Engine::PostgreSQL ? QStringLiteral("PostgreSQL") : QStringLiteral("MariaDB")));
}

void TestStoreTls::wrongCaFails_data()
{
    QTest::addColumn<Engine>("engine");
    QTest::addColumn<QString>("mode");
    for (const auto& [engine, name] : {std::pair{Engine::PostgreSQL, "postgresql"}, std::pair{Engine::MySQL, "mariadb"}}) {
        QTest::addRow("%s verify-ca", name) << engine << QStringLiteral("sslmode=verify-ca&");
        QTest::addRow("%s require + CA", name) << engine << QStringLiteral("sslmode=require&");
        QTest::addRow("%s CA alone", name) << engine << QString();
    }
}

void TestStoreTls::wrongCaFails()
{
    QFETCH(Engine, engine);
    QFETCH(QString, mode);
    checkCleanError(open(engine, QStringLiteral("127.0.0.1"), mode + QStringLiteral("sslrootcert=") + m_otherCa),
                    {QStringLiteral("not signed by the CA in ") + m_otherCa});
}

void TestStoreTls::requireWithoutCaEncrypts_data()
{
    addEngines();
}

void TestStoreTls::requireWithoutCaEncrypts()
{
    QFETCH(Engine, engine);
    auto db = open(engine, QStringLiteral("127.0.0.1"), QStringLiteral("sslmode=require"));
    QVERIFY2(db, qPrintable(db ? QString() : db.error().detail));
    QString cipher;
    QVERIFY2(encrypted(*db, &cipher), qPrintable(cipher));
}

void TestStoreTls::disableStaysPlain_data()
{
    addEngines();
}

void TestStoreTls::disableStaysPlain()
{
    QFETCH(Engine, engine);
    // A CA file with disable is ignored (not even checked).
    auto db = open(engine, QStringLiteral("127.0.0.1"), QStringLiteral("sslmode=disable&sslrootcert=/nonexistent/ca.pem"));
    QVERIFY2(db, qPrintable(db ? QString() : db.error().detail));
    QString cipher;
    QVERIFY2(!encrypted(*db, &cipher), qPrintable(cipher));
}

void TestStoreTls::missingCaFile_data()
{
    addEngines();
}

void TestStoreTls::missingCaFile()
{
    QFETCH(Engine, engine);
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("no-such-ca.pem"));
    for (const QString& mode : {QStringLiteral("verify-ca"), QStringLiteral("verify-full"), QStringLiteral("require")})
        checkCleanError(open(engine, QStringLiteral("localhost"), QStringLiteral("sslmode=%1&sslrootcert=%2").arg(mode, missing)),
                        {QStringLiteral("CA file"), missing, QStringLiteral("does not exist")});
    // A folder is no CA file either.
    checkCleanError(open(engine, QStringLiteral("127.0.0.1"), QStringLiteral("sslmode=verify-ca&sslrootcert=") + dir.path()),
                    {QStringLiteral("not a readable file")});
}

void TestStoreTls::mysqlVerifyNeedsCa()
{
    checkCleanError(open(Engine::MySQL, QStringLiteral("127.0.0.1"), QStringLiteral("sslmode=verify-ca")),
                    {QStringLiteral("verify-ca needs the CA file")});
}

void TestStoreTls::wrongPasswordOverTls_data()
{
    addEngines();
}

void TestStoreTls::wrongPasswordOverTls()
{
    QFETCH(Engine, engine);
    const QString wrong = QStringLiteral("Wr0ng-pw-%1").arg(int(engine));
    const auto db = open(engine, QStringLiteral("127.0.0.1"), QStringLiteral("sslmode=verify-ca&sslrootcert=") + m_ca, wrong);
    checkCleanError(db, {engine == Engine::PostgreSQL ? QStringLiteral("password authentication failed")
                                                      : QStringLiteral("Access denied")});
    QVERIFY(!db.error().detail.contains(wrong));
}

// Runs last: everything the store logged while the tests above ran.
void TestStoreTls::noPasswordInLogs()
{
    QMutexLocker lock(&s_logMutex);
    QVERIFY2(s_log.size() > 5, "the failures above logged nothing");
    for (const QString& line : std::as_const(s_log)) {
        QVERIFY2(!line.contains(m_password), "a log line shows the password");
        QVERIFY2(!line.contains(QStringLiteral("Wr0ng-pw-")), "a log line shows the wrong password");
    }
}

QTEST_GUILESS_MAIN(TestStoreTls)
#include "TestStoreTls.moc"
