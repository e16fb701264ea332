#pragma once

#include "model/instances/Instances.h"
#include "ui/wizards/common/OptionsWizardPage.h"

class QCheckBox;

namespace mk::ui {

class InstancesSection;

// Rotate options (issue #17): the instances of the console's settings with their state, and
// "rotate through their API" (each instance flushes its data-key cache: no TTL wait), plus dry run.
class RotateOptionsWizardPage : public OptionsWizardPage
{
    Q_OBJECT

public:
    explicit RotateOptionsWizardPage(OperationWizard* wizard);

    void initializePage() override;
    bool viaApi() const;
    QStringList summary() const override;
    InstancesSection* instances() const { return m_instances; }

private:
    InstancesSection* m_instances;
    QCheckBox* m_viaApi;
};

} // namespace mk::ui
