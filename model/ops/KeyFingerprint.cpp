#include "model/ops/KeyFingerprint.h"

#include "crypto/Kdf.h"

namespace mk::model {

namespace {
constexpr char kFingerprintSalt[] = "mosaicoo-keys/secret-key-fingerprint/v1";
constexpr int kFingerprintBytes = 8;
} // namespace

QString keyFingerprint(QByteArrayView secretKey)
{
    const crypto::SecretBytes derived = crypto::pbkdf2Sha256(secretKey, QByteArrayView(kFingerprintSalt),
                                                             crypto::kPbkdf2Iterations, kFingerprintBytes);
    return QString::fromLatin1(QByteArray(derived.view().data(), derived.view().size()).toHex());
}

} // namespace mk::model
