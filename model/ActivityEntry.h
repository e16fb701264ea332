#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace mk::model {

// One line of the activity log: what ran, when, on which database, counts and outcome.
// Deliberately has no field for values: plaintexts and keys have nowhere to go.
struct ActivityEntry
{
    QDateTime when;      // UTC
    QString operation;   // "open", "verify", "reveal", "re-encrypt", ...
    QString database;    // ConnectionSpec display name (never a password)
    QString outcome;     // "ok", "failed", "canceled", "shown", ...
    QString detail;      // place of the value for "reveal" (table.column, row, field), errors
    QJsonObject counts;  // {"checked": n, "failed": n, ...}: numbers only

    QJsonObject toJson() const;
    static ActivityEntry fromJson(const QJsonObject& object);
};

} // namespace mk::model
