#include "ui/wizards/common/WizardWidgets.h"

#include "model/ops/FailureReason.h"

#include <QCoreApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>

namespace mk::ui {

QTableWidget* makeReadOnlyTable(QWidget* parent, const char* objectName, const QStringList& headers)
{
    auto* table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(QString::fromLatin1(objectName));
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setTabKeyNavigation(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    return table;
}

void appendTableRow(QTableWidget* table, const QList<QVariant>& cells)
{
    const int row = table->rowCount();
    table->insertRow(row);
    for (int column = 0; column < cells.size() && column < table->columnCount(); ++column) {
        const QVariant& value = cells.at(column);
        auto* item = new QTableWidgetItem;
        if (value.typeId() == QMetaType::LongLong || value.typeId() == QMetaType::Int) {
            item->setData(Qt::DisplayRole, number(value.toLongLong()));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        } else {
            item->setText(value.toString());
            item->setToolTip(value.toString());
        }
        table->setItem(row, column, item);
    }
}

void fitTableColumns(QTableWidget* table, int stretchColumn)
{
    QHeaderView* header = table->horizontalHeader();
    const int stretch = stretchColumn < 0 ? table->columnCount() - 1 : stretchColumn;
    header->setStretchLastSection(stretch == table->columnCount() - 1);
    for (int c = 0; c < table->columnCount(); ++c)
        header->setSectionResizeMode(c, c == stretch ? QHeaderView::Stretch : QHeaderView::Interactive);
    for (int c = 0; c < table->columnCount(); ++c) {
        if (c == stretch)
            continue;
        table->resizeColumnToContents(c);
        header->resizeSection(c, qMin(header->sectionSize(c) + 12, 280));
    }
}

void fillFailuresTable(QTableWidget* table, const QList<model::ValueFailure>& failures)
{
    table->setRowCount(0);
    table->setSortingEnabled(false);
    for (const model::ValueFailure& f : failures) {
        appendTableRow(table, {f.table + QLatin1Char('.') + f.column, f.rowId, f.field,
                               model::reasonName(f.reason)});
        table->item(table->rowCount() - 1, 3)->setToolTip(model::reasonDescription(f.reason));
    }
    fitTableColumns(table);
}

QLabel* makeWrappedLabel(QWidget* parent, const char* objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(objectName));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QString number(qint64 value)
{
    return QLocale().toString(value);
}

QString durationText(qint64 seconds)
{
    if (seconds < 60)
        return QCoreApplication::translate("OperationWizard", "%1 s").arg(seconds);
    if (seconds < 3600)
        return QCoreApplication::translate("OperationWizard", "%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("OperationWizard", "%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString bulletList(const QStringList& items)
{
    if (items.isEmpty())
        return {};
    QString html = QStringLiteral("<ul style=\"margin-left:-20px\">");
    for (const QString& item : items)
        html += QStringLiteral("<li>%1</li>").arg(item.toHtmlEscaped());
    return html + QStringLiteral("</ul>");
}

} // namespace mk::ui
