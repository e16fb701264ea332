#pragma once

#include "model/store/StoreError.h"

#include <QString>

namespace mk::store {

class Database;

// VACUUM INTO a new file (0600). Refuses an existing target (Io). SQLite connections only.
[[nodiscard]] Result<void> backupSqlite(Database& db, const QString& targetPath);

} // namespace mk::store
