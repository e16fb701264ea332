#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

// rotate (product.md §3, formats.md §3.4): deactivate every active data key in one transaction
// (only `active` changes). New keys are created on demand by the next encryption. Other instances
// may keep encrypting with their cached (now inactive) key for up to data_keys_cache_ttl: the result
// says until when (encryptUntil, ISO 8601 with offset).
namespace mk::model {

[[nodiscard]] Result<Preflight> preflightRotate(const Target& target,
                                                const OperationOptions& options,
                                                JobContext* context);
[[nodiscard]] Result<OperationResult> runRotate(const Target& target,
                                                const OperationOptions& options,
                                                JobContext* context);

} // namespace mk::model
