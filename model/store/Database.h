#pragma once

#include "model/store/ConnectionSpec.h"
#include "model/store/SchemaInfo.h"
#include "model/store/StoreError.h"

#include <memory>
#include <optional>

namespace mk::store {

// One open connection (move-only). Use it only on the thread that opened it.
// The QSqlDatabase behind it is reachable by connectionName() from model/store/*.cpp only.
class Database
{
public:
    [[nodiscard]] static Result<Database> open(const ConnectionSpec& spec);

    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    ConnectionSpec::Driver driver() const;
    const ConnectionSpec& spec() const;
    bool isReadOnly() const;
    QString connectionName() const; // for store internals (QSqlDatabase::database(name, false))

    [[nodiscard]] Result<void> begin();
    [[nodiscard]] Result<void> commit();
    [[nodiscard]] Result<void> rollback();

    // "SQLite 3.45.1", "PostgreSQL 16.2", "MySQL 8.0.36" / "MariaDB ..." (from the server).
    [[nodiscard]] Result<QString> serverVersion();

    // Schema cache filled by detectSchema(); readers use it to know optional columns.
    const std::optional<SchemaInfo>& cachedSchema() const;
    void setCachedSchema(const SchemaInfo& schema);

private:
    struct Impl;
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace mk::store
