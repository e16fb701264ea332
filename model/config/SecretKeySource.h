#pragma once

#include "model/config/ConfigError.h"
#include "model/config/MosaicooConfig.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

namespace mk::config {

// Where the secret key came from (product.md §1.3), highest precedence first.
enum class SecretKeyOrigin
{
    File,          // --secret-key-file FILE
    MosaicooEnv,   // MOSAICOO_SECRET_KEY
    GrafanaEnv,    // GF_SECURITY_SECRET_KEY
    Config,        // [security] secret_key of the config file
    PublicDefault, // nothing configured: Grafana's well-known default
};

struct SecretKeySource
{
    QByteArray key; // UTF-8 bytes exactly as the server uses them; never log
    SecretKeyOrigin origin = SecretKeyOrigin::PublicDefault;
    // True whenever the key equals the public default, whatever its origin (warn the user).
    bool usesPublicDefault = true;
};

inline constexpr char kPublicDefaultSecretKey[] = "SW2YcwTIb9zpOOhoPsMm";

// Precedence: secretKeyFile > MOSAICOO_SECRET_KEY > GF_SECURITY_SECRET_KEY > config > default.
//  * secretKeyFile (if non-empty): contents with trailing "\n" / "\r\n" removed (repeatedly); no
//    other trimming. Missing -> FileNotFound, unreadable -> Unreadable, empty -> BadValue.
//  * MOSAICOO_SECRET_KEY: used verbatim (no expansion) when non-empty.
//  * GF_SECURITY_SECRET_KEY: when non-empty. This is the same variable parseConfig applies as the
//    generic GF_ override, so with a config whose secretKeyFromEnv is set the config's (already
//    expanded) value is used; without a config the env value is expanded here with the same
//    ValueExpander, so both paths yield the same bytes. Either way the origin is GrafanaEnv.
//  * config->security.secretKey when present; present but empty (an expansion gave nothing)
//    -> BadValue rather than silently using an empty key.
// Empty environment variables count as unset (as Grafana's override does).
[[nodiscard]] Result<SecretKeySource> resolveSecretKey(const QString& secretKeyFile,
                                                       const QProcessEnvironment& env,
                                                       const MosaicooConfig* config = nullptr);

// Short value-free description for UI/CLI ("--secret-key-file", "GF_SECURITY_SECRET_KEY", ...).
QString describe(SecretKeyOrigin origin);

} // namespace mk::config
