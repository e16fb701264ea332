#pragma once

#include <QString>

#include <expected>

namespace mk::model {

// User-facing error categories. They map one to one onto the CLI exit codes of product.md §4:
// Usage/Config/Connection/NotMosaicoo → 2, Refused → 3. `message` is plain English text that names
// the place (file, table, row) and the reason; ui/ may wrap it with tr() context.
enum class ErrorKind
{
    Usage,       // bad arguments
    Config,      // unreadable or invalid config / secret key file
    Connection,  // database cannot be opened: missing file, locked, server down, login refused
    NotMosaicoo, // the database holds no Mosaicoo/Grafana secret tables
    Refused,     // a safety check refused to start (wrong secret key, unreferenced data loss, ...)
    Failed,      // an operation failed as a whole (e.g. a query failed mid-run)
};

struct Error
{
    ErrorKind kind = ErrorKind::Failed;
    QString message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, QString message)
{
    return std::unexpected<Error>(Error{kind, std::move(message)});
}

// Exit code of the command-line contract for an error kind.
int exitCodeFor(ErrorKind kind);

} // namespace mk::model
