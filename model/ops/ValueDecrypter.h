#pragma once

#include "model/ops/FailureReason.h"
#include "model/ops/ValueRecord.h"

#include <QByteArray>
#include <QString>

#include <expected>

namespace mk::store {
struct SecretLocation;
}

namespace mk::model {

class KeyRing;

struct DecryptFailure
{
    FailureReason reason = FailureReason::Other;
    QString detail;
};

// Decrypts one value (envelope or legacy) and judges whether the plaintext is plausible for its
// location: CFB has no MAC, so a wrong key shows only as bytes that cannot be this secret.
// Thread-safe; the returned plaintext must never be logged or stored.
[[nodiscard]] std::expected<QByteArray, DecryptFailure> decryptValue(const ValueRecord& record,
                                                                     const KeyRing& ring);

// Text secrets must be valid UTF-8 (every Grafana secret is a string); cache_data holds binary.
bool isPlausiblePlaintext(const store::SecretLocation& location, QByteArrayView plaintext);

// Maps a crypto error code onto a failure reason.
FailureReason reasonForCryptoError(int cryptoErrorCode);

// Overwrites the bytes of a plaintext buffer before it is released.
void wipe(QByteArray& buffer);

} // namespace mk::model
