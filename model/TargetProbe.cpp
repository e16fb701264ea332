#include "model/TargetProbe.h"

#include "model/ops/OpenedDatabase.h"

namespace mk::model {

Result<QString> probeTarget(const Target& target)
{
    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened)
        return std::unexpected(opened.error());
    return target.connection.displayName();
}

QString targetDisplayName(const Target& target)
{
    return target.connection.displayName();
}

} // namespace mk::model
