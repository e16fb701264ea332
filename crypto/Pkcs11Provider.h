#pragma once

#include "crypto/KekProvider.h"

#include <QMap>
#include <QString>

#include <memory>
#include <optional>

namespace mk::crypto {

inline constexpr QLatin1String kPkcs11ProviderKind {"pkcs11"};

// [security.encryption.pkcs11.<name>] of one `pkcs11.<name>` provider. Every value may come from
// `$__file{...}` (already expanded by the config reader). The PIN is a credential: never logged,
// never part of an error detail.
struct Pkcs11Settings
{
    QString providerId; // "pkcs11.<name>"
    QString modulePath; // `module`: the PKCS#11 library (.so), loaded with dlopen
    QString tokenLabel; // `token_label`: wins over `slot` when both are set
    std::optional<int> slotIndex; // `slot`: index into the list of slots with a token present
    SecretBytes pin; // `pin`: the user PIN (empty: no login, e.g. protected authentication path)
    QString keyLabel; // `key_label`: CKA_LABEL of the AES-256 secret key in the token

    // Validates a config section (`module` and `key_label` required, one of `token_label` / `slot`,
    // `slot` a non-negative integer). Errors are ProviderUnavailable naming the section.
    [[nodiscard]] static Result<Pkcs11Settings> fromSection(
        const QString& providerId, const QMap<QString, QString>& values);
    [[nodiscard]] Pkcs11Settings clone() const;
};

// The `pkcs11.<name>` KEK provider: the data key is encrypted with CKM_AES_GCM inside the token
// under a non-extractable, sensitive AES-256 key, so the KEK never enters this process.
//
// data_keys.encrypted_data of this provider (49 bytes, version 1):
//
//   offset  size  field
//        0     4  magic "MKP1"
//        4     1  version = 0x01
//        5    12  GCM IV (fresh random bytes from the CSPRNG for every wrap)
//       17    16  AES-256-GCM ciphertext of the 16-byte data key
//       33    16  GCM tag (128 bits)
//
// The 5 header bytes ("MKP1" 0x01) are the GCM additional authenticated data. The key itself is
// named by the provider's config section (`key_label`), not by the blob.
//
// Connection: the module is loaded once per process (dlopen + C_Initialize with OS locking, never
// finalised), the token is found by label (or slot index) and one user session is opened and
// logged in lazily, on the first wrap/unwrap/health call. PKCS#11 sessions are not thread-safe, so
// every use of the session is serialised by a mutex (calls from several threads are safe). A lost
// session (token removed, CKR_SESSION_HANDLE_INVALID, CKR_DEVICE_REMOVED, ...) is reconnected
// once per call. Any failure to connect is remembered: the provider stays unavailable until it is
// constructed again (a wrong PIN is never retried, so a token does not get locked by retries).
//
// Errors: everything about the module / token / session / login / key is ProviderUnavailable
// with a detail naming the provider, module, token and key (never the PIN); a blob that is not
// version 1, has the wrong length or fails the GCM tag is DataKeyUnwrapFailed.
class Pkcs11Provider final : public KekProvider
{
public:
    explicit Pkcs11Provider(Pkcs11Settings settings);
    ~Pkcs11Provider() override;
    Pkcs11Provider(const Pkcs11Provider&) = delete;
    Pkcs11Provider& operator=(const Pkcs11Provider&) = delete;

    [[nodiscard]] QString id() const override;
    [[nodiscard]] QString describe() const override;
    // Connects if needed and checks that the session is alive and the key usable.
    [[nodiscard]] Result<void> health() const override;
    // A key usable without login (CKA_PRIVATE=false) is worth a warning.
    [[nodiscard]] QStringList warnings() const override;
    [[nodiscard]] Result<SecretBytes> unwrap(QByteArrayView wrapped) const override;
    // `dataKey` must be 16 bytes (InvalidArgument otherwise).
    [[nodiscard]] Result<QByteArray> wrap(QByteArrayView dataKey) const override;

    // Generates the AES-256 key `label` (empty: settings.keyLabel) in the token: CKA_TOKEN,
    // CKA_PRIVATE, CKA_SENSITIVE, CKA_ENCRYPT and CKA_DECRYPT true, CKA_EXTRACTABLE false.
    // InvalidArgument when a secret key with that label already exists; ProviderUnavailable when
    // the module, the token or the login fails.
    [[nodiscard]] static Result<void> createKey(
        const Pkcs11Settings& settings, const QString& label = {});

    static constexpr qsizetype kBlobSize = 49;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace mk::crypto
