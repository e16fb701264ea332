#include "model/ops/ProviderSetup.h"

#include "crypto/KekProvider.h"
#include "crypto/Pkcs11Provider.h"
#include "model/ModelLog.h"
#include "model/ops/KeyRing.h"

namespace mk::model {

namespace {

using State = ProviderHealth::State;

const QMap<QString, QString>* sectionOf(const config::SecuritySettings& security, const QString& id)
{
    for (auto it = security.kmsProviders.cbegin(); it != security.kmsProviders.cend(); ++it)
        if (crypto::normalizeProviderId(it.key()).compare(id, Qt::CaseInsensitive) == 0)
            return &it.value();
    return nullptr;
}

QString valueOf(const QMap<QString, QString>& section, QLatin1String key)
{
    for (auto it = section.cbegin(); it != section.cend(); ++it)
        if (it.key().compare(key, Qt::CaseInsensitive) == 0)
            return it.value().trimmed();
    return {};
}

// Pkcs11Provider tags every failure with the part that failed (crypto::ProviderFault); the page
// offers the matching remedy. Anything else is Unavailable: no create button, Next stays disabled,
// the detail is shown as it is.
State stateOf(const crypto::Error& error)
{
    switch (error.fault) {
    case crypto::ProviderFault::Login: return State::LoginFailed;
    case crypto::ProviderFault::KeyMissing: return State::KeyMissing;
    case crypto::ProviderFault::KeyUnusable: return State::KeyUnusable;
    case crypto::ProviderFault::Token: return State::TokenNotFound;
    case crypto::ProviderFault::Module: return State::ModuleFailed;
    case crypto::ProviderFault::Config: return State::NotConfigured;
    case crypto::ProviderFault::Device:
    case crypto::ProviderFault::None: break;
    }
    return State::Unavailable;
}

} // namespace

QString targetProviderId(const Target& target, const QString& chosen)
{
    return crypto::normalizeProviderId(
        chosen.isEmpty() ? target.config.security.encryptionProvider : chosen);
}

bool providerHealthNeedsDevice(const QString& providerId)
{
    return crypto::normalizeProviderId(providerId) != QLatin1String(crypto::kSecretKeyProviderId);
}

ProviderHealth checkProviderHealth(const Target& target, const QString& providerId)
{
    ProviderHealth health;
    health.providerId = crypto::normalizeProviderId(providerId);
    const QString& id = health.providerId;
    if (!providerHealthNeedsDevice(id)) {
        health.state = State::Ready;
        return health;
    }
    const config::SecuritySettings& security = target.config.security;
    const QMap<QString, QString>* section = sectionOf(security, id);
    health.pkcs11 = crypto::providerKind(id) == crypto::kPkcs11ProviderKind;
    if (health.pkcs11 && section) {
        health.modulePath = valueOf(*section, QLatin1String("module"));
        health.tokenLabel = valueOf(*section, QLatin1String("token_label"));
        health.keyLabel = valueOf(*section, QLatin1String("key_label"));
        bool ok = false;
        const int slot = valueOf(*section, QLatin1String("slot")).toInt(&ok);
        if (ok && slot >= 0)
            health.slot = slot;
    }

    // The provider exactly as the job gets it: from a key ring over this configuration.
    const KeyRing ring(target, {});
    const crypto::KekProvider* provider = ring.provider(id);
    if (!provider) {
        health.state = State::NotConfigured;
        health.detail = section
            ? QStringLiteral("%1 has a [security.encryption.%1] section but is not listed in "
                             "[security] available_encryption_providers (nor is it the "
                             "encryption_provider): list it there, on every instance")
                  .arg(id)
            : QStringLiteral("%1 is not configured: list it in [security] "
                             "available_encryption_providers and give it a "
                             "[security.encryption.%1] section")
                  .arg(id);
        return health;
    }
    if (health.pkcs11 && section) {
        if (auto settings = crypto::Pkcs11Settings::fromSection(id, *section); !settings) {
            health.state = State::NotConfigured;
            health.detail = settings.error().detail;
            return health;
        }
    }
    const auto ok = provider->health();
    if (ok) {
        health.state = State::Ready;
        return health;
    }
    health.detail = ok.error().detail;
    health.state
        = health.pkcs11 && section ? stateOf(ok.error()) : State::NotConfigured;
    return health;
}

Result<void> createProviderKey(const Target& target, const QString& providerId)
{
    const QString id = crypto::normalizeProviderId(providerId);
    if (crypto::providerKind(id) != crypto::kPkcs11ProviderKind)
        return fail(ErrorKind::Usage,
            QStringLiteral("%1 is not a pkcs11.<name> provider: no key to create").arg(id));
    const QMap<QString, QString>* section = sectionOf(target.config.security, id);
    if (!section)
        return fail(ErrorKind::Config,
            QStringLiteral("the configuration has no [security.encryption.%1] section").arg(id));
    auto settings = crypto::Pkcs11Settings::fromSection(id, *section);
    if (!settings)
        return fail(ErrorKind::Config, settings.error().detail);
    const auto created = crypto::Pkcs11Provider::createKey(*settings);
    if (!created)
        return fail(created.error().code == crypto::ErrorCode::InvalidArgument ? ErrorKind::Refused
                                                                               : ErrorKind::Failed,
            created.error().detail);
    qCInfo(lcModel).noquote()
        << QStringLiteral("%1: created the AES-256 key '%2' (non-extractable, sensitive) in %3")
               .arg(id, settings->keyLabel,
                   settings->tokenLabel.isEmpty()
                       ? QStringLiteral("slot #%1").arg(settings->slotIndex.value_or(0))
                       : QStringLiteral("token '%1'").arg(settings->tokenLabel));
    return {};
}

QString providerStateName(ProviderHealth::State state)
{
    switch (state) {
    case State::Ready:
        return QStringLiteral("ready");
    case State::NotConfigured:
        return QStringLiteral("not-configured");
    case State::ModuleFailed:
        return QStringLiteral("module-failed");
    case State::TokenNotFound:
        return QStringLiteral("token-not-found");
    case State::LoginFailed:
        return QStringLiteral("login-failed");
    case State::KeyMissing:
        return QStringLiteral("key-missing");
    case State::KeyUnusable:
        return QStringLiteral("key-unusable");
    case State::Unavailable:
        return QStringLiteral("unavailable");
    }
    return QStringLiteral("unavailable");
}

} // namespace mk::model
