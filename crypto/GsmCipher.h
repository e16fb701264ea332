#pragma once

#include "crypto/CryptoError.h"
#include "crypto/KekProvider.h"
#include "crypto/SecretBytes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// The cipher of Grafana's secrets manager (secrets-manager.md §3): the `secret_*` tables.
//   blob = "*YWVzLWdjbQ*" || salt(8 raw bytes) || nonce(12) || AES-256-GCM ciphertext || tag(16)
//   key  = PBKDF2-HMAC-SHA256(password bytes, salt, 10000, 32); no AAD.
// The password of a value is its raw 16-byte data key; the password of a data key is the
// `secret_key` of its `[secrets_manager.encryption.<provider>]` section.
namespace mk::crypto::gsm {

inline constexpr QLatin1StringView kPrefix{"*YWVzLWdjbQ*"};
inline constexpr qsizetype kSaltSize = 8;
inline constexpr qsizetype kNonceSize = 12;
inline constexpr qsizetype kOverhead = 12 + 8 + 12 + 16; // 48: prefix, salt, nonce, tag

// The raw cipher (no prefix): salt || nonce || ciphertext || tag. Empty salt / nonce → random
// (8 raw CSPRNG bytes / 12 bytes); given ones must have exactly those sizes (known-answer tests).
[[nodiscard]] Result<QByteArray> sealBody(QByteArrayView password,
                                          QByteArrayView plaintext,
                                          QByteArrayView salt = {},
                                          QByteArrayView nonce = {});
// Body shorter than 36 bytes → Truncated; tag mismatch → AuthenticationFailed.
[[nodiscard]] Result<QByteArray> openBody(QByteArrayView password, QByteArrayView body);

// The stored form (prefix + body).
[[nodiscard]] Result<QByteArray> encrypt(QByteArrayView password,
                                         QByteArrayView plaintext,
                                         QByteArrayView salt = {},
                                         QByteArrayView nonce = {});
// The exact 12-byte prefix is mandatory (a blob without it → UnknownAlgorithm; empty →
// EmptyPayload); shorter than 48 bytes → Truncated.
[[nodiscard]] Result<QByteArray> decrypt(QByteArrayView password, QByteArrayView blob);

// The ≤12.2 value layout: '#' || base64.RawStd(dataKeyUid) || '#' || blob.
struct LegacyLayout
{
    QByteArray dataKeyId;
    QByteArray blob;
};
[[nodiscard]] bool hasLegacyIdPrefix(QByteArrayView encryptedData);
// BadEnvelope / BadBase64 for a malformed prefix.
[[nodiscard]] Result<LegacyLayout> splitLegacyLayout(QByteArrayView encryptedData);
[[nodiscard]] QByteArray joinLegacyLayout(QByteArrayView dataKeyId, QByteArrayView blob);

// A `secret_key.*` provider of the secrets manager: wraps the 16-byte data key with encrypt()
// under the provider's secret_key (64 bytes). The id is kept exactly as configured.
class SecretKeyKek final : public KekProvider
{
public:
    SecretKeyKek(QString providerId, SecretBytes secretKey);
    ~SecretKeyKek() override;

    [[nodiscard]] QString id() const override;
    // Any failure (GCM tag, length ≠ 16) → DataKeyUnwrapFailed with the reason in the detail.
    [[nodiscard]] Result<SecretBytes> unwrap(QByteArrayView wrapped) const override;
    // `dataKey` must be 16 bytes.
    [[nodiscard]] Result<QByteArray> wrap(QByteArrayView dataKey) const override;

private:
    QString m_id;
    SecretBytes m_secretKey;
};

} // namespace mk::crypto::gsm
