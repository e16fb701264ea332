#pragma once

#include <QString>

namespace mk::store {

// Whether an SQLite database file has a hot rollback journal: one that the next connection with
// write access must play back before anyone may read the file (a writer was killed inside a
// transaction). SQLite's own rule (pager.c, hasHotJournal): `<path>-journal` exists, is not empty
// and its first byte is not zero (a zeroed header or an empty file is a finished transaction).
// A read-only connection cannot play it back and fails. Only meaningful while no other process
// holds a write lock on the database.
[[nodiscard]] bool hasHotJournal(const QString& databasePath);

} // namespace mk::store
