#include "model/items/SecretsTableModel.h"

#include "model/items/SecretsIndexWorker.h"
#include "model/items/StatusIcons.h"

#include <QColor>
#include <QIcon>
#include <QMetaObject>

namespace mk::model {

SecretsTableModel::SecretsTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    qRegisterMetaType<mk::model::SecretRow>();
    qRegisterMetaType<QList<mk::model::SecretRow>>();
    qRegisterMetaType<QList<QPair<QString, qint64>>>();
    m_thread.setObjectName(QStringLiteral("secretsIndex"));
    m_worker = new SecretsIndexWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &SecretsIndexWorker::countChanged, this, &SecretsTableModel::onCountChanged);
    connect(m_worker, &SecretsIndexWorker::rowsReady, this, &SecretsTableModel::onRowsReady);
    connect(m_worker, &SecretsIndexWorker::loadFailed, this, &SecretsTableModel::onLoadFailed);
    connect(m_worker, &SecretsIndexWorker::indexCompleted, this,
            &SecretsTableModel::onIndexCompleted);
    connect(m_worker, &SecretsIndexWorker::scanProgressed, this,
            &SecretsTableModel::onScanProgressed);
    m_thread.start();
}

SecretsTableModel::~SecretsTableModel()
{
    m_worker->requestStop();
    m_thread.quit();
    m_thread.wait();
}

quint64 SecretsTableModel::nextToken()
{
    ++m_token;
    m_worker->setLatestToken(m_token);
    return m_token;
}

void SecretsTableModel::resetRows()
{
    beginResetModel();
    m_rows.clear();
    m_rowByKey.clear();
    m_count = 0;
    m_external = 0;
    m_complete = false;
    m_fetchInFlight = false;
    m_fetchOffset = -1;
    endResetModel();
}

void SecretsTableModel::load(const Target& target)
{
    m_target = target;
    m_statusOverrides.clear();
    startScan();
}

void SecretsTableModel::startScan()
{
    if (!m_target)
        return;
    const quint64 token = nextToken();
    m_loadToken = token;
    m_scanned = 0;
    m_loading = true;
    resetRows();
    emit countChanged(0, false);
    SecretsIndexWorker* worker = m_worker;
    const Target target = *m_target;
    const SecretQuery query = m_query;
    QMetaObject::invokeMethod(
        worker, [worker, token, target, query] { worker->load(token, target, query); },
        Qt::QueuedConnection);
}

void SecretsTableModel::clear()
{
    nextToken();
    m_target.reset();
    m_loadToken = 0;
    m_loading = false;
    m_statusOverrides.clear();
    m_scanned = 0;
    resetRows();
    SecretsIndexWorker* worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker] { worker->clear(); }, Qt::QueuedConnection);
    emit countChanged(0, true);
}

void SecretsTableModel::setQuery(const SecretQuery& query)
{
    if (query == m_query)
        return;
    m_query = query;
    if (m_loadToken == 0)
        return;
    if (m_loading) {
        // The index is still being built: restart the scan with the new query (statuses kept).
        startScan();
        return;
    }
    const quint64 token = nextToken();
    resetRows();
    emit countChanged(0, false);
    SecretsIndexWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, token, query] { worker->applyQuery(token, query); },
        Qt::QueuedConnection);
}

void SecretsTableModel::sort(int column, Qt::SortOrder order)
{
    SecretQuery query = m_query;
    query.sortColumn = column >= 0 && column < ColumnCount ? column : -1;
    query.descending = order == Qt::DescendingOrder;
    setQuery(query);
}

void SecretsTableModel::applyOutcomes(const QList<ValueOutcome>& outcomes)
{
    int first = -1;
    int last = -1;
    for (const ValueOutcome& outcome : outcomes) {
        const QString key = SecretRow::keyFor(outcome.locationIndex, outcome.rowId, outcome.field);
        const SecretStatus status = outcome.failure ? SecretStatus::Failed : SecretStatus::Ok;
        m_statusOverrides.insert(key, {status, outcome.failure});
        const auto it = m_rowByKey.constFind(key);
        if (it == m_rowByKey.cend())
            continue;
        SecretRow& row = m_rows[it.value()];
        row.status = status;
        row.failure = outcome.failure;
        first = first < 0 ? it.value() : std::min(first, it.value());
        last = std::max(last, it.value());
    }
    if (first >= 0) {
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1),
                         {Qt::DisplayRole, Qt::ToolTipRole, Qt::DecorationRole, Qt::BackgroundRole,
                          StatusRole, FailureReasonRole, FailedRole});
    }
    SecretsIndexWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, outcomes] { worker->applyOutcomes(outcomes); }, Qt::QueuedConnection);
}

std::optional<SecretRow> SecretsTableModel::rowAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return std::nullopt;
    return m_rows.at(row);
}

int SecretsTableModel::rowForKey(const QString& key) const
{
    return m_rowByKey.value(key, -1);
}

int SecretsTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SecretsTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SecretsTableModel::statusText(const SecretRow& row)
{
    switch (row.status) {
    case SecretStatus::NotChecked:
        return QStringLiteral("not checked");
    case SecretStatus::Ok:
        return QStringLiteral("decrypts");
    case SecretStatus::Failed:
        return row.failure ? reasonName(*row.failure) : QStringLiteral("failed");
    case SecretStatus::External:
        return QStringLiteral("other keeper");
    }
    return {};
}

QVariant SecretsTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SecretRow& row = m_rows.at(index.row());
    const bool failed = row.status == SecretStatus::Failed;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Location:
            return row.location;
        case Store:
            return storeLabel(row.isSecretsManager());
        case Owner:
            return row.owner;
        case Field:
            return row.field;
        case Format:
            if (row.status == SecretStatus::External)
                return QStringLiteral("—");
            return row.format == ValueFormat::Malformed ? QStringLiteral("malformed")
                                                        : formatLabel(row.format);
        case DataKey:
            if (row.isSecretsManager())
                return row.dataKeyId.isEmpty() ? QStringLiteral("—") : row.dataKeyId;
            return row.dataKeyId.isEmpty() ? QStringLiteral("— (secret key)") : row.dataKeyId;
        case Status:
            return statusText(row);
        case Updated:
            return row.updated;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == Status && failed && row.failure)
            return reasonDescription(*row.failure);
        if (index.column() == Status && row.status == SecretStatus::External)
            return QStringLiteral("This secure value is held by another keeper (see Owner): the database "
                                  "only has a reference to it, no ciphertext.");
        if (index.column() == Location)
            return QStringLiteral("%1, row %2").arg(row.location, row.rowId);
        if (index.column() == Store)
            return row.isSecretsManager()
                       ? QStringLiteral("Grafana's secrets manager (secret_* tables, [secrets_manager] keys)")
                       : QStringLiteral("The legacy store (data_keys, [security] secret_key)");
        if (index.column() == Owner)
            return row.owner;
        if (index.column() == DataKey && !row.dataKeyId.isEmpty())
            return row.dataKeyId;
        return {};
    case Qt::DecorationRole:
        if (index.column() == Status)
            return StatusIcons::icon(row.status);
        return {};
    case Qt::BackgroundRole:
        if (failed)
            return StatusIcons::failedBackground();
        return {};
    case StatusRole:
        return int(row.status);
    case FailureReasonRole:
        return row.failure ? reasonName(*row.failure) : QString();
    case FailedRole:
        return failed;
    case LocationIndexRole:
        return row.locationIndex;
    case RowIdRole:
        return row.rowId;
    case FieldRole:
        return row.field;
    case ValueKeyRole:
        return row.key();
    case StoreRole:
        return row.store();
    default:
        return {};
    }
}

QVariant SecretsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Location:
        return QStringLiteral("Location");
    case Store:
        return QStringLiteral("Store");
    case Owner:
        return QStringLiteral("Owner");
    case Field:
        return QStringLiteral("Field");
    case Format:
        return QStringLiteral("Format");
    case DataKey:
        return QStringLiteral("Data key");
    case Status:
        return QStringLiteral("Status");
    case Updated:
        return QStringLiteral("Updated");
    default:
        return {};
    }
}

bool SecretsTableModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_fetchInFlight && !m_inserting && m_rows.size() < m_count;
}

void SecretsTableModel::fetchMore(const QModelIndex& parent)
{
    if (parent.isValid() || m_fetchInFlight || m_inserting || m_rows.size() >= m_count)
        return;
    requestPage(int(m_rows.size()));
}

void SecretsTableModel::requestPage(int offset)
{
    m_fetchInFlight = true;
    m_fetchOffset = offset;
    const quint64 token = m_token;
    SecretsIndexWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, token, offset] { worker->fetchRows(token, offset, kPageSize); },
        Qt::QueuedConnection);
}

void SecretsTableModel::onCountChanged(quint64 token, int count, int external, bool complete)
{
    if (token != m_token)
        return;
    m_count = count;
    m_external = external;
    m_complete = complete;
    if (complete)
        m_loading = false;
    emit countChanged(count, complete);
}

void SecretsTableModel::onRowsReady(quint64 token, int offset, const QList<SecretRow>& rows)
{
    if (token != m_token)
        return;
    if (offset == m_fetchOffset) {
        m_fetchInFlight = false;
        m_fetchOffset = -1;
    }
    // Only contiguous appends; a page that overlaps what we have is a duplicate push.
    if (offset != m_rows.size() || rows.isEmpty())
        return;
    const int first = int(m_rows.size());
    m_inserting = true; // views and testers may call fetchMore from inside the insert
    beginInsertRows({}, first, first + int(rows.size()) - 1);
    for (SecretRow row : rows) {
        const QString key = row.key();
        const auto it = m_statusOverrides.constFind(key);
        if (it != m_statusOverrides.cend()) {
            row.status = it->first;
            row.failure = it->second;
        }
        m_rowByKey.insert(key, int(m_rows.size()));
        m_rows.append(std::move(row));
    }
    endInsertRows();
    m_inserting = false;
    emit pageLoaded();
}

void SecretsTableModel::onLoadFailed(quint64 token, const QString& message)
{
    if (token != m_token)
        return;
    m_loading = false;
    m_complete = true;
    emit loadFailed(message);
}

void SecretsTableModel::onIndexCompleted(quint64 token,
                                         qint64 total,
                                         const QList<QPair<QString, qint64>>& missing)
{
    if (token != m_token)
        return;
    m_loading = false;
    emit indexCompleted(total, missing);
}

void SecretsTableModel::onScanProgressed(quint64 token, qint64 scanned)
{
    if (token != m_token)
        return;
    m_scanned = scanned;
    emit scanProgressed(scanned);
}

} // namespace mk::model
