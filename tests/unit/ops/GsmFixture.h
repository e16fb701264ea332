#pragma once

#include "model/Target.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace mk::test {

// The KEKs of the generated secrets-manager fixtures (two providers).
inline constexpr const char* kGsmKekV1 = "gsm-kek-one#not-a-comment";
inline constexpr const char* kGsmKekV2 = "gsm-kek-two";

// A real fixture copied into a folder with its empty secret_* tables filled (secrets-manager.md
// §2-3): values in three namespaces under five data keys of two providers (secret_key.v1 and
// secret_key.v2), one data key unused, one secure value kept by an external keeper. With a
// data_key_id column most values use it and one keeps the ≤12.2 '#id#' prefix (as before the
// split migration); without it every value has the prefix.
struct GsmFixture
{
    QString databasePath;
    bool dataKeyIdColumn = false;
    QMap<QString, QByteArray> plaintexts; // "namespace/name/version" -> plaintext
    QMap<QString, QString> valueKeys;     // "namespace/name/version" -> data key uid
    QStringList dataKeyUids;
    QString unusedDataKeyUid;
};

// Fills a copy of `sourceDatabase` (a real fixture with empty secret_* tables) in `dir`; with
// `extraValues`, that many more values "bulk-N" in namespace "default" (kill tests).
GsmFixture makeGsmFixture(const QString& sourceDatabase, const QString& dir, int extraValues = 0);

// Every value decrypted with the target's [secrets_manager] keys: rowId -> plaintext, or
// "FAIL:<reason>".
QMap<QString, QByteArray> decryptGsmValues(const model::Target& target);

// Writes `dir`/grafana.ini with [secrets_manager] (current provider `provider`) and both
// provider sections (a KEK replaced by `wrongV1Kek` when given) and, when given, data_keys_cache_ttl
// (a Go duration such as "0s"); returns its path.
QString writeGsmConfig(const QString& dir, const QString& provider = QStringLiteral("secret_key.v1"),
                       const QByteArray& v1Kek = kGsmKekV1, const QByteArray& cacheTtl = {});

// The target for `dbUrl` with the legacy secret key from the environment and the config above.
model::Target gsmTargetFor(const QString& dbUrl, const QString& configPath, const QByteArray& legacySecretKey);

// Two real fixtures with empty secret_* tables: without and with the data_key_id column.
QString gsmFixtureWithoutColumn();
QString gsmFixtureWithColumn();

} // namespace mk::test
