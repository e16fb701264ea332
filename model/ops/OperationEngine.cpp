#include "model/ops/OperationEngine.h"

#include "crypto/AesCipher.h"
#include "crypto/Envelope.h"
#include "crypto/Kdf.h"
#include "crypto/Payload.h"
#include "model/ModelLog.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/SecretLocation.h"

#include <QDate>
#include <QDateTime>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <memory>

namespace mk::model::engine {

QString valueKey(int locationIndex, const QString& rowId, const QString& field)
{
    return QString::number(locationIndex) + QLatin1Char('\x1f') + rowId + QLatin1Char('\x1f') + field;
}

namespace {

constexpr int kSamplesPerGroup = 4;
constexpr int kMaxSamples = 64;

ValueFailure failureFor(const ValueRecord& record, FailureReason reason, const QString& detail = {})
{
    const store::SecretLocation& location = store::secretLocations().at(record.locationIndex);
    return ValueFailure{location.table, location.column, record.rowId, record.field, reason, detail};
}


// Checks that `body` (a payload without envelope header) has the promised form and decrypts to
// `plaintext`. With a cached derived key for the batch salt no PBKDF2 runs.
bool bodyDecryptsTo(QByteArrayView body,
                    const ValueSpec& spec,
                    QByteArrayView plaintext,
                    QByteArrayView secret,
                    const crypto::SecretBytes* cachedKey,
                    QByteArrayView cachedSalt)
{
    const auto info = crypto::inspectPayload(body);
    if (!info || info->algorithm != spec.algorithm || info->prefixed != spec.prefix)
        return false;
    const QByteArrayView b = body.sliced(info->bodyOffset);
    const QByteArrayView salt = b.first(crypto::kSaltSize);
    crypto::SecretBytes derived;
    QByteArrayView key;
    if (cachedKey && salt == cachedSalt) {
        key = cachedKey->view();
    } else {
        derived = crypto::pbkdf2Sha256(secret, salt);
        key = derived.view();
    }
    if (key.size() != crypto::kDerivedKeyLength)
        return false;
    const qsizetype iv = crypto::ivSize(spec.algorithm);
    auto decrypted = spec.algorithm == crypto::Algorithm::AesGcm
                         ? crypto::aes::gcmOpen(key, b.sliced(crypto::kSaltSize, iv),
                                                b.sliced(crypto::kSaltSize + iv))
                         : crypto::aes::cfbDecrypt(key, b.sliced(crypto::kSaltSize, iv),
                                                   b.sliced(crypto::kSaltSize + iv));
    if (!decrypted)
        return false;
    const bool same = QByteArrayView(*decrypted) == plaintext;
    wipe(*decrypted);
    return same;
}

// Encrypts values into one output form for one batch: one PBKDF2 for the batch (fresh IV / nonce
// per value) unless a fresh salt per value is asked for. Thread-safe.
class BatchEncrypter
{
public:
    BatchEncrypter(const ValueSpec& spec, QByteArray keyId, QByteArrayView secret, bool freshSalt)
        : m_spec(spec)
        , m_keyId(std::move(keyId))
        , m_secret(secret)
        , m_freshSalt(freshSalt)
    {
        if (!m_freshSalt) {
            m_encrypter = std::make_unique<crypto::PayloadEncrypter>(secret, spec.algorithm, spec.prefix);
            m_salt = m_encrypter->salt();
            // An independent derivation for the round-trip check (rule 1).
            m_verifyKey = crypto::pbkdf2Sha256(secret, m_salt);
        }
    }

    const ValueSpec& spec() const { return m_spec; }

    crypto::Result<QByteArray> encrypt(QByteArrayView plaintext) const
    {
        crypto::Result<QByteArray> inner;
        if (m_freshSalt) {
            crypto::EncryptOptions options;
            options.algorithm = m_spec.algorithm;
            options.writePrefix = m_spec.prefix;
            inner = crypto::encryptPayload(plaintext, m_secret.view(), options);
        } else {
            inner = m_encrypter->encrypt(plaintext);
        }
        if (!inner || !m_spec.envelope)
            return inner;
        return crypto::buildEnvelope(m_keyId, *inner);
    }

    // Rule 1: decrypt the new payload again and compare.
    bool roundTrips(QByteArrayView payload, QByteArrayView plaintext) const
    {
        QByteArrayView body = payload;
        if (m_spec.envelope) {
            const auto parts = crypto::parseEnvelope(payload);
            if (!parts || parts->keyId != m_keyId)
                return false;
            body = payload.sliced(parts->innerOffset);
        } else if (crypto::isEnvelope(payload)) {
            return false;
        }
        return bodyDecryptsTo(body, m_spec, plaintext, m_secret.view(),
                              m_freshSalt ? nullptr : &m_verifyKey, m_salt);
    }

private:
    ValueSpec m_spec;
    QByteArray m_keyId;
    crypto::SecretBytes m_secret;
    bool m_freshSalt = false;
    std::unique_ptr<crypto::PayloadEncrypter> m_encrypter;
    QByteArray m_salt;
    crypto::SecretBytes m_verifyKey;
};

using Encrypters = QList<std::shared_ptr<const BatchEncrypter>>;

const BatchEncrypter* findEncrypter(const Encrypters& encrypters, const ValueSpec& spec)
{
    for (const auto& e : encrypters) {
        if (e->spec() == spec)
            return e.get();
    }
    return nullptr;
}

struct CellWork
{
    int locationIndex = -1;
    store::Cell cell;
    QList<ValueRecord> records;
    QList<std::optional<ValueSpec>> specs;
};

struct CellOutcome
{
    bool write = false;
    QByteArray newRaw;
    QStringList changedFields;
    qint64 values = 0;
    qint64 skipped = 0;
    qint64 blocked = 0;
    QList<ValueFailure> failures;
};

// After splicing: the new cell must expand to the same fields, with the new payloads exactly where
// they were replaced and the old payloads everywhere else.
bool spliceIsExact(const store::SecretLocation& location,
                   const QByteArray& oldRaw,
                   const QByteArray& newRaw,
                   const QList<std::pair<QString, QByteArray>>& replacements)
{
    const store::CellExpansion before = store::expandCell(location, oldRaw, false);
    const store::CellExpansion after = store::expandCell(location, newRaw, false);
    if (after.problems.size() != before.problems.size() || after.values.size() != before.values.size())
        return false;
    for (qsizetype i = 0; i < after.values.size(); ++i) {
        const store::CellValue& a = after.values.at(i);
        const store::CellValue& b = before.values.at(i);
        if (a.field != b.field)
            return false;
        const auto it = std::find_if(replacements.cbegin(), replacements.cend(),
                                     [&a](const auto& r) { return r.first == a.field; });
        if (a.payload != (it == replacements.cend() ? b.payload : it->second))
            return false;
    }
    return true;
}

CellOutcome processCell(const CellWork& work, const KeyRing& ring, const Encrypters& encrypters, bool partial)
{
    CellOutcome out;
    const store::SecretLocation& location = store::secretLocations().at(work.locationIndex);
    QList<std::pair<QString, QByteArray>> replacements;
    bool cellFailed = false;
    for (qsizetype i = 0; i < work.records.size(); ++i) {
        const ValueRecord& record = work.records.at(i);
        const std::optional<ValueSpec>& spec = work.specs.at(i);
        ++out.values;
        if (record.format == ValueFormat::Malformed) {
            out.failures << failureFor(record, record.problem.value_or(FailureReason::Other));
            cellFailed = true;
            continue;
        }
        if (!spec) {
            ++out.skipped;
            continue;
        }
        auto plaintext = decryptValue(record, ring);
        if (!plaintext) {
            out.failures << failureFor(record, plaintext.error().reason, plaintext.error().detail);
            cellFailed = true;
            continue;
        }
        const BatchEncrypter* encrypter = findEncrypter(encrypters, *spec);
        crypto::Result<QByteArray> payload = encrypter
                                                 ? encrypter->encrypt(*plaintext)
                                                 : crypto::fail(crypto::ErrorCode::Internal,
                                                                QStringLiteral("no encrypter"));
        if (!payload) {
            out.failures << failureFor(record, FailureReason::Other,
                                       QStringLiteral("encryption failed: %1").arg(payload.error().detail));
            cellFailed = true;
        } else if (!encrypter->roundTrips(*payload, *plaintext)) {
            out.failures << failureFor(record, FailureReason::Other,
                                       QStringLiteral("the new ciphertext did not decrypt to the "
                                                      "original plaintext; nothing written"));
            cellFailed = true;
        } else {
            replacements.append({record.field, *payload});
        }
        wipe(*plaintext);
    }
    if (cellFailed && !(partial && !replacements.isEmpty())) {
        // One bad value fails the whole cell (upstream semantics); the good ones stay as they are.
        out.blocked = replacements.size();
        out.skipped += replacements.size();
        return out;
    }
    if (replacements.isEmpty())
        return out;
    QByteArray newRaw = store::replaceValues(location, work.cell.raw, replacements);
    if (!spliceIsExact(location, work.cell.raw, newRaw, replacements)) {
        ValueRecord first = work.records.first();
        out.failures << failureFor(first, FailureReason::Other,
                                   QStringLiteral("write-back check of the cell failed; nothing written"));
        out.skipped += replacements.size() - 1;
        out.blocked = replacements.size() - 1;
        return out;
    }
    out.write = true;
    out.newRaw = std::move(newRaw);
    for (const auto& r : replacements)
        out.changedFields << r.first;
    return out;
}

} // namespace

bool hasForm(const ValueRecord& record, const ValueSpec& spec, const QString& envelopeKeyId)
{
    if (record.format == ValueFormat::Malformed)
        return false;
    if (spec.envelope != isEnvelope(record.format))
        return false;
    if (spec.envelope && record.dataKeyId != envelopeKeyId)
        return false;
    const ValueSpec actual = isEnvelope(record.format)
                                 ? ValueSpec{true,
                                             isGcm(record.format) ? crypto::Algorithm::AesGcm
                                                                  : crypto::Algorithm::AesCfb,
                                             record.format != ValueFormat::EnvelopeCfb}
                                 : legacySpecOf(record);
    return actual.algorithm == spec.algorithm && actual.prefix == spec.prefix;
}

ValueSpec legacySpecOf(const ValueRecord& record)
{
    switch (record.format) {
    case ValueFormat::LegacyGcm:
        return {false, crypto::Algorithm::AesGcm, true};
    case ValueFormat::LegacyCfb:
        return {false, crypto::Algorithm::AesCfb, false};
    default:
        return {false, crypto::Algorithm::AesCfb, true};
    }
}

QList<int> rewrittenLocations()
{
    QList<int> indexes;
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    for (int i = 0; i < catalog.size(); ++i) {
        if (catalog.at(i).migratedUpstream || catalog.at(i).legacyOnly)
            indexes << i;
    }
    return indexes;
}

QString todayLabel(const QString& providerId)
{
    return QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd")) + QStringLiteral("/root@")
           + providerId;
}

QString nowLocalText()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString nowUtcText()
{
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

Result<crypto::Algorithm> configuredAlgorithm(const Target& target)
{
    const auto algorithm = crypto::algorithmFromName(target.config.security.algorithm.toUtf8());
    if (!algorithm)
        return fail(ErrorKind::Config,
                    QStringLiteral("[security.encryption] algorithm = %1 is not supported (aes-cfb or "
                                   "aes-gcm)")
                        .arg(target.config.security.algorithm));
    return *algorithm;
}

QString refusalForKeyCheck(const KeyCheck& check, const QString& whichKey)
{
    return QStringLiteral("%1 of %2 sampled values do not decrypt with %3 (%4). The key is probably "
                          "wrong; nothing was changed. Check the key, or run with --force to go on "
                          "anyway (values that do not decrypt are never rewritten).")
        .arg(check.keyFailures)
        .arg(check.sampled)
        .arg(whichKey, check.detail);
}

Result<ScanFacts> scanForPreflight(OpenedDatabase& opened,
                                   const KeyRing& ring,
                                   const PlanFunction& planFor,
                                   const QList<int>& touchedLocations,
                                   QThreadPool& pool,
                                   JobContext* context)
{
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    ScanFacts facts;
    Preflight& preflight = facts.preflight;
    QList<LocationPlan> plans(catalog.size());
    struct Sample
    {
        ValueRecord record;
        bool planned = false;
    };
    QHash<QString, QList<Sample>> groups; // data key id ("" = legacy) -> sampled values
    int sampleCount = 0;

    if (context)
        context->setProgress(0, QStringLiteral("preflight: scanning every location"));
    SecretScanner scanner(opened.db, ring.ids());
    const auto scans = scanner.scan(
        [&](const QList<ValueRecord>& batch) {
            for (const ValueRecord& record : batch) {
                const store::SecretLocation& location = catalog.at(record.locationIndex);
                LocationPlan& plan = plans[record.locationIndex];
                ++plan.values;
                ++preflight.values;
                const bool touched = touchedLocations.contains(record.locationIndex);
                if (!record.dataKeyId.isEmpty()) {
                    ++facts.references[record.dataKeyId];
                    if (!touched)
                        ++facts.untouchedReferences[record.dataKeyId];
                }
                if (isEnvelope(record.format))
                    ++plan.envelope;
                else if (isLegacy(record.format))
                    ++plan.legacy;
                std::optional<ValueSpec> spec;
                if (touched && record.format != ValueFormat::Malformed && planFor)
                    spec = planFor(record, location);
                if (touched && (record.format == ValueFormat::Malformed || (spec && record.problem))) {
                    ++plan.willFail;
                    ++preflight.willFail;
                    preflight.knownFailures << failureFor(record, record.problem.value_or(FailureReason::Other));
                    continue;
                }
                if (spec) {
                    ++plan.toChange;
                    ++preflight.toChange;
                } else {
                    ++plan.unchanged;
                    ++preflight.unchanged;
                }
                // cache_data holds binary items: a wrong key cannot be told from its plaintext.
                if (record.problem || record.format == ValueFormat::Malformed
                    || location.table == QLatin1String("cache_data"))
                    continue;
                const QString group = isEnvelope(record.format) ? record.dataKeyId : QString();
                QList<Sample>& samples = groups[group];
                if (samples.size() < kSamplesPerGroup && sampleCount < kMaxSamples) {
                    samples << Sample{record, spec.has_value()};
                    ++sampleCount;
                }
            }
        },
        context);
    if (!scans)
        return std::unexpected(scans.error());
    for (const LocationScan& scan : *scans) {
        if (!scan.present)
            continue;
        LocationPlan plan = plans.at(scan.locationIndex);
        const store::SecretLocation& location = catalog.at(scan.locationIndex);
        plan.table = location.table;
        plan.column = location.column;
        plan.present = true;
        plan.touched = touchedLocations.contains(scan.locationIndex);
        plan.rows = scan.rows;
        preflight.locations << plan;
    }

    // Decrypt the sample (rule 2).
    QList<Sample> all;
    for (auto it = groups.cbegin(); it != groups.cend(); ++it)
        all << it.value();
    if (context)
        context->setProgress(0, QStringLiteral("preflight: decrypting %1 sampled values").arg(all.size()));
    const QList<std::optional<DecryptFailure>> outcomes = QtConcurrent::blockingMapped(
        &pool, all, [&ring](const Sample& sample) -> std::optional<DecryptFailure> {
            auto plaintext = decryptValue(sample.record, ring);
            if (!plaintext)
                return plaintext.error();
            wipe(*plaintext);
            return std::nullopt;
        });
    QHash<QString, std::pair<int, int>> perGroup; // ok, key failures
    QStringList reasons;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Sample& sample = all.at(i);
        const QString group = isEnvelope(sample.record.format) ? sample.record.dataKeyId : QString();
        ++preflight.keyCheck.sampled;
        if (!outcomes.at(i)) {
            ++preflight.keyCheck.ok;
            ++perGroup[group].first;
            continue;
        }
        const FailureReason reason = outcomes.at(i)->reason;
        if (reason == FailureReason::ImplausiblePlaintext || reason == FailureReason::AuthenticationFailed
            || reason == FailureReason::DataKeyUnwrapFailed) {
            ++preflight.keyCheck.keyFailures;
            ++perGroup[group].second;
            if (!reasons.contains(reasonName(reason)))
                reasons << reasonName(reason);
        }
        if (sample.planned && touchedLocations.contains(sample.record.locationIndex)) {
            preflight.knownFailures << failureFor(sample.record, reason, outcomes.at(i)->detail);
            ++preflight.willFail;
            --preflight.toChange;
            for (LocationPlan& plan : preflight.locations) {
                const store::SecretLocation& location = catalog.at(sample.record.locationIndex);
                if (plan.table == location.table && plan.column == location.column) {
                    ++plan.willFail;
                    --plan.toChange;
                }
            }
        }
    }
    KeyCheck& check = preflight.keyCheck;
    check.wrongKeySuspected = check.sampled > 0 && check.keyFailures * 2 > check.sampled;
    check.detail = check.keyFailures == 0
                       ? QStringLiteral("all sampled values decrypt")
                       : QStringLiteral("%1 of %2 sampled values fail: %3")
                             .arg(check.keyFailures)
                             .arg(check.sampled)
                             .arg(reasons.join(QStringLiteral(", ")));

    // Judge every data key: unwrap, then the values under it.
    for (const store::DataKeyRow& row : ring.rows()) {
        DataKeyPlan key;
        key.id = row.id;
        key.label = row.label;
        key.provider = row.provider;
        key.active = row.active;
        key.references = facts.references.value(row.id);
        auto unwrapped = ring.dataKey(row.id.toUtf8());
        if (!unwrapped) {
            key.health = unwrapped.error().code == crypto::ErrorCode::ProviderUnavailable
                             ? QStringLiteral("provider-unavailable")
                             : QStringLiteral("failed");
        } else {
            const auto counts = perGroup.value(row.id);
            const auto wrap = crypto::inspectPayload(row.encryptedData);
            if (counts.first > 0)
                key.health = QStringLiteral("ok");
            else if (counts.second > 0)
                key.health = QStringLiteral("suspect");
            else if (wrap && wrap->algorithm == crypto::Algorithm::AesGcm)
                key.health = QStringLiteral("ok"); // a GCM wrap authenticates itself
            else
                key.health = QStringLiteral("unverified");
        }
        facts.keyHealth.insert(row.id, key.health);
        preflight.dataKeys << key;
    }
    return facts;
}

Result<void> rewriteCells(OpenedDatabase& opened,
                          const KeyRing& ring,
                          const RewritePlan& plan,
                          const OperationOptions& options,
                          QThreadPool& pool,
                          JobContext* context,
                          OperationResult& result)
{
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    const QSet<QString> knownIds = ring.ids();
    const int batchSize = qMax(1, options.batchSize);
    const QString updatedUtc = nowUtcText();

    qint64 totalRows = 0;
    for (const int index : plan.locations) {
        const auto rows = store::countRows(opened.db, catalog.at(index));
        if (rows)
            totalRows += *rows;
    }
    if (context)
        context->setProgressRange(totalRows);
    qint64 rowsDone = 0;

    for (const int index : plan.locations) {
        const store::SecretLocation& location = catalog.at(index);
        if (!opened.schema.hasColumn(location.table, location.column))
            continue;
        QString afterRowId;
        while (true) {
            if (context && context->isCanceled()) {
                result.canceled = true;
                return {};
            }
            auto cells = store::readCells(opened.db, location, afterRowId, batchSize);
            if (!cells)
                return fail(ErrorKind::Failed,
                            QStringLiteral("Reading %1 failed: %2. Batches written so far are "
                                           "complete; run the operation again to finish.")
                                .arg(location.key, cells.error().detail));
            if (cells->isEmpty())
                break;
            afterRowId = cells->last().rowId;
            rowsDone += cells->size();

            QList<CellWork> works;
            QList<ValueSpec> needed;
            for (const store::Cell& cell : std::as_const(*cells)) {
                const store::CellExpansion expansion = store::expandCell(location, cell.raw, cell.isNull);
                if (expansion.empty)
                    continue;
                CellWork work;
                work.locationIndex = index;
                work.cell = cell;
                work.records = recordsOfCell(index, cell, expansion, knownIds);
                for (const ValueRecord& record : std::as_const(work.records)) {
                    std::optional<ValueSpec> spec;
                    if (record.format != ValueFormat::Malformed)
                        spec = plan.planFor(record, location);
                    if (spec && !needed.contains(*spec))
                        needed << *spec;
                    work.specs << spec;
                }
                works << work;
            }
            Encrypters encrypters;
            for (const ValueSpec& spec : std::as_const(needed)) {
                const QByteArrayView secret = spec.envelope ? plan.envelopeKey.view()
                                                            : QByteArrayView(plan.legacySecret);
                encrypters << std::make_shared<const BatchEncrypter>(
                    spec, spec.envelope ? plan.envelopeKeyId : QByteArray(), secret,
                    options.freshSaltPerValue);
            }
            const QList<CellOutcome> outcomes = QtConcurrent::blockingMapped(
                &pool, works, [&ring, &encrypters, partial = plan.partialCells](const CellWork& work) {
                    return processCell(work, ring, encrypters, partial);
                });

            QStringList rowIds;
            for (qsizetype i = 0; i < outcomes.size(); ++i) {
                const CellOutcome& outcome = outcomes.at(i);
                result.processed += outcome.values;
                result.skipped += outcome.skipped;
                result.blocked += outcome.blocked;
                result.failed += outcome.failures.size();
                result.failures << outcome.failures;
                if (outcome.write)
                    rowIds << works.at(i).cell.rowId;
            }
            if (!rowIds.isEmpty() && !options.dryRun) {
                if (options.beforeBatchWrite)
                    options.beforeBatchWrite(location.key, rowIds);
                if (!plan.singleTransaction) {
                    if (auto begun = opened.db.begin(); !begun)
                        return std::unexpected(fromStoreError(begun.error(), opened.db.spec().displayName()));
                }
                for (qsizetype i = 0; i < outcomes.size(); ++i) {
                    const CellOutcome& outcome = outcomes.at(i);
                    if (!outcome.write)
                        continue;
                    const store::Cell& cell = works.at(i).cell;
                    auto written = store::updateCell(opened.db, location, cell.rowId, cell.raw,
                                                     outcome.newRaw, updatedUtc);
                    if (written) {
                        ++result.cellsWritten;
                        result.changed += outcome.changedFields.size();
                        if (plan.changedValues) {
                            for (const QString& field : outcome.changedFields)
                                plan.changedValues->insert(valueKey(index, cell.rowId, field));
                        }
                        continue;
                    }
                    if (written.error().code == store::ErrorCode::Conflict) {
                        // A live writer changed the row: never clobber it; a re-run finishes.
                        for (const QString& field : outcome.changedFields) {
                            result.failures << ValueFailure{location.table, location.column, cell.rowId,
                                                            field, FailureReason::Conflict,
                                                            written.error().detail};
                            ++result.failed;
                            ++result.conflicts;
                        }
                        continue;
                    }
                    if (!plan.singleTransaction)
                        (void)opened.db.rollback();
                    return fail(ErrorKind::Failed,
                                QStringLiteral("Writing %1 row %2 failed: %3. Earlier batches are "
                                               "complete; run the operation again to finish.")
                                    .arg(location.key, cell.rowId, written.error().detail));
                }
                if (!plan.singleTransaction) {
                    if (auto committed = opened.db.commit(); !committed) {
                        (void)opened.db.rollback();
                        return fail(ErrorKind::Failed,
                                    QStringLiteral("Committing a batch of %1 failed: %2. Run the "
                                                   "operation again to finish.")
                                        .arg(location.key, committed.error().detail));
                    }
                }
            } else if (options.dryRun) {
                for (qsizetype i = 0; i < outcomes.size(); ++i) {
                    const CellOutcome& outcome = outcomes.at(i);
                    result.changed += outcome.changedFields.size();
                    if (plan.changedValues) {
                        for (const QString& field : outcome.changedFields)
                            plan.changedValues->insert(valueKey(index, works.at(i).cell.rowId, field));
                    }
                }
            }
            if (context)
                context->setProgress(qMin(rowsDone, totalRows),
                                     QStringLiteral("%1: %2 values rewritten, %3 failed")
                                         .arg(location.key)
                                         .arg(result.changed)
                                         .arg(result.failed));
            if (cells->size() < batchSize)
                break;
        }
    }
    return {};
}

Result<ReferenceScan> scanReferences(OpenedDatabase& opened,
                                     const QSet<QString>* excludedValues,
                                     JobContext* context)
{
    auto keys = store::loadDataKeys(opened.db);
    QSet<QString> ids;
    if (keys) {
        for (const store::DataKeyRow& row : std::as_const(*keys))
            ids.insert(row.id);
    }
    ReferenceScan refs;
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    SecretScanner scanner(opened.db, ids);
    const auto scans = scanner.scan(
        [&](const QList<ValueRecord>& batch) {
            for (const ValueRecord& record : batch) {
                if (record.dataKeyId.isEmpty())
                    continue;
                if (excludedValues
                    && excludedValues->contains(valueKey(record.locationIndex, record.rowId, record.field)))
                    continue;
                const store::SecretLocation& location = catalog.at(record.locationIndex);
                ++refs.references[record.dataKeyId];
                refs.locations[record.dataKeyId].insert(location.key);
                refs.values[record.dataKeyId] << failureFor(record, FailureReason::MissingDataKey);
            }
        },
        context);
    if (!scans)
        return std::unexpected(scans.error());
    return refs;
}

} // namespace mk::model::engine
