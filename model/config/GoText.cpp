#include "model/config/GoText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace mk::config::gotext {

namespace {

// Length of the whitespace character starting at s[i], 0 if none.
qsizetype spaceLenAt(QByteArrayView s, qsizetype i)
{
    const auto b = [&](qsizetype k) { return static_cast<unsigned char>(s[k]); };
    const qsizetype n = s.size() - i;
    const unsigned char c = b(i);
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xC2 && n >= 2 && (b(i + 1) == 0x85 || b(i + 1) == 0xA0))
        return 2;
    if (n >= 3) {
        const unsigned char c1 = b(i + 1);
        const unsigned char c2 = b(i + 2);
        if (c == 0xE1 && c1 == 0x9A && c2 == 0x80)
            return 3; // U+1680
        if (c == 0xE2 && c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF))
            return c2 >= 0x80 ? 3 : 0; // U+2000..U+200A, U+2028, U+2029, U+202F
        if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F)
            return 3; // U+205F
        if (c == 0xE3 && c1 == 0x80 && c2 == 0x80)
            return 3; // U+3000
    }
    return 0;
}

// Length of the whitespace character ending at s[end-1], 0 if none.
qsizetype spaceLenBefore(QByteArrayView s, qsizetype end)
{
    for (qsizetype len = 1; len <= 3 && len <= end; ++len) {
        const qsizetype start = end - len;
        if (spaceLenAt(s.first(end), start) == len)
            return len;
    }
    return 0;
}

} // namespace

QByteArrayView trimLeft(QByteArrayView s)
{
    qsizetype i = 0;
    while (i < s.size()) {
        const qsizetype len = spaceLenAt(s, i);
        if (len == 0)
            break;
        i += len;
    }
    return s.sliced(i);
}

QByteArrayView trimRight(QByteArrayView s)
{
    qsizetype end = s.size();
    while (end > 0) {
        const qsizetype len = spaceLenBefore(s, end);
        if (len == 0)
            break;
        end -= len;
    }
    return s.first(end);
}

QByteArrayView trimSpace(QByteArrayView s)
{
    return trimRight(trimLeft(s));
}

QStringList splitString(const QString& s)
{
    if (s.isEmpty())
        return {};
    if (s.trimmed().startsWith(QLatin1Char('['))) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(s.toUtf8(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isArray())
            return {};
        QStringList out;
        for (const auto& v : doc.array()) {
            if (!v.isString())
                return {}; // json.Unmarshal into []string fails on non-strings
            out << v.toString();
        }
        return out;
    }
    QString copy = s;
    copy.replace(QLatin1Char(','), QLatin1Char(' '));
    static const QRegularExpression ws(QStringLiteral("\\s+"));
    return copy.split(ws, Qt::SkipEmptyParts);
}

std::optional<bool> parseBool(QStringView s)
{
    static const QStringList yes{QStringLiteral("1"), QStringLiteral("t"), QStringLiteral("T"),
                                 QStringLiteral("TRUE"), QStringLiteral("true"),
                                 QStringLiteral("True")};
    static const QStringList no{QStringLiteral("0"), QStringLiteral("f"), QStringLiteral("F"),
                                QStringLiteral("FALSE"), QStringLiteral("false"),
                                QStringLiteral("False")};
    for (const auto& y : yes)
        if (s == y)
            return true;
    for (const auto& n : no)
        if (s == n)
            return false;
    return std::nullopt;
}

} // namespace mk::config::gotext
