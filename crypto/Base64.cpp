#include "crypto/Base64.h"

#include <array>

namespace mk::crypto::base64 {

namespace {

constexpr signed char kInvalid = -1;

constexpr std::array<signed char, 256> makeDecodeTable()
{
    std::array<signed char, 256> table{};
    for (auto& entry : table)
        entry = kInvalid;
    constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return table;
}

constexpr std::array<signed char, 256> kDecodeTable = makeDecodeTable();

std::unexpected<Error> illegalAt(qsizetype offset)
{
    return fail(ErrorCode::BadBase64,
                QStringLiteral("illegal base64 data at input byte %1").arg(offset));
}

// Decodes unpadded text; `text` contains no '='. Offsets in errors are relative to `base`.
Result<QByteArray> decodeUnpadded(QByteArrayView text, qsizetype base)
{
    const qsizetype length = text.size();
    for (qsizetype i = 0; i < length; ++i) {
        if (kDecodeTable[static_cast<unsigned char>(text[i])] == kInvalid)
            return illegalAt(base + i);
    }
    if (length % 4 == 1)
        return illegalAt(base + length - 1);

    QByteArray out;
    out.reserve(length / 4 * 3 + 2);
    auto value = [&](qsizetype i) {
        return static_cast<unsigned>(kDecodeTable[static_cast<unsigned char>(text[i])]);
    };
    qsizetype i = 0;
    for (; i + 4 <= length; i += 4) {
        const unsigned n = (value(i) << 18) | (value(i + 1) << 12) | (value(i + 2) << 6) | value(i + 3);
        out.append(static_cast<char>((n >> 16) & 0xff));
        out.append(static_cast<char>((n >> 8) & 0xff));
        out.append(static_cast<char>(n & 0xff));
    }
    const qsizetype rest = length - i;
    if (rest >= 2) {
        unsigned n = (value(i) << 18) | (value(i + 1) << 12);
        if (rest == 3)
            n |= value(i + 2) << 6;
        out.append(static_cast<char>((n >> 16) & 0xff));
        if (rest == 3)
            out.append(static_cast<char>((n >> 8) & 0xff));
    }
    return out;
}

} // namespace

QByteArray encodeStd(QByteArrayView data)
{
    return data.toByteArray().toBase64(QByteArray::Base64Encoding);
}

QByteArray encodeRaw(QByteArrayView data)
{
    return data.toByteArray().toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals);
}

QByteArray encode(QByteArrayView data, bool padded)
{
    return padded ? encodeStd(data) : encodeRaw(data);
}

Result<QByteArray> decodeStd(QByteArrayView text)
{
    const qsizetype length = text.size();
    qsizetype padding = 0;
    while (padding < length && padding < 3 && text[length - 1 - padding] == '=')
        ++padding;
    const qsizetype dataLength = length - padding;
    // Any '=' before the trailing run is an illegal byte.
    for (qsizetype i = 0; i < dataLength; ++i) {
        if (text[i] == '=' || kDecodeTable[static_cast<unsigned char>(text[i])] == kInvalid)
            return illegalAt(i);
    }
    if (length % 4 != 0)
        return illegalAt(length);
    const qsizetype expectedPadding = (4 - dataLength % 4) % 4;
    if (padding != expectedPadding || dataLength % 4 == 1)
        return illegalAt(dataLength);
    return decodeUnpadded(text.first(dataLength), 0);
}

Result<QByteArray> decodeRaw(QByteArrayView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == '=')
            return illegalAt(i);
    }
    return decodeUnpadded(text, 0);
}

Result<QByteArray> decodeAny(QByteArrayView text)
{
    return text.contains('=') ? decodeStd(text) : decodeRaw(text);
}

Padding detectPadding(QByteArrayView text)
{
    if (!text.isEmpty() && text.back() == '=')
        return Padding::Padded;
    if (text.size() % 4 != 0)
        return Padding::Unpadded;
    return Padding::Ambiguous;
}

bool isPadded(QByteArrayView text)
{
    return detectPadding(text) == Padding::Padded;
}

bool shouldPad(QByteArrayView original, bool fallbackPadded)
{
    switch (detectPadding(original)) {
    case Padding::Padded:
        return true;
    case Padding::Unpadded:
        return false;
    case Padding::Ambiguous:
        break;
    }
    return fallbackPadded;
}

} // namespace mk::crypto::base64
