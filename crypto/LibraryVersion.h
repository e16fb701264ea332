#pragma once

#include <QString>

namespace mk::crypto {

// The OpenSSL library the program runs with ("OpenSSL 3.0.15 3 Sep 2024"), for About boxes and
// bug reports.
QString libraryVersion();

} // namespace mk::crypto
