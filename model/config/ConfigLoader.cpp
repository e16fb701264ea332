#include "model/config/ConfigLoader.h"

#include "model/config/ConfigLog.h"
#include "model/config/GoDuration.h"
#include "model/config/GoText.h"
#include "model/config/IniFile.h"
#include "model/config/ValueExpander.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>

namespace mk::config {

namespace {

const QString kEncryptionPrefix = QStringLiteral("security.encryption.");

// One setting after override + expansion.
struct Setting
{
    QByteArray value;
    bool fromEnv = false;
};

class Reader
{
public:
    Reader(const IniFile& ini, const QProcessEnvironment& env, MosaicooConfig& out)
        : m_ini(ini)
        , m_env(env)
        , m_expander(env)
        , m_out(out)
    {
    }

    // nullopt: neither env override nor a non-empty file value.
    Result<std::optional<Setting>> get(const QString& section, const QString& key)
    {
        const QString where = section + QLatin1Char('.') + key;
        Setting s;
        const QString envName = envKeyFor(section, key);
        const QString envValue = m_env.value(envName);
        if (!envValue.isEmpty()) {
            s.value = envValue.toUtf8();
            s.fromEnv = true;
            if (!m_out.appliedEnvOverrides.contains(envName))
                m_out.appliedEnvOverrides << envName;
        } else {
            const auto hit = m_ini.find(section, key);
            if (!hit || hit->value.isEmpty())
                return std::optional<Setting>();
            if (!hit->exactCase) {
                const QString note = QStringLiteral("%1 was read from [%2] %3: names differ in case, "
                                                    "which Grafana itself would not accept")
                                         .arg(where, hit->section, hit->key);
                qCWarning(lcConfig).noquote() << note;
                m_out.warnings << note;
            }
            s.value = hit->value;
        }
        auto expanded = m_expander.expand(s.value, where);
        if (!expanded)
            return std::unexpected(expanded.error());
        s.value = *expanded;
        return std::optional<Setting>(s);
    }

    // String with go-ini MustString semantics: empty -> fallback.
    Result<QString> str(const QString& section, const QString& key, const QString& fallback = {})
    {
        auto s = get(section, key);
        if (!s)
            return std::unexpected(s.error());
        if (!*s || (*s)->value.isEmpty())
            return fallback;
        return QString::fromUtf8((*s)->value);
    }

    Result<qint64> durationSeconds(const QString& section, const QString& key, qint64 fallback)
    {
        auto text = str(section, key);
        if (!text)
            return std::unexpected(text.error());
        if (text->isEmpty())
            return fallback;
        const auto d = parseGoDuration(*text);
        if (!d) {
            // go-ini MustDuration silently falls back; we say so.
            const QString note = QStringLiteral("%1.%2 is not a Go duration; the default %3s applies")
                                     .arg(section, key)
                                     .arg(fallback);
            qCWarning(lcConfig).noquote() << note;
            m_out.warnings << note;
            return fallback;
        }
        return std::chrono::duration_cast<std::chrono::seconds>(*d).count();
    }

private:
    const IniFile& m_ini;
    const QProcessEnvironment& m_env;
    ValueExpander m_expander;
    MosaicooConfig& m_out;
};

#define MK_TRY(var, expr)                                                                          \
    auto var##_r = (expr);                                                                         \
    if (!var##_r)                                                                                  \
        return std::unexpected(var##_r.error());                                                   \
    auto var = std::move(*var##_r)

const QString kSecretsManager = QStringLiteral("secrets_manager");
const QString kGsmEncryptionPrefix = QStringLiteral("secrets_manager.encryption.");
const QByteArray kPublicDefaultKey = QByteArrayLiteral("SW2YcwTIb9zpOOhoPsMm");

// [secrets_manager] and every [secrets_manager.encryption.<id>] (secrets-manager.md §3.6).
Result<void> readSecretsManager(const IniFile& ini, Reader& r, MosaicooConfig& cfg)
{
    SecretsManagerSettings& gsm = cfg.secretsManager;
    for (const auto& s : ini.sections()) {
        if (s.name.compare(kSecretsManager, Qt::CaseInsensitive) == 0
            || s.name.startsWith(kSecretsManager + QLatin1Char('.'), Qt::CaseInsensitive))
            gsm.sectionPresent = true;
    }
    MK_TRY(provider, r.str(kSecretsManager, QStringLiteral("encryption_provider"), gsm.encryptionProvider));
    gsm.encryptionProvider = provider;
    MK_TRY(ttl, r.durationSeconds(kSecretsManager, QStringLiteral("data_keys_cache_ttl"),
                                  gsm.dataKeysCacheTtlSeconds));
    gsm.dataKeysCacheTtlSeconds = ttl;
    for (const auto& s : ini.sections()) {
        if (!s.name.startsWith(kGsmEncryptionPrefix, Qt::CaseInsensitive))
            continue;
        SecretsManagerProvider p;
        p.id = s.name.mid(kGsmEncryptionPrefix.size());
        if (p.id.isEmpty() || gsm.provider(p.id))
            continue;
        MK_TRY(key, r.get(s.name, QStringLiteral("secret_key")));
        if (key) {
            p.secretKey = key->value;
            p.secretKeyFromEnv = key->fromEnv;
        }
        p.publicDefault = p.secretKey == kPublicDefaultKey;
        if (!p.id.startsWith(QLatin1String("secret_key"))) {
            cfg.warnings << QStringLiteral("[%1]: provider kind not supported by the console "
                                           "(only secret_key.* providers can unwrap here)")
                                .arg(s.name);
        } else if (p.secretKey.isEmpty()) {
            cfg.warnings << QStringLiteral("[%1] has no secret_key: Grafana refuses to start").arg(s.name);
        }
        gsm.providers << p;
    }
    // Mid-2025 variant: [secrets_manager] secret_key is the KEK of provider "secretKey.v1".
    MK_TRY(oldKey, r.get(kSecretsManager, QStringLiteral("secret_key")));
    if (oldKey) {
        gsm.midTwentyFiveVariant = true;
        SecretsManagerProvider p;
        p.id = QStringLiteral("secretKey.v1");
        p.secretKey = oldKey->value;
        p.secretKeyFromEnv = oldKey->fromEnv;
        p.publicDefault = p.secretKey == kPublicDefaultKey;
        gsm.providers << p;
        cfg.warnings << QStringLiteral("[secrets_manager] secret_key is the mid-2025 form (provider "
                                       "secretKey.v1); Grafana 12.3+ reads only "
                                       "[secrets_manager.encryption.secret_key.vN] sections");
    }
    // defaults.ini ships secret_key.v1 with the public default key.
    if (!gsm.provider(QStringLiteral("secret_key.v1"))) {
        SecretsManagerProvider p;
        p.id = QStringLiteral("secret_key.v1");
        p.secretKey = kPublicDefaultKey;
        p.publicDefault = true;
        p.implied = true;
        gsm.providers << p;
    }
    if (!gsm.provider(gsm.encryptionProvider))
        cfg.warnings << QStringLiteral("[secrets_manager] encryption_provider %1 has no "
                                       "[secrets_manager.encryption.%1] section: Grafana refuses to start")
                            .arg(gsm.encryptionProvider);
    return {};
}

std::optional<DatabaseType> databaseType(const QString& name)
{
    if (name == QLatin1String("sqlite3"))
        return DatabaseType::Sqlite3;
    if (name == QLatin1String("postgres") || name == QLatin1String("postgresql"))
        return DatabaseType::Postgres;
    if (name == QLatin1String("mysql"))
        return DatabaseType::Mysql;
    return std::nullopt;
}

// Split "host", "host:port", "[v6]:port" or "/socket/path" (util.SplitHostPortDefault for postgres;
// the mysql driver behaves the same for the shapes Grafana accepts).
Result<void> splitHost(DatabaseSettings& db)
{
    const QString in = db.configuredHost;
    db.unixSocket = false;
    db.port = db.type == DatabaseType::Postgres ? 5432 : 3306;
    db.host = QStringLiteral("127.0.0.1");
    if (in.isEmpty())
        return {};
    if (in.startsWith(QLatin1Char('/'))) {
        db.unixSocket = true;
        db.host = in;
        db.port = 0;
        return {};
    }
    QString hostPart = in;
    QString portPart;
    if (in.startsWith(QLatin1Char('['))) {
        const qsizetype close = in.lastIndexOf(QLatin1Char(']'));
        if (close < 0)
            return fail(ErrorCode::BadValue, QStringLiteral("database.host: missing ']' in address"));
        hostPart = in.mid(1, close - 1);
        const QString rest = in.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(QLatin1Char(':')))
                return fail(ErrorCode::BadValue, QStringLiteral("database.host: invalid address"));
            portPart = rest.mid(1);
        }
    } else {
        const qsizetype colon = in.lastIndexOf(QLatin1Char(':'));
        if (colon >= 0) {
            hostPart = in.left(colon);
            portPart = in.mid(colon + 1);
        }
    }
    if (!hostPart.isEmpty())
        db.host = hostPart;
    if (!portPart.isEmpty()) {
        bool ok = false;
        const int port = portPart.toInt(&ok);
        if (!ok || port <= 0 || port > 65535)
            return fail(ErrorCode::BadValue, QStringLiteral("database.host: invalid port"));
        db.port = port;
    }
    return {};
}

Result<void> applyUrl(DatabaseSettings& db, const QString& text)
{
    // Never echo the URL: it usually carries the password.
    const QUrl url(text, QUrl::TolerantMode);
    if (!url.isValid() || url.scheme().isEmpty())
        return fail(ErrorCode::BadValue, QStringLiteral("database.url is not a valid URL"));
    const auto type = databaseType(url.scheme());
    if (!type)
        return fail(ErrorCode::BadValue,
                    QStringLiteral("database.url: unknown database type '%1'").arg(url.scheme()));
    db.type = *type;
    db.fromUrl = true;
    QString authority = url.host(QUrl::FullyDecoded);
    if (authority.contains(QLatin1Char(':')))
        authority = QLatin1Char('[') + authority + QLatin1Char(']');
    if (url.port() != -1)
        authority += QLatin1Char(':') + QString::number(url.port());
    db.configuredHost = authority;
    const QStringList pathSplit = url.path(QUrl::FullyDecoded).split(QLatin1Char('/'));
    db.name = pathSplit.size() > 1 ? pathSplit.at(1) : QString();
    db.user = url.userName(QUrl::FullyDecoded);
    db.password = url.password(QUrl::FullyDecoded);
    db.urlQueryParams.clear();
    for (const auto& [k, v] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
        db.urlQueryParams.insert(k, v);
    return {};
}

QString absoluteClean(const QString& path, const QString& root)
{
    if (QDir::isAbsolutePath(path))
        return QDir::cleanPath(path);
    return QDir::cleanPath(QDir(root).absoluteFilePath(path));
}

Result<MosaicooConfig> readConfig(const IniFile& ini, const QString& iniPath,
                                  const QProcessEnvironment& env, QStringList loadedFiles)
{
    MosaicooConfig cfg;
    cfg.iniPath = iniPath.isEmpty() ? QString() : QFileInfo(iniPath).absoluteFilePath();
    cfg.loadedFiles = std::move(loadedFiles);
    cfg.homePath = grafanaHomePath(iniPath);
    Reader r(ini, env, cfg);
    const QString database = QStringLiteral("database");

    // [paths]
    MK_TRY(data, r.str(QStringLiteral("paths"), QStringLiteral("data"), QStringLiteral("data")));
    cfg.dataPath = absoluteClean(data, cfg.homePath);

    // [database]
    DatabaseSettings& db = cfg.database;
    MK_TRY(url, r.str(database, QStringLiteral("url")));
    if (!url.isEmpty()) {
        if (auto ok = applyUrl(db, url); !ok)
            return std::unexpected(ok.error());
    } else {
        MK_TRY(typeName, r.str(database, QStringLiteral("type"), QStringLiteral("sqlite3")));
        const auto type = databaseType(typeName);
        if (!type)
            return fail(ErrorCode::BadValue,
                        QStringLiteral("database.type: unknown database type '%1'").arg(typeName));
        db.type = *type;
        MK_TRY(host, r.str(database, QStringLiteral("host"), db.configuredHost));
        db.configuredHost = host;
        MK_TRY(name, r.str(database, QStringLiteral("name"), db.name));
        db.name = name;
        MK_TRY(user, r.str(database, QStringLiteral("user"), db.user));
        db.user = user;
        MK_TRY(password, r.str(database, QStringLiteral("password")));
        db.password = password;
    }
    if (db.type == DatabaseType::Sqlite3) {
        db.port = 0;
        db.host.clear();
    } else if (auto ok = splitHost(db); !ok) {
        return std::unexpected(ok.error());
    }
    MK_TRY(sqlitePath, r.str(database, QStringLiteral("path"), db.path));
    db.path = sqlitePath;
    db.sqliteFile = absoluteClean(db.path, cfg.dataPath);
    MK_TRY(sslMode, r.str(database, QStringLiteral("ssl_mode"), db.sslMode));
    db.sslMode = sslMode;
    if (db.type == DatabaseType::Postgres && db.urlQueryParams.contains(QStringLiteral("sslmode")))
        db.sslMode = db.urlQueryParams.value(QStringLiteral("sslmode")); // appended last: wins
    MK_TRY(ca, r.str(database, QStringLiteral("ca_cert_path")));
    db.caCertPath = ca;
    MK_TRY(clientKey, r.str(database, QStringLiteral("client_key_path")));
    db.clientKeyPath = clientKey;
    MK_TRY(clientCert, r.str(database, QStringLiteral("client_cert_path")));
    db.clientCertPath = clientCert;
    MK_TRY(serverName, r.str(database, QStringLiteral("server_cert_name")));
    db.serverCertName = serverName;

    // [security]
    SecuritySettings& sec = cfg.security;
    const QString security = QStringLiteral("security");
    MK_TRY(secretKey, r.get(security, QStringLiteral("secret_key")));
    if (secretKey) {
        sec.secretKey = secretKey->value;
        sec.secretKeyFromEnv = secretKey->fromEnv;
    }
    MK_TRY(provider, r.str(security, QStringLiteral("encryption_provider"), sec.encryptionProvider));
    sec.encryptionProvider = provider;
    MK_TRY(available, r.str(security, QStringLiteral("available_encryption_providers")));
    sec.availableEncryptionProviders = gotext::splitString(available);

    // [security.encryption]
    const QString encryption = QStringLiteral("security.encryption");
    MK_TRY(algorithm, r.str(encryption, QStringLiteral("algorithm"), sec.algorithm));
    sec.algorithm = algorithm;
    MK_TRY(ttl, r.durationSeconds(encryption, QStringLiteral("data_keys_cache_ttl"),
                                  sec.dataKeysCacheTtlSeconds));
    sec.dataKeysCacheTtlSeconds = ttl;
    MK_TRY(cleanup, r.durationSeconds(encryption, QStringLiteral("data_keys_cache_cleanup_interval"),
                                      sec.dataKeysCacheCleanupIntervalSeconds));
    sec.dataKeysCacheCleanupIntervalSeconds = cleanup;

    // KMS provider sections and individual feature toggles: keys present in the file only.
    for (const auto& s : ini.sections()) {
        if (!s.name.startsWith(kEncryptionPrefix, Qt::CaseInsensitive))
            continue;
        const QString providerId = s.name.mid(kEncryptionPrefix.size());
        if (!providerId.contains(QLatin1Char('.')) || providerId.startsWith(QLatin1Char('.')))
            continue; // not <kind>.<name>
        QMap<QString, QString>& values = sec.kmsProviders[providerId];
        for (const auto& e : s.entries) {
            MK_TRY(v, r.str(s.name, e.key));
            values.insert(e.key, v);
        }
    }

    if (auto ok = readSecretsManager(ini, r, cfg); !ok)
        return std::unexpected(ok.error());

    // [feature_toggles]
    const QString toggles = QStringLiteral("feature_toggles");
    MK_TRY(enable, r.str(toggles, QStringLiteral("enable")));
    for (const auto& name : gotext::splitString(enable))
        cfg.featureToggles.insert(name, true);
    if (const IniFile::Section* ts = ini.section(toggles)) {
        for (const auto& e : ts->entries) {
            if (e.key == QLatin1String("enable"))
                continue;
            MK_TRY(v, r.str(ts->name, e.key));
            if (const auto b = gotext::parseBool(v))
                cfg.featureToggles.insert(e.key, *b); // toggle names are case-sensitive
        }
    }
    cfg.envelopeEncryptionDisabled =
        cfg.featureToggles.value(QStringLiteral("disableEnvelopeEncryption"), false);

    return cfg;
}

#undef MK_TRY

} // namespace

QString envKeyFor(const QString& section, const QString& key)
{
    QString s = section;
    s.replace(QLatin1Char('.'), QLatin1Char('_')).replace(QLatin1Char('-'), QLatin1Char('_'));
    QString k = key;
    k.replace(QLatin1Char('.'), QLatin1Char('_'));
    return QStringLiteral("GF_%1_%2").arg(s.toUpper(), k.toUpper());
}

QString grafanaHomePath(const QString& iniPath)
{
    if (iniPath.isEmpty())
        return QDir::currentPath();
    // Pure path arithmetic: the folders need not exist (parseConfig on text).
    const QString folder = QDir::cleanPath(QFileInfo(iniPath).absolutePath());
    const QFileInfo folderInfo(folder);
    if (folderInfo.fileName() == QLatin1String("conf"))
        return QDir::cleanPath(folderInfo.absolutePath());
    return folder;
}

Result<MosaicooConfig> parseConfig(QByteArrayView text, const QString& iniPath,
                                   const QProcessEnvironment& env)
{
    auto ini = IniFile::parse(text);
    if (!ini)
        return std::unexpected(ini.error());
    return readConfig(*ini, iniPath, env, {});
}

Result<MosaicooConfig> loadConfig(const QString& iniPath, const QProcessEnvironment& env)
{
    auto user = IniFile::load(iniPath);
    if (!user)
        return std::unexpected(user.error());

    const QString self = QFileInfo(iniPath).canonicalFilePath();
    const QString defaults = QDir(grafanaHomePath(iniPath)).filePath(QStringLiteral("conf/defaults.ini"));
    if (QFileInfo::exists(defaults) && QFileInfo(defaults).canonicalFilePath() != self) {
        auto base = IniFile::load(defaults);
        if (!base)
            return std::unexpected(base.error());
        base->mergeNonEmpty(*user);
        qCInfo(lcConfig) << "config:" << defaults << "overlaid with" << iniPath;
        return readConfig(*base, iniPath, env,
                          {QFileInfo(defaults).absoluteFilePath(), QFileInfo(iniPath).absoluteFilePath()});
    }
    // Grafana's own loader also skips empty values of the user file: mirror that.
    IniFile merged;
    merged.mergeNonEmpty(*user);
    qCInfo(lcConfig) << "config:" << iniPath;
    return readConfig(merged, iniPath, env, {QFileInfo(iniPath).absoluteFilePath()});
}

} // namespace mk::config
