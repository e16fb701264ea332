#include "model/config/SecretKeySource.h"

#include "model/config/FileReader.h"
#include "model/config/ConfigLog.h"
#include "model/config/ValueExpander.h"


namespace mk::config {

namespace {

SecretKeySource make(QByteArray key, SecretKeyOrigin origin)
{
    const bool isDefault = key == QByteArrayView(kPublicDefaultSecretKey);
    return SecretKeySource{std::move(key), origin, isDefault};
}

Result<QByteArray> readKeyFile(const QString& path)
{
    auto read = readUserFile(path, QStringLiteral("secret key file"));
    if (!read)
        return std::unexpected(read.error());
    QByteArray key = std::move(*read);
    while (key.endsWith('\n')) {
        key.chop(1);
        if (key.endsWith('\r'))
            key.chop(1);
    }
    if (key.isEmpty())
        return fail(ErrorCode::BadValue, QStringLiteral("secret key file is empty: %1").arg(path));
    return key;
}

} // namespace

Result<SecretKeySource> resolveSecretKey(const QString& secretKeyFile, const QProcessEnvironment& env,
                                         const MosaicooConfig* config)
{
    SecretKeySource result;
    if (!secretKeyFile.isEmpty()) {
        auto key = readKeyFile(secretKeyFile);
        if (!key)
            return std::unexpected(key.error());
        result = make(std::move(*key), SecretKeyOrigin::File);
    } else if (const QString m = env.value(QStringLiteral("MOSAICOO_SECRET_KEY")); !m.isEmpty()) {
        result = make(m.toUtf8(), SecretKeyOrigin::MosaicooEnv);
    } else if (const QString g = env.value(QStringLiteral("GF_SECURITY_SECRET_KEY")); !g.isEmpty()) {
        if (config && config->security.secretKeyFromEnv && config->security.secretKey) {
            result = make(*config->security.secretKey, SecretKeyOrigin::GrafanaEnv);
        } else {
            auto expanded = ValueExpander(env).expand(g.toUtf8(), QStringLiteral("GF_SECURITY_SECRET_KEY"));
            if (!expanded)
                return std::unexpected(expanded.error());
            result = make(std::move(*expanded), SecretKeyOrigin::GrafanaEnv);
        }
    } else if (config && config->security.secretKey) {
        result = make(*config->security.secretKey, SecretKeyOrigin::Config);
    } else {
        result = make(QByteArray(kPublicDefaultSecretKey), SecretKeyOrigin::PublicDefault);
    }

    if (result.key.isEmpty())
        return fail(ErrorCode::BadValue,
                    QStringLiteral("the secret key from %1 is empty after expansion")
                        .arg(describe(result.origin)));
    // The CLI and the GUI warn visibly about the public default; the log only records the origin.
    qCInfo(lcConfig).noquote() << "secret key from" << describe(result.origin)
                               << (result.usesPublicDefault ? "(the public default)" : "");
    return result;
}

QString describe(SecretKeyOrigin origin)
{
    switch (origin) {
    case SecretKeyOrigin::File:
        return QStringLiteral("--secret-key-file");
    case SecretKeyOrigin::MosaicooEnv:
        return QStringLiteral("MOSAICOO_SECRET_KEY");
    case SecretKeyOrigin::GrafanaEnv:
        return QStringLiteral("GF_SECURITY_SECRET_KEY");
    case SecretKeyOrigin::Config:
        return QStringLiteral("[security] secret_key");
    case SecretKeyOrigin::PublicDefault:
        return QStringLiteral("the public default");
    }
    return {};
}

} // namespace mk::config
