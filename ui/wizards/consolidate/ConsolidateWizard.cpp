#include "ui/wizards/consolidate/ConsolidateWizard.h"

#include "model/ops/ConsolidateJob.h"
#include "ui/wizards/common/OptionsWizardPage.h"
#include "ui/wizards/common/WizardWidgets.h"

namespace mk::ui {

ConsolidateWizard::ConsolidateWizard(const model::Target& target,
                                     const QString& databaseName,
                                     Prompter& prompter,
                                     FileChooser& files,
                                     QWidget* parent)
    : OperationWizard(model::OperationKind::Consolidate, target, databaseName, prompter, files, parent)
{
    setObjectName(QStringLiteral("consolidateWizard"));
    setWindowTitle(tr("Consolidate Secrets Manager — %1").arg(databaseName));
    auto* options = new OptionsWizardPage(this);
    options->setSubTitle(tr("Values are re-encrypted in batches; a row changed meanwhile is read again."));
    setUpPages(options);
}

QString ConsolidateWizard::actionName() const
{
    return tr("Consolidate");
}

bool ConsolidateWizard::canRetry() const
{
    return !lastResult() && !lastError().isEmpty();
}

QString ConsolidateWizard::introText() const
{
    const config::SecretsManagerSettings& gsm = target().config.secretsManager;
    return tr("<p><b>Consolidate</b> re-encrypts every value of Grafana's secrets manager "
              "(<tt>secret_encrypted_value</tt>): each namespace gets today's data key, wrapped by the "
              "current provider <b>%1</b>, and every value moves to it. The old data keys are "
              "deactivated, and deleted once no value references them.</p>"
              "<p>This is how the secrets manager's key is rotated: add "
              "<tt>[secrets_manager.encryption.secret_key.v2]</tt>, set <tt>encryption_provider</tt> "
              "to it, consolidate, then drop the old section.</p>"
              "<p>Every value is decrypted before anything is written; a value that does not decrypt "
              "stops the run. Restart the Grafana instances afterwards: they cache data keys for "
              "<tt>data_keys_cache_ttl</tt> (<b>%2</b>).</p>")
        .arg(gsm.encryptionProvider.toHtmlEscaped(), durationText(gsm.dataKeysCacheTtlSeconds));
}

WizardJob<model::Result<model::Preflight>> ConsolidateWizard::preflightJob() const
{
    model::OperationOptions options = commonOptions();
    options.dryRun = false;
    options.force = false;
    const model::Target t = target();
    return [t, options](model::JobContext* context) { return model::preflightConsolidate(t, options, context); };
}

WizardJob<model::Result<model::OperationResult>> ConsolidateWizard::runJob() const
{
    const model::OperationOptions options = commonOptions();
    const model::Target t = target();
    return [t, options](model::JobContext* context) { return model::runConsolidate(t, options, context); };
}

} // namespace mk::ui
