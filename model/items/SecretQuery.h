#pragma once

#include <QMetaType>
#include <QString>

namespace mk::model {

// Filter and sort order of the secrets index. Applied by the index worker over every value.
struct SecretQuery
{
    QString text;       // case-insensitive substring of location, owner, field, row id, data key
    QString location;   // "table.column"; empty = any
    QString format;     // formatToken(); empty = any
    QString dataKeyId;  // empty = any
    QString status;     // "" any, "not-checked", "ok", "failed", "external", or a reasonName()
    QString store;      // "" any, "legacy", "secrets-manager"
    int sortColumn = -1; // SecretsTableModel::Column; -1 = catalog order
    bool descending = false;

    bool isDefaultOrder() const { return sortColumn < 0; }
    bool operator==(const SecretQuery&) const = default;
};

inline constexpr auto kStatusNotChecked = "not-checked";
inline constexpr auto kStatusOk = "ok";
inline constexpr auto kStatusFailed = "failed";
inline constexpr auto kStatusExternal = "external"; // secrets manager: held by another keeper
inline constexpr auto kStoreLegacy = "legacy";
inline constexpr auto kStoreSecretsManager = "secrets-manager";

} // namespace mk::model

Q_DECLARE_METATYPE(mk::model::SecretQuery)
