#include "model/ops/OperationEngine.h"

#include "crypto/AesCipher.h"
#include "crypto/Envelope.h"
#include "crypto/Kdf.h"
#include "crypto/Payload.h"
#include "crypto/SecretsDecrypter.h"
#include "model/ModelLog.h"
#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/DataKeyRow.h"
#include "model/store/SecretLocation.h"

#include <QDate>
#include <QDateTime>
#include <QMutex>
#include <QMutexLocker>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <map>
#include <memory>

namespace mk::model::engine {

QString valueKey(int locationIndex, const QString& rowId, const QString& field)
{
    return QString::number(locationIndex) + QLatin1Char('\x1f') + rowId + QLatin1Char('\x1f') + field;
}

namespace {

constexpr int kSamplesPerGroup = 4;
constexpr int kMaxSamples = 64;
// Rounds of re-reading the rows of a batch that changed under the operation; what still changes
// after them is reported as conflicts.
constexpr int kMaxRereadRounds = 5;
// Attempts at writing one batch while SQLite stays locked past its busy timeout.
constexpr int kLockedAttempts = 4;

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

// The data keys of the ring plus those created after it was loaded (by a server writing at the
// same time: the first key of a new day's label, a rotation by another instance). data_keys is
// read again when a value names an id not seen yet, and such keys are unwrapped with the ring's
// providers. refresh() runs on the job's thread between the parallel phases; dataKey() is
// thread-safe.
class LateKeys final : public crypto::DataKeyLookup
{
public:
    explicit LateKeys(const KeyRing& ring)
        : m_ring(ring)
        , m_known(ring.ids())
    {
    }

    const QSet<QString>& knownIds() const { return m_known; }
    const QStringList& loaded() const { return m_loaded; }

    // Reads data_keys again when `ids` holds an id not searched for yet; true if keys arrived.
    bool refresh(store::Database& db, const QSet<QString>& ids)
    {
        bool unseen = false;
        for (const QString& id : ids) {
            if (!m_known.contains(id) && !m_searched.contains(id)) {
                m_searched.insert(id);
                unseen = true;
            }
        }
        if (!unseen)
            return false;
        auto rows = store::loadDataKeys(db);
        if (!rows) {
            // The values naming those ids are reported as missing-data-key; a database without a
            // data_keys table lands here on every batch, so not a warning.
            qCInfo(lcModel).noquote() << "reloading data keys failed:" << rows.error().detail;
            return false;
        }
        bool added = false;
        for (const store::DataKeyRow& row : std::as_const(*rows)) {
            if (m_known.contains(row.id))
                continue;
            m_known.insert(row.id);
            m_rows.insert(row.id, row);
            m_loaded << row.id;
            added = true;
            qCInfo(lcModel).noquote() << "data key" << row.id << "was created during the run; loaded";
        }
        return added;
    }

    crypto::Result<crypto::SecretBytes> dataKey(const QByteArray& keyId) const override
    {
        const QString id = QString::fromUtf8(keyId);
        const auto row = m_rows.constFind(id);
        if (row == m_rows.cend())
            return m_ring.dataKey(keyId);
        {
            QMutexLocker lock(&m_mutex);
            const auto cached = m_cache.find(id);
            if (cached != m_cache.end())
                return cached->second.clone();
        }
        const crypto::KekProvider* kek = m_ring.provider(row->provider);
        if (!kek)
            return crypto::fail(crypto::ErrorCode::ProviderUnavailable,
                                QStringLiteral("provider %1 of data key %2 is not configured").arg(row->provider, id));
        auto unwrapped = kek->unwrap(QByteArrayView(row->encryptedData));
        if (!unwrapped)
            return crypto::fail(unwrapped.error().code == crypto::ErrorCode::ProviderUnavailable
                                    ? crypto::ErrorCode::ProviderUnavailable
                                    : crypto::ErrorCode::DataKeyUnwrapFailed,
                                unwrapped.error().detail);
        QMutexLocker lock(&m_mutex);
        m_cache.insert_or_assign(id, unwrapped->clone());
        return std::move(*unwrapped);
    }

private:
    const KeyRing& m_ring;
    QSet<QString> m_known;
    QSet<QString> m_searched;
    QHash<QString, store::DataKeyRow> m_rows;
    QStringList m_loaded;
    mutable QMutex m_mutex;
    mutable std::map<QString, crypto::SecretBytes> m_cache;
};

// decryptValue() that also knows the late keys.
std::expected<QByteArray, DecryptFailure> decryptRecord(const ValueRecord& record,
                                                        const KeyRing& ring,
                                                        const LateKeys& keys,
                                                        UnverifiablePolicy policy)
{
    if (record.problem)
        return std::unexpected(DecryptFailure{*record.problem, {}});
    auto plaintext = crypto::decryptSecret(QByteArrayView(record.payload), ring.secretKey(), keys);
    if (!plaintext)
        return std::unexpected(DecryptFailure{reasonForCryptoError(static_cast<int>(plaintext.error().code)),
                                              plaintext.error().detail});
    if (auto failure = failureForPlaintext(record, *plaintext, policy))
        return std::unexpected(std::move(*failure));
    return std::move(*plaintext);
}

struct CellWork
{
    int locationIndex = -1;
    store::Cell cell;
    QList<ValueRecord> records;
    QList<std::optional<ValueSpec>> specs;
    qsizetype firstValue = 0; // records before it are container problems (bad JSON / base64)
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
// they were replaced and the old payloads everywhere else. A field can occur more than once
// (duplicate JSON keys): like replaceValues(), the n-th replacement naming a field stands for its
// n-th occurrence.
bool spliceIsExact(const store::SecretLocation& location,
                   const QByteArray& oldRaw,
                   const QByteArray& newRaw,
                   const QList<std::pair<QString, QByteArray>>& replacements)
{
    const store::CellExpansion before = store::expandCell(location, oldRaw, false);
    const store::CellExpansion after = store::expandCell(location, newRaw, false);
    if (after.problems.size() != before.problems.size() || after.values.size() != before.values.size())
        return false;
    QHash<QString, QList<const QByteArray*>> byField; // field -> its replacements, in order
    for (const auto& [field, payload] : replacements)
        byField[field] << &payload;
    QHash<QString, qsizetype> seen; // field -> occurrences so far
    for (qsizetype i = 0; i < after.values.size(); ++i) {
        const store::CellValue& a = after.values.at(i);
        const store::CellValue& b = before.values.at(i);
        if (a.field != b.field)
            return false;
        const qsizetype occurrence = seen[a.field]++;
        const QList<const QByteArray*> mine = byField.value(a.field);
        const QByteArray& wanted = occurrence < mine.size() ? *mine.at(occurrence) : b.payload;
        if (a.payload != wanted)
            return false;
    }
    return true;
}

CellOutcome processCell(const CellWork& work,
                        const KeyRing& ring,
                        const LateKeys& keys,
                        const Encrypters& encrypters,
                        bool partial,
                        UnverifiablePolicy unverifiable)
{
    CellOutcome out;
    const store::SecretLocation& location = store::secretLocations().at(work.locationIndex);
    // One entry per value of the cell, in document order (the old payload where the value stays),
    // so that replaceValues() puts each new payload on the occurrence it came from even when a
    // field name occurs twice.
    QList<std::pair<QString, QByteArray>> replacements;
    QStringList changed;
    bool cellFailed = false;
    for (qsizetype i = 0; i < work.records.size(); ++i) {
        const ValueRecord& record = work.records.at(i);
        const std::optional<ValueSpec>& spec = work.specs.at(i);
        ++out.values;
        QByteArray next = record.payload;
        if (record.format == ValueFormat::Malformed) {
            out.failures << failureFor(record, record.problem.value_or(FailureReason::Other));
            cellFailed = true;
        } else if (!spec) {
            ++out.skipped;
        } else if (auto plaintext = decryptRecord(record, ring, keys, unverifiable); !plaintext) {
            out.failures << failureFor(record, plaintext.error().reason, plaintext.error().detail);
            cellFailed = true;
        } else {
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
                next = *payload;
                changed << record.field;
            }
            wipe(*plaintext);
        }
        if (i >= work.firstValue)
            replacements.append({record.field, next});
    }
    if (cellFailed && !(partial && !changed.isEmpty())) {
        // One bad value fails the whole cell (upstream semantics); the good ones stay as they are.
        out.blocked = changed.size();
        out.skipped += changed.size();
        return out;
    }
    if (changed.isEmpty())
        return out;
    QByteArray newRaw = store::replaceValues(location, work.cell.raw, replacements);
    if (!spliceIsExact(location, work.cell.raw, newRaw, replacements)) {
        ValueRecord first = work.records.first();
        out.failures << failureFor(first, FailureReason::Other,
                                   QStringLiteral("write-back check of the cell failed; nothing written"));
        out.skipped += changed.size() - 1;
        out.blocked = changed.size() - 1;
        return out;
    }
    out.write = true;
    out.newRaw = std::move(newRaw);
    out.changedFields = changed;
    return out;
}

// Adds one final cell outcome to the counts.
void account(OperationResult& result, const CellOutcome& outcome)
{
    result.processed += outcome.values;
    result.skipped += outcome.skipped;
    result.blocked += outcome.blocked;
    result.failed += outcome.failures.size();
    result.failures << outcome.failures;
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

namespace {

// A legacy AES-CFB value whose plaintext is shorter than the shortest one that can prove its key
// (judged without decrypting: the body after salt and IV is as long as the plaintext).
bool mayBeUnverifiable(const ValueRecord& record)
{
    if (record.format != ValueFormat::LegacyCfb && record.format != ValueFormat::LegacyCfbPrefixed)
        return false;
    const auto info = crypto::inspectPayload(record.payload);
    constexpr qsizetype kSaltAndIv = 8 + 16;
    return info && record.payload.size() - info->bodyOffset - kSaltAndIv < kMinVerifiableText;
}

} // namespace

Result<ScanFacts> scanForPreflight(OpenedDatabase& opened,
                                   const KeyRing& ring,
                                   const PlanFunction& planFor,
                                   const QList<int>& touchedLocations,
                                   QThreadPool& pool,
                                   JobContext* context,
                                   bool includeUnverifiable,
                                   const QList<ValueFailure>& knownFailures)
{
    const QList<store::SecretLocation>& catalog = store::secretLocations();
    const auto failureKey = [](const QString& table, const QString& column, const QString& rowId,
                               const QString& field) {
        return table + QLatin1Char('.') + column + QLatin1Char('/') + rowId + QLatin1Char('/') + field;
    };
    QHash<QString, ValueFailure> known;
    for (const ValueFailure& failure : knownFailures)
        known.insert(failureKey(failure.table, failure.column, failure.rowId, failure.field), failure);
    ScanFacts facts;
    Preflight& preflight = facts.preflight;
    QList<LocationPlan> plans(catalog.size());
    struct Sample
    {
        ValueRecord record;
        bool planned = false;
        bool judgesKey = true; // false: decrypted only to count what will fail, not key evidence
    };
    QHash<QString, QList<Sample>> groups; // data key id ("" = legacy) -> sampled values
    int sampleCount = 0;
    QList<Sample> shortLegacy; // legacy CFB values too short to prove their key, beyond the sample

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
                // Still sampled below (the key check must see it), but counted once, here.
                bool knownFailing = false;
                if (touched && spec && !known.isEmpty()) {
                    const auto found
                        = known.constFind(failureKey(location.table, location.column, record.rowId, record.field));
                    if (found != known.cend()) {
                        knownFailing = true;
                        ++plan.willFail;
                        ++preflight.willFail;
                        preflight.knownFailures << failureFor(record, found->reason, found->detail);
                    }
                }
                if (spec && !knownFailing) {
                    ++plan.toChange;
                    ++preflight.toChange;
                } else if (!spec) {
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
                    samples << Sample{record, spec.has_value() && !knownFailing};
                    ++sampleCount;
                } else if (!includeUnverifiable && spec && !knownFailing && mayBeUnverifiable(record)) {
                    // Left as it is unless the administrator opts in: decrypt every such value
                    // (they are few and short), so that "will fail" counts them all and the run's
                    // failures match the preflight's.
                    shortLegacy << Sample{record, true, false};
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
    all << shortLegacy;
    if (context)
        context->setProgress(0, QStringLiteral("preflight: decrypting %1 sampled values").arg(all.size()));
    // A sample proves its key only when it is long enough to tell from random bytes: a short
    // legacy CFB text is Unverifiable, a short envelope CFB text is weak evidence for its data key.
    struct SampleOutcome
    {
        std::optional<DecryptFailure> failure;
        bool proves = false;
    };
    const UnverifiablePolicy policy = includeUnverifiable ? UnverifiablePolicy::Accept : UnverifiablePolicy::Fail;
    const QList<SampleOutcome> outcomes = QtConcurrent::blockingMapped(
        &pool, all, [&ring, &catalog, policy](const Sample& sample) -> SampleOutcome {
            const ValueRecord& record = sample.record;
            auto plaintext = decryptValue(record, ring, UnverifiablePolicy::Accept);
            if (!plaintext)
                return {plaintext.error(), false};
            const store::SecretLocation& location = catalog.at(record.locationIndex);
            const ValueFormat asLegacy = isGcm(record.format) ? ValueFormat::LegacyGcm : ValueFormat::LegacyCfb;
            const PlaintextJudgement judgement = judgePlaintext(location, asLegacy, QByteArrayView(*plaintext));
            wipe(*plaintext);
            SampleOutcome outcome;
            outcome.proves = judgement.verdict == Plausibility::Plausible;
            if (!outcome.proves && isLegacy(record.format) && policy == UnverifiablePolicy::Fail)
                outcome.failure = DecryptFailure{FailureReason::Unverifiable, judgement.detail};
            return outcome;
        });
    const auto countWillFail = [&](const Sample& sample, const DecryptFailure& failure) {
        if (!sample.planned || !touchedLocations.contains(sample.record.locationIndex))
            return;
        preflight.knownFailures << failureFor(sample.record, failure.reason, failure.detail);
        ++preflight.willFail;
        --preflight.toChange;
        for (LocationPlan& plan : preflight.locations) {
            const store::SecretLocation& location = catalog.at(sample.record.locationIndex);
            if (plan.table == location.table && plan.column == location.column) {
                ++plan.willFail;
                --plan.toChange;
            }
        }
    };
    QHash<QString, std::pair<int, int>> perGroup; // values proving the key, key failures
    QStringList reasons;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Sample& sample = all.at(i);
        const QString group = isEnvelope(sample.record.format) ? sample.record.dataKeyId : QString();
        const SampleOutcome& outcome = outcomes.at(i);
        if (!sample.judgesKey) {
            // The short values beyond the sample: what they will do, not how the key looks (a
            // database with many short values under another key is still worth running on).
            if (outcome.failure)
                countWillFail(sample, *outcome.failure);
            continue;
        }
        ++preflight.keyCheck.sampled;
        if (!outcome.failure) {
            if (outcome.proves) {
                ++preflight.keyCheck.ok;
                ++perGroup[group].first;
            } else {
                ++preflight.keyCheck.unverifiable;
            }
            continue;
        }
        const FailureReason reason = outcome.failure->reason;
        if (reason == FailureReason::Unverifiable)
            ++preflight.keyCheck.unverifiable;
        if (reason == FailureReason::ImplausiblePlaintext || reason == FailureReason::AuthenticationFailed
            || reason == FailureReason::DataKeyUnwrapFailed) {
            ++preflight.keyCheck.keyFailures;
            ++perGroup[group].second;
            if (!reasons.contains(reasonName(reason)))
                reasons << reasonName(reason);
        }
        countWillFail(sample, *outcome.failure);
    }
    KeyCheck& check = preflight.keyCheck;
    // Only samples that can prove or disprove the key count (short ones are weighed as nothing).
    const int decisive = check.sampled - check.unverifiable;
    check.wrongKeySuspected = decisive > 0 && check.keyFailures * 2 > decisive;
    check.detail = check.keyFailures == 0
                       ? (decisive > 0 ? QStringLiteral("all sampled values decrypt")
                                       : QStringLiteral("no sampled value is long enough to prove the key"))
                       : QStringLiteral("%1 of %2 sampled values fail: %3")
                             .arg(check.keyFailures)
                             .arg(decisive)
                             .arg(reasons.join(QStringLiteral(", ")));
    if (check.unverifiable > 0 && decisive > 0)
        check.detail += QStringLiteral(" (%1 more too short to prove it)").arg(check.unverifiable);

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
    LateKeys keys(ring);
    const int batchSize = qMax(1, options.batchSize);
    const QString updatedUtc = nowUtcText();
    const QString where = opened.db.spec().displayName();

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

        // The work for a list of cells; a value under a data key created since the run began
        // (a server writing meanwhile) makes data_keys be read again.
        const auto worksFor = [&](const QList<store::Cell>& cells) {
            QList<CellWork> works;
            for (int pass = 0; pass < 2; ++pass) {
                works.clear();
                QSet<QString> unknownIds;
                for (const store::Cell& cell : cells) {
                    const store::CellExpansion expansion = store::expandCell(location, cell.raw, cell.isNull);
                    if (expansion.empty)
                        continue;
                    CellWork work;
                    work.locationIndex = index;
                    work.cell = cell;
                    work.records = recordsOfCell(index, cell, expansion, keys.knownIds());
                    work.firstValue = expansion.problems.size();
                    for (const ValueRecord& record : std::as_const(work.records)) {
                        std::optional<ValueSpec> spec;
                        if (record.format != ValueFormat::Malformed)
                            spec = plan.planFor(record, location);
                        if (record.problem == FailureReason::MissingDataKey && !record.dataKeyId.isEmpty())
                            unknownIds.insert(record.dataKeyId);
                        work.specs << spec;
                    }
                    works << work;
                }
                if (pass == 1 || unknownIds.isEmpty() || !keys.refresh(opened.db, unknownIds))
                    break;
            }
            return works;
        };

        QString afterRowId;
        while (true) {
            if (context && context->isCanceled()) {
                result.canceled = true;
                return {};
            }
            auto cells = store::readCells(opened.db, location, afterRowId, batchSize);
            if (!cells && isEnvironmentError(cells.error()))
                return std::unexpected(fromStoreError(cells.error(), where));
            if (!cells)
                return fail(ErrorKind::Failed,
                            QStringLiteral("Reading %1 failed: %2. Batches written so far are "
                                           "complete; run the operation again to finish.")
                                .arg(location.key, cells.error().detail));
            if (cells->isEmpty())
                break;
            afterRowId = cells->last().rowId;
            rowsDone += cells->size();

            // Rows that change under the batch (a live writer) are read again and processed
            // again: their new values are rewritten, never overwritten with the old ones.
            QList<CellWork> works = worksFor(*cells);
            for (int round = 0; !works.isEmpty(); ++round) {
                QList<ValueSpec> needed;
                for (const CellWork& work : std::as_const(works)) {
                    for (const std::optional<ValueSpec>& spec : work.specs) {
                        if (spec && !needed.contains(*spec))
                            needed << *spec;
                    }
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
                    &pool, works,
                    [&ring, &keys, &encrypters, partial = plan.partialCells,
                     unverifiable = options.includeUnverifiable ? UnverifiablePolicy::Accept
                                                                : UnverifiablePolicy::Fail](const CellWork& work) {
                        return processCell(work, ring, keys, encrypters, partial, unverifiable);
                    });

                QList<qsizetype> toWrite;
                QStringList rowIds;
                for (qsizetype i = 0; i < outcomes.size(); ++i) {
                    if (outcomes.at(i).write) {
                        toWrite << i;
                        rowIds << works.at(i).cell.rowId;
                    } else {
                        account(result, outcomes.at(i));
                    }
                }
                if (toWrite.isEmpty())
                    break;
                if (options.dryRun) {
                    for (const qsizetype i : std::as_const(toWrite)) {
                        const CellOutcome& outcome = outcomes.at(i);
                        account(result, outcome);
                        result.changed += outcome.changedFields.size();
                        if (plan.changedValues) {
                            for (const QString& field : outcome.changedFields)
                                plan.changedValues->insert(valueKey(index, works.at(i).cell.rowId, field));
                        }
                    }
                    break;
                }

                if (options.beforeBatchWrite)
                    options.beforeBatchWrite(location.key, rowIds);
                QList<qsizetype> written;
                QList<qsizetype> conflicted;
                for (int attempt = 1;; ++attempt) {
                    written.clear();
                    conflicted.clear();
                    // SQLite still locked after its busy timeout: roll back and write the batch
                    // again (the optimistic writes make a second attempt safe).
                    const auto retryable = [&](const store::Error& error) {
                        return error.code == store::ErrorCode::Locked && !plan.singleTransaction
                               && attempt < kLockedAttempts;
                    };
                    if (!plan.singleTransaction) {
                        if (auto begun = opened.db.begin(); !begun) {
                            if (retryable(begun.error())) {
                                QThread::msleep(100UL * static_cast<unsigned long>(attempt));
                                continue;
                            }
                            return std::unexpected(fromStoreError(begun.error(), where));
                        }
                    }
                    std::optional<store::Error> lockedOut;
                    for (const qsizetype i : std::as_const(toWrite)) {
                        const store::Cell& cell = works.at(i).cell;
                        auto updated = store::updateCell(opened.db, location, cell.rowId, cell.raw,
                                                         outcomes.at(i).newRaw, updatedUtc);
                        if (updated) {
                            written << i;
                            continue;
                        }
                        if (updated.error().code == store::ErrorCode::Conflict) {
                            conflicted << i;
                            continue;
                        }
                        if (!plan.singleTransaction)
                            (void)opened.db.rollback();
                        if (retryable(updated.error())) {
                            lockedOut = updated.error();
                            break;
                        }
                        if (isEnvironmentError(updated.error()))
                            return std::unexpected(fromStoreError(updated.error(), where));
                        return fail(ErrorKind::Failed,
                                    QStringLiteral("Writing %1 row %2 failed: %3. Earlier batches are "
                                                   "complete; run the operation again to finish.")
                                        .arg(location.key, cell.rowId, updated.error().detail));
                    }
                    if (lockedOut) {
                        QThread::msleep(100UL * static_cast<unsigned long>(attempt));
                        continue;
                    }
                    if (!plan.singleTransaction) {
                        if (auto committed = opened.db.commit(); !committed) {
                            (void)opened.db.rollback();
                            if (retryable(committed.error())) {
                                QThread::msleep(100UL * static_cast<unsigned long>(attempt));
                                continue;
                            }
                            if (isEnvironmentError(committed.error()))
                                return std::unexpected(fromStoreError(committed.error(), where));
                            return fail(ErrorKind::Failed,
                                        QStringLiteral("Committing a batch of %1 failed: %2. Run the "
                                                       "operation again to finish.")
                                            .arg(location.key, committed.error().detail));
                        }
                    }
                    break;
                }
                for (const qsizetype i : std::as_const(written)) {
                    const CellOutcome& outcome = outcomes.at(i);
                    account(result, outcome);
                    ++result.cellsWritten;
                    result.changed += outcome.changedFields.size();
                    if (plan.changedValues) {
                        for (const QString& field : outcome.changedFields)
                            plan.changedValues->insert(valueKey(index, works.at(i).cell.rowId, field));
                    }
                }
                if (conflicted.isEmpty())
                    break;
                if (round + 1 >= kMaxRereadRounds) {
                    // Still changing after every re-read: never clobber it; a re-run finishes.
                    for (const qsizetype i : std::as_const(conflicted)) {
                        const CellOutcome& outcome = outcomes.at(i);
                        account(result, outcome);
                        for (const QString& field : outcome.changedFields) {
                            result.failures << ValueFailure{location.table, location.column,
                                                            works.at(i).cell.rowId, field, FailureReason::Conflict,
                                                            QStringLiteral("the row kept changing while it was "
                                                                           "rewritten; run the operation again")};
                            ++result.failed;
                            ++result.conflicts;
                        }
                    }
                    break;
                }
                QList<store::Cell> fresh;
                for (const qsizetype i : std::as_const(conflicted)) {
                    const QString& rowId = works.at(i).cell.rowId;
                    qCInfo(lcModel).noquote() << location.key << "row" << rowId << "changed under the operation; read again";
                    ++result.rereads;
                    auto cell = store::readCell(opened.db, location, rowId);
                    if (!cell) {
                        if (isEnvironmentError(cell.error()))
                            return std::unexpected(fromStoreError(cell.error(), where));
                        return fail(ErrorKind::Failed,
                                    QStringLiteral("Reading %1 row %2 again failed: %3. Batches written so "
                                                   "far are complete; run the operation again to finish.")
                                        .arg(location.key, rowId, cell.error().detail));
                    }
                    if (*cell) // else: deleted meanwhile, nothing left to rewrite
                        fresh << **cell;
                }
                works = worksFor(fresh);
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
    if (!keys.loaded().isEmpty())
        result.notes << QStringLiteral("Data keys created by another writer during the run, read and used to "
                                       "decrypt: %1 (%2).")
                            .arg(keys.loaded().size())
                            .arg(keys.loaded().join(QStringLiteral(", ")));
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
