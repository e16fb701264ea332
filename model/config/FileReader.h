#pragma once

#include "model/config/ConfigError.h"

#include <QByteArray>
#include <QString>

namespace mk::config {

// Reads a whole file named by the user (`what` says which: "config file", "secret key file", ...).
// FileNotFound when it does not exist; Unreadable, with the reason in words, when it is a
// directory or cannot be opened (QFile says "Unknown error" for a directory).
[[nodiscard]] Result<QByteArray> readUserFile(const QString& path, const QString& what);

} // namespace mk::config
