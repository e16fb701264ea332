#include "model/config/GoDuration.h"

#include <QString>

#include <cmath>
#include <limits>

namespace mk::config {

namespace {

std::optional<double> unitNanos(QStringView unit)
{
    if (unit == u"ns")
        return 1.0;
    if (unit == u"us" || unit == u"\u00B5s" || unit == u"\u03BCs")
        return 1e3;
    if (unit == u"ms")
        return 1e6;
    if (unit == u"s")
        return 1e9;
    if (unit == u"m")
        return 60e9;
    if (unit == u"h")
        return 3600e9;
    return std::nullopt;
}

bool isDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

} // namespace

std::optional<std::chrono::nanoseconds> parseGoDuration(QStringView s)
{
    bool negative = false;
    if (!s.isEmpty() && (s.front() == QLatin1Char('-') || s.front() == QLatin1Char('+'))) {
        negative = s.front() == QLatin1Char('-');
        s = s.sliced(1);
    }
    if (s == u"0")
        return std::chrono::nanoseconds(0);
    if (s.isEmpty())
        return std::nullopt;

    long double total = 0;
    while (!s.isEmpty()) {
        qsizetype i = 0;
        long double whole = 0;
        while (i < s.size() && isDigit(s[i]))
            whole = whole * 10 + (s[i++].unicode() - '0');
        const bool pre = i > 0;
        long double frac = 0;
        long double scale = 1;
        bool post = false;
        if (i < s.size() && s[i] == QLatin1Char('.')) {
            ++i;
            const qsizetype fracStart = i;
            while (i < s.size() && isDigit(s[i])) {
                frac = frac * 10 + (s[i++].unicode() - '0');
                scale *= 10;
            }
            post = i > fracStart;
        }
        if (!pre && !post)
            return std::nullopt;
        const qsizetype unitStart = i;
        while (i < s.size() && s[i] != QLatin1Char('.') && !isDigit(s[i]))
            ++i;
        const auto unit = unitNanos(s.sliced(unitStart, i - unitStart));
        if (!unit)
            return std::nullopt; // missing or unknown unit
        total += (whole + frac / scale) * static_cast<long double>(*unit);
        if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt; // overflow
        s = s.sliced(i);
    }
    const auto ns = static_cast<std::int64_t>(std::floor(total));
    return std::chrono::nanoseconds(negative ? -ns : ns);
}

} // namespace mk::config
