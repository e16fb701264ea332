#pragma once

#include "model/ActivityEntry.h"
#include "model/ActivityLog.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace mk::model {
class ActivityLogModel;
}

namespace mk::ui {

// The activity log (activity.jsonl): every operation with time, database, counts and outcome.
class ActivityLogPane : public QWidget
{
    Q_OBJECT

public:
    explicit ActivityLogPane(const model::ActivityLog& log, QWidget* parent = nullptr);
    ~ActivityLogPane() override;

    void reload();
    void addEntry(const model::ActivityEntry& entry); // already appended to the file

    model::ActivityLogModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }

private:
    const model::ActivityLog& m_log;
    model::ActivityLogModel* m_model;
    QTableView* m_view;
    QLabel* m_pathLabel;
    QPushButton* m_reloadButton;
};

} // namespace mk::ui
