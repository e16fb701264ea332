#include "ui/panes/ActivityLogPane.h"

#include "model/items/ActivityLogModel.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
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
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 10);
    QHeaderView* header = m_view->horizontalHeader();
    header->setStretchLastSection(true);
    header->setHighlightSections(false);
    const int widths[] = {160, 100, 300, 100, 220, 300};
    for (int c = 0; c < model::ActivityLogModel::ColumnCount; ++c)
        header->resizeSection(c, widths[c]);
    header->restoreState(QSettings().value(kHeaderKey).toByteArray());

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
    QSettings().setValue(kHeaderKey, m_view->horizontalHeader()->saveState());
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
