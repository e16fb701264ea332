#pragma once

#include <QStringView>

#include <chrono>
#include <optional>

namespace mk::config {

// Go's time.ParseDuration: an optionally signed sequence of decimal numbers, each with an optional
// fraction and a mandatory unit (ns, us, µs, μs, ms, s, m, h), e.g. "15m", "1h30m", "1.5s", "-2m".
// "0" alone needs no unit. Anything else (empty, "900", "15 m", "1d") -> nullopt.
[[nodiscard]] std::optional<std::chrono::nanoseconds> parseGoDuration(QStringView text);

} // namespace mk::config
