#include "ui/wizards/rollback/RollbackOptionsWizardPage.h"

#include <QButtonGroup>
#include <QGroupBox>
#include <QRadioButton>
#include <QVBoxLayout>

namespace mk::ui {

RollbackOptionsWizardPage::RollbackOptionsWizardPage(OperationWizard* wizard)
    : OptionsWizardPage(wizard)
    , m_format92(new QRadioButton(this))
    , m_formatLegacy(new QRadioButton(this))
{
    setSubTitle(tr("Pick what the version you go back to can read."));
    auto* box = new QGroupBox(tr("Format of the rolled-back values"), this);
    box->setObjectName(QStringLiteral("rollbackFormatGroup"));
    m_format92->setParent(box);
    m_formatLegacy->setParent(box);
    m_format92->setObjectName(QStringLiteral("format92Radio"));
    m_format92->setText(tr("&9.2: with the algorithm prefix (*YWVzLWNmYg*). Read by Grafana/Mosaicoo "
                           "8.5.4 and newer, 9.x and newer. Recommended."));
    m_formatLegacy->setObjectName(QStringLiteral("formatLegacyRadio"));
    m_formatLegacy->setText(tr("&Legacy: unprefixed aes-cfb. For Grafana/Mosaicoo up to 8.5.3, which "
                               "would turn prefixed values into garbage."));
    m_format92->setChecked(true);
    auto* group = new QButtonGroup(this);
    group->addButton(m_format92);
    group->addButton(m_formatLegacy);
    auto* boxLayout = new QVBoxLayout(box);
    boxLayout->addWidget(m_format92);
    boxLayout->addWidget(m_formatLegacy);
    contentLayout()->addWidget(box);
    addInstancesSectionIfConfigured();
}

model::RollbackFormat RollbackOptionsWizardPage::format() const
{
    return m_formatLegacy->isChecked() ? model::RollbackFormat::Legacy : model::RollbackFormat::Prefixed92;
}

QStringList RollbackOptionsWizardPage::summary() const
{
    QStringList lines = OptionsWizardPage::summary();
    lines << (format() == model::RollbackFormat::Legacy
                  ? tr("Format: legacy (unprefixed aes-cfb, Grafana/Mosaicoo up to 8.5.3)")
                  : tr("Format: 9.2 (prefixed, Grafana/Mosaicoo 8.5.4+ and 9.x+)"));
    return lines;
}

} // namespace mk::ui
