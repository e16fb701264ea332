#include "crypto/Sha256.h"

#include <openssl/crypto.h>

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#define MK_CRYPTO_X86 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define MK_CRYPTO_X86 0
#endif

namespace mk::crypto::sha256 {

namespace {

alignas(16) constexpr std::uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

constexpr std::uint32_t rotr(std::uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

void compressPortable(State& state, const Block& block)
{
    std::uint32_t w[64];
    for (int t = 0; t < 16; ++t)
        w[t] = block[static_cast<std::size_t>(t)];
#pragma GCC unroll 48
    for (int t = 16; t < 64; ++t) {
        const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
#pragma GCC unroll 64
    for (int t = 0; t < 64; ++t) {
        const std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const std::uint32_t ch = (e & f) ^ (~e & g);
        const std::uint32_t t1 = h + s1 + ch + kRoundConstants[t] + w[t];
        const std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t2 = s0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
}

#if MK_CRYPTO_X86

// SHA-NI compression, after the public-domain sha256-x86.c by Jeffrey Walton / Sean Gulley
// (Intel). The state lives in the ABEF / CDGH register layout sha256rnds2 works on; the message
// words arrive already decoded (lane 0 = W[4i]), so no byte shuffle is needed.
#define MK_SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

[[gnu::always_inline]] MK_SHANI_TARGET inline void
compressCore(__m128i& state0, __m128i& state1, __m128i m0, __m128i m1, __m128i m2, __m128i m3)
{
    const __m128i abefSave = state0;
    const __m128i cdghSave = state1;
    __m128i m[4] = {m0, m1, m2, m3};
#pragma GCC unroll 16
    for (int g = 0; g < 16; ++g) {
        __m128i msg = _mm_add_epi32(m[g & 3], _mm_load_si128(reinterpret_cast<const __m128i*>(kRoundConstants + 4 * g)));
        state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
        if (g >= 3 && g <= 14) {
            const __m128i carry = _mm_alignr_epi8(m[g & 3], m[(g + 3) & 3], 4);
            m[(g + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(m[(g + 1) & 3], carry), m[g & 3]);
        }
        msg = _mm_shuffle_epi32(msg, 0x0E);
        state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
        if (g >= 1 && g <= 12)
            m[(g + 3) & 3] = _mm_sha256msg1_epu32(m[(g + 3) & 3], m[g & 3]);
    }
    state0 = _mm_add_epi32(state0, abefSave);
    state1 = _mm_add_epi32(state1, cdghSave);
}

// (a b c d), (e f g h) → ABEF, CDGH.
[[gnu::always_inline]] MK_SHANI_TARGET inline void toRegisterLayout(__m128i& lo, __m128i& hi)
{
    const __m128i tmp = _mm_shuffle_epi32(lo, 0xB1);  // CDAB
    const __m128i efgh = _mm_shuffle_epi32(hi, 0x1B); // EFGH
    lo = _mm_alignr_epi8(tmp, efgh, 8);               // ABEF
    hi = _mm_blend_epi16(efgh, tmp, 0xF0);            // CDGH
}

// ABEF, CDGH → (a b c d), (e f g h): the state words, which are also the next message words.
[[gnu::always_inline]] MK_SHANI_TARGET inline void toWordLayout(__m128i& abef, __m128i& cdgh)
{
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    abef = _mm_blend_epi16(feba, dchg, 0xF0); // DCBA: lanes a b c d
    cdgh = _mm_alignr_epi8(dchg, feba, 8);    // HGFE: lanes e f g h
}

MK_SHANI_TARGET void compressShaNi(State& state, const Block& block)
{
    __m128i state0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data()));
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data() + 4));
    toRegisterLayout(state0, state1);
    compressCore(state0, state1, _mm_loadu_si128(reinterpret_cast<const __m128i*>(block.data())),
                 _mm_loadu_si128(reinterpret_cast<const __m128i*>(block.data() + 4)),
                 _mm_loadu_si128(reinterpret_cast<const __m128i*>(block.data() + 8)),
                 _mm_loadu_si128(reinterpret_cast<const __m128i*>(block.data() + 12)));
    toWordLayout(state0, state1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data()), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data() + 4), state1);
}

// The whole PBKDF2 inner loop in registers: no state/message conversion through memory.
MK_SHANI_TARGET void pbkdf2LoopShaNi(const State& inner, const State& outer, State& u, State& t, int iterations)
{
    __m128i inner0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(inner.data()));
    __m128i inner1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(inner.data() + 4));
    __m128i outer0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(outer.data()));
    __m128i outer1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(outer.data() + 4));
    toRegisterLayout(inner0, inner1);
    toRegisterLayout(outer0, outer1);
    __m128i u0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(u.data()));
    __m128i u1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(u.data() + 4));
    __m128i t0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data()));
    __m128i t1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + 4));
    const __m128i pad0 = _mm_set_epi32(0, 0, 0, static_cast<int>(0x80000000u)); // W[8..11]
    const __m128i pad1 = _mm_set_epi32((64 + 32) * 8, 0, 0, 0);                  // W[12..15]
    for (int i = 1; i < iterations; ++i) {
        __m128i s0 = inner0;
        __m128i s1 = inner1;
        compressCore(s0, s1, u0, u1, pad0, pad1);
        toWordLayout(s0, s1);
        u0 = outer0;
        u1 = outer1;
        compressCore(u0, u1, s0, s1, pad0, pad1);
        toWordLayout(u0, u1);
        t0 = _mm_xor_si128(t0, u0);
        t1 = _mm_xor_si128(t1, u1);
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(u.data()), u0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(u.data() + 4), u1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(t.data()), t0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(t.data() + 4), t1);
}

#undef MK_SHANI_TARGET

bool detectShaNi()
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        return false;
    const bool ssse3 = (ecx & (1u << 9)) != 0;
    const bool sse41 = (ecx & (1u << 19)) != 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
        return false;
    const bool sha = (ebx & (1u << 29)) != 0;
    return ssse3 && sse41 && sha;
}

#endif // MK_CRYPTO_X86

template <void (*Compress)(State&, const Block&)>
[[gnu::always_inline]] inline void pbkdf2Loop(const State& inner, const State& outer, State& u, State& t, int iterations)
{
    Block block{};
    block[8] = 0x80000000u;   // padding after 32 message bytes
    block[15] = (64 + 32) * 8; // key block + 32 bytes, in bits
    for (int i = 1; i < iterations; ++i) {
        for (std::size_t w = 0; w < 8; ++w)
            block[w] = u[w];
        State h = inner;
        Compress(h, block);
        for (std::size_t w = 0; w < 8; ++w)
            block[w] = h[w];
        u = outer;
        Compress(u, block);
        for (std::size_t w = 0; w < 8; ++w)
            t[w] ^= u[w];
    }
    OPENSSL_cleanse(block.data(), sizeof block);
}

void pbkdf2LoopPortable(const State& inner, const State& outer, State& u, State& t, int iterations)
{
    pbkdf2Loop<compressPortable>(inner, outer, u, t, iterations);
}


} // namespace

void pbkdf2Iterate(Sha256Backend backend, const State& inner, const State& outer, State& u, State& t, int iterations)
{
#if MK_CRYPTO_X86
    if (backend == Sha256Backend::ShaNi && isAvailable(Sha256Backend::ShaNi)) {
        pbkdf2LoopShaNi(inner, outer, u, t, iterations);
        return;
    }
#else
    Q_UNUSED(backend);
#endif
    pbkdf2LoopPortable(inner, outer, u, t, iterations);
}

bool isAvailable(Sha256Backend backend)
{
    switch (backend) {
    case Sha256Backend::Portable:
        return true;
    case Sha256Backend::ShaNi:
#if MK_CRYPTO_X86
    {
        static const bool available = detectShaNi();
        return available;
    }
#else
        return false;
#endif
    }
    return false;
}

Sha256Backend bestBackend()
{
    return isAvailable(Sha256Backend::ShaNi) ? Sha256Backend::ShaNi : Sha256Backend::Portable;
}

const char* backendName(Sha256Backend backend)
{
    return backend == Sha256Backend::ShaNi ? "sha-ni" : "portable";
}

CompressFunction compressFunction(Sha256Backend backend)
{
#if MK_CRYPTO_X86
    if (backend == Sha256Backend::ShaNi && isAvailable(Sha256Backend::ShaNi))
        return &compressShaNi;
#else
    Q_UNUSED(backend);
#endif
    return &compressPortable;
}

Block loadBlock(const unsigned char* bytes)
{
    Block block;
    for (std::size_t i = 0; i < 16; ++i) {
        block[i] = (std::uint32_t{bytes[4 * i]} << 24) | (std::uint32_t{bytes[4 * i + 1]} << 16)
                   | (std::uint32_t{bytes[4 * i + 2]} << 8) | std::uint32_t{bytes[4 * i + 3]};
    }
    return block;
}

void storeState(const State& state, unsigned char* out32)
{
    for (std::size_t i = 0; i < 8; ++i) {
        out32[4 * i] = static_cast<unsigned char>(state[i] >> 24);
        out32[4 * i + 1] = static_cast<unsigned char>(state[i] >> 16);
        out32[4 * i + 2] = static_cast<unsigned char>(state[i] >> 8);
        out32[4 * i + 3] = static_cast<unsigned char>(state[i]);
    }
}

State finish(Sha256Backend backend, State state, std::uint64_t prefixLength, QByteArrayView data)
{
    const CompressFunction compress = compressFunction(backend);
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    const auto size = static_cast<std::size_t>(data.size());
    std::size_t offset = 0;
    for (; offset + 64 <= size; offset += 64) {
        Block block = loadBlock(bytes + offset);
        compress(state, block);
    }
    // Last one or two blocks: remaining bytes, 0x80, zeros, 64-bit big-endian bit length.
    unsigned char tail[128] = {};
    const std::size_t rest = size - offset;
    if (rest > 0)
        std::memcpy(tail, bytes + offset, rest);
    tail[rest] = 0x80;
    const std::size_t tailSize = rest + 1 + 8 <= 64 ? 64 : 128;
    const std::uint64_t bits = (prefixLength + size) * 8;
    for (std::size_t i = 0; i < 8; ++i)
        tail[tailSize - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
    for (std::size_t blockOffset = 0; blockOffset < tailSize; blockOffset += 64) {
        Block block = loadBlock(tail + blockOffset);
        compress(state, block);
        OPENSSL_cleanse(block.data(), sizeof block);
    }
    OPENSSL_cleanse(tail, sizeof tail);
    return state;
}

QByteArray hash(QByteArrayView data, Sha256Backend backend)
{
    const State state = finish(backend, kInitialState, 0, data);
    QByteArray digest(32, Qt::Uninitialized);
    storeState(state, reinterpret_cast<unsigned char*>(digest.data()));
    return digest;
}

} // namespace mk::crypto::sha256
