#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "model/instances/Instances.h"
#include "model/ops/JobContext.h"
#include "model/ops/OperationResult.h"

// rotate --via-api and the rotation at the end of the other operations (issue #17): every instance
// gets POST /api/admin/encryption/rotate-data-keys (the first deactivates the data keys, each one
// flushes its own cache), then the database confirms that no key active before the rotation is
// still active: no TTL wait for the instances reached. The countdown (encryptUntil) is kept only
// for the instances not reached; when none was reached, the keys are deactivated in the database
// as a plain rotate does.
namespace mk::model {

[[nodiscard]] Result<OperationResult> runRotateViaApi(const Target& target,
                                                      const OperationOptions& options,
                                                      const InstanceTargets& instances,
                                                      JobContext* context);

// After a successful writing operation: rotate through every instance's API so that new writes use
// new keys at once; fills result.instanceCalls, instancesNotReached, the confirmation and notes.
void rotateThroughInstancesAtEnd(const Target& target, const InstanceTargets& instances, OperationResult& result);

} // namespace mk::model
