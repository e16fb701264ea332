#include "model/ops/ApiRotation.h"

#include "model/ModelLog.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/RotateJob.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSet>

namespace mk::model {

namespace {

QSet<QString> activeIds(const QList<store::DataKeyRow>& keys)
{
    QSet<QString> ids;
    for (const store::DataKeyRow& row : keys) {
        if (row.active)
            ids.insert(row.id);
    }
    return ids;
}

// Calls every instance and confirms from the database; `before` are the ids active before.
void callAndConfirm(const Target& target, const InstanceTargets& instances, const QSet<QString>& before,
                    OperationResult& result)
{
    result.instanceCalls = rotateDataKeysViaApi(instances);
    qsizetype reached = 0;
    for (const InstanceCall& call : std::as_const(result.instanceCalls)) {
        if (call.state == InstanceState::Ok) {
            ++reached;
        } else {
            result.instancesNotReached << call.url; // listed per instance with the calls
        }
    }
    if (reached == 0)
        return;
    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened) {
        result.apiRotationConfirmation = QStringLiteral("not confirmed: %1").arg(opened.error().message);
        return;
    }
    const QSet<QString> after = activeIds(opened->dataKeys);
    const QSet<QString> stillActive = QSet<QString>(before).intersect(after);
    result.dataKeysDeactivatedIds.clear();
    for (const QString& id : before) {
        if (!after.contains(id))
            result.dataKeysDeactivatedIds << id;
    }
    result.dataKeysDeactivatedIds.sort();
    result.dataKeysDeactivated = result.dataKeysDeactivatedIds.size();
    result.apiRotationConfirmed = stillActive.isEmpty();
    if (result.apiRotationConfirmed) {
        result.apiRotationConfirmation = QStringLiteral("confirmed: none of the %1 keys active before the rotation "
                                                        "is active; %2 active now (created since by the instances)")
                                             .arg(before.size())
                                             .arg(after.size());
    } else {
        QStringList ids(stillActive.cbegin(), stillActive.cend());
        ids.sort();
        result.apiRotationConfirmation = QStringLiteral("NOT confirmed: still active after the rotation: %1")
                                             .arg(ids.join(QStringLiteral(", ")));
        result.refused = true;
        result.refusal = result.apiRotationConfirmation;
    }
}

void setCountdown(const Target& target, OperationResult& result)
{
    if (result.instancesNotReached.isEmpty()) {
        result.encryptUntil.clear();
        return;
    }
    result.dataKeysCacheTtlSeconds = target.config.security.dataKeysCacheTtlSeconds;
    const QDateTime until = QDateTime::currentDateTime().addSecs(result.dataKeysCacheTtlSeconds);
    result.encryptUntil = until.toOffsetFromUtc(until.offsetFromUtc()).toString(Qt::ISODate);
    result.notes << QStringLiteral("Instances not reached (%1) may still encrypt with the old keys until %2 "
                                   "(data_keys_cache_ttl %3 s).")
                        .arg(result.instancesNotReached.join(QStringLiteral(", ")), result.encryptUntil)
                        .arg(result.dataKeysCacheTtlSeconds);
}

} // namespace

Result<OperationResult> runRotateViaApi(const Target& target,
                                        const OperationOptions& options,
                                        const InstanceTargets& instances,
                                        JobContext* context)
{
    if (instances.urls.isEmpty())
        return fail(ErrorKind::Usage, QStringLiteral("--via-api needs at least one --instance URL (or "
                                                     "[console] instances in %1)")
                                          .arg(consoleSettingsPath()));
    QElapsedTimer timer;
    timer.start();
    OperationOptions preflightOptions = options;
    preflightOptions.dryRun = true;
    auto planned = runRotate(target, preflightOptions, context);
    if (!planned)
        return planned;
    OperationResult result = *planned;
    result.notes.clear();
    result.preflight.warnings.removeIf([](const QString& w) { return w.startsWith(QLatin1String("Instances that cached")); });
    const QSet<QString> before(result.dataKeysDeactivatedIds.cbegin(), result.dataKeysDeactivatedIds.cend());
    if (options.dryRun) {
        result.notes << QStringLiteral("Would call POST /api/admin/encryption/rotate-data-keys on %1 instances: %2")
                            .arg(instances.urls.size())
                            .arg(instances.urls.join(QStringLiteral(", ")));
        result.encryptUntil.clear();
        result.durationMs = timer.elapsed();
        return result;
    }
    if (context)
        context->setProgress(0, QStringLiteral("calling %1 instances").arg(instances.urls.size()));
    callAndConfirm(target, instances, before, result);
    if (result.instancesNotReached.size() == instances.urls.size()) {
        // Nobody reached: deactivate in the database like a plain rotate; every instance keeps its
        // cache until the TTL.
        auto direct = runRotate(target, options, context);
        if (!direct)
            return direct;
        result.dataKeysDeactivated = direct->dataKeysDeactivated;
        result.dataKeysDeactivatedIds = direct->dataKeysDeactivatedIds;
        result.notes << QStringLiteral("No instance was reached: the data keys were deactivated in the database.");
    }
    result.dryRun = false;
    setCountdown(target, result);
    result.durationMs = timer.elapsed();
    qCInfo(lcModel).noquote() << "rotate via API:" << result.instanceCalls.size() - result.instancesNotReached.size()
                              << "of" << result.instanceCalls.size() << "instances reached";
    return result;
}

void rotateThroughInstancesAtEnd(const Target& target, const InstanceTargets& instances, OperationResult& result)
{
    if (instances.urls.isEmpty() || result.dryRun || result.canceled)
        return;
    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened) {
        result.notes << QStringLiteral("The instances were not asked to rotate: %1").arg(opened.error().message);
        return;
    }
    const QSet<QString> before = activeIds(opened->dataKeys);
    // Keep the operation's own counts: only the API part is added.
    OperationResult api;
    callAndConfirm(target, instances, before, api);
    result.instanceCalls = api.instanceCalls;
    result.instancesNotReached = api.instancesNotReached;
    result.apiRotationConfirmed = api.apiRotationConfirmed;
    result.apiRotationConfirmation = api.apiRotationConfirmation;
    result.notes << api.notes;
    setCountdown(target, result);
}

} // namespace mk::model
