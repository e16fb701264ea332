#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

// re-encrypt (product.md §3, formats.md §3.1): every value to envelope encryption under today's
// current data key (`YYYY-MM-DD/root@<provider>`, created and committed first when missing), with
// the configured algorithm; alert_notification stays legacy (re-encrypted with the secret key).
// With disableEnvelopeEncryption every value is written as a legacy value and data keys are kept.
// Values already under today's key in the configured form are left alone, so a re-run only
// finishes what is left.
namespace mk::model {

struct ReEncryptOptions : OperationOptions
{
};

// What a run would do, without writing (opens the database read-only). The wizards call it.
[[nodiscard]] Result<Preflight> preflightReEncrypt(const Target& target,
                                                   const ReEncryptOptions& options,
                                                   JobContext* context);

// Refuses (ErrorKind::Refused) when the sampled values say the secret key is wrong, unless forced.
[[nodiscard]] Result<OperationResult> runReEncrypt(const Target& target,
                                                   const ReEncryptOptions& options,
                                                   JobContext* context);

} // namespace mk::model
