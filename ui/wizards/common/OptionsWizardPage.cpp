#include "ui/wizards/common/OptionsWizardPage.h"

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
    , m_dryRun(new QCheckBox(tr("&Dry run: report exactly what would change, write nothing"), this))
{
    setObjectName(QStringLiteral("optionsWizardPage"));
    setTitle(tr("Options"));
    m_dryRun->setObjectName(QStringLiteral("dryRunCheckBox"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(m_content);
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
    return {};
}

} // namespace mk::ui
