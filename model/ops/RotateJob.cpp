#include "model/ops/RotateJob.h"
#include "model/ops/SecretsManagerKeys.h"

#include "model/ModelLog.h"
#include "model/ops/KeyRing.h"
#include "model/ops/Liveness.h"
#include "model/ops/OperationEngine.h"
#include "model/ops/OpenedDatabase.h"
#include "model/store/DataKeyRow.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QThreadPool>

namespace mk::model {

namespace {

Result<OperationResult> rotate(const Target& target,
                               const OperationOptions& options,
                               JobContext* context,
                               bool preflightOnly)
{
    QElapsedTimer timer;
    timer.start();
    OperationResult result;
    result.operation = operationName(OperationKind::Rotate);
    result.dryRun = options.dryRun || preflightOnly;
    result.preflight.operation = result.operation;
    result.preflight.dryRun = result.dryRun;
    auto opened = openTarget(target, result.dryRun ? AccessMode::ReadOnly : AccessMode::ReadWrite);
    if (!opened)
        return std::unexpected(opened.error());
    const QString where = opened->db.spec().displayName();
    if (!opened->schema.hasDataKeys)
        return fail(ErrorKind::Refused, QStringLiteral("%1 has no data_keys table: nothing to rotate").arg(where));

    // The preflight judges the keys like the other operations' (references, health from a sample);
    // rotating itself reads nothing but data_keys.
    QHash<QString, DataKeyPlan> judged;
    if (preflightOnly) {
        const KeyRing ring(target, opened->dataKeys);
        QThreadPool pool;
        pool.setMaxThreadCount(effectiveJobs(options.jobs));
        auto facts = engine::scanForPreflight(*opened, ring, {}, {}, pool, context);
        if (!facts)
            return std::unexpected(facts.error());
        const Preflight& scanned = facts->preflight;
        result.preflight.locations = scanned.locations;
        result.preflight.values = scanned.values;
        result.preflight.unchanged = scanned.values; // no value is rewritten
        result.preflight.keyCheck = scanned.keyCheck;
        for (const DataKeyPlan& key : scanned.dataKeys)
            judged.insert(key.id, key);
    }
    for (const store::DataKeyRow& row : std::as_const(opened->dataKeys)) {
        DataKeyPlan key = judged.value(row.id);
        key.id = row.id;
        key.label = row.label;
        key.provider = row.provider;
        key.active = row.active;
        key.action = row.active ? QStringLiteral("deactivate") : QStringLiteral("keep (inactive)");
        result.preflight.dataKeys << key;
        if (row.active)
            result.dataKeysDeactivatedIds << row.id;
    }
    result.dataKeysCacheTtlSeconds = target.config.security.dataKeysCacheTtlSeconds;
    result.preflight.warnings << QStringLiteral("Instances that cached an active key keep encrypting "
                                                "with it for up to data_keys_cache_ttl (%1 s); run "
                                                "re-encrypt after that to move every value to a new key.")
                                     .arg(result.dataKeysCacheTtlSeconds);
    addLivenessToPreflight(opened->db, result.preflight, LivenessPolicy::Warn, options.serversStopped);
    if (preflightOnly || options.dryRun) {
        result.dataKeysDeactivated = result.dataKeysDeactivatedIds.size();
    } else if (!result.dataKeysDeactivatedIds.isEmpty()) {
        if (context && context->isCanceled()) {
            result.canceled = true;
            result.dataKeysDeactivatedIds.clear();
            return result;
        }
        if (auto begun = opened->db.begin(); !begun)
            return std::unexpected(fromStoreError(begun.error(), where));
        auto changed = store::deactivateAllDataKeys(opened->db);
        if (!changed) {
            (void)opened->db.rollback();
            return std::unexpected(fromStoreError(changed.error(), where));
        }
        if (auto committed = opened->db.commit(); !committed) {
            (void)opened->db.rollback();
            return std::unexpected(fromStoreError(committed.error(), where));
        }
        result.dataKeysDeactivated = *changed;
        qCInfo(lcModel).noquote() << "rotate: deactivated" << *changed << "data keys";
    }
    const QDateTime until = QDateTime::currentDateTime().addSecs(result.dataKeysCacheTtlSeconds);
    result.encryptUntil = until.toOffsetFromUtc(until.offsetFromUtc()).toString(Qt::ISODate);
    result.notes << QStringLiteral("Other instances may still encrypt with the old keys until %1 "
                                   "(data_keys_cache_ttl %2 s); run re-encrypt after that.")
                        .arg(result.encryptUntil)
                        .arg(result.dataKeysCacheTtlSeconds);
    if (context)
        context->setProgress(1, QStringLiteral("%1 data keys deactivated").arg(result.dataKeysDeactivated));
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace

Result<Preflight> preflightRotate(const Target& target, const OperationOptions& options, JobContext* context)
{
    auto result = rotate(target, options, context, true);
    if (!result)
        return std::unexpected(result.error());
    return result->preflight;
}

Result<OperationResult> runRotate(const Target& target, const OperationOptions& options, JobContext* context)
{
    auto result = rotate(target, options, context, false);
    // The secrets-manager store's keys too.
    if (result && !result->canceled) {
        if (auto gsm = deactivateGsmDataKeys(target, options, *result); !gsm)
            return std::unexpected(gsm.error());
    }
    return result;
}

} // namespace mk::model
