#include "model/ops/RollbackJob.h"

#include "model/ModelLog.h"
#include "model/ops/Liveness.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/OperationEngine.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SecretLocation.h"

#include <QElapsedTimer>
#include <QThreadPool>

#include <algorithm>

namespace mk::model {

std::optional<RollbackFormat> rollbackFormatFromName(const QString& name)
{
    if (name.isEmpty() || name == QLatin1String("9.2"))
        return RollbackFormat::Prefixed92;
    if (name == QLatin1String("legacy"))
        return RollbackFormat::Legacy;
    return std::nullopt;
}

namespace {

QString joinedSorted(const QSet<QString>& set)
{
    QStringList list(set.cbegin(), set.cend());
    list.sort();
    return list.join(QStringLiteral(", "));
}

Result<OperationResult> rollback(const Target& target,
                                 const RollbackOptions& options,
                                 JobContext* context,
                                 bool preflightOnly)
{
    QElapsedTimer timer;
    timer.start();
    OperationResult result;
    result.operation = operationName(OperationKind::Rollback);
    result.dryRun = options.dryRun || preflightOnly;

    const auto algorithm = engine::configuredAlgorithm(target);
    if (!algorithm)
        return std::unexpected(algorithm.error());
    const engine::ValueSpec spec = options.format == RollbackFormat::Legacy
                                       ? engine::ValueSpec{false, crypto::Algorithm::AesCfb, false}
                                       : engine::ValueSpec{false, *algorithm, true};
    auto opened = openTarget(target, result.dryRun ? AccessMode::ReadOnly : AccessMode::ReadWrite);
    if (!opened)
        return std::unexpected(opened.error());
    const QString where = opened->db.spec().displayName();
    const KeyRing ring(target, opened->dataKeys);
    QThreadPool pool;
    pool.setMaxThreadCount(effectiveJobs(options.jobs));

    const engine::PlanFunction planFor = [spec](const ValueRecord& record, const store::SecretLocation&)
        -> std::optional<engine::ValueSpec> {
        if (engine::hasForm(record, spec, QString()))
            return std::nullopt;
        return spec;
    };
    auto facts = engine::scanForPreflight(*opened, ring, planFor, engine::rewrittenLocations(), pool, context,
                                          options.includeUnverifiable, options.knownFailures);
    if (!facts)
        return std::unexpected(facts.error());
    Preflight& preflight = result.preflight;
    preflight = facts->preflight;
    preflight.operation = result.operation;
    preflight.dryRun = result.dryRun;
    qint64 untouchedValues = 0;
    QStringList keptIds;
    for (DataKeyPlan& key : preflight.dataKeys) {
        const qint64 untouched = facts->untouchedReferences.value(key.id);
        untouchedValues += untouched;
        if (untouched == 0) {
            key.action = QStringLiteral("delete");
        } else if (options.acceptLoss) {
            key.action = QStringLiteral("delete (accepted loss: %1 values outside the rolled-back "
                                        "locations become unreadable)")
                             .arg(untouched);
        } else {
            key.action = QStringLiteral("keep (%1 values in cache_data / alert_configuration_history "
                                        "still reference it)")
                             .arg(untouched);
            keptIds << key.id;
        }
    }
    if (!preflight.dataKeys.isEmpty())
        preflight.irreversible << QStringLiteral("Data keys no value references any more are deleted "
                                                 "(%1 of %2 planned). Envelope values written later "
                                                 "by a running instance would be unreadable: stop "
                                                 "Grafana/Mosaicoo first.")
                                      .arg(preflight.dataKeys.size() - keptIds.size())
                                      .arg(preflight.dataKeys.size());
    if (untouchedValues > 0 && options.acceptLoss)
        preflight.irreversible << QStringLiteral("--accept-loss: %1 envelope values in cache_data / "
                                                 "alert_configuration_history lose their data key and "
                                                 "become unreadable.")
                                      .arg(untouchedValues);
    else if (untouchedValues > 0)
        preflight.warnings << QStringLiteral("%1 envelope values in cache_data / "
                                             "alert_configuration_history are not rolled back (Grafana "
                                             "does not either); the %2 data keys they use are kept "
                                             "(rule 6).")
                                  .arg(untouchedValues)
                                  .arg(keptIds.size());
    if (options.format == RollbackFormat::Legacy)
        preflight.warnings << QStringLiteral("--format legacy writes unprefixed aes-cfb values for "
                                             "Grafana/Mosaicoo up to 8.5.3.");
    else
        preflight.warnings << QStringLiteral("Rolled-back values carry the algorithm prefix: Grafana "
                                             "8.5.4+ and 9.x+ read them; for 8.5.3 and older use "
                                             "--format legacy.");
    if (preflight.keyCheck.wrongKeySuspected) {
        preflight.refused = true;
        preflight.refusal = engine::refusalForKeyCheck(preflight.keyCheck, QStringLiteral("this secret key"));
    }
    addLivenessToPreflight(opened->db, preflight, LivenessPolicy::Refuse, options.serversStopped);
    if (preflightOnly) {
        result.durationMs = timer.elapsed();
        return result;
    }
    if (auto live = livenessGate(preflight); !live)
        return std::unexpected(live.error());
    if (preflight.refused) {
        if (!options.force)
            return fail(ErrorKind::Refused, preflight.refusal);
        result.notes << QStringLiteral("Forced past the secret-key check: values that do not decrypt "
                                       "are reported, never rewritten.");
    }

    QSet<QString> changedValues;
    engine::RewritePlan plan;
    plan.planFor = planFor;
    plan.locations = engine::rewrittenLocations();
    plan.legacySecret = target.secretKey;
    plan.changedValues = &changedValues;
    // A failing field must not hold back its healthy neighbours in the same cell: they are rolled
    // back, the failing one stays as it is (and keeps its data key, rule 6).
    plan.partialCells = true;
    if (auto rewritten = engine::rewriteCells(*opened, ring, plan, options, pool, context, result); !rewritten)
        return std::unexpected(rewritten.error());
    if (result.canceled) {
        result.notes << QStringLiteral("Canceled: no data key was deleted; run rollback again to finish.");
        result.durationMs = timer.elapsed();
        return result;
    }

    // Rule 6: delete only what nothing references any more (a dry run discounts what it would
    // have rewritten).
    if (!opened->schema.hasDataKeys) {
        result.durationMs = timer.elapsed();
        return result;
    }
    // The scan and the deletion run in one transaction that keeps servers from encrypting with a
    // data key in between: a value written under a key after the scan would lose it.
    if (!options.dryRun) {
        if (auto begun = opened->db.begin(); !begun)
            return std::unexpected(fromStoreError(begun.error(), where));
        if (auto locked = store::lockDataKeys(opened->db); !locked) {
            (void)opened->db.rollback();
            return std::unexpected(fromStoreError(locked.error(), where));
        }
    }
    auto refs = engine::scanReferences(*opened, options.dryRun ? &changedValues : nullptr, context);
    if (!refs) {
        if (!options.dryRun)
            (void)opened->db.rollback();
        return std::unexpected(refs.error());
    }
    auto keys = store::loadDataKeys(opened->db);
    if (!keys) {
        if (!options.dryRun)
            (void)opened->db.rollback();
        return std::unexpected(fromStoreError(keys.error(), where));
    }
    // Cells with a failure (their other values were blocked with them).
    QSet<QString> failedCells;
    for (const ValueFailure& f : std::as_const(result.failures))
        failedCells.insert(f.table + QLatin1Char('.') + f.column + QLatin1Char('/') + f.rowId);
    QStringList toDelete;
    for (const store::DataKeyRow& key : std::as_const(*keys)) {
        const qint64 references = refs->references.value(key.id);
        if (references == 0) {
            toDelete << key.id;
            continue;
        }
        const QList<ValueFailure>& values = refs->values.value(key.id);
        if (options.acceptLoss) {
            toDelete << key.id;
            result.valuesLost << values;
            continue;
        }
        DataKeyLoss loss;
        loss.id = key.id;
        loss.references = references;
        QStringList locations(refs->locations.value(key.id).cbegin(), refs->locations.value(key.id).cend());
        locations.sort();
        loss.locations = locations;
        loss.onlyFailedValues = std::all_of(values.cbegin(), values.cend(), [&failedCells](const ValueFailure& v) {
            return failedCells.contains(v.table + QLatin1Char('.') + v.column + QLatin1Char('/') + v.rowId);
        });
        result.dataKeysKept << loss;
    }
    if (!toDelete.isEmpty() && !options.dryRun) {
        auto deleted = store::deleteDataKeys(opened->db, toDelete);
        if (!deleted) {
            (void)opened->db.rollback();
            return std::unexpected(fromStoreError(deleted.error(), where));
        }
        if (auto committed = opened->db.commit(); !committed) {
            (void)opened->db.rollback();
            return std::unexpected(fromStoreError(committed.error(), where));
        }
        result.dataKeysDeleted = *deleted;
        qCInfo(lcModel).noquote() << "rollback: deleted" << *deleted << "data keys";
    } else {
        if (!options.dryRun)
            (void)opened->db.rollback(); // nothing to delete: release the lock
        result.dataKeysDeleted = options.dryRun ? toDelete.size() : 0;
    }
    result.dataKeysDeletedIds = toDelete;
    if (!result.valuesLost.isEmpty())
        result.notes << QStringLiteral("--accept-loss: %1 values lost their data key and are now "
                                       "unreadable.")
                            .arg(result.valuesLost.size());
    QSet<QString> refusedLocations;
    qint64 refusedKeys = 0;
    for (const DataKeyLoss& loss : std::as_const(result.dataKeysKept)) {
        if (loss.onlyFailedValues)
            continue;
        ++refusedKeys;
        for (const QString& l : loss.locations)
            refusedLocations.insert(l);
    }
    if (refusedKeys > 0) {
        // The values are rolled back; only the deletion of these keys was held back (rule 6). That
        // is an unfinished run (exit 1), not a refusal: a refusal writes nothing.
        result.unfinished = QStringLiteral("%1 values were %2, but %3 data keys were kept because values "
                                           "still reference them (%4); deleting them would make those "
                                           "values unreadable. If a Mosaicoo/Grafana server is still "
                                           "running, it keeps writing values under data keys: stop it "
                                           "(or disable envelope encryption) and run rollback again. Use "
                                           "--accept-loss only to give up those values.")
                                .arg(result.changed)
                                .arg(result.dryRun ? QStringLiteral("would be rolled back")
                                                   : QStringLiteral("rolled back"))
                                .arg(refusedKeys)
                                .arg(joinedSorted(refusedLocations));
    }
    if (result.dataKeysKept.size() > refusedKeys)
        result.notes << QStringLiteral("%1 data keys are kept because values that failed to roll back "
                                       "still use them.")
                            .arg(result.dataKeysKept.size() - refusedKeys);
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace

Result<Preflight> preflightRollback(const Target& target, const RollbackOptions& options, JobContext* context)
{
    auto result = rollback(target, options, context, true);
    if (!result)
        return std::unexpected(result.error());
    return result->preflight;
}

Result<OperationResult> runRollback(const Target& target, const RollbackOptions& options, JobContext* context)
{
    return rollback(target, options, context, false);
}

} // namespace mk::model
