#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace mk::crypto {

// The two payload ciphers Grafana knows (formats.md §1.3, §1.4).
enum class Algorithm
{
    AesCfb, // "aes-cfb": salt(8) || IV(16) || CFB128 ciphertext
    AesGcm, // "aes-gcm": salt(8) || nonce(12) || ciphertext || tag(16)
};

// "aes-cfb" / "aes-gcm".
[[nodiscard]] QByteArray algorithmName(Algorithm algorithm);
// Exact, case-sensitive match of the decoded name; anything else is std::nullopt.
[[nodiscard]] std::optional<Algorithm> algorithmFromName(QByteArrayView name);
// '*' + base64_RawStd(name) + '*': "*YWVzLWNmYg*" / "*YWVzLWdjbQ*".
[[nodiscard]] QByteArray algorithmPrefix(Algorithm algorithm);

// Fixed sizes of the payload bodies.
inline constexpr qsizetype kSaltSize = 8;
inline constexpr qsizetype kCfbIvSize = 16;
inline constexpr qsizetype kGcmNonceSize = 12;
inline constexpr qsizetype kGcmTagSize = 16;
inline constexpr qsizetype kCfbHeaderSize = kSaltSize + kCfbIvSize;                  // 24
inline constexpr qsizetype kGcmOverhead = kSaltSize + kGcmNonceSize + kGcmTagSize;  // 36
inline constexpr qsizetype kAlgorithmPrefixSize = 12;

// Size of the IV (CFB) or nonce (GCM) of `algorithm`.
[[nodiscard]] qsizetype ivSize(Algorithm algorithm);
// Smallest valid body (an empty plaintext): 24 for CFB, 36 for GCM.
[[nodiscard]] qsizetype minimumBodySize(Algorithm algorithm);

} // namespace mk::crypto
