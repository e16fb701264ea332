#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

#include <QDateTime>

// consolidate (secrets-manager.md §4): the secrets-manager store's re-encryption, upstream's
// `grafana cli admin secrets-consolidation consolidate` done the console's way.
//  1. Preflight: every value is decrypted (GCM proves the key); the current provider
//     ([secrets_manager] encryption_provider) must be configured and wrap/unwrap. A value or data
//     key that does not decrypt refuses the run (exit 3) unless forced (then it is skipped).
//  2. One transaction: deactivate every secret_data_key, create today's key per namespace with the
//     current provider (label YYYY-MM-DD@<provider>, uid like Grafana's). Committed before use.
//  3. Batches (one transaction each): per value re-read check (compare-and-set on the old bytes),
//     encrypt under the namespace's new key in the schema's own layout (data_key_id column or the
//     '#id#' prefix), decrypt the new bytes back and compare before writing. A row that changed
//     meanwhile is read again and re-encrypted from its new value.
//  4. One transaction: delete the inactive data keys no value references any more and whose last
//     update (their deactivation) is older than data_keys_cache_ttl (allowing for any time zone of
//     the stored time); the others are kept and counted (dataKeysKeptForCache): another instance
//     may still encrypt with a cached copy.
// A kill at any instant leaves every value readable: keys are committed before the values that
// use them, and old keys go only when nothing references them. Running it again finishes the job.
namespace mk::model {

inline const QString kConsolidateOperation = operationName(OperationKind::Consolidate);

[[nodiscard]] Result<Preflight> preflightConsolidate(const Target& target,
                                                     const OperationOptions& options,
                                                     JobContext* context);
[[nodiscard]] Result<OperationResult> runConsolidate(const Target& target,
                                                     const OperationOptions& options,
                                                     JobContext* context);

// When no other instance can hold a secrets-manager data key last updated (deactivated) at
// `updated` in its data-key cache any more: that time plus the TTL. secret_data_key.updated is a
// DATETIME written in the writer's local zone (UTC on MySQL, an explicit offset on some SQLite
// drivers): with an offset it is exact, without one the latest instant it can denote (UTC-12) is
// assumed. Invalid when unreadable.
QDateTime gsmDataKeyCacheExpiry(const QString& updated, qint64 ttlSeconds);
// Whether that expiry lies before `now` (a TTL of 0: always). Unreadable times: false (keep).
bool gsmDataKeyOutlivedCache(const QString& updated, const QDateTime& now, qint64 ttlSeconds);

// Today's label of a secrets-manager data key: "YYYY-MM-DD@<provider>" (local date).
QString gsmDataKeyLabel(const QString& providerId);
// A new secret_data_key uid: UUIDv4 text whose first character is a letter a-f (Grafana's
// GenerateShortUID).
QString newGsmDataKeyUid();

} // namespace mk::model
