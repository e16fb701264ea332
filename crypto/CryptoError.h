#pragma once

#include <QString>

#include <expected>

namespace mk::crypto {

// What went wrong, as a stable code. Higher layers map codes to user-facing reasons;
// `detail` is technical text for logs and never contains key material or plaintext.
enum class ErrorCode
{
    EmptyPayload,         // nothing to decrypt
    Truncated,            // shorter than the algorithm's fixed header
    BadBase64,            // algorithm name or key id is not valid unpadded base64
    UnknownAlgorithm,     // prefix names something other than aes-cfb / aes-gcm
    BadEnvelope,          // '#' without a closing '#', or an empty key id
    AuthenticationFailed, // GCM tag mismatch (tampered value or wrong key)
    MissingDataKey,       // envelope names a data key id that is not present
    DataKeyUnwrapFailed,  // data key present but its wrapped bytes do not unwrap
    ProviderUnavailable,  // data key needs a KEK provider that is not configured
    InvalidArgument,      // caller passed parameters outside the allowed range
    Internal,             // OpenSSL failure, out of memory, ...
};

// With ProviderUnavailable: which part of a KEK provider failed, so that a caller can offer the
// matching remedy (create the key, fix the PIN, ...) without reading `detail`.
enum class ProviderFault
{
    None,
    Config,      // the provider's configuration section is incomplete or invalid
    Module,      // the PKCS#11 module is missing or does not load / initialise
    Token,       // the token (or slot) is not present
    Login,       // the PIN was refused, is locked/expired, or none is configured
    KeyMissing,  // no key with the configured label
    KeyUnusable, // a key is there but is not a usable KEK (type, size, attributes, duplicates)
    Device,      // the device failed or went away during an operation
};

struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString detail;
    ProviderFault fault = ProviderFault::None;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, QString detail = {})
{
    return std::unexpected<Error>(Error{code, std::move(detail)});
}

inline std::unexpected<Error> failProvider(ProviderFault fault, QString detail)
{
    return std::unexpected<Error>(Error{ErrorCode::ProviderUnavailable, std::move(detail), fault});
}

} // namespace mk::crypto
