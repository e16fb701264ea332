#pragma once

#include <QByteArray>

#include <optional>

namespace mk::store {

// Strict base64 helpers for cell values (standard alphabet only).
class Base64Flavour
{
public:
    // Padded: length % 4 == 0 with correct '=' padding. Unpadded: no '=' at all.
    static std::optional<QByteArray> decodePadded(const QByteArray& text);
    static std::optional<QByteArray> decodeUnpadded(const QByteArray& text);
    static QByteArray encode(const QByteArray& bytes, bool padded);
};

} // namespace mk::store
