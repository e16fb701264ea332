#pragma once

#include "model/Target.h"
#include "model/items/SecretQuery.h"
#include "model/items/SecretsIndex.h"
#include "model/items/SecretRow.h"
#include "model/ops/VerifyJob.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <atomic>

namespace mk::model {

// Long-lived background service behind SecretsTableModel (house-style RowPager shape): lives in
// the model's QThread, opens its own store::Database through openTarget(), scans every location
// with SecretScanner into an in-memory index (no payloads, no plaintexts), filters and sorts that
// index and hands out pages. Requests come in as queued calls tagged with a token; answers for a
// stale token are dropped by the model. requestStop()/setLatestToken() are thread-safe.
class SecretsIndexWorker : public QObject
{
    Q_OBJECT

public:
    static constexpr int kFirstPageSize = 200;

    explicit SecretsIndexWorker(QObject* parent = nullptr);

    // Thread-safe: a running scan whose token is older than this stops at the next batch.
    void setLatestToken(quint64 token) { m_latestToken.store(token); }
    void requestStop() { m_stop.store(true); }

    // Worker-thread entry points (call through QMetaObject::invokeMethod, queued).
    void load(quint64 token, const mk::model::Target& target, const mk::model::SecretQuery& query);
    void applyQuery(quint64 token, const mk::model::SecretQuery& query);
    void fetchRows(quint64 token, int offset, int count);
    void applyOutcomes(const QList<mk::model::ValueOutcome>& outcomes);
    void clear();

signals:
    void scanProgressed(quint64 token, qint64 scanned);
    // `count` rows match the query; `external` of them are secure values of other keepers.
    void countChanged(quint64 token, int count, int external, bool complete);
    void rowsReady(quint64 token, int offset, const QList<mk::model::SecretRow>& rows);
    void loadFailed(quint64 token, const QString& message);
    // Scan complete: total values and the data-key ids that values name but data_keys lacks.
    void indexCompleted(quint64 token, qint64 total, const QList<QPair<QString, qint64>>& missingKeyRefs);

private:
    bool isStale(quint64 token) const;
    int externalInView() const;

    SecretsIndex m_index;
    QList<int> m_view; // indexes into m_index, filtered and sorted
    SecretQuery m_query;
    bool m_complete = false;
    int m_externalInView = 0;
    std::atomic<quint64> m_latestToken{0};
    std::atomic<bool> m_stop{false};
};

} // namespace mk::model
