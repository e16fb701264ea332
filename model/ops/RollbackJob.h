#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

// rollback (product.md §3, formats.md §3.2): every envelope value (and every legacy value not in
// the requested form) to a legacy value encrypted with the secret key. Then data keys are deleted
// under rule 6: only keys no value in any table references any more (cache_data and
// alert_configuration_history included, which rollback does not rewrite, like upstream). Keys still
// referenced are kept and listed (the result is "refused", exit code 3) unless acceptLoss is set.
namespace mk::model {

enum class RollbackFormat
{
    Prefixed92, // "9.2": '*YWVzLWNmYg*' + body (configured algorithm), readable by 8.5.4+ and 9.x+
    Legacy,     // "legacy": unprefixed aes-cfb, readable by Grafana/Mosaicoo up to 8.5.3
};

struct RollbackOptions : OperationOptions
{
    RollbackFormat format = RollbackFormat::Prefixed92;
    bool acceptLoss = false; // delete data keys even though values still reference them
};

// "9.2" | "legacy" (nullopt for anything else).
std::optional<RollbackFormat> rollbackFormatFromName(const QString& name);

[[nodiscard]] Result<Preflight> preflightRollback(const Target& target,
                                                  const RollbackOptions& options,
                                                  JobContext* context);
[[nodiscard]] Result<OperationResult> runRollback(const Target& target,
                                                  const RollbackOptions& options,
                                                  JobContext* context);

} // namespace mk::model
