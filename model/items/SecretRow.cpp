#include "model/items/SecretRow.h"

#include "model/items/SecretQuery.h"

namespace mk::model {

QString SecretRow::store() const
{
    return storeToken(isSecretsManager());
}

QString storeToken(bool secretsManager)
{
    return QString::fromLatin1(secretsManager ? kStoreSecretsManager : kStoreLegacy);
}

QString storeLabel(bool secretsManager)
{
    return secretsManager ? QStringLiteral("secrets manager") : QStringLiteral("legacy");
}

} // namespace mk::model
