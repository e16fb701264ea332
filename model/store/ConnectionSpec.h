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
    QString sslMode;     // postgres: disable/allow/prefer/require/verify-ca/verify-full; mysql: informational
    QString sslRootCert; // CA file
    bool readOnly = true;

    // sqlite:PATH, sqlite://PATH, a bare file path,
    // postgres[ql]://USER:PASS@HOST:PORT/NAME?sslmode=...&sslrootcert=...,
    // mysql://USER:PASS@HOST:PORT/NAME (also mariadb://). User and password are percent-decoded.
    [[nodiscard]] static Result<ConnectionSpec> fromUrl(const QString& url);

    // Human-readable target without the password.
    QString displayName() const;
    int effectivePort() const;
};

} // namespace mk::store
