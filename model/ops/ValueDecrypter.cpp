#include "model/ops/ValueDecrypter.h"

#include "crypto/CryptoError.h"
#include "crypto/SecretsDecrypter.h"
#include "model/ops/KeyRing.h"
#include "model/store/SecretLocation.h"

#include <QJsonDocument>
#include <QJsonParseError>
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

namespace {

bool isControl(char32_t c)
{
    return (c < 0x20 && c != U'\t' && c != U'\n' && c != U'\r') || (c >= 0x7f && c <= 0x9f);
}

// A JSON object or array (or `null`: an empty secrets.value, formats.md §2.2) is structure that
// random bytes almost never have: it proves the key whatever its length.
bool isJsonDocument(QByteArrayView plaintext)
{
    if (plaintext == "null")
        return true;
    if (plaintext.size() < 2 || !(plaintext.front() == '{' || plaintext.front() == '['))
        return false;
    QJsonParseError error{};
    (void)QJsonDocument::fromJson(plaintext.toByteArray(), &error);
    return error.error == QJsonParseError::NoError;
}

} // namespace

PlaintextJudgement judgePlaintext(const store::SecretLocation& location, ValueFormat format, QByteArrayView plaintext)
{
    if (location.table == QLatin1String("cache_data") || plaintext.isEmpty())
        return {}; // gob-encoded cache items are binary; an empty text is the same under any key
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(plaintext);
    if (decoder.hasError())
        return {Plausibility::Implausible, QStringLiteral("plaintext is not valid UTF-8 text")};
    bool ascii = true;
    for (const char32_t c : QStringView(text).toUcs4()) {
        if (isControl(c))
            return {Plausibility::Implausible, QStringLiteral("plaintext contains control characters")};
        ascii = ascii && c < 0x80;
    }
    if (isJsonDocument(plaintext))
        return {};
    const bool legacyCfb = format == ValueFormat::LegacyCfb || format == ValueFormat::LegacyCfbPrefixed;
    if (legacyCfb && plaintext.size() < (ascii ? kMinVerifiableAscii : kMinVerifiableText))
        return {Plausibility::Unverifiable,
                QStringLiteral("a %1-byte text is too short to prove that this secret key encrypted it")
                    .arg(plaintext.size())};
    return {};
}

std::optional<DecryptFailure> failureForPlaintext(const ValueRecord& record,
                                                  QByteArray& plaintext,
                                                  UnverifiablePolicy policy)
{
    const PlaintextJudgement judgement
        = judgePlaintext(store::secretLocations().at(record.locationIndex), record.format, QByteArrayView(plaintext));
    switch (judgement.verdict) {
    case Plausibility::Plausible:
        return std::nullopt;
    case Plausibility::Unverifiable:
        if (policy == UnverifiablePolicy::Accept)
            return std::nullopt;
        wipe(plaintext);
        return DecryptFailure{FailureReason::Unverifiable, judgement.detail};
    case Plausibility::Implausible:
        break;
    }
    wipe(plaintext);
    return DecryptFailure{FailureReason::ImplausiblePlaintext, judgement.detail};
}

void wipe(QByteArray& buffer)
{
    if (!buffer.isEmpty() && !buffer.isDetached())
        buffer.detach();
    if (!buffer.isEmpty())
        std::memset(buffer.data(), 0, static_cast<size_t>(buffer.size()));
    buffer.clear();
}

std::expected<QByteArray, DecryptFailure> decryptValue(const ValueRecord& record,
                                                       const KeyRing& ring,
                                                       UnverifiablePolicy policy)
{
    if (record.problem)
        return std::unexpected(DecryptFailure{*record.problem, {}});
    auto plaintext = crypto::decryptSecret(QByteArrayView(record.payload), ring.secretKey(), ring);
    if (!plaintext)
        return std::unexpected(DecryptFailure{reasonForCryptoError(static_cast<int>(plaintext.error().code)),
                                              plaintext.error().detail});
    if (auto failure = failureForPlaintext(record, *plaintext, policy))
        return std::unexpected(std::move(*failure));
    return std::move(*plaintext);
}

} // namespace mk::model
