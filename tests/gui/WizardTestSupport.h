#pragma once

#include "ui/wizards/common/OperationWizard.h"

#include <QString>
#include <QStringList>

namespace mk::test {

// Clicks the wizard's forward button (Next, or Commit on a commit page) with the mouse after
// checking that it is visible and enabled.
bool clickForward(ui::OperationWizard* wizard);
// Whether the forward button of the current page is enabled.
bool canGoForward(ui::OperationWizard* wizard);
// Clicks a child button / check box of the wizard by objectName (fails if missing or disabled).
bool clickChild(QWidget* root, const QString& objectName);
// Every interactive widget of the wizard has an objectName (house style); returns the offenders.
QStringList widgetsWithoutObjectName(QWidget* root);

} // namespace mk::test
