#include "model/ops/ReEncryptJob.h"

#include "crypto/DataKey.h"
#include "crypto/KekProvider.h"
#include "crypto/SecretKeyProvider.h"
#include "model/ModelLog.h"
#include "model/ops/Liveness.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/OperationEngine.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SecretLocation.h"

#include <QElapsedTimer>
#include <QThreadPool>

namespace mk::model {

namespace {

Result<OperationResult> reEncrypt(const Target& target,
                                  const ReEncryptOptions& options,
                                  JobContext* context,
                                  bool preflightOnly)
{
    QElapsedTimer timer;
    timer.start();
    OperationResult result;
    result.operation = operationName(OperationKind::ReEncrypt);
    result.dryRun = options.dryRun || preflightOnly;

    const auto algorithm = engine::configuredAlgorithm(target);
    if (!algorithm)
        return std::unexpected(algorithm.error());
    auto opened = openTarget(target, result.dryRun ? AccessMode::ReadOnly : AccessMode::ReadWrite);
    if (!opened)
        return std::unexpected(opened.error());
    const QString where = opened->db.spec().displayName();
    const KeyRing ring(target, opened->dataKeys);
    QThreadPool pool;
    pool.setMaxThreadCount(effectiveJobs(options.jobs));

    const bool envelope = !target.config.envelopeEncryptionDisabled && opened->schema.hasDataKeys;
    const QString providerId = crypto::normalizeProviderId(target.config.security.encryptionProvider);
    const QString label = engine::todayLabel(providerId);
    // Grafana 8.3-8.5 has no label column: the key id is the label itself (one key per day).
    const bool idIsLabel = opened->schema.dataKeysLabelColumn.isEmpty();

    QString currentId;
    crypto::SecretBytes currentKey;
    if (envelope) {
        for (const store::DataKeyRow& row : ring.rows()) {
            if (!row.active || (idIsLabel ? row.id != label : row.label != label))
                continue;
            auto key = ring.dataKey(row.id.toUtf8());
            if (!key) {
                result.notes << QStringLiteral("Today's data key %1 does not unwrap (%2); a new one is "
                                               "created instead.")
                                    .arg(row.id, key.error().detail);
                continue;
            }
            currentId = row.id;
            currentKey = std::move(*key);
            break;
        }
    }

    const crypto::Algorithm alg = *algorithm;
    const engine::PlanFunction planFor = [&envelope, &currentId, alg](const ValueRecord& record,
                                                                     const store::SecretLocation& location)
        -> std::optional<engine::ValueSpec> {
        const engine::ValueSpec spec{envelope && !location.legacyOnly, alg, true};
        if (engine::hasForm(record, spec, currentId))
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
    preflight.createsDataKey = envelope && currentId.isEmpty();
    if (preflight.createsDataKey)
        preflight.newDataKeyLabel = label;
    for (DataKeyPlan& key : preflight.dataKeys)
        key.action = key.id == currentId ? QStringLiteral("keep (today's key: values are re-encrypted under it)")
                                         : QStringLiteral("keep");
    if (!envelope && target.config.envelopeEncryptionDisabled)
        preflight.warnings << QStringLiteral("disableEnvelopeEncryption is set: values are written as "
                                             "legacy values (encrypted with the secret key); data keys "
                                             "are kept.");
    if (!envelope && !opened->schema.hasDataKeys)
        preflight.warnings << QStringLiteral("This database has no data_keys table (Grafana older than "
                                             "8.3): values are written as legacy values.");
    if (envelope)
        preflight.irreversible << QStringLiteral("Values become envelope values: Grafana older than 8.3, "
                                                 "or 8.x without envelope encryption, cannot read them "
                                                 "(rollback converts them back).");
    if (target.usesPublicDefaultKey())
        preflight.warnings << QStringLiteral("The database uses the public default secret key.");
    if (preflight.keyCheck.wrongKeySuspected) {
        preflight.refused = true;
        preflight.refusal = engine::refusalForKeyCheck(preflight.keyCheck, QStringLiteral("this secret key"));
    }
    addLivenessToPreflight(opened->db, preflight, LivenessPolicy::Warn, options.serversStopped);
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
    if (context && context->isCanceled()) {
        result.canceled = true;
        result.durationMs = timer.elapsed();
        return result;
    }

    // Rule 3: a new data key is committed before any value references it.
    if (envelope && currentId.isEmpty()) {
        // secretKey.v1 wraps with the configured algorithm, like Grafana's encryption service;
        // any other provider is the one the key ring built from the configuration.
        crypto::EncryptOptions wrapOptions;
        wrapOptions.algorithm = alg;
        const crypto::SecretKeyProvider secretKeyProvider(crypto::SecretBytes(QByteArrayView(target.secretKey)),
                                                          wrapOptions);
        const crypto::KekProvider* provider = providerId == QLatin1String(crypto::kSecretKeyProviderId)
                                                  ? &secretKeyProvider
                                                  : ring.currentProvider();
        if (!provider)
            return fail(ErrorKind::Config,
                        QStringLiteral("encryption_provider %1 is not configured: a new data key cannot be "
                                       "wrapped")
                            .arg(providerId));
        crypto::SecretBytes dek = crypto::generateDataKey();
        const QString id = idIsLabel ? label : crypto::generateDataKeyId();
        auto wrapped = provider->wrap(dek.view());
        if (!wrapped)
            return fail(wrapped.error().code == crypto::ErrorCode::ProviderUnavailable ? ErrorKind::Config
                                                                                       : ErrorKind::Failed,
                        QStringLiteral("Wrapping a new data key with %1 failed: %2")
                            .arg(providerId, wrapped.error().detail));
        auto back = provider->unwrap(*wrapped);
        if (!back || !back->equals(dek))
            return fail(ErrorKind::Failed, QStringLiteral("A new data key did not unwrap to itself; "
                                                          "nothing was written"));
        if (!options.dryRun) {
            store::DataKeyRow row;
            row.id = id;
            row.label = label;
            row.provider = providerId;
            row.scope = QStringLiteral("root");
            row.active = true;
            row.encryptedData = *wrapped;
            row.created = engine::nowLocalText();
            row.updated = row.created;
            if (auto begun = opened->db.begin(); !begun)
                return std::unexpected(fromStoreError(begun.error(), where));
            if (auto inserted = store::insertDataKey(opened->db, row); !inserted) {
                (void)opened->db.rollback();
                return std::unexpected(fromStoreError(inserted.error(), where));
            }
            if (auto committed = opened->db.commit(); !committed) {
                (void)opened->db.rollback();
                return std::unexpected(fromStoreError(committed.error(), where));
            }
            result.dataKeysCreated << id;
            qCInfo(lcModel).noquote() << "re-encrypt: created data key" << id << "label" << label;
        } else {
            result.notes << QStringLiteral("Would create data key %1 (label %2).").arg(id, label);
        }
        currentId = id;
        currentKey = std::move(dek);
    }

    engine::RewritePlan plan;
    plan.planFor = planFor;
    plan.locations = engine::rewrittenLocations();
    plan.envelopeKeyId = currentId.toUtf8();
    plan.envelopeKey = std::move(currentKey);
    plan.legacySecret = target.secretKey;
    if (auto rewritten = engine::rewriteCells(*opened, ring, plan, options, pool, context, result); !rewritten)
        return std::unexpected(rewritten.error());
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace

Result<Preflight> preflightReEncrypt(const Target& target, const ReEncryptOptions& options, JobContext* context)
{
    auto result = reEncrypt(target, options, context, true);
    if (!result)
        return std::unexpected(result.error());
    return result->preflight;
}

Result<OperationResult> runReEncrypt(const Target& target, const ReEncryptOptions& options, JobContext* context)
{
    return reEncrypt(target, options, context, false);
}

} // namespace mk::model
