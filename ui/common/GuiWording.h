#pragma once

#include <QString>
#include <QStringList>

namespace mk::ui {

// The model's sentences (refusals, warnings, notes) are shared with the command line and name its
// flags ("run with --force", "--format legacy"). In the console the same choice is a checkbox or a
// radio button: guiWording() names the control instead, and puts "1 values"-style counts in the
// singular. Apply it wherever model prose reaches a widget.
QString guiWording(const QString& modelText);
QStringList guiWording(const QStringList& modelTexts);

} // namespace mk::ui
