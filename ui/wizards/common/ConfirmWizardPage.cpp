#include "ui/wizards/common/ConfirmWizardPage.h"

#include "ui/wizards/common/BackupWizardPage.h"
#include "ui/wizards/common/OperationWizard.h"
#include "ui/common/GuiWording.h"
#include "ui/common/Plural.h"
#include "ui/wizards/common/OptionsWizardPage.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace mk::ui {

ConfirmWizardPage::ConfirmWizardPage(OperationWizard* wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
    , m_summary(makeWrappedLabel(this, "confirmSummaryLabel"))
    , m_nameLabel(makeWrappedLabel(this, "confirmNameLabel"))
    , m_name(new QLineEdit(this))
{
    setObjectName(QStringLiteral("confirmWizardPage"));
    setTitle(tr("Confirm"));
    setCommitPage(true);
    m_summary->setTextFormat(Qt::RichText);
    m_name->setObjectName(QStringLiteral("confirmNameEdit"));
    m_name->setAccessibleName(tr("Database name"));
    m_nameLabel->setBuddy(m_name);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    m_sectionIndex = layout->count();
    layout->addSpacing(8);
    layout->addWidget(m_nameLabel);
    layout->addWidget(m_name);
    layout->addStretch(1);
    connect(m_name, &QLineEdit::textChanged, this, &ConfirmWizardPage::completeChanged);
}

void ConfirmWizardPage::addSection(QWidget* widget, int stretch)
{
    auto* box = qobject_cast<QVBoxLayout*>(layout());
    box->insertWidget(m_sectionIndex++, widget, stretch);
}

bool ConfirmWizardPage::needsTypedName() const
{
    return m_wizard->isDestructive() && !m_wizard->isDryRun();
}

void ConfirmWizardPage::initializePage()
{
    const bool dryRun = m_wizard->isDryRun();
    setSubTitle(dryRun ? tr("A dry run: nothing will be written.")
                       : m_wizard->commitsInOneTransaction()
                           ? tr("Last chance to go back. After Start the operation commits everything in "
                                "one transaction.")
                           : tr("Last chance to go back. After Start the operation commits batch by batch."));
    setButtonText(QWizard::CommitButton,
                  dryRun ? tr("&Start dry run") : tr("&Start"));

    QStringList lines;
    lines << tr("Database: <b>%1</b>").arg(m_wizard->databaseName().toHtmlEscaped());
    lines << tr("Secret key: %1").arg(guiWording(model::secretKeyOriginLabel(m_wizard->target())).toHtmlEscaped());
    if (dryRun)
        lines << tr("Backup: not needed for a dry run");
    else if (!m_wizard->backupFile().isEmpty())
        lines << tr("Backup: %1").arg(m_wizard->backupFile().toHtmlEscaped());
    else
        lines << tr("Backup: <b>skipped</b> (explicitly)");
    for (const QString& line : m_wizard->optionsPage()->summary())
        lines << line.toHtmlEscaped();
    if (const auto& p = m_wizard->preflight()) {
        if (m_wizard->kind() == model::OperationKind::Rotate) {
            int active = 0;
            qint64 references = 0;
            for (const model::DataKeyPlan& key : p->dataKeys) {
                active += key.active ? 1 : 0;
                references += key.active ? key.references : 0;
            }
            lines << (active == 1 ? tr("Preflight: %1 to deactivate (%2 reference it); no value is rewritten")
                                  : tr("Preflight: %1 to deactivate (%2 reference them); no value is "
                                       "rewritten"))
                         .arg(countOf(active, tr("data key"), tr("data keys")),
                              countOf(references, tr("value"), tr("values")));
        } else {
            lines << tr("Preflight: %1, %2 to change, %3 known to fail")
                         .arg(countOf(p->values, tr("value"), tr("values")), number(p->toChange),
                              number(p->willFail));
        }
        if (m_wizard->preflightSettings() != m_wizard->preflightSettingsUsed())
            lines << tr("The preflight counted for %1; with %2 the numbers differ (the result "
                        "reports them exactly).")
                         .arg(m_wizard->preflightSettingsUsed().toHtmlEscaped(),
                              m_wizard->preflightSettings().toHtmlEscaped());
        for (const QString& text : p->irreversible)
            lines << tr("Cannot be undone without the backup: %1").arg(guiWording(text).toHtmlEscaped());
    }
    if (m_wizard->isForced())
        lines << tr("<b>Forced past the secret-key check</b>: values that do not decrypt are reported, "
                    "never rewritten.");
    if (m_wizard->acceptsLoss())
        lines << tr("<b>Accepting the loss</b> of the values that still reference the deleted data keys.");
    m_summary->setText(QStringLiteral("<ul style=\"margin-left:-20px\"><li>")
                       + lines.join(QStringLiteral("</li><li>")) + QStringLiteral("</li></ul>"));

    const bool typed = needsTypedName();
    m_nameLabel->setVisible(typed);
    m_name->setVisible(typed);
    m_name->clear();
    if (typed) {
        m_nameLabel->setText(tr("This cannot be undone without the backup. Type the database name "
                                "<b>%1</b> to confirm:")
                                 .arg(m_wizard->confirmationName().toHtmlEscaped()));
        m_name->setFocus(Qt::OtherFocusReason);
    }
}

bool ConfirmWizardPage::isComplete() const
{
    return !needsTypedName() || m_name->text().trimmed() == m_wizard->confirmationName();
}

} // namespace mk::ui
