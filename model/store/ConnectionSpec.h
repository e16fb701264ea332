#pragma once

#include "model/store/StoreError.h"

#include <QString>

namespace mk::store {

// Where a Grafana/Mosaicoo database lives. Parsed from a --db URL or built by the UI.
struct ConnectionSpec
{
    enum class Driver { Sqlite, Postgres, Mysql };

    Driver driver = Driver::Sqlite;
    QString path;        // SQLite file
    QString host;
    int port = 0;        // 0: driver default (5432 / 3306)
    QString database;
    QString user;
    QString password;    // never logged, never shown
    QString sslMode;     // TLS mode, see parseTlsMode(); fromUrl() stores the canonical name
    QString sslRootCert; // CA file that must have signed the server's certificate
    bool readOnly = true;

    // How the connection is protected (libpq's sslmode semantics; Database::open maps them to
    // the MySQL driver and refuses what that driver cannot enforce).
    enum class TlsMode
    {
        Default,    // sslmode not given: the driver's default (libpq: prefer; MySQL: no TLS)
        Disable,    // no TLS
        Allow,      // TLS only if the server insists (MySQL: like prefer)
        Prefer,     // TLS if the server offers it, without checking its certificate
        Require,    // TLS or fail; the certificate is checked only if sslrootcert is given
        VerifyCa,   // TLS, certificate signed by the CA of sslrootcert
        VerifyFull, // as verify-ca, and the certificate names the host connected to
    };

    // sslmode / ssl-mode value, case-insensitive: libpq's names (disable, allow, prefer, require,
    // verify-ca, verify-full), MySQL's (disabled, preferred, required, verify_ca,
    // verify_identity) and Grafana's MySQL ssl_mode (false, skip-verify = require,
    // true = verify-full). Empty: Default. Anything else is an error naming the valid values.
    [[nodiscard]] static Result<TlsMode> parseTlsMode(const QString& value);
    // libpq spelling ("verify-full", ...); empty for Default.
    static QString tlsModeName(TlsMode mode);
    // The mode in effect: sslMode parsed, and a CA file without a mode means verify-ca.
    [[nodiscard]] Result<TlsMode> tlsMode() const;

    // sqlite:PATH, sqlite://PATH, a bare file path,
    // postgres[ql]://USER:PASS@HOST:PORT/NAME?sslmode=...&sslrootcert=...,
    // mysql://USER:PASS@HOST:PORT/NAME?sslmode=...&sslrootcert=... (also mariadb://).
    // User and password are percent-decoded; ssl-mode and ssl-ca are accepted as aliases.
    [[nodiscard]] static Result<ConnectionSpec> fromUrl(const QString& url);

    // Human-readable target without the password.
    QString displayName() const;
    // `text` with the password of every URL in it ("scheme://user:password@") replaced by ***:
    // for messages and log lines that quote what the user typed.
    static QString maskCredentials(const QString& text);
    int effectivePort() const;
};

} // namespace mk::store
