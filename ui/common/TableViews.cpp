#include "ui/common/TableViews.h"

#include <QHeaderView>
#include <QSettings>
#include <QTableView>

namespace mk::ui {

void setUpReadOnlyTable(QTableView* view, std::initializer_list<int> widths, const QString& headerStateKey)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    // Tab leaves the table for the next control (arrow keys move between cells).
    view->setTabKeyNavigation(false);
    view->setTextElideMode(Qt::ElideRight);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 10);
    QHeaderView* header = view->horizontalHeader();
    header->setStretchLastSection(true);
    header->setHighlightSections(false);
    int column = 0;
    for (const int width : widths)
        header->resizeSection(column++, width);
    header->restoreState(QSettings().value(headerStateKey).toByteArray());
}

void saveHeaderState(const QTableView* view, const QString& headerStateKey)
{
    QSettings().setValue(headerStateKey, view->horizontalHeader()->saveState());
}

} // namespace mk::ui
