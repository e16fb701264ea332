#pragma once

#include "crypto/KekProvider.h"
#include "crypto/Payload.h"

namespace mk::crypto {

// The OSS provider "secretKey.v1" (alias "secretKey"): a data key is wrapped like any other
// value, with the [security] secret_key as the PBKDF2 password (52 bytes prefixed CFB, 40 bytes
// unprefixed, 64 bytes GCM). Unwrap accepts all forms.
class SecretKeyProvider final : public KekProvider
{
public:
    // `wrapOptions` selects the algorithm and prefix of wrap(); a non-empty salt / iv in it is
    // used verbatim (known-answer tests only).
    explicit SecretKeyProvider(SecretBytes secretKey, EncryptOptions wrapOptions = {});
    ~SecretKeyProvider() override;

    [[nodiscard]] QString id() const override;
    // Must decrypt to exactly 16 bytes; any failure (including a GCM tag mismatch) is
    // DataKeyUnwrapFailed with the underlying reason in the detail. A wrong secret_key on a CFB
    // wrapped key yields 16 garbage bytes without an error (as in Grafana).
    [[nodiscard]] Result<SecretBytes> unwrap(QByteArrayView wrapped) const override;
    // `dataKey` must be 16 bytes (InvalidArgument otherwise).
    [[nodiscard]] Result<QByteArray> wrap(QByteArrayView dataKey) const override;

private:
    SecretBytes m_secretKey;
    EncryptOptions m_wrapOptions;
};

} // namespace mk::crypto
