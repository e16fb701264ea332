#pragma once

#include "model/store/ConnectionSpec.h"
#include "model/store/StoreError.h"

#include <QString>
#include <QVariant>

class QSqlQuery;
class QSqlError;

namespace mk::store {

class Database;

// Internal helpers shared by the store's .cpp files (forward declarations only: no QtSql here).
class SqlSupport
{
public:
    // Quotes an identifier from the fixed catalog for the connection's dialect.
    static QString quote(ConnectionSpec::Driver driver, const QString& identifier);
    // Prepares `sql` on `query`, binds `binds` in order and executes it; a failure names `what`.
    [[nodiscard]] static Result<void> exec(QSqlQuery& query,
                                           ConnectionSpec::Driver driver,
                                           const QString& sql,
                                           const QVariantList& binds,
                                           const QString& what);
    // Maps a failed statement to an Error (SQLite busy/locked -> Locked, read-only -> ReadOnly).
    static Error queryError(ConnectionSpec::Driver driver, const QSqlError& error, const QString& what);
    // Cell value as bytes: QByteArray as is, anything else via UTF-8.
    static QByteArray toBytes(const QVariant& value);
    // Cell value as display text: NULL -> empty, DATETIME -> "yyyy-MM-dd HH:mm:ss", bytes as UTF-8.
    static QString toText(const QVariant& value);
    // Cell value as a boolean: bool, or 1 / t / true (any case) as text.
    static bool toBool(const QVariant& value);
    // Boolean literal for WHERE clauses and binds.
    static QVariant boolValue(ConnectionSpec::Driver driver, bool value);
};

} // namespace mk::store
