#include "model/items/SecretsIndexWorker.h"

#include "model/ModelLog.h"
#include "model/items/SecretsTableModel.h"
#include "model/ops/OpenedDatabase.h"
#include "model/ops/SecretScanner.h"
#include "model/ops/SecretsManager.h"
#include "model/store/SecretLocation.h"

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
    m_index.clear();
    m_view.clear();
    m_complete = false;
    m_externalInView = 0;
}

int SecretsIndexWorker::externalInView() const
{
    int n = 0;
    for (const int index : m_view)
        n += m_index.isExternal(index) ? 1 : 0;
    return n;
}

void SecretsIndexWorker::load(quint64 token, const Target& target, const SecretQuery& query)
{
    clear();
    m_query = query;
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

    SecretScanner scanner(opened->db, known);
    WorkerContext context(m_latestToken, m_stop, token);
    bool firstPageSent = false;
    qint64 scanned = 0;
    const bool incremental = query.isDefaultOrder();

    const auto handler = [&](const QList<ValueRecord>& batch) {
        for (const ValueRecord& record : batch) {
            const int index = m_index.append(record);
            if (incremental && m_index.matches(index, m_query)) {
                m_view.append(index);
                m_externalInView += m_index.isExternal(index) ? 1 : 0;
            }
        }
        scanned += batch.size();
        emit scanProgressed(token, scanned);
        if (incremental) {
            emit countChanged(token, int(m_view.size()), m_externalInView, false);
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
    // The secrets-manager store (secret_* tables) after the legacy locations, in one batch.
    auto gsm = gsmPaneRecords(opened->db);
    if (!gsm) {
        emit loadFailed(token, gsm.error().message);
        return;
    }
    if (!gsm->isEmpty())
        handler(*gsm);
    if (isStale(token) || m_stop.load())
        return;
    m_complete = true;
    if (!incremental) {
        m_view = m_index.select(m_query);
        m_externalInView = externalInView();
    }
    const QList<QPair<QString, qint64>> missingRefs = m_index.missingKeyReferences();

    emit countChanged(token, int(m_view.size()), m_externalInView, true);
    if (!firstPageSent)
        fetchRows(token, 0, kFirstPageSize);
    emit indexCompleted(token, m_index.size(), missingRefs);
    qCDebug(lcModel) << "secrets index complete:" << m_index.size() << "values";
}

void SecretsIndexWorker::applyQuery(quint64 token, const SecretQuery& query)
{
    if (isStale(token))
        return;
    m_query = query;
    m_view = m_index.select(m_query);
    m_externalInView = externalInView();
    emit countChanged(token, int(m_view.size()), m_externalInView, m_complete);
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
        rows.append(m_index.row(m_view.at(i)));
    emit rowsReady(token, offset, rows);
}

void SecretsIndexWorker::applyOutcomes(const QList<ValueOutcome>& outcomes)
{
    for (const ValueOutcome& outcome : outcomes)
        m_index.applyOutcome(outcome);
}

} // namespace mk::model
