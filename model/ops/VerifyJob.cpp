#include "model/ops/VerifyJob.h"

#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/ops/SecretsManager.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/SecretLocation.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

namespace mk::model {

namespace {

struct Checked
{
    std::optional<DecryptFailure> failure;
    QByteArray sha256;
    std::optional<QString> unverifiable; // decrypts, but too short to prove its key: why
};

Checked check(const ValueRecord& record, const KeyRing& ring)
{
    Checked checked;
    auto plaintext = decryptValue(record, ring, UnverifiablePolicy::Accept);
    if (!plaintext) {
        checked.failure = plaintext.error();
        return checked;
    }
    const PlaintextJudgement judgement = judgePlaintext(store::secretLocations().at(record.locationIndex),
                                                        record.format, QByteArrayView(*plaintext));
    if (judgement.verdict == Plausibility::Unverifiable)
        checked.unverifiable = judgement.detail;
    checked.sha256 = QCryptographicHash::hash(*plaintext, QCryptographicHash::Sha256);
    wipe(*plaintext);
    return checked;
}

} // namespace

Result<VerifyResult> runVerify(const Target& target, const VerifyOptions& options, JobContext* context)
{
    QElapsedTimer timer;
    timer.start();
    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened)
        return std::unexpected(opened.error());

    const KeyRing ring(target, opened->dataKeys);
    const QList<store::SecretLocation>& catalog = store::secretLocations();

    qint64 total = 0;
    for (const store::SecretLocation& location : catalog) {
        const auto rows = store::countRows(opened->db, location);
        if (rows)
            total += *rows;
    }
    if (context)
        context->setProgressRange(total);

    QThreadPool pool;
    pool.setMaxThreadCount(effectiveJobs(options.jobs));

    VerifyResult result;
    QList<LocationVerify> locations(catalog.size());
    qint64 rowsSeen = 0;
    SecretScanner scanner(opened->db, ring.ids());
    scanner.setBatchSize(256);
    const auto scans = scanner.scan(
        [&](const QList<ValueRecord>& batch) {
            if (context && context->isCanceled())
                return;
            const QList<Checked> checked = QtConcurrent::blockingMapped(
                &pool, batch, [&ring](const ValueRecord& record) { return check(record, ring); });
            QList<ValueOutcome> outcomes;
            outcomes.reserve(batch.size());
            QSet<QString> rows;
            for (qsizetype i = 0; i < batch.size(); ++i) {
                const ValueRecord& record = batch.at(i);
                const store::SecretLocation& location = catalog.at(record.locationIndex);
                LocationVerify& perLocation = locations[record.locationIndex];
                ++perLocation.checked;
                ++result.checked;
                ValueOutcome outcome{record.locationIndex, record.rowId, record.field, {}, {}};
                if (checked.at(i).failure) {
                    const DecryptFailure& failure = *checked.at(i).failure;
                    ++perLocation.failed;
                    ++result.failed;
                    result.failures << ValueFailure{location.table, location.column, record.rowId,
                                                    record.field, failure.reason, failure.detail};
                    outcome.failure = failure.reason;
                    if (!record.dataKeyId.isEmpty()
                        && (failure.reason == FailureReason::AuthenticationFailed
                            || failure.reason == FailureReason::ImplausiblePlaintext
                            || failure.reason == FailureReason::DataKeyUnwrapFailed))
                        ++result.dataKeys[record.dataKeyId].keyFailures;
                } else {
                    ++perLocation.ok;
                    ++result.ok;
                    if (!record.dataKeyId.isEmpty())
                        ++result.dataKeys[record.dataKeyId].ok;
                    outcome.plaintextSha256 = checked.at(i).sha256;
                    if (checked.at(i).unverifiable) {
                        ++result.unverifiable;
                        result.unverifiableValues << ValueFailure{location.table, location.column, record.rowId,
                                                                  record.field, FailureReason::Unverifiable,
                                                                  *checked.at(i).unverifiable};
                        outcome.unverifiable = true;
                    }
                }
                rows.insert(location.key + QLatin1Char('/') + record.rowId);
                outcomes << outcome;
            }
            rowsSeen += rows.size();
            if (options.observer)
                options.observer(outcomes);
            if (context)
                context->setProgress(qMin(rowsSeen, total),
                                     QStringLiteral("%1 values checked").arg(result.checked));
        },
        context);
    if (!scans)
        return std::unexpected(scans.error());

    for (int i = 0; i < catalog.size(); ++i) {
        locations[i].table = catalog.at(i).table;
        locations[i].column = catalog.at(i).column;
    }
    for (const LocationScan& scan : *scans) {
        if (scan.present)
            result.locations << locations.at(scan.locationIndex);
    }
    if (!(context && context->isCanceled())) {
        auto gsm = gsmVerify(opened->db, target, context);
        if (!gsm)
            return std::unexpected(gsm.error());
        if (gsm->present) {
            LocationVerify location{kGsmValuesTable, QStringLiteral("encrypted_data"), gsm->checked, gsm->ok,
                                    gsm->failed};
            QList<ValueOutcome> outcomes;
            for (const GsmVerifyOutcome& outcome : gsm->outcomes) {
                if (outcome.failure)
                    result.failures << ValueFailure{location.table, location.column, outcome.rowId, QString(),
                                                    outcome.failure->reason, outcome.failure->detail};
                ValueOutcome o{gsmValuesLocationIndex(), outcome.rowId, QString(), {}, outcome.plaintextSha256};
                if (outcome.failure)
                    o.failure = outcome.failure->reason;
                outcomes << o;
            }
            // The secrets pane's Status column (its rows of this store use the same address).
            if (options.observer && !outcomes.isEmpty())
                options.observer(outcomes);
            result.checked += gsm->checked;
            result.ok += gsm->ok;
            result.failed += gsm->failed;
            result.locations << location;
        }
    }
    result.canceled = context && context->isCanceled();
    result.durationMs = timer.elapsed();
    return result;
}

} // namespace mk::model
