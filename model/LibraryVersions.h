#pragma once

#include <QString>

namespace mk::model {

// The OpenSSL library the program runs with ("OpenSSL 3.0.15 3 Sep 2024"), for About boxes and bug
// reports (the ui may not reach into crypto/).
QString openSslVersion();

} // namespace mk::model
