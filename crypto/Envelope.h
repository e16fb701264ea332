#pragma once

#include "crypto/CryptoError.h"

#include <QByteArray>
#include <QByteArrayView>

// The envelope form (formats.md §1.6): '#' + base64_RawStd(data-key id) + '#' + inner payload.
namespace mk::crypto {

struct EnvelopeParts
{
    QByteArray keyId;          // decoded id (the data_keys.name value)
    qsizetype innerOffset = 0; // where the inner payload starts (after the closing '#')
};

// First byte is '#'.
[[nodiscard]] bool isEnvelope(QByteArrayView payload);

// No leading '#', no closing '#' or an empty id → BadEnvelope; an id that is not valid unpadded
// base64 (including '=' padding) → BadBase64. The inner payload may be empty (the decrypter then
// reports EmptyPayload).
[[nodiscard]] Result<EnvelopeParts> parseEnvelope(QByteArrayView payload);

// '#' + base64_RawStd(keyId) + '#' + innerPayload.
[[nodiscard]] QByteArray buildEnvelope(QByteArrayView keyId, QByteArrayView innerPayload);

} // namespace mk::crypto
