#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

// The preflight's key check on its own, for opening a database: decrypts a sample spread over the
// data keys and the legacy values (no writes) and says whether the secret key is probably wrong.
namespace mk::model {

[[nodiscard]] Result<KeyCheck> checkSecretKey(const Target& target, int jobs, JobContext* context);

} // namespace mk::model
