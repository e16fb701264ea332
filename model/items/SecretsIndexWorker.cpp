#include "model/items/SecretsIndexWorker.h"

#include "model/ModelLog.h"
#include "model/items/SecretsTableModel.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/store/SecretLocation.h"

#include <QCollator>
#include <QSet>

#include <algorithm>

namespace mk::model {

namespace {

class WorkerContext final : public JobContext
{
public:
    WorkerContext(const std::atomic<quint64>& latest, const std::atomic<bool>& stop, quint64 token)
        : m_latest(latest)
        , m_stop(stop)
        , m_token(token)
    {
    }
    void setProgressRange(qint64) override {}
    void setProgress(qint64, const QString&) override {}
    bool isCanceled() const override { return m_stop.load() || m_latest.load() != m_token; }

private:
    const std::atomic<quint64>& m_latest;
    const std::atomic<bool>& m_stop;
    quint64 m_token;
};

int statusRank(const SecretRow& row)
{
    switch (row.status) {
    case SecretStatus::Failed:
        return 0;
    case SecretStatus::NotChecked:
        return 1;
    case SecretStatus::Ok:
        return 2;
    }
    return 1;
}

QString statusKey(const SecretRow& row)
{
    if (row.status == SecretStatus::Failed && row.failure)
        return reasonName(*row.failure);
    return {};
}

} // namespace

SecretsIndexWorker::SecretsIndexWorker(QObject* parent)
    : QObject(parent)
{
}

bool SecretsIndexWorker::isStale(quint64 token) const
{
    return token != m_latestToken.load();
}

void SecretsIndexWorker::clear()
{
    m_all.clear();
    m_indexByKey.clear();
    m_view.clear();
    m_complete = false;
}

void SecretsIndexWorker::load(quint64 token, const Target& target, const SecretQuery& query)
{
    clear();
    m_query = query;
    m_textLower = query.text.toLower();
    if (isStale(token))
        return;

    auto opened = openTarget(target, AccessMode::ReadOnly);
    if (!opened) {
        emit loadFailed(token, opened.error().message);
        return;
    }
    QSet<QString> known;
    for (const store::DataKeyRow& key : opened->dataKeys)
        known.insert(key.id);

    const QList<store::SecretLocation>& locations = store::secretLocations();
    SecretScanner scanner(opened->db, known);
    WorkerContext context(m_latestToken, m_stop, token);
    bool firstPageSent = false;
    qint64 scanned = 0;
    const bool incremental = query.isDefaultOrder();

    const auto handler = [&](const QList<ValueRecord>& batch) {
        for (const ValueRecord& record : batch) {
            const QString location = record.locationIndex >= 0 && record.locationIndex < locations.size()
                ? locations.at(record.locationIndex).table + QLatin1Char('.')
                    + locations.at(record.locationIndex).column
                : QString();
            SecretRow row = secretRowFromRecord(record, location);
            const int index = int(m_all.size());
            m_indexByKey.insert(row.key(), index);
            m_all.append(std::move(row));
            if (incremental && matches(m_all.constLast()))
                m_view.append(index);
        }
        scanned += batch.size();
        emit scanProgressed(token, scanned);
        if (incremental) {
            emit countChanged(token, int(m_view.size()), false);
            if (!firstPageSent && m_view.size() >= kFirstPageSize) {
                firstPageSent = true;
                fetchRows(token, 0, kFirstPageSize);
            }
        }
    };
    const auto scan = scanner.scan(handler, &context);
    if (isStale(token) || m_stop.load())
        return;
    if (!scan) {
        emit loadFailed(token, scan.error().message);
        return;
    }
    m_complete = true;
    if (!incremental)
        rebuildView();

    QHash<QString, qint64> missing;
    for (const SecretRow& row : std::as_const(m_all)) {
        if (row.failure == FailureReason::MissingDataKey && !row.dataKeyId.isEmpty())
            ++missing[row.dataKeyId];
    }
    QList<QPair<QString, qint64>> missingRefs;
    for (auto it = missing.cbegin(); it != missing.cend(); ++it)
        missingRefs.append({it.key(), it.value()});
    std::sort(missingRefs.begin(), missingRefs.end());

    emit countChanged(token, int(m_view.size()), true);
    if (!firstPageSent)
        fetchRows(token, 0, kFirstPageSize);
    emit indexCompleted(token, m_all.size(), missingRefs);
    qCDebug(lcModel) << "secrets index complete:" << m_all.size() << "values";
}

void SecretsIndexWorker::applyQuery(quint64 token, const SecretQuery& query)
{
    if (isStale(token))
        return;
    m_query = query;
    m_textLower = query.text.toLower();
    rebuildView();
    emit countChanged(token, int(m_view.size()), m_complete);
    fetchRows(token, 0, kFirstPageSize);
}

void SecretsIndexWorker::fetchRows(quint64 token, int offset, int count)
{
    if (isStale(token))
        return;
    QList<SecretRow> rows;
    const int end = std::min<int>(int(m_view.size()), offset + count);
    rows.reserve(std::max(0, end - offset));
    for (int i = offset; i < end; ++i)
        rows.append(m_all.at(m_view.at(i)));
    emit rowsReady(token, offset, rows);
}

void SecretsIndexWorker::applyOutcomes(const QList<ValueOutcome>& outcomes)
{
    for (const ValueOutcome& outcome : outcomes) {
        const auto it = m_indexByKey.constFind(
            SecretRow::keyFor(outcome.locationIndex, outcome.rowId, outcome.field));
        if (it == m_indexByKey.cend())
            continue;
        SecretRow& row = m_all[it.value()];
        row.failure = outcome.failure;
        row.status = outcome.failure ? SecretStatus::Failed : SecretStatus::Ok;
    }
}

bool SecretsIndexWorker::matches(const SecretRow& row) const
{
    if (!m_query.location.isEmpty() && row.location != m_query.location)
        return false;
    if (!m_query.format.isEmpty() && formatToken(row.format) != m_query.format)
        return false;
    if (!m_query.dataKeyId.isEmpty() && row.dataKeyId != m_query.dataKeyId)
        return false;
    if (!m_query.status.isEmpty()) {
        const QString& s = m_query.status;
        if (s == QLatin1String(kStatusNotChecked)) {
            if (row.status != SecretStatus::NotChecked)
                return false;
        } else if (s == QLatin1String(kStatusOk)) {
            if (row.status != SecretStatus::Ok)
                return false;
        } else if (s == QLatin1String(kStatusFailed)) {
            if (row.status != SecretStatus::Failed)
                return false;
        } else if (statusKey(row) != s) {
            return false;
        }
    }
    if (!m_textLower.isEmpty()) {
        const auto has = [this](const QString& text) {
            return text.contains(m_textLower, Qt::CaseInsensitive);
        };
        if (!has(row.location) && !has(row.owner) && !has(row.field) && !has(row.rowId)
            && !has(row.dataKeyId))
            return false;
    }
    return true;
}

void SecretsIndexWorker::rebuildView()
{
    m_view.clear();
    m_view.reserve(m_all.size());
    for (int i = 0; i < m_all.size(); ++i) {
        if (matches(m_all.at(i)))
            m_view.append(i);
    }
    sortView();
}

void SecretsIndexWorker::sortView()
{
    if (m_query.isDefaultOrder())
        return;
    QCollator collator;
    collator.setNumericMode(true);
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    const int column = m_query.sortColumn;
    const auto text = [column](const SecretRow& row) -> QString {
        switch (column) {
        case SecretsTableModel::Location:
            return row.location;
        case SecretsTableModel::Owner:
            return row.owner;
        case SecretsTableModel::Field:
            return row.field;
        case SecretsTableModel::Format:
            return formatLabel(row.format);
        case SecretsTableModel::DataKey:
            return row.dataKeyId;
        case SecretsTableModel::Updated:
            return row.updated;
        default:
            return {};
        }
    };
    const auto less = [&](int a, int b) {
        const SecretRow& ra = m_all.at(a);
        const SecretRow& rb = m_all.at(b);
        int c = 0;
        if (column == SecretsTableModel::Status) {
            c = statusRank(ra) - statusRank(rb);
            if (c == 0)
                c = collator.compare(statusKey(ra), statusKey(rb));
        } else {
            c = collator.compare(text(ra), text(rb));
        }
        if (c == 0)
            return a < b; // stable: catalog order breaks ties
        return m_query.descending ? c > 0 : c < 0;
    };
    std::sort(m_view.begin(), m_view.end(), less);
}

} // namespace mk::model
