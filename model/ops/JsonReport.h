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

} // namespace mk::model
