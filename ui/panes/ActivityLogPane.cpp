#include "ui/panes/ActivityLogPane.h"

#include "model/items/ActivityLogModel.h"
#include "ui/common/TableViews.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace mk::ui {

namespace {
const auto kHeaderKey = QStringLiteral("activityLogPane/headerState");
}

ActivityLogPane::ActivityLogPane(const model::ActivityLog& log, QWidget* parent)
    : QWidget(parent)
    , m_log(log)
    , m_model(new model::ActivityLogModel(this))
    , m_view(new QTableView(this))
    , m_pathLabel(new QLabel(this))
    , m_reloadButton(new QPushButton(tr("&Reload"), this))
{
    setObjectName(QStringLiteral("activityLogPane"));
    setAccessibleName(tr("Activity log"));
    m_model->setObjectName(QStringLiteral("activityLogModel"));
    m_view->setObjectName(QStringLiteral("activityLogView"));
    m_view->setAccessibleName(tr("Activity log entries"));
    m_view->setModel(m_model);
    setUpReadOnlyTable(m_view, {160, 100, 300, 100, 220, 300}, kHeaderKey);

    m_pathLabel->setObjectName(QStringLiteral("activityLogPathLabel"));
    m_pathLabel->setForegroundRole(QPalette::PlaceholderText);
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pathLabel->setText(tr("Kept in %1 — never holds plaintexts or keys.")
                             .arg(QDir::toNativeSeparators(log.filePath())));
    m_reloadButton->setObjectName(QStringLiteral("reloadActivityButton"));
    m_reloadButton->setAccessibleName(tr("Reload the activity log"));

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_pathLabel, 1);
    bottom->addWidget(m_reloadButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->addWidget(m_view, 1);
    layout->addLayout(bottom);

    connect(m_reloadButton, &QPushButton::clicked, this, &ActivityLogPane::reload);
    reload();
}

ActivityLogPane::~ActivityLogPane()
{
    saveHeaderState(m_view, kHeaderKey);
}

void ActivityLogPane::reload()
{
    m_model->setEntries(m_log.read());
}

void ActivityLogPane::addEntry(const model::ActivityEntry& entry)
{
    m_model->prepend(entry);
}

} // namespace mk::ui
