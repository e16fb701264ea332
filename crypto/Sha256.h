#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <array>
#include <cstdint>

// Internal SHA-256 of the crypto layer, used by the PBKDF2 fast path (Kdf.cpp). The compression
// function exists twice: portable C++ and x86 SHA extensions (SHA-NI), picked at run time.
// OpenSSL 3 deprecates SHA256_Transform, hence our own.
namespace mk::crypto {

enum class Sha256Backend
{
    Portable, // plain C++
    ShaNi,    // x86 SHA extensions (needs SHA + SSE4.1 + SSSE3 at run time)
};

namespace sha256 {

using State = std::array<std::uint32_t, 8>;
// One 64-byte block as 16 message words W[0..15] (big-endian decoded).
using Block = std::array<std::uint32_t, 16>;

inline constexpr State kInitialState = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

using CompressFunction = void (*)(State& state, const Block& block);

// True when the CPU can run `backend`.
[[nodiscard]] bool isAvailable(Sha256Backend backend);
// The fastest available backend.
[[nodiscard]] Sha256Backend bestBackend();
[[nodiscard]] const char* backendName(Sha256Backend backend);
// The compression function of `backend` (the portable one when `backend` is not available).
[[nodiscard]] CompressFunction compressFunction(Sha256Backend backend);

// Decodes 64 bytes into message words.
[[nodiscard]] Block loadBlock(const unsigned char* bytes);

// Finishes a hash whose first `prefixLength` bytes (a multiple of 64) are already in `state`:
// processes `data`, pads with the total length, returns the final state.
[[nodiscard]] State finish(Sha256Backend backend, State state, std::uint64_t prefixLength, QByteArrayView data);
// Big-endian bytes of a state (a digest).
void storeState(const State& state, unsigned char* out32);

// PBKDF2-HMAC-SHA256 inner loop, iterations 2..n of one output block: u = HMAC(P, u); t ^= u.
// `inner` / `outer` are the states after the ipad / opad key block; `u` and `t` start as U_1.
// Each iteration is two compressions of one padded block (32 message bytes, bit length 768).
void pbkdf2Iterate(Sha256Backend backend, const State& inner, const State& outer, State& u, State& t, int iterations);

// Plain SHA-256 of `data`.
[[nodiscard]] QByteArray hash(QByteArrayView data, Sha256Backend backend);

} // namespace sha256
} // namespace mk::crypto
