#pragma once

#include "model/ModelError.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The running Grafana/Mosaicoo instances of an installation, reached through their HTTP API with a
// service-account token (server admin): health and version, whether they use the opened database,
// and `POST /api/admin/encryption/rotate-data-keys`, which deactivates the data keys (the first
// call) and flushes that instance's data-key cache (every call).
namespace mk::model {

struct InstanceTargets
{
    QStringList urls;     // base URLs, e.g. https://grafana-1.internal:3000
    QByteArray token;     // the API token (never logged, never shown)
    QString caFile;       // PEM CA for TLS verification (empty: the system's CAs)
    int timeoutMs = 10'000;
};

// Where the instances come from: --instance (repeatable) or `[console] instances = a, b` in the
// console's own settings (~/.config/Mosaicoo/mosaicoo-keys.conf), and the token from
// --api-token-file (or `[console] api_token_file`). The token file must not be readable by others.
struct InstanceRequest
{
    QStringList urls;
    QString tokenFile;
    QString caFile;
    bool useSettings = true; // also read the console's settings when urls is empty
};

// The settings file (QSettings IniFormat, organisation Mosaicoo, application mosaicoo-keys).
QString consoleSettingsPath();

// Resolves the request: URLs checked (http/https, host present), token read and trimmed, CA file
// readable. Returns an empty urls list when no instance is configured. Config errors name the file,
// never the token.
[[nodiscard]] Result<InstanceTargets> resolveInstances(const InstanceRequest& request);

enum class InstanceState
{
    Ok,           // answered as expected
    Down,         // connection refused / host not found
    Unauthorized, // 401: wrong or expired token
    Forbidden,    // 403: the token lacks server-admin rights
    TlsError,     // certificate not trusted / wrong host
    Timeout,
    Failed,       // any other HTTP status or network error
};

// "ok", "down", "unauthorized", "forbidden", "tls-error", "timeout", "failed"
QString instanceStateName(InstanceState state);

struct InstanceStatus
{
    QString url;
    InstanceState state = InstanceState::Failed;
    int httpStatus = 0;
    QString detail;   // error text (no token), or empty
    QString version;  // /api/health "version" (or buildInfo.version)
    QString commit;
    QString edition;  // /api/frontend/settings buildInfo.edition
    QString databaseHealth; // /api/health "database"
    // Does the instance use the opened database? Compared by the data source uids the API lists
    // (GET /api/datasources) with the data_source table: nullopt when it cannot be told (no data
    // sources on either side, or the call failed).
    std::optional<bool> sameDatabase;
    QString sameDatabaseDetail;
};

struct InstanceCall
{
    QString url;
    InstanceState state = InstanceState::Failed;
    int httpStatus = 0;
    QString detail;
    qint64 atMs = 0; // when the call answered (ms since the epoch)
};

// GET /api/health, /api/frontend/settings and /api/datasources of every instance. databaseUids:
// data_source.uid of the opened database (empty: not compared).
QList<InstanceStatus> probeInstances(const InstanceTargets& targets, const QStringList& databaseUids);

// POST /api/admin/encryption/rotate-data-keys on every instance, in order (204 = done).
QList<InstanceCall> rotateDataKeysViaApi(const InstanceTargets& targets);

} // namespace mk::model
