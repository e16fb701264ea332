#include "model/Target.h"

#include "model/config/ConfigLoader.h"

namespace mk::model {

namespace {

Error fromConfigError(const config::Error& error, const QString& what)
{
    return {ErrorKind::Config, QStringLiteral("%1: %2").arg(what, error.detail)};
}

store::ConnectionSpec connectionFromConfig(const config::MosaicooConfig& config)
{
    const config::DatabaseSettings& db = config.database;
    store::ConnectionSpec spec;
    switch (db.type) {
    case config::DatabaseType::Sqlite3:
        spec.driver = store::ConnectionSpec::Driver::Sqlite;
        spec.path = db.sqliteFile;
        return spec;
    case config::DatabaseType::Postgres:
        spec.driver = store::ConnectionSpec::Driver::Postgres;
        break;
    case config::DatabaseType::Mysql:
        spec.driver = store::ConnectionSpec::Driver::Mysql;
        break;
    }
    spec.host = db.host;
    spec.port = db.port;
    spec.database = db.name;
    spec.user = db.user;
    spec.password = db.password;
    spec.sslMode = db.sslMode;
    spec.sslRootCert = db.caCertPath;
    return spec;
}

} // namespace

QString secretKeyOriginLabel(const Target& target)
{
    const QString saved = target.secretKeySavedTo.isEmpty()
                              ? QString()
                              : QStringLiteral(", saved to %1").arg(target.secretKeySavedTo);
    if (target.secretKeyGenerated)
        return QStringLiteral("generated in this session") + saved;
    if (target.secretKeyTyped)
        return QStringLiteral("typed in") + saved;
    return config::describe(target.secretKeyOrigin);
}

Result<Target> resolveTarget(const OpenRequest& request)
{
    Target target;
    const bool haveConfig = !request.configFile.isEmpty();
    if (haveConfig) {
        auto loaded = config::loadConfig(request.configFile, request.environment);
        if (!loaded)
            return std::unexpected(fromConfigError(loaded.error(), request.configFile));
        target.config = std::move(*loaded);
    }

    if (!request.dbUrl.isEmpty()) {
        auto spec = store::ConnectionSpec::fromUrl(request.dbUrl);
        if (!spec)
            return fail(ErrorKind::Usage,
                        QStringLiteral("Invalid database URL: %1").arg(spec.error().detail));
        target.connection = std::move(*spec);
    } else if (haveConfig) {
        target.connection = connectionFromConfig(target.config);
    } else if (!request.databaseOptional) {
        return fail(ErrorKind::Usage,
                    QStringLiteral("No database given: use --db URL (or a file path) or --config FILE."));
    }

    if (!request.typedSecretKey.isEmpty()) {
        target.secretKey = request.typedSecretKey;
        target.secretKeyTyped = true;
        target.secretKeyOrigin = config::SecretKeyOrigin::File;
        target.publicDefaultKey = request.typedSecretKey == config::kPublicDefaultSecretKey;
        return target;
    }
    auto key = config::resolveSecretKey(request.secretKeyFile, request.environment,
                                        haveConfig ? &target.config : nullptr);
    if (!key) {
        const QString what = request.secretKeyFile.isEmpty() ? QStringLiteral("secret key")
                                                             : request.secretKeyFile;
        return std::unexpected(fromConfigError(key.error(), what));
    }
    target.secretKey = key->key;
    target.secretKeyOrigin = key->origin;
    target.publicDefaultKey = key->usesPublicDefault;
    return target;
}

} // namespace mk::model
