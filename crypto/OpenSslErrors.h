#pragma once

#include <QString>

// Internal helper of the crypto layer (no OpenSSL types here).
namespace mk::crypto::detail {

// Drains OpenSSL's thread-local error queue into one line of text, prefixed by `context`.
[[nodiscard]] QString takeOpenSslErrors(const char* context);

} // namespace mk::crypto::detail
