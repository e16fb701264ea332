#pragma once

#include <QString>

#include <expected>

namespace mk::config {

// Config failures as codes; `detail` names the file, line, section or key, never a value
// (values can be secrets).
enum class ErrorCode
{
    FileNotFound,    // the ini file (or --secret-key-file) does not exist
    Unreadable,      // it exists but cannot be read
    Syntax,          // go-ini would refuse to load the file (unclosed section, no delimiter, ...)
    BadValue,        // a value we need is invalid (unknown database type, bad port, bad URL,
                     // empty secret key, unsupported $__vault{} expander, ...)
    ExpansionFailed, // $__file{PATH} could not be read
};

struct Error
{
    ErrorCode code = ErrorCode::BadValue;
    QString detail;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, QString detail = {})
{
    return std::unexpected<Error>(Error{code, std::move(detail)});
}

} // namespace mk::config
