#include "ui/wizards/common/OptionsWizardPage.h"

#include "ui/common/InstancesSection.h"
#include "ui/common/SecretFields.h"
#include "ui/wizards/common/OperationWizard.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace mk::ui {

OptionsWizardPage::OptionsWizardPage(OperationWizard* wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
    , m_content(new QVBoxLayout)
    , m_instancesLayout(new QVBoxLayout)
    , m_dryRun(new QCheckBox(tr("&Dry run: report exactly what would change, write nothing"), this))
{
    setObjectName(QStringLiteral("optionsWizardPage"));
    setTitle(tr("Options"));
    m_dryRun->setObjectName(QStringLiteral("dryRunCheckBox"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(m_content);
    layout->addLayout(m_instancesLayout);
    layout->addSpacing(8);
    layout->addWidget(m_dryRun);
    layout->addStretch(1);
    connect(m_dryRun, &QCheckBox::toggled, this, &OptionsWizardPage::completeChanged);
    // Before the wizard (deleted on close) destroys its pages: subclasses empty their fields in
    // their destructors, which would free the buffers without overwriting them.
    connect(wizard, &QDialog::finished, this, &OptionsWizardPage::wipeLineEdits);
}

OptionsWizardPage::~OptionsWizardPage()
{
    wipeLineEdits();
}

void OptionsWizardPage::wipeLineEdits()
{
    ui::wipeLineEdits(findChildren<QLineEdit*>());
}

void OptionsWizardPage::addInstancesSection(const QString& checkBoxText)
{
    m_instances = new InstancesSection(this);
    m_instances->setTitle(tr("Instances"));
    m_instances->setLivenessVisible(false);
    m_viaApi = new QCheckBox(checkBoxText, this);
    m_viaApi->setObjectName(QStringLiteral("viaApiCheckBox"));
    m_viaApi->setEnabled(false);
    m_instancesLayout->addWidget(m_instances);
    m_instancesLayout->addWidget(m_viaApi);
    connect(m_instances, &InstancesSection::instancesChecked, this, [this] {
        m_viaApi->setEnabled(m_instances->answered() > 0);
        m_viaApi->setChecked(m_instances->answered() > 0);
    });
}

void OptionsWizardPage::addInstancesSectionIfConfigured()
{
    const auto configured = model::resolveInstances(model::InstanceRequest{});
    if (configured && configured->urls.isEmpty())
        return;
    addInstancesSection(tr("&Then rotate the data keys through every instance's API, so that new writes "
                           "use new keys at once"));
}

void OptionsWizardPage::setInstancesVisible(bool visible)
{
    if (!m_instances)
        return;
    m_instances->setVisible(visible);
    m_viaApi->setVisible(visible);
}

void OptionsWizardPage::initializePage()
{
    if (!m_instances || m_instances->isHidden())
        return;
    // The preflight read the data-source uids: the instances' answers tell whether they serve
    // this very database.
    if (const auto& preflight = m_wizard->preflight())
        m_instances->setLiveness(preflight->liveness, preflight->dataSourceUids);
    m_instances->checkConfiguredInstances();
}

bool OptionsWizardPage::usesInstances() const
{
    return m_viaApi && !m_viaApi->isHidden() && m_viaApi->isEnabled() && m_viaApi->isChecked() && !isDryRun();
}

bool OptionsWizardPage::isDryRun() const
{
    return m_dryRun->isChecked();
}

int OptionsWizardPage::nextId() const
{
    // A dry run writes nothing: no backup needed.
    return isDryRun() ? OperationWizard::ConfirmPageId : OperationWizard::BackupPageId;
}

QStringList OptionsWizardPage::summary() const
{
    if (isDryRun())
        return {tr("Dry run: nothing is written; the result lists what would change.")};
    if (usesInstances() && m_wizard->rotatesThroughInstancesAtEnd())
        return {tr("At the end: the data keys are rotated through every instance's API, so that new "
                   "writes use new keys at once.")};
    return {};
}

} // namespace mk::ui
