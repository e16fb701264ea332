#include "model/ops/SecretScanner.h"

#include "crypto/Envelope.h"
#include "crypto/Payload.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/Cell.h"
#include "model/store/CellExpansion.h"
#include "model/store/Database.h"
#include "model/store/SecretLocation.h"

namespace mk::model {

void classifyPayload(ValueRecord& record, const QSet<QString>& knownDataKeyIds)
{
    const QByteArrayView payload(record.payload);
    record.format = ValueFormat::Malformed;
    if (payload.isEmpty()) {
        record.problem = FailureReason::EmptyPayload;
        return;
    }
    QByteArrayView body = payload;
    bool envelope = false;
    if (crypto::isEnvelope(payload)) {
        const auto parts = crypto::parseEnvelope(payload);
        if (!parts) {
            record.problem = reasonForCryptoError(static_cast<int>(parts.error().code));
            return;
        }
        envelope = true;
        record.dataKeyId = QString::fromUtf8(parts->keyId);
        body = payload.sliced(parts->innerOffset);
    }
    const auto info = crypto::inspectPayload(body);
    if (!info) {
        record.problem = reasonForCryptoError(static_cast<int>(info.error().code));
        return;
    }
    if (info->algorithm == crypto::Algorithm::AesGcm)
        record.format = envelope ? ValueFormat::EnvelopeGcm : ValueFormat::LegacyGcm;
    else if (info->prefixed)
        record.format = envelope ? ValueFormat::EnvelopeCfbPrefixed : ValueFormat::LegacyCfbPrefixed;
    else
        record.format = envelope ? ValueFormat::EnvelopeCfb : ValueFormat::LegacyCfb;
    if (envelope && !knownDataKeyIds.contains(record.dataKeyId))
        record.problem = FailureReason::MissingDataKey;
}

QList<ValueRecord> recordsOfCell(int locationIndex,
                                 const store::Cell& cell,
                                 const store::CellExpansion& expansion,
                                 const QSet<QString>& knownDataKeyIds)
{
    QList<ValueRecord> records;
    records.reserve(expansion.problems.size() + expansion.values.size());
    const auto base = [&](const QString& field) {
        ValueRecord record;
        record.locationIndex = locationIndex;
        record.rowId = cell.rowId;
        record.field = field;
        record.owner = cell.owner;
        record.org = cell.org;
        record.updated = cell.updated;
        return record;
    };
    for (const store::CellProblem& problem : expansion.problems) {
        ValueRecord record = base(problem.field);
        record.problem = problem.kind == store::CellProblem::Kind::BadJson ? FailureReason::BadJson
                                                                           : FailureReason::BadBase64;
        records << record;
    }
    for (const store::CellValue& value : expansion.values) {
        ValueRecord record = base(value.field);
        record.payload = value.payload;
        classifyPayload(record, knownDataKeyIds);
        records << record;
    }
    return records;
}

SecretScanner::SecretScanner(store::Database& db, QSet<QString> knownDataKeyIds)
    : m_db(db)
    , m_knownDataKeyIds(std::move(knownDataKeyIds))
{
}

Result<QList<LocationScan>> SecretScanner::scan(const BatchHandler& handler, JobContext* context)
{
    const QList<store::SecretLocation>& locations = store::secretLocations();
    QList<LocationScan> scans;
    QList<ValueRecord> batch;
    batch.reserve(m_batchSize);

    for (int index = 0; index < locations.size(); ++index) {
        const store::SecretLocation& location = locations.at(index);
        LocationScan scanInfo;
        scanInfo.locationIndex = index;
        const auto& schema = m_db.cachedSchema();
        scanInfo.present = schema && schema->hasColumn(location.table, location.column);
        if (!m_only.isEmpty() && !m_only.contains(index)) {
            scans << scanInfo;
            continue;
        }
        QString afterRowId; // empty: first page
        while (scanInfo.present) {
            if (context && context->isCanceled())
                break;
            auto cells = store::readCells(m_db, location, afterRowId, m_batchSize);
            if (!cells && isEnvironmentError(cells.error()))
                return std::unexpected(fromStoreError(cells.error(), m_db.spec().displayName()));
            if (!cells)
                return fail(ErrorKind::Failed,
                            QStringLiteral("Reading %1 failed: %2").arg(location.key, cells.error().detail));
            if (cells->isEmpty())
                break;
            for (const store::Cell& cell : std::as_const(*cells)) {
                ++scanInfo.rows;
                afterRowId = cell.rowId;
                const store::CellExpansion expansion = store::expandCell(location, cell.raw, cell.isNull);
                if (expansion.empty) {
                    ++scanInfo.empty;
                    continue;
                }
                batch << recordsOfCell(index, cell, expansion, m_knownDataKeyIds);
            }
            if (batch.size() >= m_batchSize) {
                handler(batch);
                batch.clear();
            }
            if (cells->size() < m_batchSize)
                break;
        }
        scans << scanInfo;
    }
    if (!batch.isEmpty())
        handler(batch);
    return scans;
}

} // namespace mk::model
