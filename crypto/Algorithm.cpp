#include "crypto/Algorithm.h"

namespace mk::crypto {

QByteArray algorithmName(Algorithm algorithm)
{
    switch (algorithm) {
    case Algorithm::AesCfb:
        return QByteArrayLiteral("aes-cfb");
    case Algorithm::AesGcm:
        return QByteArrayLiteral("aes-gcm");
    }
    return {};
}

std::optional<Algorithm> algorithmFromName(QByteArrayView name)
{
    if (name == QByteArrayView("aes-cfb"))
        return Algorithm::AesCfb;
    if (name == QByteArrayView("aes-gcm"))
        return Algorithm::AesGcm;
    return std::nullopt;
}

QByteArray algorithmPrefix(Algorithm algorithm)
{
    switch (algorithm) {
    case Algorithm::AesCfb:
        return QByteArrayLiteral("*YWVzLWNmYg*");
    case Algorithm::AesGcm:
        return QByteArrayLiteral("*YWVzLWdjbQ*");
    }
    return {};
}

qsizetype ivSize(Algorithm algorithm)
{
    return algorithm == Algorithm::AesGcm ? kGcmNonceSize : kCfbIvSize;
}

qsizetype minimumBodySize(Algorithm algorithm)
{
    return algorithm == Algorithm::AesGcm ? kGcmOverhead : kCfbHeaderSize;
}

} // namespace mk::crypto
