#pragma once

// Helpers for tests that run against the real PostgreSQL / MariaDB servers started by
// tests/support/db-servers.sh (ctest fixture `dbservers`, env MK_DBSERVERS_DIR=<dir>).
//
// Typical use:
//     const QString name = mk::test::schemaNameFor(QStringLiteral("ops"), fixturePath);
//     QString error;
//     QVERIFY2(mk::test::loadSqliteIntoServer(fixturePath, Engine::PostgreSQL, name, &error),
//              qPrintable(error));
//     const QString url = mk::test::urlForSchema(Engine::PostgreSQL, name);   // open with the store
//     ...
//     mk::test::dropServerSchema(Engine::PostgreSQL, name, &error);

#include <QSqlDatabase>
#include <QString>

namespace mk::test {

enum class Engine { PostgreSQL, MySQL };

// "postgresql" or "mysql".
QString engineName(Engine engine);

// $MK_DBSERVERS_DIR (empty when unset).
QString dbServersDir();

// The admin URL (database `mk`) from $MK_DBSERVERS_DIR/env, i.e. MK_TEST_PG_URL /
// MK_TEST_MYSQL_URL. Without MK_DBSERVERS_DIR the process environment variables of the same name
// are used. Empty when unknown.
//   postgres://mk:mk-test-pw@127.0.0.1:PORT/mk?sslmode=disable
//   mysql://mk:mk-test-pw@127.0.0.1:PORT/mk
QString serverUrl(Engine engine);

// The server's TCP port on 127.0.0.1 (from serverUrl), 0 when unknown.
int serverPort(Engine engine);

// The test servers also speak TLS, with a certificate for DNS:localhost only (not 127.0.0.1)
// signed by a throw-away CA that db-servers.sh made with the openssl CLI. tlsCaFile() is that
// CA (MK_TEST_TLS_CA of the env file), tlsOtherCaFile() a second CA that signed nothing
// (MK_TEST_TLS_OTHER_CA). Empty when unknown.
QString tlsCaFile();
QString tlsOtherCaFile();

// The user and password of the `mk` account on both servers (only for tests that type them).
QString serverUser();
QString serverPassword();

// URL of the per-test database `schemaName` on the same server (a PostgreSQL DATABASE or a
// MariaDB database; not a PostgreSQL schema).
QString urlForSchema(Engine engine, const QString& schemaName);

// A valid, deterministic database name for (prefix, key): lowercase [a-z0-9_], at most 60
// characters, with a hash of both so that distinct keys (e.g. fixture paths) never collide.
QString schemaNameFor(const QString& prefix, const QString& key);

// Copies every table of the Grafana SQLite database at sqlitePath into a fresh database
// `schemaName` (dropped first if it exists) on the given server, with Grafana's column types for
// that engine (data_keys exactly as in formats.md section 2.1). All rows are copied with bound
// parameters inside one transaction per table; secret columns are byte-exact. Returns false and
// sets *error on failure.
bool loadSqliteIntoServer(const QString& sqlitePath, Engine engine, const QString& schemaName,
                          QString* error);

// DROP DATABASE IF EXISTS schemaName (PostgreSQL: WITH (FORCE)).
bool dropServerSchema(Engine engine, const QString& schemaName, QString* error);

// An open Qt SQL connection (QPSQL / QMYSQL) to `database` on the server (empty = the admin
// database `mk`), under a unique connection name that is removed again in the destructor.
// Do not keep copies of db() beyond the lifetime of this object.
class ServerConnection
{
public:
    explicit ServerConnection(Engine engine, const QString& database = {});
    ~ServerConnection();
    ServerConnection(const ServerConnection&) = delete;
    ServerConnection& operator=(const ServerConnection&) = delete;

    bool isOpen() const;
    QString error() const { return m_error; }
    QSqlDatabase db() const;
    Engine engine() const { return m_engine; }

private:
    Engine m_engine;
    QString m_connectionName;
    QString m_error;
};

// Quotes an identifier for the engine ("x" / `x`).
QString quoteIdentifier(Engine engine, const QString& identifier);

} // namespace mk::test
