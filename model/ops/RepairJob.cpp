#include "model/ops/RepairJob.h"

#include "crypto/KekProvider.h"
#include "model/ModelLog.h"
#include "model/ops/BackupJob.h"
#include "model/ops/JsonReport.h"
#include "model/ops/KeyFingerprint.h"
#include "model/ops/KeyRing.h"
#include "model/ops/Liveness.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/OperationEngine.h"
#include "model/ops/SecretScanner.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SecretLocation.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRegularExpression>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <memory>
#include <numeric>
#include <vector>

namespace mk::model {

namespace {

// Values decrypted per data key and key to prove (or refute) that the key wraps it.
constexpr int kProofSamples = 8;

bool isKeyFailure(FailureReason reason)
{
    return reason == FailureReason::ImplausiblePlaintext || reason == FailureReason::AuthenticationFailed
           || reason == FailureReason::DataKeyUnwrapFailed;
}

// One key to try: the current secret key (index 0) or a candidate, with the data keys of this
// database (plus those a backup can restore) unwrapped through it.
struct Ring
{
    QString source;
    std::unique_ptr<KeyRing> ring;
};

// nullopt: the value decrypts to plausible plaintext under the ring (ValueDecrypter decides). A
// legacy text too short to prove its key is Unverifiable under UnverifiablePolicy::Fail (neutral
// evidence when a key is being proven) and "opens" under Accept (when values are assigned to keys:
// it then opens under several keys, is ambiguous and stays as it is; it is never cleared).
std::optional<FailureReason> judge(const ValueRecord& record,
                                   const KeyRing& ring,
                                   UnverifiablePolicy policy = UnverifiablePolicy::Accept)
{
    auto plaintext = decryptValue(record, ring, policy);
    if (!plaintext)
        return plaintext.error().reason;
    wipe(*plaintext);
    return std::nullopt;
}

// The owner an administrator recognises: what to re-enter where in the server's UI.
QString humanOwner(const ValueRecord& record, const QByteArray& cellRaw)
{
    const store::SecretLocation& location = store::secretLocations().at(record.locationIndex);
    const QString owner = record.owner.isEmpty() ? record.rowId : record.owner;
    const QString& table = location.table;
    if (table == QLatin1String("data_source"))
        return record.org.isEmpty() ? QStringLiteral("data source '%1'").arg(owner)
                                    : QStringLiteral("data source '%1' (org %2)").arg(owner, record.org);
    if (table == QLatin1String("plugin_setting"))
        return QStringLiteral("plugin '%1'").arg(owner);
    if (table == QLatin1String("alert_notification"))
        return QStringLiteral("legacy notification channel '%1'").arg(owner);
    if (table == QLatin1String("user_auth") || table == QLatin1String("user_external_session"))
        return QStringLiteral("user login '%1'").arg(owner);
    if (table == QLatin1String("dashboard_snapshot"))
        return QStringLiteral("snapshot '%1' (key %2)").arg(owner, record.rowId);
    if (table == QLatin1String("sso_setting"))
        return QStringLiteral("SSO provider '%1'").arg(owner);
    if (table == QLatin1String("signing_key"))
        return QStringLiteral("signing key '%1'").arg(owner);
    if (table == QLatin1String("secrets"))
        return QStringLiteral("secret '%1'").arg(owner);
    if (table == QLatin1String("resource"))
        return QStringLiteral("provisioning repository '%1'").arg(owner);
    if (location.container == store::SecretLocation::Container::Alertmanager) {
        // receivers[N]... -> the contact point's name.
        static const QRegularExpression receiverIndex(QStringLiteral("^receivers\\[(\\d+)\\]"));
        const QRegularExpressionMatch match = receiverIndex.match(record.field);
        QString receiver;
        if (match.hasMatch()) {
            const QJsonObject root = QJsonDocument::fromJson(cellRaw).object();
            const QJsonArray receivers = root.value(QStringLiteral("alertmanager_config"))
                                             .toObject()
                                             .value(QStringLiteral("receivers"))
                                             .toArray();
            receiver = receivers.at(match.captured(1).toInt()).toObject().value(QStringLiteral("name")).toString();
        }
        return QStringLiteral("contact point '%1' (org %2%3)")
            .arg(receiver.isEmpty() ? record.field : receiver, owner,
                 table == QLatin1String("alert_configuration_history") ? QStringLiteral(", history")
                                                                         : QString());
    }
    return QStringLiteral("%1 row %2").arg(table, owner);
}

ValueFailure failureOf(const ValueRecord& record, FailureReason reason, const QString& detail = {})
{
    const store::SecretLocation& location = store::secretLocations().at(record.locationIndex);
    return ValueFailure{location.table, location.column, record.rowId, record.field, reason, detail};
}

QString labelFor(const store::DataKeyRow& row, const QString& providerId)
{
    if (row.label.isEmpty() || crypto::normalizeProviderId(row.provider) == providerId)
        return row.label;
    const qsizetype at = row.label.lastIndexOf(QLatin1Char('@'));
    return (at < 0 ? row.label : row.label.left(at)) + QLatin1Char('@') + providerId;
}

// Reads the cell of a value again (clearing, owners); empty when it is gone.
std::optional<store::Cell> cellOf(OpenedDatabase& opened, const ValueRecord& record)
{
    auto cell = store::readCell(opened.db, store::secretLocations().at(record.locationIndex), record.rowId);
    if (!cell || !*cell)
        return std::nullopt;
    return **cell;
}

} // namespace

Result<RepairResult> runRepair(const Target& target, const RepairOptions& options, JobContext* context)
{
    QElapsedTimer timer;
    timer.start();
    RepairResult out;
    OperationResult& result = out.operation;
    result.operation = QStringLiteral("repair");
    result.dryRun = options.dryRun;
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    out.currentFingerprint = keyFingerprint(target.secretKey);

    QList<store::DataKeyRow> backupRows;
    if (!options.dataKeysFrom.isEmpty()) {
        auto rows = readBackupDataKeys(options.dataKeysFrom, &result.backupFormat, context);
        if (!rows)
            return std::unexpected(rows.error());
        backupRows = *rows;
        result.backupFile = options.dataKeysFrom;
    }
    auto opened = openTarget(target, options.dryRun ? AccessMode::ReadOnly : AccessMode::ReadWrite);
    if (!opened)
        return std::unexpected(opened.error());
    const QString where = opened->db.spec().displayName();
    // Rule 9: a running server would keep writing under the keys being repaired (dry runs report).
    result.preflight.liveness = checkLiveness(opened->db, LivenessPolicy::Refuse, options.serversStopped);
    if (result.preflight.liveness.refused && !options.dryRun)
        return fail(ErrorKind::Refused, result.preflight.liveness.message);
    if (!result.preflight.liveness.message.isEmpty())
        result.notes << result.preflight.liveness.message;
    QThreadPool pool;
    pool.setMaxThreadCount(effectiveJobs(options.jobs));

    // The values, classified (no decryption yet). Ids of backup rows count as known.
    QSet<QString> hereIds;
    for (const store::DataKeyRow& row : std::as_const(opened->dataKeys))
        hereIds.insert(row.id);
    QHash<QString, store::DataKeyRow> backupById;
    for (const store::DataKeyRow& row : std::as_const(backupRows)) {
        if (!hereIds.contains(row.id))
            backupById.insert(row.id, row);
    }
    QSet<QString> known = hereIds;
    for (auto it = backupById.cbegin(); it != backupById.cend(); ++it)
        known.insert(it.key());
    if (context)
        context->setProgress(0, QStringLiteral("repair: scanning every location"));
    QList<ValueRecord> records;
    SecretScanner scanner(opened->db, known);
    if (auto scanned = scanner.scan([&records](const QList<ValueRecord>& batch) { records << batch; }, context);
        !scanned)
        return std::unexpected(scanned.error());
    QHash<QString, QList<qsizetype>> byKey; // data key id -> values naming it
    for (qsizetype i = 0; i < records.size(); ++i) {
        const ValueRecord& record = records.at(i);
        if (isEnvelope(record.format) && !record.problem)
            byKey[record.dataKeyId] << i;
    }
    QList<store::DataKeyRow> rows = opened->dataKeys;
    for (auto it = backupById.cbegin(); it != backupById.cend(); ++it) {
        if (byKey.contains(it.key()))
            rows << it.value();
    }
    if (!backupById.isEmpty() && !opened->schema.hasDataKeys)
        return fail(ErrorKind::Refused,
                    QStringLiteral("%1 has no data_keys table; no data key can be restored").arg(where));

    // The keys to try: the current one first, then each distinct candidate.
    std::vector<Ring> rings;
    rings.push_back(Ring{QStringLiteral("current"), std::make_unique<KeyRing>(target, rows)});
    QList<QByteArray> seen{target.secretKey};
    QList<int> ringOfCandidate; // candidate index -> ring index (-1: same as an earlier key)
    for (qsizetype c = 0; c < options.candidateKeys.size(); ++c) {
        const QByteArray& key = options.candidateKeys.at(c);
        CandidateOutcome outcome;
        outcome.source = c < options.candidateSources.size() ? options.candidateSources.at(c)
                                                             : QStringLiteral("candidate %1").arg(c + 1);
        outcome.fingerprint = keyFingerprint(key);
        outcome.sameAsCurrent = key == target.secretKey;
        out.candidates << outcome;
        if (key.isEmpty() || seen.contains(key)) {
            ringOfCandidate << -1;
            continue;
        }
        seen << key;
        Target other = target;
        other.secretKey = key;
        ringOfCandidate << static_cast<int>(rings.size());
        rings.push_back(Ring{outcome.source, std::make_unique<KeyRing>(other, rows)});
    }

    // 1. The key of every referenced data key: proven by the values under it.
    if (context)
        context->setProgress(0, QStringLiteral("repair: finding the key of every data key"));
    QHash<QString, int> keyRing; // data key id -> ring index
    QStringList ids = byKey.keys();
    std::sort(ids.begin(), ids.end());
    for (const QString& id : std::as_const(ids)) {
        const auto row = std::find_if(rows.cbegin(), rows.cend(), [&id](const store::DataKeyRow& r) { return r.id == id; });
        if (row == rows.cend())
            continue; // missing here and in the backup
        const bool bySecretKey = crypto::normalizeProviderId(row->provider) == crypto::kSecretKeyProviderId;
        QList<ValueRecord> sample;
        for (const qsizetype i : byKey.value(id)) {
            if (catalog.at(records.at(i).locationIndex).table == QLatin1String("cache_data"))
                continue; // binary: plausibility proves nothing
            sample << records.at(i);
            if (sample.size() >= kProofSamples)
                break;
        }
        for (int r = 0; r < static_cast<int>(rings.size()) && !sample.isEmpty(); ++r) {
            if (r > 0 && !bySecretKey)
                break; // wrapped by a KMS/HSM: a secret key is not involved
            const KeyRing& ring = *rings.at(r).ring;
            const QList<std::optional<FailureReason>> outcomes = QtConcurrent::blockingMapped(
                &pool, sample,
                [&ring](const ValueRecord& record) { return judge(record, ring, UnverifiablePolicy::Fail); });
            int ok = 0;
            int gcmOk = 0;
            int keyFailures = 0;
            for (qsizetype k = 0; k < outcomes.size(); ++k) {
                if (!outcomes.at(k)) {
                    ++ok;
                    if (isGcm(sample.at(k).format))
                        ++gcmOk;
                } else if (isKeyFailure(*outcomes.at(k))) {
                    ++keyFailures;
                }
            }
            if (gcmOk > 0 || (ok > 0 && ok > keyFailures)) {
                keyRing.insert(id, r);
                break;
            }
        }
    }

    // Every value under the key that opens it (legacy values: the first that does).
    if (context)
        context->setProgress(0, QStringLiteral("repair: decrypting %1 values").arg(records.size()));
    struct Verdict
    {
        int ring = -1; // -1: nothing opens it
        FailureReason reason = FailureReason::Other;
        QList<int> opens; // legacy values: every ring under which it is plausible
    };
    QList<qsizetype> indexes(records.size());
    std::iota(indexes.begin(), indexes.end(), 0);
    QList<Verdict> verdicts = QtConcurrent::blockingMapped(
        &pool, indexes, [&](qsizetype i) -> Verdict {
            const ValueRecord& record = records.at(i);
            if (record.problem)
                return Verdict{-1, *record.problem, {}};
            if (isEnvelope(record.format)) {
                const auto found = keyRing.constFind(record.dataKeyId);
                if (found == keyRing.cend() && backupById.contains(record.dataKeyId))
                    return Verdict{-1, FailureReason::MissingDataKey, {}};
                const int r = found == keyRing.cend() ? 0 : *found;
                const auto failure = judge(record, *rings.at(r).ring);
                return failure ? Verdict{-1, *failure, {}} : Verdict{r, FailureReason::Other, {}};
            }
            Verdict verdict;
            for (int r = 0; r < static_cast<int>(rings.size()); ++r) {
                const auto failure = judge(record, *rings.at(r).ring);
                if (!failure)
                    verdict.opens << r;
                else if (r == 0)
                    verdict.reason = *failure;
            }
            verdict.ring = verdict.opens.isEmpty() ? -1 : verdict.opens.first();
            return verdict;
        });
    // A legacy value plausible under several keys (a short CFB value proves nothing) follows the
    // values of its own cell that only one key opens: a cell is always rewritten as a whole, so
    // they share its key even after an interrupted run. Without such neighbours it stays as it is.
    QHash<QString, QList<int>> cellRings; // "location/row" -> rings that alone open a value of it
    for (qsizetype i = 0; i < records.size(); ++i) {
        if (verdicts.at(i).opens.size() == 1)
            cellRings[QString::number(records.at(i).locationIndex) + QLatin1Char('/') + records.at(i).rowId]
                << verdicts.at(i).opens.first();
    }
    qint64 ambiguous = 0;
    for (qsizetype i = 0; i < records.size(); ++i) {
        Verdict& v = verdicts[i];
        if (v.opens.size() < 2)
            continue;
        const QList<int> neighbours =
            cellRings.value(QString::number(records.at(i).locationIndex) + QLatin1Char('/') + records.at(i).rowId);
        const auto chosen = std::find_if(neighbours.cbegin(), neighbours.cend(),
                                         [&v](int r) { return v.opens.contains(r); });
        if (chosen != neighbours.cend())
            v.ring = *chosen;
        else
            ++ambiguous;
    }
    out.ambiguous = ambiguous;
    if (ambiguous > 0)
        result.notes << QStringLiteral("Legacy values that decrypt plausibly under more than one key and share "
                                       "their cell with no value that tells which, left as they are (check "
                                       "them with verify / decrypt): %1.")
                            .arg(ambiguous);

    // What each key explains; the wrong-key refusal applies only when nothing explains most values.
    qint64 opensNow = 0;
    qint64 explained = 0;
    qint64 unexplainedKeyFailures = 0;
    QList<QSet<QString>> reencrypt(rings.size()); // per ring: legacy values to re-encrypt
    QList<QList<int>> reencryptLocations(rings.size());
    QList<qsizetype> lost;
    for (qsizetype i = 0; i < records.size(); ++i) {
        const Verdict& v = verdicts.at(i);
        const ValueRecord& record = records.at(i);
        if (v.ring == 0) {
            ++opensNow;
        } else if (v.ring > 0) {
            ++explained;
            if (isLegacy(record.format)) {
                reencrypt[v.ring].insert(engine::valueKey(record.locationIndex, record.rowId, record.field));
                if (!reencryptLocations[v.ring].contains(record.locationIndex))
                    reencryptLocations[v.ring] << record.locationIndex;
            }
        } else {
            if (isKeyFailure(v.reason))
                ++unexplainedKeyFailures;
            lost << i;
        }
    }
    for (qsizetype c = 0; c < out.candidates.size(); ++c) {
        const int r = ringOfCandidate.at(c);
        if (r < 0)
            continue;
        for (auto it = keyRing.cbegin(); it != keyRing.cend(); ++it) {
            if (it.value() == r)
                out.candidates[c].dataKeys << it.key();
        }
        std::sort(out.candidates[c].dataKeys.begin(), out.candidates[c].dataKeys.end());
        out.candidates[c].values = std::count_if(verdicts.cbegin(), verdicts.cend(),
                                                 [r](const Verdict& v) { return v.ring == r; });
    }
    // Per location: what the current key, each candidate and nothing opens.
    QList<int> candidateOfRing(static_cast<qsizetype>(rings.size()), -1);
    for (qsizetype c = 0; c < ringOfCandidate.size(); ++c) {
        const int r = ringOfCandidate.at(c);
        if (r > 0 && candidateOfRing.at(r) < 0)
            candidateOfRing[r] = static_cast<int>(c);
    }
    QMap<int, RepairLocation> byLocation;
    for (qsizetype i = 0; i < records.size(); ++i) {
        const int index = records.at(i).locationIndex;
        RepairLocation& location = byLocation[index];
        if (location.table.isEmpty()) {
            location.table = catalog.at(index).table;
            location.column = catalog.at(index).column;
            location.openedByCandidate = QList<qint64>(out.candidates.size(), 0);
        }
        ++location.values;
        if (isEnvelope(records.at(i).format))
            ++location.envelope;
        else if (isLegacy(records.at(i).format))
            ++location.legacy;
        const int r = verdicts.at(i).ring;
        if (r == 0)
            ++location.openedByCurrent;
        else if (r > 0 && candidateOfRing.at(r) >= 0)
            ++location.openedByCandidate[candidateOfRing.at(r)];
        else if (r < 0)
            ++location.lost;
    }
    out.locations = byLocation.values();

    const qint64 judged = opensNow + explained + unexplainedKeyFailures;
    if (judged > 0 && unexplainedKeyFailures * 2 > judged) {
        result.refused = true;
        result.refusal = QStringLiteral("%1 of %2 values do not decrypt with the current secret key nor with "
                                        "any candidate key. The key is probably wrong; nothing was changed. "
                                        "Check the key, add the right one with --candidate-key-file, or run "
                                        "with --force.")
                             .arg(unexplainedKeyFailures)
                             .arg(judged);
        if (!options.force)
            return fail(ErrorKind::Refused, result.refusal);
        // Kept in the preflight part: a forced dry run (the wizard's preflight) shows the refusal.
        result.preflight.refused = true;
        result.preflight.refusal = result.refusal;
        result.refused = false;
        result.notes << QStringLiteral("Forced past the wrong-key refusal.");
    }

    // The plan per data key.
    QStringList rewrapIds;
    QStringList restoreIds;
    QStringList allIds = ids;
    for (const store::DataKeyRow& row : std::as_const(opened->dataKeys)) {
        if (!byKey.contains(row.id)) {
            out.unreferencedDataKeys << row.id;
            allIds << row.id;
        }
    }
    for (const QString& id : std::as_const(allIds)) {
        DataKeyRepair key;
        key.id = id;
        key.references = byKey.value(id).size();
        key.fromBackup = backupById.contains(id);
        if (const auto row = std::find_if(rows.cbegin(), rows.cend(), [&id](const store::DataKeyRow& r) { return r.id == id; });
            row != rows.cend()) {
            key.label = row->label;
            key.provider = row->provider;
            key.active = row->active;
        }
        const auto found = keyRing.constFind(id);
        if (found != keyRing.cend())
            key.foundUnder = *found == 0 ? QStringLiteral("current")
                                         : QStringLiteral("candidate (%1)").arg(rings.at(*found).source);
        if (!hereIds.contains(id) && !key.fromBackup) {
            key.action = QStringLiteral("none (missing, not in a backup)");
        } else if (key.references == 0) {
            key.action = QStringLiteral("unreferenced (left alone)");
        } else if (found == keyRing.cend()) {
            key.action = QStringLiteral("none (no key opens its values)");
        } else if (key.fromBackup) {
            key.action = QStringLiteral("restore");
            restoreIds << id;
        } else if (*found > 0) {
            key.action = QStringLiteral("rewrap");
            rewrapIds << id;
        } else {
            key.action = QStringLiteral("keep");
        }
        out.dataKeys << key;
    }

    // 2./3. Data keys: re-wrap and restore in one transaction, read back before the commit.
    const crypto::KekProvider* provider = rings.front().ring->currentProvider();
    if (!rewrapIds.isEmpty() || !restoreIds.isEmpty()) {
        if (!provider)
            return fail(ErrorKind::Config, QStringLiteral("The current KEK provider %1 is not configured.")
                                               .arg(target.config.security.encryptionProvider));
        const QString providerId = crypto::normalizeProviderId(provider->id());
        if (!options.dryRun) {
            if (auto begun = opened->db.begin(); !begun)
                return std::unexpected(fromStoreError(begun.error(), where));
        }
        const auto abort = [&](Error error) -> Result<RepairResult> {
            if (!options.dryRun)
                (void)opened->db.rollback();
            return std::unexpected(std::move(error));
        };
        std::vector<std::pair<QString, crypto::SecretBytes>> expected;
        const QString now = engine::nowLocalText();
        for (const QString& id : rewrapIds + restoreIds) {
            const store::DataKeyRow row = *std::find_if(rows.cbegin(), rows.cend(),
                                                        [&id](const store::DataKeyRow& r) { return r.id == id; });
            const int r = keyRing.value(id);
            auto dek = rings.at(r).ring->dataKey(id.toUtf8());
            if (!dek)
                return abort(Error{ErrorKind::Failed, QStringLiteral("Data key %1 no longer unwraps.").arg(id)});
            store::DataKeyRow next = row;
            if (r > 0) {
                auto wrapped = provider->wrap(dek->view());
                auto back = wrapped ? provider->unwrap(*wrapped)
                                    : crypto::Result<crypto::SecretBytes>(std::unexpected(wrapped.error()));
                if (!back || !back->equals(*dek))
                    return abort(Error{ErrorKind::Failed,
                                       QStringLiteral("Re-wrapping data key %1 did not round-trip; nothing "
                                                      "was changed.")
                                           .arg(id)});
                next.encryptedData = *wrapped;
                next.provider = providerId;
                next.label = labelFor(row, providerId);
                next.updated = now;
            }
            if (!options.dryRun) {
                Result<void> written;
                if (backupById.contains(id)) {
                    next.active = false;
                    if (auto w = store::insertDataKey(opened->db, next); !w)
                        written = std::unexpected(fromStoreError(w.error(), where));
                } else if (auto w = store::updateDataKeyWrap(opened->db, id, next.provider, next.label,
                                                             next.encryptedData, now);
                           !w) {
                    written = std::unexpected(fromStoreError(w.error(), where));
                }
                if (!written)
                    return abort(written.error());
            }
            if (backupById.contains(id)) {
                ++out.dataKeysRestored;
                out.dataKeysRestoredIds << id;
            } else {
                ++result.dataKeysRewrapped;
                out.dataKeysRewrappedIds << id;
            }
            expected.emplace_back(id, std::move(*dek));
        }
        if (!options.dryRun) {
            auto reloaded = store::loadDataKeys(opened->db);
            if (!reloaded)
                return abort(fromStoreError(reloaded.error(), where));
            const KeyRing check(target, *reloaded);
            for (const auto& [id, dek] : expected) {
                auto back = check.dataKey(id.toUtf8());
                if (!back || !back->equals(dek))
                    return abort(Error{ErrorKind::Failed, QStringLiteral("Data key %1 did not read back "
                                                                         "correctly; nothing was changed.")
                                                              .arg(id)});
            }
            if (auto committed = opened->db.commit(); !committed)
                return abort(fromStoreError(committed.error(), where));
            qCInfo(lcModel).noquote() << "repair: re-wrapped" << result.dataKeysRewrapped << "and restored"
                                      << out.dataKeysRestored << "data keys";
        }
    }

    // 2. Legacy values under a candidate: re-encrypted with the current secret key, same form.
    for (int r = 1; r < static_cast<int>(rings.size()); ++r) {
        if (reencrypt.at(r).isEmpty())
            continue;
        if (context)
            context->setProgress(0, QStringLiteral("repair: re-encrypting values found under %1").arg(rings.at(r).source));
        const QSet<QString>& wanted = reencrypt.at(r);
        engine::RewritePlan plan;
        plan.planFor = [&wanted](const ValueRecord& record, const store::SecretLocation&) -> std::optional<engine::ValueSpec> {
            if (!isLegacy(record.format)
                || !wanted.contains(engine::valueKey(record.locationIndex, record.rowId, record.field)))
                return std::nullopt;
            return engine::legacySpecOf(record);
        };
        plan.locations = reencryptLocations.at(r);
        std::sort(plan.locations.begin(), plan.locations.end());
        plan.legacySecret = target.secretKey;
        plan.partialCells = true;
        OperationResult step;
        // Only the values assigned to this key above are planned; a short one among them was
        // assigned by the values of its own cell, so it is not judged again.
        OperationOptions rewriteOptions = options;
        rewriteOptions.includeUnverifiable = true;
        if (auto rewritten
            = engine::rewriteCells(*opened, *rings.at(r).ring, plan, rewriteOptions, pool, context, step);
            !rewritten)
            return std::unexpected(rewritten.error());
        out.valuesReencrypted += step.changed;
        result.cellsWritten += step.cellsWritten;
        result.conflicts += step.conflicts;
        result.rereads += step.rereads;
        result.notes << step.notes;
        for (const ValueFailure& failure : std::as_const(step.failures)) {
            if (failure.reason == FailureReason::Conflict || failure.reason == FailureReason::Other)
                result.failures << failure; // conflicts and refused writes; the value stays as it was
        }
        if (step.canceled) {
            result.canceled = true;
            break;
        }
    }

    // 4. Clear what nothing opens (only when asked); the rest is reported.
    QHash<QString, QList<qsizetype>> lostByCell; // "location/row" -> values
    QStringList cellOrder;
    for (const qsizetype i : std::as_const(lost)) {
        const ValueRecord& record = records.at(i);
        const QString cellKey = QString::number(record.locationIndex) + QLatin1Char('/') + record.rowId;
        if (!lostByCell.contains(cellKey))
            cellOrder << cellKey;
        lostByCell[cellKey] << i;
    }
    QSet<QString> clearedKeys;
    const QString updatedUtc = engine::nowUtcText();
    for (const QString& cellKey : std::as_const(cellOrder)) {
        if (result.canceled || (context && context->isCanceled())) {
            result.canceled = true;
            break;
        }
        const QList<qsizetype> values = lostByCell.value(cellKey);
        const ValueRecord& first = records.at(values.first());
        const store::SecretLocation& location = catalog.at(first.locationIndex);
        const std::optional<store::Cell> cell = cellOf(*opened, first);
        if (!cell)
            continue; // the row is gone
        if (!options.clearUnrecoverable)
            continue;
        QByteArray next = cell->raw;
        QList<qsizetype> done;
        for (const qsizetype i : values) {
            const ValueRecord& record = records.at(i);
            if (location.container == store::SecretLocation::Container::Single) {
                // Still the same undecryptable value (the cell may have been re-entered meanwhile).
                const store::CellExpansion now = store::expandCell(location, cell->raw, cell->isNull);
                const bool same = record.format == ValueFormat::Malformed
                                      ? now.values.isEmpty() && !now.problems.isEmpty()
                                      : now.values.size() == 1 && now.values.first().payload == record.payload;
                if (same) {
                    next = QByteArray("", 0);
                    done << i;
                }
                continue;
            }
            if (record.format == ValueFormat::Malformed)
                continue; // a field that does not decode cannot be cut exactly; reported
            if (const auto removed = store::removeValue(location, next, record.field, record.payload)) {
                next = *removed;
                done << i;
            }
        }
        if (done.isEmpty())
            continue;
        if (!options.dryRun) {
            Result<void> written;
            if (auto begun = opened->db.begin(); !begun)
                return std::unexpected(fromStoreError(begun.error(), where));
            if (auto w = store::updateCell(opened->db, location, cell->rowId, cell->raw, next, updatedUtc); !w) {
                (void)opened->db.rollback();
                if (w.error().code == store::ErrorCode::Conflict) {
                    ++result.conflicts;
                    result.failures << failureOf(first, FailureReason::Conflict,
                                                 QStringLiteral("the row changed while it was cleared; run "
                                                                "repair again"));
                    continue;
                }
                return std::unexpected(fromStoreError(w.error(), where));
            }
            if (auto committed = opened->db.commit(); !committed) {
                (void)opened->db.rollback();
                return std::unexpected(fromStoreError(committed.error(), where));
            }
            ++result.cellsWritten;
        }
        for (const qsizetype i : std::as_const(done)) {
            const ValueRecord& record = records.at(i);
            out.cleared << RepairValue{failureOf(record, verdicts.at(i).reason), humanOwner(record, cell->raw)};
            clearedKeys.insert(engine::valueKey(record.locationIndex, record.rowId, record.field));
        }
    }

    // 5. Verify with the current key (a dry run reports what would remain).
    QHash<QString, qsizetype> recordByKey;
    for (qsizetype i = 0; i < records.size(); ++i)
        recordByKey.insert(engine::valueKey(records.at(i).locationIndex, records.at(i).rowId, records.at(i).field), i);
    const auto locationIndexOf = [&catalog](const QString& table, const QString& column) {
        for (int k = 0; k < catalog.size(); ++k) {
            if (catalog.at(k).table == table && catalog.at(k).column == column)
                return k;
        }
        return -1;
    };
    QList<ValueFailure> remaining;
    if (options.dryRun) {
        for (const qsizetype i : std::as_const(lost)) {
            const ValueRecord& record = records.at(i);
            if (!clearedKeys.contains(engine::valueKey(record.locationIndex, record.rowId, record.field)))
                remaining << failureOf(record, verdicts.at(i).reason);
        }
    } else if (!result.canceled) {
        VerifyOptions verifyOptions;
        verifyOptions.jobs = options.jobs;
        const auto verified = runVerify(target, verifyOptions, context);
        if (!verified)
            return std::unexpected(verified.error());
        result.verifyChecked = verified->checked;
        result.verifyFailed = verified->failed;
        remaining = verified->failures;
    }
    for (const ValueFailure& failure : std::as_const(remaining)) {
        RepairValue value{failure, {}};
        const int index = locationIndexOf(failure.table, failure.column);
        const auto found = recordByKey.constFind(engine::valueKey(index, failure.rowId, failure.field));
        if (found != recordByKey.cend()) {
            const ValueRecord& record = records.at(*found);
            const std::optional<store::Cell> cell = catalog.at(index).container
                                                            == store::SecretLocation::Container::Alertmanager
                                                        ? cellOf(*opened, record)
                                                        : std::nullopt;
            value.owner = humanOwner(record, cell ? cell->raw : QByteArray());
        }
        out.remaining << value;
    }
    result.processed = records.size();
    result.changed = out.valuesReencrypted + out.cleared.size();
    result.skipped = result.processed - result.changed;
    for (const RepairValue& value : std::as_const(out.remaining))
        result.failures << value.value;
    result.failed = result.failures.size();
    if (!out.unreferencedDataKeys.isEmpty())
        result.notes << QStringLiteral("Data keys referenced by no value, which cannot be attributed to a key "
                                       "and are left as they are: %1 (%2).")
                            .arg(out.unreferencedDataKeys.size())
                            .arg(out.unreferencedDataKeys.join(QStringLiteral(", ")));
    if (!out.remaining.isEmpty() && !options.clearUnrecoverable)
        result.notes << QStringLiteral("Values that decrypt under no key: %1. Re-enter them in the server's UI, "
                                       "or run repair with --clear-unrecoverable to remove them.")
                            .arg(out.remaining.size());
    result.durationMs = timer.elapsed();
    return out;
}

QJsonObject repairToJson(const RepairResult& r)
{
    QJsonObject o = operationToJson(r.operation);
    const auto values = [](const QList<RepairValue>& list) {
        QJsonArray array;
        for (const RepairValue& v : list)
            array.append(QJsonObject{{QStringLiteral("table"), v.value.table},
                                     {QStringLiteral("column"), v.value.column},
                                     {QStringLiteral("rowId"), v.value.rowId},
                                     {QStringLiteral("field"), v.value.field},
                                     {QStringLiteral("owner"), v.owner},
                                     {QStringLiteral("reason"), reasonName(v.value.reason)}});
        return array;
    };
    o.insert(QStringLiteral("secretKeyFingerprint"), r.currentFingerprint);
    o.insert(QStringLiteral("dataKeysRewrapped"), r.operation.dataKeysRewrapped);
    o.insert(QStringLiteral("dataKeysRewrappedIds"), QJsonArray::fromStringList(r.dataKeysRewrappedIds));
    o.insert(QStringLiteral("dataKeysRestored"), r.dataKeysRestored);
    o.insert(QStringLiteral("dataKeysRestoredIds"), QJsonArray::fromStringList(r.dataKeysRestoredIds));
    o.insert(QStringLiteral("valuesReencrypted"), r.valuesReencrypted);
    o.insert(QStringLiteral("ambiguous"), r.ambiguous);
    o.insert(QStringLiteral("cleared"), values(r.cleared));
    o.insert(QStringLiteral("remaining"), values(r.remaining));
    o.insert(QStringLiteral("unreferencedDataKeys"), QJsonArray::fromStringList(r.unreferencedDataKeys));
    QJsonArray candidates;
    for (const CandidateOutcome& c : r.candidates)
        candidates.append(QJsonObject{{QStringLiteral("source"), c.source},
                                      {QStringLiteral("fingerprint"), c.fingerprint},
                                      {QStringLiteral("sameAsCurrent"), c.sameAsCurrent},
                                      {QStringLiteral("dataKeysOpened"), c.dataKeys.size()},
                                      {QStringLiteral("dataKeyIds"), QJsonArray::fromStringList(c.dataKeys)},
                                      {QStringLiteral("valuesOpened"), c.values}});
    o.insert(QStringLiteral("candidates"), candidates);
    QJsonArray keys;
    for (const DataKeyRepair& k : r.dataKeys)
        keys.append(QJsonObject{{QStringLiteral("id"), k.id},
                                {QStringLiteral("references"), k.references},
                                {QStringLiteral("foundUnder"), k.foundUnder},
                                {QStringLiteral("fromBackup"), k.fromBackup},
                                {QStringLiteral("action"), k.action}});
    o.insert(QStringLiteral("dataKeys"), keys);
    QJsonArray locations;
    for (const RepairLocation& l : r.locations) {
        QJsonArray perCandidate;
        for (const qint64 n : l.openedByCandidate)
            perCandidate.append(n);
        locations.append(QJsonObject{{QStringLiteral("table"), l.table},
                                     {QStringLiteral("column"), l.column},
                                     {QStringLiteral("values"), l.values},
                                     {QStringLiteral("openedByCurrent"), l.openedByCurrent},
                                     {QStringLiteral("openedByCandidate"), perCandidate},
                                     {QStringLiteral("lost"), l.lost}});
    }
    o.insert(QStringLiteral("locations"), locations);
    return o;
}

int exitCodeFor(const RepairResult& result)
{
    return exitCodeFor(result.operation);
}

} // namespace mk::model
