#pragma once

#include "model/store/StoreError.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace mk::store {

class Database;

// What a Grafana database looks like: which tables exist and their columns.
struct SchemaInfo
{
    QStringList tables;                 // every table in the current schema (lower-case names)
    QHash<QString, QStringList> columns; // columns (lower-case) of data_keys, user and every catalog table present
    bool hasDataKeys = false;
    bool dataKeysHasLabel = false;
    bool dataKeysHasIdColumn = false;    // 9.0.0-beta1/2 left a physical `id` column
    QString dataKeysKeyColumn;           // normally "name"; "id" on 9.0.0-beta1/2
    QString dataKeysLabelColumn;         // "label", "name" (beta1/2) or empty (8.3-8.5)
    qint64 migrationLogRows = -1;        // -1: no migration_log table
    QString schemaEra;                   // human hint, e.g. "Grafana ≥ 9.2"

    bool hasTable(const QString& table) const { return tables.contains(table); }
    bool hasColumn(const QString& table, const QString& column) const
    {
        return columns.value(table).contains(column);
    }
};

// Reads the catalog. Missing tables are simply absent. Neither data_keys nor any secret table:
// NotMosaicoo. Also stores the result in db.setCachedSchema().
[[nodiscard]] Result<SchemaInfo> detectSchema(Database& db);

} // namespace mk::store
