#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace mk::config {

enum class DatabaseType
{
    Sqlite3,
    Postgres,
    Mysql,
};

// [database], after env overrides and expansion. Defaults are those of Grafana's defaults.ini.
struct DatabaseSettings
{
    DatabaseType type = DatabaseType::Sqlite3;
    QString configuredHost = QStringLiteral("127.0.0.1:3306"); // `host` (or URL authority) as given
    QString host = QStringLiteral("127.0.0.1"); // host name / IP (no brackets) or socket path
    int port = 3306;                             // 0 for sqlite3 and unix sockets
    bool unixSocket = false;                     // host starts with '/'
    QString name = QStringLiteral("grafana");
    QString user = QStringLiteral("root");
    QString password; // secret: never log
    bool fromUrl = false;                        // `url` was set and replaced host/name/user/password
    QMap<QString, QString> urlQueryParams;       // query of `url` (sslmode copied into sslMode)
    QString path = QStringLiteral("grafana.db"); // `path` as configured
    QString sqliteFile;                          // absolute: path resolved against the data folder
    QString sslMode = QStringLiteral("disable");
    QString caCertPath;
    QString clientKeyPath;
    QString clientCertPath;
    QString serverCertName;
};

struct SecuritySettings
{
    // Raw bytes of [security] secret_key (or GF_SECURITY_SECRET_KEY). nullopt: not configured, the
    // server would use defaults.ini's public default. Present-but-empty only happens when an
    // expansion yields nothing (see resolveSecretKey).
    std::optional<QByteArray> secretKey; // secret: never log
    bool secretKeyFromEnv = false;       // came from GF_SECURITY_SECRET_KEY
    QString encryptionProvider = QStringLiteral("secretKey.v1");
    QStringList availableEncryptionProviders;
    // [security.encryption]
    QString algorithm = QStringLiteral("aes-cfb");
    qint64 dataKeysCacheTtlSeconds = 15 * 60;
    qint64 dataKeysCacheCleanupIntervalSeconds = 60;
    // [security.encryption.<kind>.<name>] -> providerId "<kind>.<name>" -> key -> value.
    // Values may be credentials: never log them.
    QMap<QString, QMap<QString, QString>> kmsProviders;
};

// One [secrets_manager.encryption.<id>] section (secrets-manager.md §3.6).
struct SecretsManagerProvider
{
    QString id;                  // as written after the prefix, e.g. "secret_key.v2"
    QByteArray secretKey;        // secret: never log. Empty: the section has no usable secret_key
    bool secretKeyFromEnv = false;
    bool publicDefault = false;  // the well-known default key (configured or implied)
    bool implied = false;        // not in any file: defaults.ini's secret_key.v1 assumed
};

// [secrets_manager] of Grafana 12/13 (the `secret_*` store).
struct SecretsManagerSettings
{
    QString encryptionProvider = QStringLiteral("secret_key.v1");
    QList<SecretsManagerProvider> providers; // file order; the implied default last
    qint64 dataKeysCacheTtlSeconds = 15 * 60;
    // Mid-2025 variant: provider "secretKey.v1" keyed by [secrets_manager] secret_key.
    bool midTwentyFiveVariant = false;
    bool sectionPresent = false; // any [secrets_manager*] section in the files

    const SecretsManagerProvider* provider(const QString& id) const
    {
        for (const SecretsManagerProvider& p : providers) {
            if (p.id == id)
                return &p;
        }
        return nullptr;
    }
};

struct MosaicooConfig
{
    QString iniPath;               // absolute path of the file given (empty for parseConfig without one)
    QStringList loadedFiles;       // defaults.ini (if layered) then iniPath
    QString homePath;              // Grafana home: parent of a `conf` folder, else the ini's folder
    QString dataPath;              // [paths] data, absolute

    DatabaseSettings database;
    SecuritySettings security;
    SecretsManagerSettings secretsManager;

    // [feature_toggles]: `enable` list plus individual boolean keys (individual keys win).
    QMap<QString, bool> featureToggles;
    bool envelopeEncryptionDisabled = false; // toggle disableEnvelopeEncryption (9.0+)

    QStringList appliedEnvOverrides; // names only, e.g. "GF_DATABASE_TYPE"
    QStringList warnings;            // human-readable, value-free notes (case-insensitive match, ...)
};

} // namespace mk::config
