#include "ui/wizards/rotate/RotateOptionsWizardPage.h"

namespace mk::ui {

RotateOptionsWizardPage::RotateOptionsWizardPage(OperationWizard* wizard)
    : OptionsWizardPage(wizard)
{
    setObjectName(QStringLiteral("rotateOptionsWizardPage"));
    setSubTitle(tr("Rotation only changes the active flag of the data keys."));
    addInstancesSection(tr("Rotate &through every instance's API (each flushes its data-key cache: no "
                           "waiting for the TTL)"));
}

QStringList RotateOptionsWizardPage::summary() const
{
    QStringList lines = OptionsWizardPage::summary();
    if (viaApi())
        lines << tr("Through the instances' API: POST /api/admin/encryption/rotate-data-keys on each");
    return lines;
}

} // namespace mk::ui
