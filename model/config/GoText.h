#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace mk::config::gotext {

// Helpers that reproduce Go standard-library string functions on raw UTF-8 bytes.

// strings.TrimSpace / TrimLeftFunc(unicode.IsSpace): ASCII whitespace plus the Unicode White_Space
// characters (U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
QByteArrayView trimLeft(QByteArrayView s);
QByteArrayView trimRight(QByteArrayView s);
QByteArrayView trimSpace(QByteArrayView s);

// Grafana's util.SplitString: a JSON list if the text starts with '[' (invalid JSON -> empty),
// otherwise commas become spaces and the text is split on whitespace (strings.Fields).
QStringList splitString(const QString& s);

// strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False; anything else -> nullopt.
std::optional<bool> parseBool(QStringView s);

} // namespace mk::config::gotext
