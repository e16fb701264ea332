#include "model/ops/ValueDecrypter.h"

#include "crypto/CryptoError.h"
#include "crypto/SecretsDecrypter.h"
#include "model/ops/KeyRing.h"
#include "model/store/SecretLocation.h"

#include <QStringDecoder>

#include <cstring>

namespace mk::model {

FailureReason reasonForCryptoError(int cryptoErrorCode)
{
    switch (static_cast<crypto::ErrorCode>(cryptoErrorCode)) {
    case crypto::ErrorCode::EmptyPayload:
        return FailureReason::EmptyPayload;
    case crypto::ErrorCode::Truncated:
        return FailureReason::Truncated;
    case crypto::ErrorCode::BadBase64:
        return FailureReason::BadBase64;
    case crypto::ErrorCode::UnknownAlgorithm:
        return FailureReason::UnsupportedAlgorithm;
    case crypto::ErrorCode::BadEnvelope:
        return FailureReason::BadEnvelope;
    case crypto::ErrorCode::AuthenticationFailed:
        return FailureReason::AuthenticationFailed;
    case crypto::ErrorCode::MissingDataKey:
        return FailureReason::MissingDataKey;
    case crypto::ErrorCode::DataKeyUnwrapFailed:
        return FailureReason::DataKeyUnwrapFailed;
    case crypto::ErrorCode::ProviderUnavailable:
        return FailureReason::ProviderUnavailable;
    case crypto::ErrorCode::InvalidArgument:
    case crypto::ErrorCode::Internal:
        break;
    }
    return FailureReason::Other;
}

bool isPlausiblePlaintext(const store::SecretLocation& location, QByteArrayView plaintext)
{
    if (location.table == QLatin1String("cache_data"))
        return true; // gob-encoded cache items are binary
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(plaintext);
    return !decoder.hasError();
}

void wipe(QByteArray& buffer)
{
    if (!buffer.isEmpty() && !buffer.isDetached())
        buffer.detach();
    if (!buffer.isEmpty())
        std::memset(buffer.data(), 0, static_cast<size_t>(buffer.size()));
    buffer.clear();
}

std::expected<QByteArray, DecryptFailure> decryptValue(const ValueRecord& record, const KeyRing& ring)
{
    if (record.problem)
        return std::unexpected(DecryptFailure{*record.problem, {}});
    auto plaintext = crypto::decryptSecret(QByteArrayView(record.payload), ring.secretKey(), ring);
    if (!plaintext)
        return std::unexpected(DecryptFailure{reasonForCryptoError(static_cast<int>(plaintext.error().code)),
                                              plaintext.error().detail});
    const store::SecretLocation& location = store::secretLocations().at(record.locationIndex);
    if (!isPlausiblePlaintext(location, QByteArrayView(*plaintext))) {
        wipe(*plaintext);
        return std::unexpected(DecryptFailure{FailureReason::ImplausiblePlaintext,
                                              QStringLiteral("plaintext is not valid UTF-8 text")});
    }
    return std::move(*plaintext);
}

} // namespace mk::model
