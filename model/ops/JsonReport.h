#pragma once

#include "model/ops/CensusJob.h"
#include "model/ops/OperationResult.h"
#include "model/ops/VerifyJob.h"

#include <QJsonObject>

namespace mk::model {

// The JSON shapes of the command-line contract (product.md §4). Fields may be added, never renamed.
QJsonObject censusToJson(const CensusResult& census);
QJsonObject secretsManagerToJson(const GsmCensus& gsm);
QJsonObject verifyToJson(const VerifyResult& verify);
QJsonArray failuresToJson(const QList<ValueFailure>& failures);
// Operations: {operation, dryRun, processed, changed, skipped, failed, failures, dataKeysCreated,
// dataKeysDeleted, durationMs} plus preflight, conflicts, configChange, ... (product.md §4).
QJsonObject operationToJson(const OperationResult& result);
QJsonObject preflightToJson(const Preflight& preflight);
// {checked, suspected, lastWriteSecondsAgo, windowSeconds, evidence[], refused?, message?}
QJsonObject livenessToJson(const Liveness& liveness);
// `instances`: {instances: [{url, state, httpStatus, detail, version, commit, edition, database,
// sameDatabase, sameDatabaseDetail}]}
QJsonObject instancesToJson(const QList<InstanceStatus>& statuses);

} // namespace mk::model
