#pragma once

#include "model/ModelError.h"
#include "model/Target.h"

#include <QString>

#include <optional>

// Setting up the target KEK provider of re-encrypt-data-keys from the console (issue #8): whether
// a provider of the configuration can wrap data keys right now (for pkcs11.<name>: the module
// loads, the token is found, the PIN is accepted, the key is present and usable) and, when only the
// key is missing, creating it in the token. Both talk to the device: call them on a worker thread.
// Nothing here returns, logs or stores the PIN.
namespace mk::model {

struct ProviderHealth
{
    enum class State
    {
        Ready, // wraps and unwraps now (secretKey.v1 always)
        NotConfigured, // not listed in [security], no or invalid section, unsupported kind
        ModuleFailed, // the PKCS#11 module is missing or does not load / initialise
        TokenNotFound, // no token with token_label (or in slot)
        LoginFailed, // the token refused the PIN (wrong, locked, expired, missing)
        KeyMissing, // logged in, but no secret key labelled key_label: createProviderKey can help
        KeyUnusable, // a key with that label exists but is no AES-256 KEK (or is ambiguous)
        Unavailable, // anything else (session lost, device error, ...)
    };

    QString providerId; // normalised ("secretKey.v1", "pkcs11.hsm")
    State state = State::Unavailable;
    bool pkcs11 = false;
    // pkcs11.<name> only, from its section (never the PIN).
    QString modulePath;
    QString tokenLabel;
    std::optional<int> slot;
    QString keyLabel;
    QString detail; // technical, secret-free ("" when Ready)

    bool isReady() const { return state == State::Ready; }
    bool canCreateKey() const { return state == State::KeyMissing; }
};

// The provider re-encrypt-data-keys would wrap with: `chosen`, or [security] encryption_provider
// when empty; normalised.
[[nodiscard]] QString targetProviderId(const Target& target, const QString& chosen);
// Whether checkProviderHealth may touch a device (everything but secretKey.v1): such checks belong
// on a worker thread; secretKey.v1 is answered at once.
[[nodiscard]] bool providerHealthNeedsDevice(const QString& providerId);
// Builds the provider the way the rewrap job does (a fresh connection: an earlier failure is not
// remembered) and asks it for its health.
[[nodiscard]] ProviderHealth checkProviderHealth(const Target& target, const QString& providerId);
// Generates the AES-256 key key_label of pkcs11.<name> in its token: non-extractable, sensitive,
// encrypt/decrypt only. Refused when a key with that label exists; Config for a section problem;
// Failed when the module, token or login fails.
[[nodiscard]] Result<void> createProviderKey(const Target& target, const QString& providerId);
// Stable name of a state ("ready", "key-missing", ...) for logs and tests.
QString providerStateName(ProviderHealth::State state);

} // namespace mk::model
