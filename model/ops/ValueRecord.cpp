#include "model/ops/ValueRecord.h"

namespace mk::model {

bool isEnvelope(ValueFormat format)
{
    return format == ValueFormat::EnvelopeCfb || format == ValueFormat::EnvelopeCfbPrefixed
        || format == ValueFormat::EnvelopeGcm;
}

bool isLegacy(ValueFormat format)
{
    return format == ValueFormat::LegacyCfb || format == ValueFormat::LegacyCfbPrefixed
        || format == ValueFormat::LegacyGcm;
}

bool isGcm(ValueFormat format)
{
    return format == ValueFormat::LegacyGcm || format == ValueFormat::EnvelopeGcm;
}

QString formatLabel(ValueFormat format)
{
    switch (format) {
    case ValueFormat::LegacyCfb:
        return QStringLiteral("legacy aes-cfb");
    case ValueFormat::LegacyCfbPrefixed:
        return QStringLiteral("legacy aes-cfb (prefixed)");
    case ValueFormat::LegacyGcm:
        return QStringLiteral("legacy aes-gcm");
    case ValueFormat::EnvelopeCfb:
        return QStringLiteral("envelope aes-cfb");
    case ValueFormat::EnvelopeCfbPrefixed:
        return QStringLiteral("envelope aes-cfb (prefixed)");
    case ValueFormat::EnvelopeGcm:
        return QStringLiteral("envelope aes-gcm");
    case ValueFormat::Malformed:
        return QStringLiteral("malformed");
    }
    return {};
}

QString formatToken(ValueFormat format)
{
    switch (format) {
    case ValueFormat::LegacyCfb:
        return QStringLiteral("legacy-cfb");
    case ValueFormat::LegacyCfbPrefixed:
        return QStringLiteral("legacy-cfb-prefixed");
    case ValueFormat::LegacyGcm:
        return QStringLiteral("legacy-gcm");
    case ValueFormat::EnvelopeCfb:
        return QStringLiteral("envelope-cfb");
    case ValueFormat::EnvelopeCfbPrefixed:
        return QStringLiteral("envelope-cfb-prefixed");
    case ValueFormat::EnvelopeGcm:
        return QStringLiteral("envelope-gcm");
    case ValueFormat::Malformed:
        return QStringLiteral("malformed");
    }
    return {};
}

} // namespace mk::model
