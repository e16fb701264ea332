#pragma once

#include "ui/wizards/common/OptionsWizardPage.h"

namespace mk::ui {

// Rotate options (issue #17): the instances of the console's settings with their state, and
// "rotate through their API" (each instance flushes its data-key cache: no TTL wait), plus dry run.
class RotateOptionsWizardPage : public OptionsWizardPage
{
    Q_OBJECT

public:
    explicit RotateOptionsWizardPage(OperationWizard* wizard);

    bool viaApi() const { return usesInstances(); }
    QStringList summary() const override;
};

} // namespace mk::ui
