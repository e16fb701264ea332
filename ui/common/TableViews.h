#pragma once

#include <QString>

#include <initializer_list>

class QTableView;

namespace mk::ui {

// The look every read-only table of the console shares: whole rows selected, no editing,
// alternating rows, one line per row, no row numbers, the last column stretched. Columns start at
// `widths` (pixels, in model order); then the header state the user left last time is restored
// from QSettings `headerStateKey` (saveHeaderState() writes it back).
void setUpReadOnlyTable(QTableView* view, std::initializer_list<int> widths, const QString& headerStateKey);
void saveHeaderState(const QTableView* view, const QString& headerStateKey);

} // namespace mk::ui
