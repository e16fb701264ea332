#include "ui/wizards/reencrypt/ReEncryptOptionsWizardPage.h"

#include "ui/wizards/common/OperationWizard.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QCheckBox>
#include <QLabel>
#include <QVBoxLayout>

namespace mk::ui {

ReEncryptOptionsWizardPage::ReEncryptOptionsWizardPage(OperationWizard* wizard)
    : OptionsWizardPage(wizard)
    , m_freshSalt(new QCheckBox(tr("&Fresh salt per value (upstream's way: two key derivations per "
                                   "value, about twice as slow)"),
                                this))
{
    setSubTitle(tr("The target form comes from the configuration."));
    addInstancesSectionIfConfigured();
    const config::SecuritySettings& security = wizard->target().config.security;
    auto* facts = makeWrappedLabel(this, "reEncryptFactsLabel");
    facts->setText(wizard->target().config.envelopeEncryptionDisabled
                       ? tr("Envelope encryption is <b>disabled</b> (disableEnvelopeEncryption): values "
                            "are written as legacy values, algorithm <b>%1</b>.")
                             .arg(security.algorithm.toHtmlEscaped())
                       : tr("Values are written as envelope values under today's data key of provider "
                            "<b>%1</b>, algorithm <b>%2</b> ([security.encryption] algorithm).")
                             .arg(security.encryptionProvider.toHtmlEscaped(),
                                  security.algorithm.toHtmlEscaped()));
    m_freshSalt->setObjectName(QStringLiteral("freshSaltCheckBox"));
    contentLayout()->addWidget(facts);
    contentLayout()->addSpacing(6);
    contentLayout()->addWidget(m_freshSalt);
}

bool ReEncryptOptionsWizardPage::freshSaltPerValue() const
{
    return m_freshSalt->isChecked();
}

QStringList ReEncryptOptionsWizardPage::summary() const
{
    QStringList lines = OptionsWizardPage::summary();
    const config::SecuritySettings& security = operationWizard()->target().config.security;
    lines << tr("Target: %1 values, provider %2, algorithm %3")
                 .arg(operationWizard()->target().config.envelopeEncryptionDisabled ? tr("legacy")
                                                                                    : tr("envelope"),
                      security.encryptionProvider, security.algorithm);
    if (freshSaltPerValue())
        lines << tr("Fresh salt per value");
    return lines;
}

} // namespace mk::ui
