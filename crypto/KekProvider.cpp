#include "crypto/KekProvider.h"

namespace mk::crypto {

KekProvider::~KekProvider() = default;

QString KekProvider::describe() const
{
    return id();
}

Result<void> KekProvider::health() const
{
    return {};
}

QStringList KekProvider::warnings() const
{
    return {};
}

QString normalizeProviderId(const QString& providerId)
{
    if (providerId == QLatin1String("secretKey"))
        return QString(kSecretKeyProviderId);
    return providerId;
}

QString providerKind(const QString& providerId)
{
    const qsizetype dot = providerId.indexOf(QLatin1Char('.'));
    return dot < 0 ? providerId : providerId.left(dot);
}

} // namespace mk::crypto
