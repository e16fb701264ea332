#include "model/ops/CheckValuesJob.h"

#include "model/ops/KeyRing.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/ops/ValueDecrypter.h"
#include "model/store/SecretLocation.h"

#include <QCryptographicHash>
#include <QHash>
#include <QSet>

namespace mk::model {

namespace {

QString addressKey(int locationIndex, const QString& rowId, const QString& field)
{
    return QString::number(locationIndex) + QChar(0x1f) + rowId + QChar(0x1f) + field;
}

// Cancels the scan when the caller cancels or when every wanted value was seen.
class UntilFound final : public JobContext
{
public:
    UntilFound(JobContext* outer, const qsizetype& missing)
        : m_outer(outer)
        , m_missing(missing)
    {
    }
    void setProgressRange(qint64) override {}
    void setProgress(qint64, const QString&) override {}
    bool isCanceled() const override { return m_missing == 0 || (m_outer && m_outer->isCanceled()); }

private:
    JobContext* m_outer;
    const qsizetype& m_missing;
};

} // namespace

Result<QList<ValueOutcome>> checkValues(const Target& target, const QList<ValueAddress>& addresses, JobContext* context)
{
    QList<ValueOutcome> outcomes;
    if (addresses.isEmpty())
        return outcomes;
    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened)
        return std::unexpected(opened.error());
    const KeyRing ring(target, opened->dataKeys);

    QSet<QString> wanted;
    QList<int> locations;
    for (const ValueAddress& address : addresses) {
        wanted.insert(addressKey(address.locationIndex, address.rowId, address.field));
        if (!locations.contains(address.locationIndex))
            locations << address.locationIndex;
    }
    qsizetype missing = wanted.size();
    QList<ValueRecord> found;
    SecretScanner scanner(opened->db, ring.ids());
    scanner.setLocations(locations);
    UntilFound until(context, missing);
    const auto scan = scanner.scan(
        [&](const QList<ValueRecord>& batch) {
            for (const ValueRecord& record : batch) {
                if (wanted.remove(addressKey(record.locationIndex, record.rowId, record.field))) {
                    found << record;
                    --missing;
                }
            }
        },
        &until);
    if (!scan && missing > 0)
        return std::unexpected(scan.error());

    for (const ValueRecord& record : std::as_const(found)) {
        if (context && context->isCanceled())
            break;
        ValueOutcome outcome{record.locationIndex, record.rowId, record.field, {}, {}, false};
        auto plaintext = decryptValue(record, ring, UnverifiablePolicy::Accept);
        if (!plaintext) {
            outcome.failure = plaintext.error().reason;
        } else {
            const PlaintextJudgement judgement = judgePlaintext(
                store::secretLocations().at(record.locationIndex), record.format, QByteArrayView(*plaintext));
            outcome.unverifiable = judgement.verdict == Plausibility::Unverifiable;
            outcome.plaintextSha256 = QCryptographicHash::hash(*plaintext, QCryptographicHash::Sha256);
            wipe(*plaintext);
        }
        outcomes << outcome;
    }
    return outcomes;
}

} // namespace mk::model
