#pragma once

#include "model/ops/VerifyJob.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

class QLabel;
class QTableWidget;
class QWidget;

namespace mk::ui {

// Read-only, row-selecting, keyboard-navigable table with the given headers.
QTableWidget* makeReadOnlyTable(QWidget* parent, const char* objectName, const QStringList& headers);
// Appends one row; numbers (qint64 in the variant) are right-aligned.
void appendTableRow(QTableWidget* table, const QList<QVariant>& cells);
// Fits the columns to their contents; `stretchColumn` (default: the last) takes the rest.
void fitTableColumns(QTableWidget* table, int stretchColumn = -1);
// Fills a table with failures: location, row, field, reason (description as tooltip).
void fillFailuresTable(QTableWidget* table, const QList<model::ValueFailure>& failures);
// A word-wrapped label with an objectName.
QLabel* makeWrappedLabel(QWidget* parent, const char* objectName);
// "1 234" with the locale's grouping.
QString number(qint64 value);
// "3 min 20 s", "45 s"
QString durationText(qint64 seconds);
// HTML bullet list (escaped).
QString bulletList(const QStringList& items);

} // namespace mk::ui
