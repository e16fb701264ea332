#pragma once

#include "model/config/MosaicooConfig.h"
#include "crypto/SecretBytes.h"
#include "model/ModelError.h"
#include "model/store/ConnectionSpec.h"

#include <QProcessEnvironment>
#include <QString>

namespace mk::model {

// Where the secret key came from (product.md §1.3).
enum class SecretKeyOrigin
{
    KeyFile,
    EnvironmentMosaicoo, // MOSAICOO_SECRET_KEY
    EnvironmentGrafana,  // GF_SECURITY_SECRET_KEY
    ConfigFile,
    TypedByUser,
    PublicDefault, // SW2YcwTIb9zpOOhoPsMm: warn visibly
};

// What the user asked to open (CLI flags or the GUI connection dialog).
struct OpenRequest
{
    QString dbUrl;         // --db URL or bare path; wins over the config's [database]
    QString configFile;    // --config FILE
    QString secretKeyFile; // --secret-key-file FILE
    QByteArray typedSecretKey; // GUI password field (never from argv)
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

// A resolved, immutable description of the database to work on. Cheap to copy into jobs: every
// job opens its own store::Database from `connection` on its own thread.
struct Target
{
    store::ConnectionSpec connection;
    config::MosaicooConfig config;
    QByteArray secretKey; // UTF-8 bytes of [security] secret_key (wiped by holders when done)
    SecretKeyOrigin secretKeyOrigin = SecretKeyOrigin::PublicDefault;

    bool usesPublicDefaultKey() const { return secretKeyOrigin == SecretKeyOrigin::PublicDefault; }
};

// Resolves the request with product.md §1 precedence. Reads files, never opens the database.
[[nodiscard]] Result<Target> resolveTarget(const OpenRequest& request);

QString secretKeyOriginLabel(SecretKeyOrigin origin);

} // namespace mk::model
