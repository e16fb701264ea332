#include "model/store/Base64Flavour.h"

namespace mk::store {

namespace {

bool isAlphabet(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
           || c == '/';
}

std::optional<QByteArray> decodeChecked(const QByteArray& text)
{
    const auto result = QByteArray::fromBase64Encoding(
        text, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (result.decodingStatus != QByteArray::Base64DecodingStatus::Ok)
        return std::nullopt;
    return result.decoded;
}

} // namespace

std::optional<QByteArray> Base64Flavour::decodePadded(const QByteArray& text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    qsizetype pad = 0;
    while (pad < text.size() && text.at(text.size() - 1 - pad) == '=')
        ++pad;
    if (pad > 2)
        return std::nullopt;
    for (qsizetype i = 0; i < text.size() - pad; ++i) {
        if (!isAlphabet(text.at(i)))
            return std::nullopt;
    }
    return decodeChecked(text);
}

std::optional<QByteArray> Base64Flavour::decodeUnpadded(const QByteArray& text)
{
    if (text.size() % 4 == 1)
        return std::nullopt;
    for (const char c : text) {
        if (!isAlphabet(c))
            return std::nullopt;
    }
    return decodeChecked(text);
}

QByteArray Base64Flavour::encode(const QByteArray& bytes, bool padded)
{
    return bytes.toBase64(padded ? QByteArray::Base64Encoding
                                 : QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals);
}

} // namespace mk::store
