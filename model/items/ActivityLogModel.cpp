#include "model/items/ActivityLogModel.h"

#include "model/items/StatusIcons.h"

#include <QStringList>

#include <algorithm>

namespace mk::model {

ActivityLogModel::ActivityLogModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void ActivityLogModel::setEntries(const QList<ActivityEntry>& oldestFirst)
{
    beginResetModel();
    m_entries = oldestFirst;
    std::reverse(m_entries.begin(), m_entries.end());
    endResetModel();
}

void ActivityLogModel::prepend(const ActivityEntry& entry)
{
    beginInsertRows({}, 0, 0);
    m_entries.prepend(entry);
    endInsertRows();
}

const ActivityEntry* ActivityLogModel::entryAt(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
}

int ActivityLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ActivityLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ActivityLogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ActivityEntry& entry = m_entries.at(index.row());
    const bool bad = entry.outcome == QLatin1String("failed");
    if (role == Qt::DecorationRole && index.column() == Outcome)
        return StatusIcons::icon(bad ? StatusIcons::Kind::Failed : StatusIcons::Kind::Ok);
    if (role == Qt::BackgroundRole && bad)
        return StatusIcons::failedBackground();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case When:
        return entry.when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Operation:
        return entry.operation;
    case Database:
        return entry.database;
    case Outcome:
        return entry.outcome;
    case Counts: {
        QStringList parts;
        for (auto it = entry.counts.constBegin(); it != entry.counts.constEnd(); ++it)
            if (it.value().isDouble())
                parts.append(QStringLiteral("%1 %2").arg(it.key()).arg(qint64(it.value().toDouble())));
        return parts.join(QStringLiteral(", "));
    }
    case Detail:
        return entry.detail;
    default:
        return {};
    }
}

QVariant ActivityLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case When:
        return QStringLiteral("When");
    case Operation:
        return QStringLiteral("Operation");
    case Database:
        return QStringLiteral("Database");
    case Outcome:
        return QStringLiteral("Outcome");
    case Counts:
        return QStringLiteral("Counts");
    case Detail:
        return QStringLiteral("Detail");
    default:
        return {};
    }
}

} // namespace mk::model
