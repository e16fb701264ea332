#pragma once

// Helpers shared by the fuzz targets (libFuzzer / AFL++ / StandaloneFuzzMain entry points).

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// An invariant that must hold for every input; aborts (a crash for every engine) when it does not.
#define MK_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace mk::fuzz {

// A deep copy: the parsers may keep views, the engine reuses its buffer.
inline QByteArray bytes(const std::uint8_t* data, std::size_t size)
{
    return QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
}

} // namespace mk::fuzz
