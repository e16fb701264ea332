#include "model/ops/OperationResult.h"

namespace mk::model {

QString operationName(OperationKind kind)
{
    switch (kind) {
    case OperationKind::ReEncrypt:
        return QStringLiteral("re-encrypt");
    case OperationKind::Rollback:
        return QStringLiteral("rollback");
    case OperationKind::RewrapDataKeys:
    case OperationKind::ChangeSecretKey:
        return QStringLiteral("re-encrypt-data-keys");
    case OperationKind::Rotate:
        return QStringLiteral("rotate");
    case OperationKind::Backup:
        return QStringLiteral("backup");
    case OperationKind::Restore:
        return QStringLiteral("restore");
    case OperationKind::Consolidate:
        return QStringLiteral("consolidate");
    case OperationKind::Repair:
        return QStringLiteral("repair");
    }
    return {};
}

int exitCodeFor(const OperationResult& result)
{
    if (result.refused)
        return 3;
    // Interrupted comes before "finished with failures": the run did not finish, a re-run will.
    if (result.canceled || result.verifyCanceled)
        return kExitInterrupted;
    if (result.failed > 0 || result.conflicts > 0 || !result.dataKeyFailures.isEmpty() || result.verifyFailed > 0
        || !result.instancesNotReached.isEmpty() || !result.unfinished.isEmpty())
        return 1;
    return 0;
}

} // namespace mk::model
