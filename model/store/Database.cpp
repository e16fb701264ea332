#include "model/store/Database.h"

#include "model/store/SqlSupport.h"
#include "model/store/StoreLog.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVersionNumber>

namespace mk::store {

struct Database::Impl
{
    ConnectionSpec spec;
    QString connectionName;
    std::optional<SchemaInfo> schema;

    QSqlDatabase db() const { return QSqlDatabase::database(connectionName, false); }

    ~Impl()
    {
        {
            QSqlDatabase handle = QSqlDatabase::database(connectionName, false);
            if (handle.isOpen())
                handle.close();
        }
        QSqlDatabase::removeDatabase(connectionName);
    }
};

namespace {

QString driverName(ConnectionSpec::Driver driver)
{
    switch (driver) {
    case ConnectionSpec::Driver::Sqlite: return QStringLiteral("QSQLITE");
    case ConnectionSpec::Driver::Postgres: return QStringLiteral("QPSQL");
    case ConnectionSpec::Driver::Mysql: return QStringLiteral("QMYSQL");
    }
    return {};
}

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter(0);
    return QStringLiteral("mk.store.%1").arg(counter.fetchAndAddRelaxed(1) + 1);
}

// libpq conninfo value quoting: 'value' with \ and ' escaped.
QString pqQuote(const QString& value)
{
    QString v = value;
    v.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    v.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + v + QLatin1Char('\'');
}

using TlsMode = ConnectionSpec::TlsMode;

// Qt 6.4's QMYSQL passes only SSL_KEY/CERT/CA/CAPATH/CIPHER (mysql_ssl_set) to the client
// library. MariaDB Connector/C 3.3 then checks the certificate chain against SSL_CA, but checks
// the host name only with MYSQL_OPT_SSL_VERIFY_SERVER_CERT, which QMYSQL accepts from Qt 6.5 on
// (MySQL 8's libmysqlclient: MYSQL_OPT_SSL_MODE=SSL_MODE_VERIFY_IDENTITY, also from 6.5).
bool mysqlDriverChecksHostName()
{
    return QLibraryInfo::version() >= QVersionNumber(6, 5);
}

// Turns TLS on without naming a CA (no certificate check): any SSL_* option makes QMYSQL call
// mysql_ssl_set. Connector/C tries the value as TLS 1.3 suites first; these are OpenSSL's
// defaults, so the TLS 1.2 list stays at its default too.
const QString kMysqlDefaultTls13Suites =
    QStringLiteral("TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256");

// Checks the TLS settings that do not need the server: a readable CA file, a mode the driver
// can enforce. Fills the connect options.
Result<void> tlsOptions(const ConnectionSpec& spec, TlsMode mode, QStringList& options)
{
    const bool wantsTls = mode != TlsMode::Default && mode != TlsMode::Disable;
    if (!spec.sslRootCert.isEmpty() && wantsTls) {
        if (spec.sslRootCert.contains(QLatin1Char(';')))
            return fail(ErrorCode::ConnectFailed, QStringLiteral("TLS: the CA file path must not contain ';'"));
        const QFileInfo ca(spec.sslRootCert);
        if (!ca.exists())
            return fail(ErrorCode::ConnectFailed,
                        QStringLiteral("TLS: the CA file (sslrootcert) %1 does not exist").arg(spec.sslRootCert));
        if (!ca.isFile() || !ca.isReadable())
            return fail(ErrorCode::ConnectFailed,
                        QStringLiteral("TLS: the CA file (sslrootcert) %1 is not a readable file").arg(spec.sslRootCert));
    }

    if (spec.driver == ConnectionSpec::Driver::Postgres) {
        if (mode != TlsMode::Default)
            options << QStringLiteral("sslmode=") + pqQuote(ConnectionSpec::tlsModeName(mode));
        if (!spec.sslRootCert.isEmpty() && wantsTls)
            options << QStringLiteral("sslrootcert=") + pqQuote(spec.sslRootCert);
        return {};
    }

    // MySQL / MariaDB
    switch (mode) {
    case TlsMode::Default:
    case TlsMode::Disable:
        return {};
    case TlsMode::Allow:
    case TlsMode::Prefer:
    case TlsMode::Require:
        // Connector/C uses TLS whenever the server offers it; require is checked after the login.
        if (spec.sslRootCert.isEmpty())
            options << QStringLiteral("SSL_CIPHER=") + kMysqlDefaultTls13Suites;
        else
            options << QStringLiteral("SSL_CA=") + spec.sslRootCert; // also checks the chain
        return {};
    case TlsMode::VerifyCa:
    case TlsMode::VerifyFull:
        if (spec.sslRootCert.isEmpty())
            return fail(ErrorCode::ConnectFailed,
                        QStringLiteral("TLS: sslmode=%1 needs the CA file (sslrootcert) for MySQL/MariaDB")
                            .arg(ConnectionSpec::tlsModeName(mode)));
        if (mode == TlsMode::VerifyFull) {
            if (!mysqlDriverChecksHostName())
                return fail(ErrorCode::ConnectFailed,
                            QStringLiteral("TLS: sslmode=verify-full cannot be enforced for MySQL/MariaDB with "
                                           "Qt %1: its QMYSQL driver cannot check the server's host name "
                                           "(Qt 6.5 or newer can). Use sslmode=verify-ca with the CA file, "
                                           "which checks the certificate but not the host name.")
                                .arg(QLibraryInfo::version().toString()));
            // One of the two applies (MariaDB Connector/C / MySQL 8 client); QMYSQL warns about the other.
            options << QStringLiteral("MYSQL_OPT_SSL_VERIFY_SERVER_CERT=TRUE")
                    << QStringLiteral("MYSQL_OPT_SSL_MODE=SSL_MODE_VERIFY_IDENTITY");
        }
        options << QStringLiteral("SSL_CA=") + spec.sslRootCert;
        return {};
    }
    return {};
}

// The driver's connect error, with what it means for TLS in front. Never contains the password.
QString connectErrorDetail(const ConnectionSpec& spec, TlsMode mode, const QSqlError& err)
{
    QString text = err.databaseText().simplified();
    if (text.isEmpty())
        text = err.text().simplified();
    if (spec.password.size() >= 4)
        text.replace(spec.password, QStringLiteral("***"));
    const QString lower = text.toLower();
    const QString host = spec.host;
    QString hint;
    if (lower.contains(QLatin1String("does not match host name"))
        || lower.contains(QLatin1String("validation of ssl server certificate failed")))
        hint = QStringLiteral("TLS: the server's certificate does not name the host '%1' (verify-full checks the "
                              "host name: connect with a name the certificate holds)")
                   .arg(host);
    else if (lower.contains(QLatin1String("certificate verify failed"))
             || lower.contains(QLatin1String("unable to get local issuer certificate"))
             || lower.contains(QLatin1String("self-signed certificate"))
             || lower.contains(QLatin1String("self signed certificate")))
        hint = spec.sslRootCert.isEmpty()
                   ? QStringLiteral("TLS: the server's certificate could not be verified (no CA file given)")
                   : QStringLiteral("TLS: the server's certificate is not signed by the CA in %1").arg(spec.sslRootCert);
    else if (lower.contains(QLatin1String("root certificate file")))
        hint = QStringLiteral("TLS: sslmode=%1 needs a CA file (sslrootcert)").arg(ConnectionSpec::tlsModeName(mode));
    else if (lower.contains(QLatin1String("does not support ssl")))
        hint = QStringLiteral("TLS: the server does not offer TLS but sslmode=%1 requires it")
                   .arg(ConnectionSpec::tlsModeName(mode));
    else if (lower.contains(QLatin1String("tls/ssl error")) || lower.contains(QLatin1String("ssl error")))
        hint = QStringLiteral("TLS handshake failed");
    return hint.isEmpty() ? text : hint + QStringLiteral(": ") + text;
}

} // namespace

Database::Database(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{
}

Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Result<Database> Database::open(const ConnectionSpec& spec)
{
    const QString driver = driverName(spec.driver);
    if (!QSqlDatabase::isDriverAvailable(driver))
        return fail(ErrorCode::DriverMissing, QStringLiteral("Qt SQL plugin %1 is not installed").arg(driver));

    if (spec.driver == ConnectionSpec::Driver::Sqlite) {
        const QFileInfo fi(spec.path);
        if (spec.path.isEmpty() || !fi.exists())
            return fail(ErrorCode::FileNotFound, spec.path);
        if (!fi.isFile())
            return fail(ErrorCode::FileNotFound, QStringLiteral("not a regular file: %1").arg(spec.path));
    }

    auto impl = std::make_unique<Impl>();
    impl->spec = spec;
    impl->connectionName = nextConnectionName();
    Database result(std::move(impl));

    QSqlDatabase db = QSqlDatabase::addDatabase(driver, result.d->connectionName);
    QStringList options;
    switch (spec.driver) {
    case ConnectionSpec::Driver::Sqlite:
        db.setDatabaseName(spec.path);
        if (spec.readOnly)
            options << QStringLiteral("QSQLITE_OPEN_READONLY");
        options << QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
        break;
    case ConnectionSpec::Driver::Postgres:
        db.setHostName(spec.host);
        db.setPort(spec.effectivePort());
        db.setDatabaseName(spec.database);
        db.setUserName(spec.user);
        db.setPassword(spec.password);
        options << QStringLiteral("connect_timeout=5");
        break;
    case ConnectionSpec::Driver::Mysql:
        db.setHostName(spec.host);
        db.setPort(spec.effectivePort());
        db.setDatabaseName(spec.database);
        db.setUserName(spec.user);
        db.setPassword(spec.password);
        // CLIENT_FOUND_ROWS: affected rows = matched rows, so optimistic writes of an unchanged
        // value are not mistaken for conflicts.
        options << QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=5") << QStringLiteral("CLIENT_FOUND_ROWS=1");
        break;
    }
    TlsMode tlsMode = TlsMode::Default;
    if (spec.driver != ConnectionSpec::Driver::Sqlite) {
        const auto mode = spec.tlsMode();
        if (!mode)
            return fail(ErrorCode::ConnectFailed, QStringLiteral("TLS: %1").arg(mode.error().detail));
        tlsMode = *mode;
        if (auto ok = tlsOptions(spec, tlsMode, options); !ok) {
            qCInfo(lcStore).noquote() << "cannot open" << spec.displayName() << ":" << ok.error().detail;
            return std::unexpected(ok.error());
        }
    }
    db.setConnectOptions(options.join(QLatin1Char(';')));

    if (!db.open()) {
        const QSqlError err = db.lastError();
        if (spec.driver == ConnectionSpec::Driver::Sqlite) {
            qCInfo(lcStore).noquote() << "cannot open" << spec.displayName() << ":" << err.text();
            return std::unexpected(SqlSupport::queryError(spec.driver, err, QStringLiteral("open")));
        }
        const QString detail = connectErrorDetail(spec, tlsMode, err);
        qCInfo(lcStore).noquote() << "cannot open" << spec.displayName() << ":" << detail;
        return fail(ErrorCode::ConnectFailed, detail);
    }

    QSqlQuery q(db);
    switch (spec.driver) {
    case ConnectionSpec::Driver::Sqlite:
        // Touch the header: not-a-database and locked files are reported here, nothing is written.
        if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")))
            return std::unexpected(SqlSupport::queryError(spec.driver, q.lastError(), QStringLiteral("open")));
        break;
    case ConnectionSpec::Driver::Postgres:
        if (spec.readOnly && !q.exec(QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")))
            return std::unexpected(SqlSupport::queryError(spec.driver, q.lastError(), QStringLiteral("set read only")));
        break;
    case ConnectionSpec::Driver::Mysql:
        // Connector/C 3.3 silently stays unencrypted when the server offers no TLS: require and
        // verify-* refuse such a session before anything is read.
        if (tlsMode == TlsMode::Require || tlsMode == TlsMode::VerifyCa || tlsMode == TlsMode::VerifyFull) {
            if (!q.exec(QStringLiteral("SHOW SESSION STATUS LIKE 'Ssl_cipher'")))
                return std::unexpected(SqlSupport::queryError(spec.driver, q.lastError(), QStringLiteral("TLS check")));
            const QString cipher = q.next() ? q.value(1).toString() : QString();
            q.finish();
            if (cipher.isEmpty()) {
                qCInfo(lcStore).noquote() << "refusing" << spec.displayName() << ": the session is not encrypted";
                return fail(ErrorCode::ConnectFailed,
                            QStringLiteral("TLS: the server does not offer TLS but sslmode=%1 requires it "
                                           "(the session was not encrypted; nothing was read)")
                                .arg(ConnectionSpec::tlsModeName(tlsMode)));
            }
        }
        if (spec.readOnly && !q.exec(QStringLiteral("SET SESSION TRANSACTION READ ONLY")))
            return std::unexpected(SqlSupport::queryError(spec.driver, q.lastError(), QStringLiteral("set read only")));
        break;
    }
    qCInfo(lcStore).noquote() << "opened" << spec.displayName() << (spec.readOnly ? "read-only" : "read-write");
    return result;
}

ConnectionSpec::Driver Database::driver() const
{
    return d->spec.driver;
}

const ConnectionSpec& Database::spec() const
{
    return d->spec;
}

bool Database::isReadOnly() const
{
    return d->spec.readOnly;
}

QString Database::connectionName() const
{
    return d->connectionName;
}

Result<void> Database::begin()
{
    QSqlDatabase db = d->db();
    if (d->spec.driver == ConnectionSpec::Driver::Sqlite && !d->spec.readOnly) {
        // Take SQLite's write lock at BEGIN, while the busy timeout still applies. In a deferred
        // transaction that has read, a write that meets another process's lock gets SQLITE_BUSY at
        // once (SQLite skips the busy handler to avoid a deadlock), so every batch written while
        // a server writes would fail with "database is locked".
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return std::unexpected(SqlSupport::queryError(d->spec.driver, q.lastError(), QStringLiteral("begin")));
        return {};
    }
    if (!db.transaction())
        return std::unexpected(SqlSupport::queryError(d->spec.driver, db.lastError(), QStringLiteral("begin")));
    return {};
}

Result<void> Database::commit()
{
    QSqlDatabase db = d->db();
    if (!db.commit())
        return std::unexpected(SqlSupport::queryError(d->spec.driver, db.lastError(), QStringLiteral("commit")));
    return {};
}

Result<void> Database::rollback()
{
    QSqlDatabase db = d->db();
    if (!db.rollback()) {
        // SQLite rolls the transaction back by itself after SQLITE_FULL, SQLITE_IOERR, ...: there
        // is nothing left to roll back, which is what the caller wanted.
        if (d->spec.driver == ConnectionSpec::Driver::Sqlite
            && db.lastError().text().contains(QLatin1String("no transaction is active")))
            return {};
        return std::unexpected(SqlSupport::queryError(d->spec.driver, db.lastError(), QStringLiteral("rollback")));
    }
    return {};
}

Result<QString> Database::serverVersion()
{
    QSqlQuery q(d->db());
    QString sql;
    QString prefix;
    switch (d->spec.driver) {
    case ConnectionSpec::Driver::Sqlite:
        sql = QStringLiteral("SELECT sqlite_version()");
        prefix = QStringLiteral("SQLite ");
        break;
    case ConnectionSpec::Driver::Postgres:
        sql = QStringLiteral("SHOW server_version");
        prefix = QStringLiteral("PostgreSQL ");
        break;
    case ConnectionSpec::Driver::Mysql:
        sql = QStringLiteral("SELECT VERSION()");
        break;
    }
    if (!q.exec(sql) || !q.next())
        return std::unexpected(SqlSupport::queryError(d->spec.driver, q.lastError(), QStringLiteral("server version")));
    QString version = q.value(0).toString();
    if (d->spec.driver == ConnectionSpec::Driver::Mysql)
        prefix = version.contains(QLatin1String("MariaDB"), Qt::CaseInsensitive) ? QStringLiteral("MariaDB ")
                                                                                  : QStringLiteral("MySQL ");
    return prefix + version;
}

const std::optional<SchemaInfo>& Database::cachedSchema() const
{
    return d->schema;
}

void Database::setCachedSchema(const SchemaInfo& schema)
{
    d->schema = schema;
}

} // namespace mk::store
