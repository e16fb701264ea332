#pragma once

#include <QString>

#include <expected>

namespace mk::store {

// Store failures as codes; `detail` carries the driver's text (never secret values).
enum class ErrorCode
{
    BadUrl,           // --db URL could not be parsed
    DriverMissing,    // the Qt SQL plugin for this database is not installed
    ConnectFailed,    // server down, refused login, unknown database
    ConnectionLost,   // an open server connection broke (server stopped, backend killed, network)
    FileNotFound,     // SQLite file missing
    Locked,           // SQLite file locked by another process after the busy timeout
    NotSqlite,        // the file is not an SQLite database (text, another format)
    Damaged,          // a damaged (malformed, truncated) SQLite file
    DiskFull,         // the disk or the database server's storage is full
    ReadOnly,         // write attempted on a read-only file / connection
    NotMosaicoo,      // no data_keys table and no secret locations: not a Mosaicoo database
    QueryFailed,      // a statement failed (detail holds the driver error)
    Conflict,         // optimistic write lost: the row changed under us
    Io,               // backup/restore file problems
    Busy,             // another console operation holds the database's operation lock
};

struct Error
{
    ErrorCode code = ErrorCode::QueryFailed;
    QString detail;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, QString detail = {})
{
    return std::unexpected<Error>(Error{code, std::move(detail)});
}

} // namespace mk::store
