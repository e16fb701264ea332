#pragma once

#include "model/Target.h"
#include "model/items/SecretQuery.h"
#include "model/items/SecretRow.h"
#include "model/ops/VerifyJob.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QPair>
#include <QThread>

#include <optional>

namespace mk::model {

class SecretsIndexWorker;

// One row per encrypted value. Rows come from a SecretsIndexWorker in a member QThread: the first
// page is pushed as soon as it is scanned, later pages are requested through canFetchMore /
// fetchMore. Filtering and sorting are done by the worker over the whole index (setQuery / sort),
// never by a proxy over the loaded part. Statuses are filled by applyOutcomes() (verify observer).
class SecretsTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Location,
        Store, // "legacy" or "secrets manager"
        Owner,
        Field,
        Format,
        DataKey,
        Status,
        Updated,
        ColumnCount
    };
    enum Role
    {
        StatusRole = Qt::UserRole + 1, // int(SecretStatus)
        FailureReasonRole,             // reasonName() or empty
        FailedRole,                    // bool
        LocationIndexRole,
        RowIdRole,
        FieldRole,
        ValueKeyRole, // SecretRow::key()
        StoreRole,    // "legacy" | "secrets-manager"
    };
    static constexpr int kPageSize = 200;

    explicit SecretsTableModel(QObject* parent = nullptr);
    ~SecretsTableModel() override;

    // Starts scanning the target's database (drops everything loaded before).
    void load(const Target& target);
    void clear();
    void setQuery(const SecretQuery& query);
    const SecretQuery& query() const { return m_query; }

    // GUI thread: verify outcomes (statuses) for loaded and not yet loaded rows.
    void applyOutcomes(const QList<ValueOutcome>& outcomes);

    int totalCount() const { return m_count; } // rows matching the query (so far)
    // Of those: secrets-manager secure values of other keepers, listed without a ciphertext (not
    // counted as values by status and verify).
    int externalCount() const { return m_external; }
    bool isComplete() const { return m_complete; }
    bool isLoading() const { return m_loading; }
    qint64 scannedCount() const { return m_scanned; }
    std::optional<SecretRow> rowAt(int row) const;
    int rowForKey(const QString& key) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static QString statusText(const SecretRow& row);

signals:
    void countChanged(int count, bool complete);
    void scanProgressed(qint64 scanned);
    void loadFailed(const QString& message);
    void indexCompleted(qint64 total, const QList<QPair<QString, qint64>>& missingKeyRefs);
    void pageLoaded(); // rows were appended

private:
    void onCountChanged(quint64 token, int count, int external, bool complete);
    void onRowsReady(quint64 token, int offset, const QList<SecretRow>& rows);
    void onLoadFailed(quint64 token, const QString& message);
    void onIndexCompleted(quint64 token, qint64 total, const QList<QPair<QString, qint64>>& missing);
    void onScanProgressed(quint64 token, qint64 scanned);
    quint64 nextToken();
    void startScan();
    void resetRows();
    void requestPage(int offset);

    QThread m_thread;
    SecretsIndexWorker* m_worker = nullptr; // lives in m_thread
    quint64 m_token = 0;
    quint64 m_loadToken = 0; // token of the last load(): the index exists from then on
    SecretQuery m_query;
    std::optional<Target> m_target;
    QList<SecretRow> m_rows;
    QHash<QString, int> m_rowByKey;
    QHash<QString, QPair<SecretStatus, std::optional<FailureReason>>> m_statusOverrides;
    int m_count = 0;
    int m_external = 0;
    bool m_complete = false;
    bool m_loading = false;
    bool m_fetchInFlight = false;
    bool m_inserting = false;
    int m_fetchOffset = -1;
    qint64 m_scanned = 0;
};

} // namespace mk::model
