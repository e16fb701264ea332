#pragma once

#include "model/ActivityEntry.h"

#include <QAbstractTableModel>
#include <QList>

namespace mk::model {

// The activity log, newest first.
class ActivityLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        When,
        Operation,
        Database,
        Outcome,
        Counts,
        Detail,
        ColumnCount
    };

    explicit ActivityLogModel(QObject* parent = nullptr);

    void setEntries(const QList<ActivityEntry>& oldestFirst);
    void prepend(const ActivityEntry& entry);
    const ActivityEntry* entryAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<ActivityEntry> m_entries; // newest first
};

} // namespace mk::model
