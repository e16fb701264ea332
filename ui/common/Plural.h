#pragma once

#include <QString>

namespace mk::ui {

// "1 value", "2 values", "1,234 values": the number in the user's locale with the singular or the
// plural noun (the console ships in English only; a translation would carry its own plural rules).
QString countOf(qint64 n, const QString& singular, const QString& plural);

} // namespace mk::ui
