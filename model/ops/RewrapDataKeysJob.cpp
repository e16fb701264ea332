#include "model/ops/RewrapDataKeysJob.h"
#include "model/ops/SecretsManagerKeys.h"

#include "crypto/KekProvider.h"
#include "crypto/SecretKeyProvider.h"
#include "model/ModelLog.h"
#include "model/ops/Liveness.h"
#include "model/config/SecretKeySource.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/OperationEngine.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SecretLocation.h"

#include <QDate>
#include <QElapsedTimer>
#include <QThreadPool>

#include <algorithm>
#include <vector>

namespace mk::model {

QString secretKeyConfigChange(const QByteArray& newSecretKey, const QString& source)
{
    const QString contents = source.isEmpty() ? QStringLiteral("the new secret key")
                                              : QStringLiteral("the contents of %1").arg(source);
    QString text = QStringLiteral("Set [security] secret_key to %1 on every instance (or "
                                  "GF_SECURITY_SECRET_KEY), then restart them.")
                       .arg(contents);
    if (newSecretKey.contains('`'))
        text += QStringLiteral(" The key contains '#', ';' or '`': write it in triple double quotes: "
                               "secret_key = \"\"\"<%1>\"\"\".")
                    .arg(contents);
    else if (newSecretKey.contains('#') || newSecretKey.contains(';'))
        text += QStringLiteral(" The key contains '#' or ';', which start a comment in an ini file: "
                               "quote it with backticks: secret_key = `<%1>`.")
                    .arg(contents);
    if (newSecretKey == QByteArray(config::kPublicDefaultSecretKey))
        text += QStringLiteral(" Warning: the new key is the public default.");
    return text;
}

namespace {

struct NewWrap
{
    store::DataKeyRow row;
    QByteArray wrapped;
    crypto::SecretBytes dek;
};

Result<OperationResult> rewrap(const Target& target,
                               const RewrapDataKeysOptions& options,
                               JobContext* context,
                               bool preflightOnly)
{
    QElapsedTimer timer;
    timer.start();
    const bool changeKey = options.newSecretKey.has_value();
    OperationResult result;
    result.operation = operationName(changeKey ? OperationKind::ChangeSecretKey : OperationKind::RewrapDataKeys);
    result.dryRun = options.dryRun || preflightOnly;

    if (changeKey && options.newSecretKey->isEmpty())
        return fail(ErrorKind::Usage, QStringLiteral("The new secret key is empty."));
    if (changeKey && *options.newSecretKey == target.secretKey)
        return fail(ErrorKind::Usage, QStringLiteral("The new secret key is the current one."));
    if (changeKey && !options.provider.isEmpty())
        return fail(ErrorKind::Usage, QStringLiteral("--new-secret-key-file and --provider cannot be combined."));
    const QString providerId = crypto::normalizeProviderId(
        options.provider.isEmpty() ? target.config.security.encryptionProvider : options.provider);
    const bool toSecretKey = changeKey || providerId == QLatin1String(crypto::kSecretKeyProviderId);
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

    engine::PlanFunction planFor;
    QList<int> touched;
    if (changeKey) {
        planFor = [](const ValueRecord& record, const store::SecretLocation&) -> std::optional<engine::ValueSpec> {
            if (!isLegacy(record.format))
                return std::nullopt;
            return engine::legacySpecOf(record);
        };
        for (int i = 0; i < store::secretLocations().size(); ++i)
            touched << i;
    }
    auto facts = engine::scanForPreflight(*opened, ring, planFor, touched, pool, context, options.includeUnverifiable,
                                          options.knownFailures);
    if (!facts)
        return std::unexpected(facts.error());
    Preflight& preflight = result.preflight;
    preflight = facts->preflight;
    preflight.operation = result.operation;
    preflight.dryRun = result.dryRun;
    QStringList badKeys;
    for (DataKeyPlan& key : preflight.dataKeys) {
        if (changeKey && crypto::normalizeProviderId(key.provider) != QLatin1String(crypto::kSecretKeyProviderId)) {
            // Wrapped by a KMS: the secret key is not involved.
            key.action = QStringLiteral("keep (wrapped by %1)").arg(key.provider);
        } else if (key.health == QLatin1String("ok") || key.health == QLatin1String("unverified")) {
            key.action = QStringLiteral("rewrap");
        } else {
            key.action = QStringLiteral("skip (%1)").arg(key.health);
            badKeys << QStringLiteral("%1 (%2)").arg(key.id, key.health);
        }
    }
    const QString whichKey = changeKey ? QStringLiteral("the current (old) secret key")
                                       : QStringLiteral("this secret key");
    if (preflight.keyCheck.wrongKeySuspected) {
        preflight.refused = true;
        preflight.refusal = engine::refusalForKeyCheck(preflight.keyCheck, whichKey);
    } else if (!badKeys.isEmpty()) {
        preflight.refused = true;
        preflight.refusal = QStringLiteral("%1 data keys cannot be unwrapped correctly with %2: %3. "
                                           "Re-wrapping them would make the values under them "
                                           "unrecoverable; nothing was changed. Run with --force to "
                                           "re-wrap the other keys and leave these untouched.")
                                .arg(badKeys.size())
                                .arg(whichKey, badKeys.join(QStringLiteral(", ")));
    }
    if (changeKey) {
        preflight.irreversible << QStringLiteral("After the change only the new secret key decrypts "
                                                 "this database: every instance must switch to it at "
                                                 "once. Stop every Grafana/Mosaicoo instance first.");
        preflight.warnings << QStringLiteral("Everything runs in one transaction: if it is interrupted, "
                                             "nothing changes and the old key stays valid.");
    } else {
        preflight.warnings << QStringLiteral("Every data key gets today's label; instances keep their "
                                             "cached keys for up to data_keys_cache_ttl (%1 s).")
                                  .arg(target.config.security.dataKeysCacheTtlSeconds);
    }
    addLivenessToPreflight(opened->db, preflight, changeKey ? LivenessPolicy::Refuse : LivenessPolicy::Warn, options.serversStopped);
    if (preflightOnly) {
        result.durationMs = timer.elapsed();
        return result;
    }
    if (auto live = livenessGate(preflight); !live)
        return std::unexpected(live.error());
    if (preflight.refused) {
        if (!options.force)
            return fail(ErrorKind::Refused, preflight.refusal);
        result.notes << QStringLiteral("Forced: data keys that do not unwrap correctly are left "
                                       "untouched, values that do not decrypt are never rewritten.");
    }

    const QByteArray newSecret = changeKey ? *options.newSecretKey : target.secretKey;
    crypto::EncryptOptions wrapOptions;
    wrapOptions.algorithm = *algorithm;
    const crypto::SecretKeyProvider secretKeyProvider(crypto::SecretBytes(QByteArrayView(newSecret)), wrapOptions);
    const crypto::KekProvider* wrapper = toSecretKey ? &secretKeyProvider : ring.provider(providerId);
    if (!wrapper)
        return fail(ErrorKind::Config,
                    QStringLiteral("KEK provider %1 is not configured (list it in [security] "
                                   "available_encryption_providers with its own section)")
                        .arg(providerId));
    const crypto::KekProvider& provider = *wrapper;
    for (const QString& warning : provider.warnings())
        result.notes << warning;
    const QString today = QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd"));
    const QString updated = engine::nowLocalText();

    std::vector<NewWrap> wraps;
    for (const DataKeyPlan& plan : std::as_const(preflight.dataKeys)) {
        if (plan.action.startsWith(QLatin1String("keep")))
            continue;
        if (plan.action != QLatin1String("rewrap")) {
            result.dataKeyFailures << plan;
            continue;
        }
        const auto row = std::find_if(ring.rows().cbegin(), ring.rows().cend(),
                                      [&plan](const store::DataKeyRow& r) { return r.id == plan.id; });
        auto dek = ring.dataKey(plan.id.toUtf8());
        auto wrapped = dek ? provider.wrap(dek->view()) : crypto::Result<QByteArray>(std::unexpected(dek.error()));
        auto back = wrapped ? provider.unwrap(*wrapped) : crypto::Result<crypto::SecretBytes>(std::unexpected(wrapped.error()));
        if (!back || !back->equals(*dek) || row == ring.rows().cend()) {
            // Say why: the unwrap here, the provider's wrap or unwrap (with its error), or a wrap
            // that does not give the key back.
            QString why;
            if (row == ring.rows().cend())
                why = QStringLiteral("the data key row is gone");
            else if (!dek)
                why = QStringLiteral("unwrapping it with its current provider failed: %1").arg(dek.error().detail);
            else if (!wrapped)
                why = QStringLiteral("%1 could not wrap it: %2").arg(providerId, wrapped.error().detail);
            else if (!back)
                why = QStringLiteral("%1 wrapped it but could not unwrap the result: %2")
                          .arg(providerId, back.error().detail);
            else
                why = QStringLiteral("%1 unwrapped the new wrap to other bytes").arg(providerId);
            DataKeyPlan failed = plan;
            failed.action = QStringLiteral("skip (re-wrapping did not round-trip: %1)").arg(why);
            result.dataKeyFailures << failed;
            continue;
        }
        NewWrap wrap;
        wrap.row = *row;
        wrap.wrapped = *wrapped;
        wrap.dek = std::move(*dek);
        wraps.push_back(std::move(wrap));
    }

    if (!options.dryRun) {
        if (auto begun = opened->db.begin(); !begun)
            return std::unexpected(fromStoreError(begun.error(), where));
    }
    auto abort = [&](Error error) -> Result<OperationResult> {
        if (!options.dryRun)
            (void)opened->db.rollback();
        return std::unexpected(std::move(error));
    };
    if (changeKey) {
        engine::RewritePlan plan;
        plan.planFor = planFor;
        plan.locations = touched;
        plan.legacySecret = newSecret;
        plan.singleTransaction = true;
        plan.partialCells = true;
        if (auto rewritten = engine::rewriteCells(*opened, ring, plan, options, pool, context, result); !rewritten)
            return abort(rewritten.error());
        if (result.canceled) {
            if (!options.dryRun)
                (void)opened->db.rollback();
            result.cellsWritten = 0;
            result.changed = 0;
            result.canceledBeforeCommit = true;
            result.notes << QStringLiteral("Canceled: nothing was changed; the old secret key is still "
                                           "the valid one.");
            result.durationMs = timer.elapsed();
            return result;
        }
    }
    for (const NewWrap& wrap : std::as_const(wraps)) {
        const QString scope = wrap.row.scope.isEmpty() ? QStringLiteral("root") : wrap.row.scope;
        const QString label = today + QLatin1Char('/') + scope + QLatin1Char('@') + providerId;
        if (!options.dryRun) {
            if (auto written = store::updateDataKeyWrap(opened->db, wrap.row.id, providerId, label,
                                                        wrap.wrapped, updated);
                !written)
                return abort(fromStoreError(written.error(), where));
        }
        ++result.dataKeysRewrapped;
    }
    if (!options.dryRun) {
        // What is about to be committed must unwrap to the same bytes with the new provider.
        auto reloaded = store::loadDataKeys(opened->db);
        if (!reloaded)
            return abort(fromStoreError(reloaded.error(), where));
        for (const NewWrap& wrap : std::as_const(wraps)) {
            const auto row = std::find_if(reloaded->cbegin(), reloaded->cend(),
                                          [&wrap](const store::DataKeyRow& r) { return r.id == wrap.row.id; });
            auto back = row == reloaded->cend() ? crypto::Result<crypto::SecretBytes>(
                                                      crypto::fail(crypto::ErrorCode::MissingDataKey))
                                                : provider.unwrap(row->encryptedData);
            if (!back || !back->equals(wrap.dek))
                return abort(Error{ErrorKind::Failed,
                                   QStringLiteral("Data key %1 did not read back correctly; nothing was "
                                                  "changed.")
                                       .arg(wrap.row.id)});
        }
        if (auto committed = opened->db.commit(); !committed)
            return abort(fromStoreError(committed.error(), where));
        qCInfo(lcModel).noquote() << result.operation << ": re-wrapped" << result.dataKeysRewrapped
                                  << "data keys" << (changeKey ? "with a new secret key" : "");
    }
    if (changeKey) {
        result.configChange = secretKeyConfigChange(newSecret, options.newSecretKeySource);
        if (!options.dryRun) {
            // Verify everything with the new key, as the server will read it.
            Target next = target;
            next.secretKey = newSecret;
            next.publicDefaultKey = newSecret == QByteArray(config::kPublicDefaultSecretKey);
            VerifyOptions verifyOptions;
            verifyOptions.jobs = options.jobs;
            const auto verified = runVerify(next, verifyOptions, context);
            if (!verified)
                return std::unexpected(verified.error());
            result.verifyChecked = verified->checked;
            result.verifyFailed = verified->failed;
            result.verifyCanceled = verified->canceled;
            if (verified->canceled)
                result.notes << QStringLiteral("The change is committed and complete, but its check with the "
                                               "new key was interrupted after %1 values: run verify with the "
                                               "new key to check them all.")
                                    .arg(verified->checked);
            if (verified->failed > 0)
                result.notes << QStringLiteral("Verification with the new key: %1 of %2 values fail "
                                               "(see verify for the list; values that failed before "
                                               "the change fail the same way).")
                                    .arg(verified->failed)
                                    .arg(verified->checked);
        }
    }
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace

Result<Preflight> preflightRewrapDataKeys(const Target& target,
                                          const RewrapDataKeysOptions& options,
                                          JobContext* context)
{
    auto result = rewrap(target, options, context, true);
    if (!result)
        return std::unexpected(result.error());
    return result->preflight;
}

Result<OperationResult> runRewrapDataKeys(const Target& target,
                                          const RewrapDataKeysOptions& options,
                                          JobContext* context)
{
    auto result = rewrap(target, options, context, false);
    // The secrets-manager store's keys too (not on a change of the legacy secret key).
    if (result && !options.newSecretKey && !result->refused && !result->canceled) {
        if (auto gsm = rewrapGsmDataKeys(target, options, *result); !gsm)
            return std::unexpected(gsm.error());
    }
    return result;
}

} // namespace mk::model
