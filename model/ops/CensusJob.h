#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/SecretsManager.h"
#include "model/ops/Liveness.h"

#include <QList>
#include <QString>

namespace mk::model {

enum class UnwrapStatus
{
    Ok,                  // the KEK provider unwrapped 16 bytes (CFB cannot prove they are right)
    Failed,              // unwrapping failed (GCM tag, wrong length, broken payload)
    ProviderUnavailable, // the key's provider is not configured here
};
QString unwrapStatusName(UnwrapStatus status); // "ok" | "failed" | "provider-unavailable"

struct DataKeyInfo
{
    QString id;
    QString label;
    QString provider;
    QString scope;
    bool active = false;
    QString created;
    QString updated;
    qint64 references = 0; // values (in every location) that name this key
    UnwrapStatus unwrap = UnwrapStatus::Failed;
    QString unwrapDetail;  // technical reason when not Ok (never key material)
    QString store = kLegacyStoreName; // "legacy" (data_keys) | "secrets-manager" (secret_data_key)
    QString nameSpace;     // secrets-manager keys only
};

struct LocationCensus
{
    QString table;
    QString column;
    bool present = false;
    bool migratedUpstream = true; // false for cache_data, alert_configuration_history, ...
    qint64 rows = 0;
    qint64 values = 0;
    qint64 empty = 0;
    qint64 legacy = 0;
    qint64 envelope = 0;
    qint64 aesCfb = 0;
    qint64 aesGcm = 0;
    qint64 orphaned = 0;
    qint64 malformed = 0;
};

struct CensusTotals
{
    qint64 values = 0;
    qint64 legacy = 0;
    qint64 envelope = 0;
    qint64 orphaned = 0;
    qint64 malformed = 0;
    qint64 unusedDataKeys = 0;
};

struct CensusResult
{
    QString driver;   // "sqlite" | "postgres" | "mysql"
    QString location; // file path or host:port/db (no password)
    QString schema;   // schema era text
    QString encryptionProvider;
    QString algorithm;
    bool envelopeEncryption = true;
    qint64 dataKeysCacheTtlSeconds = 900;
    bool defaultSecretKey = false;
    QList<DataKeyInfo> dataKeys;
    QList<LocationCensus> locations;
    CensusTotals totals;
    // values per data key id / per format token, for the overview chart
    QList<QPair<QString, qint64>> valuesPerFormat;
    // The secrets-manager store (secret_* tables); present=false when the tables do not exist.
    GsmCensus secretsManager;
    Liveness liveness; // a running server writing here?
    QStringList dataSourceUids; // compared with what the instances list through their API
};

// `status`: census of every location without decrypting values; data keys are unwrapped.
[[nodiscard]] Result<CensusResult> runCensus(const Target& target, JobContext* context);

} // namespace mk::model
