#pragma once

#include "model/config/MosaicooConfig.h"
#include "model/config/SecretKeySource.h"
#include "crypto/SecretBytes.h"
#include "model/ModelError.h"
#include "model/store/ConnectionSpec.h"

#include <QProcessEnvironment>
#include <QString>

namespace mk::model {

// What the user asked to open (CLI flags or the GUI connection dialog).
struct OpenRequest
{
    QString dbUrl;         // --db URL or bare path; wins over the config's [database]
    QString configFile;    // --config FILE
    QString secretKeyFile; // --secret-key-file FILE
    QByteArray typedSecretKey; // GUI password field (never from argv)
    bool databaseOptional = false; // payload tools: a database is needed only for envelope values
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

// A resolved, immutable description of the database to work on. Cheap to copy into jobs: every
// job opens its own store::Database from `connection` on its own thread.
struct Target
{
    store::ConnectionSpec connection;
    config::MosaicooConfig config;
    QByteArray secretKey; // UTF-8 bytes of [security] secret_key (wiped by holders when done)
    config::SecretKeyOrigin secretKeyOrigin = config::SecretKeyOrigin::PublicDefault;
    bool secretKeyTyped = false;  // typed into the GUI's password field
    bool publicDefaultKey = true; // the key equals the well-known public default

    bool usesPublicDefaultKey() const { return publicDefaultKey; }
};

// Resolves the request with product.md §1 precedence. Reads files, never opens the database.
[[nodiscard]] Result<Target> resolveTarget(const OpenRequest& request);

// "--secret-key-file", "MOSAICOO_SECRET_KEY", "typed in", "public default", ...
QString secretKeyOriginLabel(const Target& target);

} // namespace mk::model
