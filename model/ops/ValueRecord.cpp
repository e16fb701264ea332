#include "model/ops/ValueRecord.h"

#include "model/store/SecretLocation.h"

namespace mk::model {

int gsmValuesLocationIndex()
{
    return static_cast<int>(store::secretLocations().size());
}

int gsmExternalLocationIndex()
{
    return gsmValuesLocationIndex() + 1;
}

bool isGsmLocationIndex(int locationIndex)
{
    return locationIndex == gsmValuesLocationIndex() || locationIndex == gsmExternalLocationIndex();
}

QString locationNameOf(int locationIndex)
{
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    if (locationIndex >= 0 && locationIndex < catalog.size())
        return catalog.at(locationIndex).table + QLatin1Char('.') + catalog.at(locationIndex).column;
    if (locationIndex == gsmValuesLocationIndex())
        return QStringLiteral("secret_encrypted_value.encrypted_data");
    if (locationIndex == gsmExternalLocationIndex())
        return QStringLiteral("secret_secure_value.external_id");
    return {};
}

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
