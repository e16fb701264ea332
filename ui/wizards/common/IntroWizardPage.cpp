#include "ui/wizards/common/IntroWizardPage.h"

#include "ui/wizards/common/OperationWizard.h"

#include <QLabel>
#include <QVBoxLayout>

namespace mk::ui {

IntroWizardPage::IntroWizardPage(OperationWizard* wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
    , m_text(new QLabel(this))
    , m_extra(new QVBoxLayout)
{
    setObjectName(QStringLiteral("introWizardPage"));
    setTitle(tr("What this does"));
    m_text->setObjectName(QStringLiteral("introTextLabel"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setAccessibleName(tr("What this operation does"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(m_extra);
    layout->addWidget(m_text);
    layout->addStretch(1);
}

void IntroWizardPage::initializePage()
{
    refreshText();
}

void IntroWizardPage::refreshText()
{
    setSubTitle(tr("Database: %1").arg(m_wizard->databaseName()));
    m_text->setText(m_wizard->introText());
}

} // namespace mk::ui
