#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

#include <QByteArray>
#include <QString>

#include <optional>

// re-encrypt-data-keys (product.md §3, formats.md §3.3): unwrap every data key with its provider and
// wrap it again with the current KEK provider (label = today's label, like upstream). The data key
// bytes and ids never change, so every envelope value stays valid.
//
// Given a new secret key it is the change of the secret key: every data key is re-wrapped with
// the new key and every value encrypted directly with the secret key (legacy values,
// alert_notification, legacy values in alert_configuration_history) is re-encrypted with it, all in
// ONE transaction (a kill or cancel leaves everything under the old key; a re-run starts over),
// then everything is verified with the new key and the configuration change to make is returned.
//
// Refuses (ErrorKind::Refused) when the sample says the (old) secret key is wrong or when a data
// key does not unwrap (CFB-wrapped keys are judged by the values under them), unless forced; a
// forced run leaves such keys untouched and lists them in dataKeyFailures.
namespace mk::model {

struct RewrapDataKeysOptions : OperationOptions
{
    QString provider;                       // --provider ID; empty = [security] encryption_provider
    std::optional<QByteArray> newSecretKey; // change of the secret key (bytes as the server reads them)
    QString newSecretKeySource;             // e.g. the key file's path, for the printed instruction
};

[[nodiscard]] Result<Preflight> preflightRewrapDataKeys(const Target& target,
                                                        const RewrapDataKeysOptions& options,
                                                        JobContext* context);
[[nodiscard]] Result<OperationResult> runRewrapDataKeys(const Target& target,
                                                        const RewrapDataKeysOptions& options,
                                                        JobContext* context);

// The configuration change after a change of the secret key (never contains the key itself).
QString secretKeyConfigChange(const QByteArray& newSecretKey, const QString& source);

} // namespace mk::model
