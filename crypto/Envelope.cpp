#include "crypto/Envelope.h"

#include "crypto/Base64.h"

namespace mk::crypto {

bool isEnvelope(QByteArrayView payload)
{
    return !payload.isEmpty() && payload.front() == '#';
}

Result<EnvelopeParts> parseEnvelope(QByteArrayView payload)
{
    if (!isEnvelope(payload))
        return fail(ErrorCode::BadEnvelope, QStringLiteral("payload does not start with '#'"));
    const qsizetype end = payload.indexOf('#', 1);
    if (end < 0)
        return fail(ErrorCode::BadEnvelope,
                    QStringLiteral("could not find valid key id in encrypted payload"));
    if (end == 1)
        return fail(ErrorCode::BadEnvelope, QStringLiteral("empty data key id in encrypted payload"));
    auto id = base64::decodeRaw(payload.sliced(1, end - 1));
    if (!id)
        return fail(ErrorCode::BadBase64, QStringLiteral("data key id: %1").arg(id.error().detail));
    return EnvelopeParts{std::move(*id), end + 1};
}

QByteArray buildEnvelope(QByteArrayView keyId, QByteArrayView innerPayload)
{
    const QByteArray id = base64::encodeRaw(keyId);
    QByteArray out;
    out.reserve(2 + id.size() + innerPayload.size());
    out.append('#');
    out.append(id);
    out.append('#');
    out.append(innerPayload);
    return out;
}

} // namespace mk::crypto
