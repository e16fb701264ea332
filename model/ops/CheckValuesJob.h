#pragma once

#include "model/ModelError.h"
#include "model/SecretRevealer.h"
#include "model/Target.h"
#include "model/ops/JobContext.h"
#include "model/ops/VerifyJob.h"

#include <QList>

namespace mk::model {

// Verify for a handful of values (the rows the secrets pane shows): decrypts exactly these, with
// the same verdicts as runVerify, and returns one outcome per value found (values no longer in
// the database are left out). Reads only the locations of the addresses and stops scanning once
// every value was found. Runs on a worker with its own read-only connection; cancelable between
// batches through `context`. Never returns or keeps a plaintext (only its SHA-256, as verify).
[[nodiscard]] Result<QList<ValueOutcome>> checkValues(const Target& target,
                                                      const QList<ValueAddress>& addresses,
                                                      JobContext* context);

} // namespace mk::model
