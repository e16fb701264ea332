#include "model/store/Database.h"

#include "model/store/SqlSupport.h"
#include "model/store/StoreLog.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

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
        if (!spec.sslMode.isEmpty())
            options << QStringLiteral("sslmode=") + pqQuote(spec.sslMode);
        if (!spec.sslRootCert.isEmpty())
            options << QStringLiteral("sslrootcert=") + pqQuote(spec.sslRootCert);
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
        if (!spec.sslRootCert.isEmpty())
            options << QStringLiteral("SSL_CA=") + spec.sslRootCert;
        if (!spec.sslMode.isEmpty() && spec.sslMode != QLatin1String("disable")
            && spec.sslRootCert.isEmpty())
            qCInfo(lcStore) << "MySQL ssl mode is not configurable with Qt 6.4's QMYSQL; set sslrootcert";
        break;
    }
    db.setConnectOptions(options.join(QLatin1Char(';')));

    if (!db.open()) {
        const QSqlError err = db.lastError();
        qCWarning(lcStore).noquote() << "cannot open" << spec.displayName() << ":" << err.text();
        if (spec.driver == ConnectionSpec::Driver::Sqlite)
            return std::unexpected(SqlSupport::queryError(spec.driver, err, QStringLiteral("open")));
        return fail(ErrorCode::ConnectFailed, err.text());
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
    if (!db.rollback())
        return std::unexpected(SqlSupport::queryError(d->spec.driver, db.lastError(), QStringLiteral("rollback")));
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
