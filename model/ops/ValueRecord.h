#pragma once

#include "model/ops/FailureReason.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace mk::model {

// How a stored value is encrypted, read from its bytes without decrypting (formats.md §1.5/1.6).
enum class ValueFormat
{
    LegacyCfb,           // salt+IV+ct with secret_key, no prefix (Grafana ≤ 9.1)
    LegacyCfbPrefixed,   // '*YWVzLWNmYg*' + body with secret_key (≥ 9.2 rollback / legacy alerting)
    LegacyGcm,           // '*YWVzLWdjbQ*' + body with secret_key
    EnvelopeCfb,         // '#id#' + unprefixed CFB body under a data key (9.0–9.1)
    EnvelopeCfbPrefixed, // '#id#' + '*YWVzLWNmYg*' + body (≥ 9.2, what OSS writes today)
    EnvelopeGcm,         // '#id#' + '*YWVzLWdjbQ*' + body
    Malformed,           // cannot be classified: see ValueRecord::problem
};

bool isEnvelope(ValueFormat format);
bool isLegacy(ValueFormat format);
bool isGcm(ValueFormat format);
// "envelope aes-cfb (prefixed)", "legacy aes-cfb", ...
QString formatLabel(ValueFormat format);
// Short stable token for filters and JSON: "legacy-cfb", "legacy-cfb-prefixed", "envelope-gcm", ...
QString formatToken(ValueFormat format);

// Pseudo locations after the catalog of store::secretLocations(), for the secrets pane and the
// verify observer: the secrets-manager store's values (secret_encrypted_value.encrypted_data) and
// the secure values of non-SQL keepers, which have no ciphertext in this database
// (secret_secure_value.external_id).
int gsmValuesLocationIndex();
int gsmExternalLocationIndex();
bool isGsmLocationIndex(int locationIndex);
// "table.column" of any location index, pseudo ones included; empty when out of range.
QString locationNameOf(int locationIndex);

// One encrypted value found in the database: a column, or one field of a JSON container.
struct ValueRecord
{
    int locationIndex = -1; // index into store::secretLocations()
    QString rowId;
    QString field;          // fixture naming: column name, JSON key, JSON path
    QString owner;          // data source name, plugin id, user login, ...
    QString org;            // the owner's organisation id where the location has one (data sources)
    QString updated;
    ValueFormat format = ValueFormat::Malformed;
    QString dataKeyId;      // envelope values only
    QByteArray payload;     // decoded stored bytes (ciphertext, never plaintext)
    std::optional<FailureReason> problem; // found without decrypting (bad JSON/base64/envelope, ...)
};

} // namespace mk::model
