#pragma once

#include "crypto/CryptoError.h"
#include "crypto/SecretBytes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringList>

namespace mk::crypto {

// A key-encryption-key provider (data_keys.provider, formats.md §1.7): wraps and unwraps the
// 16-byte data keys. Implementations must be safe to call from several threads at once.
class KekProvider
{
public:
    virtual ~KekProvider();

    // Normalised provider id, e.g. "secretKey.v1".
    [[nodiscard]] virtual QString id() const = 0;
    // data_keys.encrypted_data → the raw data key.
    [[nodiscard]] virtual Result<SecretBytes> unwrap(QByteArrayView wrapped) const = 0;
    // raw data key → data_keys.encrypted_data.
    [[nodiscard]] virtual Result<QByteArray> wrap(QByteArrayView dataKey) const = 0;
    // Human-readable, secret-free description (e.g. module, token and key of a PKCS#11 provider).
    // Default: id().
    [[nodiscard]] virtual QString describe() const;
    // Whether wrap/unwrap can work right now (ProviderUnavailable with a detail otherwise).
    // Default: always healthy.
    [[nodiscard]] virtual Result<void> health() const;
    // Secret-free cautions about how the provider is set up that do not stop it from working
    // (a PKCS#11 key usable without login). Default: none.
    [[nodiscard]] virtual QStringList warnings() const;

protected:
    KekProvider() = default;
    KekProvider(const KekProvider&) = default;
    KekProvider& operator=(const KekProvider&) = default;
};

inline constexpr QLatin1String kSecretKeyProviderId{"secretKey.v1"};

// "secretKey" (Grafana 8.3) → "secretKey.v1"; every other id unchanged.
[[nodiscard]] QString normalizeProviderId(const QString& providerId);
// Text before the first dot ("awskms.main" → "awskms"); the whole id when there is no dot.
[[nodiscard]] QString providerKind(const QString& providerId);

} // namespace mk::crypto
