#pragma once

#include <QString>

namespace mk::test {

// Copies an SQLite database to `destination` as a writer killed inside a transaction leaves it:
// the file with some changed pages already written, next to a hot rollback journal holding the
// original pages (`destination`-journal). Deterministic: both copies are taken while this process
// holds the transaction open, which it then rolls back. The transaction renames every data source
// (name + "-unfinished") and adds a table of 2 MB, so that SQLite must spill pages to the file.
// Returns an empty string on success, else what went wrong.
QString makeInterruptedWriteCopy(const QString& databasePath, const QString& destination);

// The suffix the unfinished transaction appends to every data_source.name.
inline constexpr const char* kUnfinishedSuffix = "-unfinished";

} // namespace mk::test
