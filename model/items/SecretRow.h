#pragma once

#include "model/ops/FailureReason.h"
#include "model/ops/ValueRecord.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace mk::model {

// Verification state of one value in the secrets pane.
enum class SecretStatus
{
    NotChecked, // no verify has seen it yet (and no structural problem was found)
    Ok,         // decrypted to a plausible plaintext
    Failed,     // see SecretRow::failure
    External,   // a secrets-manager secure value of another keeper: no ciphertext in this database
};

// One encrypted value as shown by the secrets pane. Never holds a payload or a plaintext.
struct SecretRow
{
    int locationIndex = -1;
    QString location; // "table.column"
    QString rowId;
    QString owner;
    QString field;
    QString updated;
    ValueFormat format = ValueFormat::Malformed;
    QString dataKeyId;
    SecretStatus status = SecretStatus::NotChecked;
    std::optional<FailureReason> failure;

    // "legacy" (data_keys + secret columns) or "secrets-manager" (the secret_* tables).
    bool isSecretsManager() const { return isGsmLocationIndex(locationIndex); }
    QString store() const;

    // Identity of a value across scans: location, row and field.
    QString key() const { return keyFor(locationIndex, rowId, field); }
    static QString keyFor(int locationIndex, const QString& rowId, const QString& field)
    {
        return QString::number(locationIndex) + QChar(0x1f) + rowId + QChar(0x1f) + field;
    }
};

QString storeToken(bool secretsManager); // "legacy" | "secrets-manager"
QString storeLabel(bool secretsManager); // "legacy" | "secrets manager"

} // namespace mk::model

Q_DECLARE_METATYPE(mk::model::SecretRow)
