#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace mk::store {

// One column that holds encrypted values. The catalog below is the only source of table and
// column names that ever reach an SQL statement.
struct SecretLocation
{
    enum class Container {
        Single,       // the cell is one value
        JsonMap,      // JSON object: key -> base64 string
        Alertmanager, // alertmanager_config.receivers[].grafana_managed_receiver_configs[].secureSettings
        SsoSettings,  // any string whose key contains secret/private/certificate/password/client_key
        Provisioning, // spec.github.encryptedToken, status.webhook.encryptedSecret
    };
    enum class Encoding {
        StdBase64, // padded standard base64
        RawBase64, // unpadded standard base64
        AnyBase64, // either (signing_key); CellValue records which one was found
        RawBytes,  // the payload itself (BLOB)
    };

    QString key;          // "data_source.secure_json_data"
    QString table;
    QString column;
    QString idColumn;     // "id", "guid" (resource), "cache_key" (cache_data)
    bool idIsText = false;
    Container container = Container::Single;
    Encoding encoding = Encoding::StdBase64;
    QStringList ownerColumns;  // plain columns of the row shown as owner (only those that exist are read)
    QString ownerUserIdColumn; // if set and table `user` exists: user login via user.id = this column
    QString ownerOrgColumn;    // if set and present: the row's organisation (Cell::org), for reports
    QString updatedColumn;     // set to now on write (if it exists), or empty
    bool migratedUpstream = true; // Grafana's own re-encrypt/rollback touches it
    bool legacyOnly = false;      // always encrypted with secret_key (alert_notification)
    bool envelopeOnly = false;    // only payloads starting with '#' are secrets (cache_data)
    QString filterColumn1, filterValue1, filterColumn2, filterValue2; // fixed row filter (resource)
};

// Upstream migrator order, then the locations upstream never touches.
const QList<SecretLocation>& secretLocations();
const SecretLocation* findSecretLocation(const QString& key);

} // namespace mk::store
