#pragma once

#include "model/store/Database.h"
#include "model/store/StoreError.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace mk::store {

// A new SQLite file with Grafana 11.5's own DDL for the secret tables plus a small `user` table,
// for the demo database the GUI opens out of the box. Refuses to overwrite an existing file.
// Returns the database opened read-write.
[[nodiscard]] Result<Database> createDemoSqliteDatabase(const QString& path);

// Inserts one row into a table of the demo schema (and only there: table and column names are
// checked against that schema, values are bound parameters).
[[nodiscard]] Result<void> insertDemoRow(Database& db,
                                         const QString& table,
                                         const QList<QPair<QString, QVariant>>& values);

// Inserts many rows with one prepared statement inside one transaction (benchmarks build a
// million-value database with it). Every row has the values of `columns`, in that order.
[[nodiscard]] Result<void> insertDemoRows(Database& db,
                                          const QString& table,
                                          const QStringList& columns,
                                          const QList<QVariantList>& rows);

} // namespace mk::store
