#include "ui/wizards/rotate/RotateOptionsWizardPage.h"

#include "ui/common/InstancesSection.h"

#include <QCheckBox>
#include <QVBoxLayout>

namespace mk::ui {

RotateOptionsWizardPage::RotateOptionsWizardPage(OperationWizard* wizard)
    : OptionsWizardPage(wizard)
    , m_instances(new InstancesSection(this))
    , m_viaApi(new QCheckBox(this))
{
    setObjectName(QStringLiteral("rotateOptionsWizardPage"));
    setSubTitle(tr("Rotation only changes the active flag of the data keys."));
    m_instances->setTitle(tr("Instances"));
    m_instances->setLivenessVisible(false);
    m_viaApi->setObjectName(QStringLiteral("viaApiCheckBox"));
    m_viaApi->setText(tr("Rotate &through every instance's API (each flushes its data-key cache: no "
                         "waiting for the TTL)"));
    m_viaApi->setEnabled(false);
    contentLayout()->addWidget(m_instances);
    contentLayout()->addWidget(m_viaApi);
    connect(m_instances, &InstancesSection::instancesChecked, this, [this] {
        m_viaApi->setEnabled(true);
        m_viaApi->setChecked(m_instances->answered() > 0);
    });
}

void RotateOptionsWizardPage::initializePage()
{
    OptionsWizardPage::initializePage();
    m_instances->checkConfiguredInstances();
}

bool RotateOptionsWizardPage::viaApi() const
{
    return m_viaApi->isEnabled() && m_viaApi->isChecked();
}

QStringList RotateOptionsWizardPage::summary() const
{
    QStringList lines = OptionsWizardPage::summary();
    if (viaApi())
        lines << tr("Through the instances' API: POST /api/admin/encryption/rotate-data-keys on each");
    return lines;
}

} // namespace mk::ui
