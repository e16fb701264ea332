#pragma once

#include "model/ops/CensusJob.h"
#include "model/ops/VerifyJob.h"

#include <QJsonObject>

namespace mk::model {

// The JSON shapes of the command-line contract (product.md §4). Fields may be added, never renamed.
QJsonObject censusToJson(const CensusResult& census);
QJsonObject verifyToJson(const VerifyResult& verify);
QJsonArray failuresToJson(const QList<ValueFailure>& failures);

} // namespace mk::model
