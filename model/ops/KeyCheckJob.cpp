#include "model/ops/KeyCheckJob.h"

#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/OperationEngine.h"

#include <QThreadPool>

namespace mk::model {

Result<KeyCheck> checkSecretKey(const Target& target, int jobs, JobContext* context)
{
    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened)
        return std::unexpected(opened.error());
    const KeyRing ring(target, opened->dataKeys);
    QThreadPool pool;
    pool.setMaxThreadCount(effectiveJobs(jobs));
    auto facts = engine::scanForPreflight(*opened, ring, {}, {}, pool, context);
    if (!facts)
        return std::unexpected(facts.error());
    return facts->preflight.keyCheck;
}

} // namespace mk::model
