#include "ui/wizards/rollback/RollbackWizard.h"

#include "model/ops/RollbackJob.h"
#include "ui/wizards/rollback/RollbackOptionsWizardPage.h"

namespace mk::ui {

RollbackWizard::RollbackWizard(const model::Target& target,
                               const QString& databaseName,
                               Prompter& prompter,
                               FileChooser& files,
                               QWidget* parent)
    : OperationWizard(model::OperationKind::Rollback, target, databaseName, prompter, files, parent)
    , m_options(new RollbackOptionsWizardPage(this))
{
    setObjectName(QStringLiteral("rollbackWizard"));
    setWindowTitle(tr("Roll Back Secrets — %1").arg(databaseName));
    setUpPages(m_options);
}

QString RollbackWizard::actionName() const
{
    return tr("Roll back");
}

QString RollbackWizard::preflightSettings() const
{
    return m_options->format() == model::RollbackFormat::Legacy ? tr("format legacy") : tr("format 9.2");
}

QString RollbackWizard::introText() const
{
    return tr("<p><b>Roll back secrets</b> turns every envelope value back into a legacy value "
              "encrypted directly with the secret key, for a downgrade to a version without envelope "
              "encryption. Then it deletes the data keys, but <b>only those no value in any table "
              "references any more</b> (including <tt>cache_data</tt> and "
              "<tt>alert_configuration_history</tt>, which rollback does not rewrite, like "
              "upstream). Keys still referenced are kept and listed; deleting them anyway needs an "
              "explicit acceptance of the loss on the next page.</p>"
              "<p><b>Who can read the result.</b> Format <b>9.2</b> (the default) writes values "
              "with the algorithm prefix: Grafana/Mosaicoo <b>8.5.4 and newer</b> read them. Format "
              "<b>legacy</b> writes unprefixed aes-cfb values for <b>8.5.3 and older</b>, which would "
              "silently turn prefixed values into garbage.</p>"
              "<p><b>Stop Grafana/Mosaicoo first</b> (maintenance mode): a value that a running "
              "instance writes during the rollback under a deleted data key becomes unreadable. "
              "Every rolled-back value is decrypted again before it is written; values that do not "
              "decrypt are reported and left alone.</p>");
}

WizardJob<model::Result<model::Preflight>> RollbackWizard::preflightJob() const
{
    model::RollbackOptions options;
    static_cast<model::OperationOptions&>(options) = commonOptions();
    options.dryRun = false;
    options.force = false;
    options.format = m_options->format();
    const model::Target t = target();
    return [t, options](model::JobContext* context) { return model::preflightRollback(t, options, context); };
}

WizardJob<model::Result<model::OperationResult>> RollbackWizard::runJob() const
{
    model::RollbackOptions options;
    static_cast<model::OperationOptions&>(options) = commonOptions();
    options.format = m_options->format();
    options.acceptLoss = acceptsLoss();
    const model::Target t = target();
    return [t, options](model::JobContext* context) { return model::runRollback(t, options, context); };
}

} // namespace mk::ui
