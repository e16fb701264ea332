#pragma once

#include "crypto/CryptoError.h"

#include <QByteArray>
#include <QByteArrayView>

// Base64 with Go's encoding/base64 semantics, standard alphabet ('+', '/') only.
// StdEncoding = padded, RawStdEncoding = unpadded. Like Go (non-strict mode) the decoders accept
// non-canonical trailing bits ("YWVzLWNmYh" decodes to "aes-cfb"). Unlike Go they do not skip
// '\r' / '\n': every byte outside the alphabet is an error.
namespace mk::crypto::base64 {

enum class Padding
{
    Padded,    // ends with '=': written with StdEncoding
    Unpadded,  // length % 4 != 0 and no '=': written with RawStdEncoding
    Ambiguous, // length % 4 == 0 and no '=' (or empty): both encodings give this text
};

[[nodiscard]] QByteArray encodeStd(QByteArrayView data); // padded
[[nodiscard]] QByteArray encodeRaw(QByteArrayView data); // unpadded
[[nodiscard]] QByteArray encode(QByteArrayView data, bool padded);

// Padded standard base64: length % 4 == 0, at most two trailing '='. Errors are BadBase64.
[[nodiscard]] Result<QByteArray> decodeStd(QByteArrayView text);
// Unpadded standard base64: '=' anywhere and length % 4 == 1 are errors. Errors are BadBase64.
[[nodiscard]] Result<QByteArray> decodeRaw(QByteArrayView text);
// Padded or unpadded (decodeStd when the text contains '=', decodeRaw otherwise).
[[nodiscard]] Result<QByteArray> decodeAny(QByteArrayView text);

// Which encoding produced `text` (no validation); use it to write a value back the same way.
[[nodiscard]] Padding detectPadding(QByteArrayView text);
// True when `text` carries '=' padding (detectPadding() == Padded).
[[nodiscard]] bool isPadded(QByteArrayView text);
// True when re-encoding should use padding: Padded → true, Unpadded → false, Ambiguous → fallback.
[[nodiscard]] bool shouldPad(QByteArrayView original, bool fallbackPadded);

} // namespace mk::crypto::base64
