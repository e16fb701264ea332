#include "ui/wizards/rotate/RotateWizard.h"

#include "model/ops/ApiRotation.h"
#include "model/ops/RotateJob.h"
#include "ui/wizards/rotate/RotateOptionsWizardPage.h"
#include "ui/wizards/common/WizardWidgets.h"

namespace mk::ui {

RotateWizard::RotateWizard(const model::Target& target,
                           const QString& databaseName,
                           Prompter& prompter,
                           FileChooser& files,
                           QWidget* parent)
    : OperationWizard(model::OperationKind::Rotate, target, databaseName, prompter, files, parent)
    , m_options(new RotateOptionsWizardPage(this))
{
    setObjectName(QStringLiteral("rotateWizard"));
    setWindowTitle(tr("Rotate Data Keys — %1").arg(databaseName));
    setUpPages(m_options);
}

QString RotateWizard::actionName() const
{
    return tr("Rotate");
}

bool RotateWizard::canRetry() const
{
    return !lastResult() && !lastError().isEmpty();
}

QString RotateWizard::introText() const
{
    const qint64 ttl = target().config.security.dataKeysCacheTtlSeconds;
    return tr("<p><b>Rotate data keys</b> marks every active data key inactive, in one transaction. "
              "Nothing else changes: values are not re-encrypted, and the old keys keep decrypting "
              "them (lookup by id ignores the active flag). The next encryption creates a new key "
              "for today's label.</p>"
              "<p><b>Several instances (HA).</b> Each instance keeps encrypting with the key it "
              "cached for up to <tt>data_keys_cache_ttl</tt> (<b>%1</b> in this configuration). "
              "The result page counts down until then; re-encrypt the secrets after that to move "
              "every value to a new key. Each instance creates its own new key, so several active "
              "keys per label are normal.</p>"
              "<p>Rotation exists from Grafana/Mosaicoo 9.0; any version that reads envelope values "
              "reads the result.</p>")
        .arg(durationText(ttl));
}

WizardJob<model::Result<model::Preflight>> RotateWizard::preflightJob() const
{
    model::OperationOptions options = commonOptions();
    options.dryRun = false;
    options.force = false;
    const model::Target t = target();
    return [t, options](model::JobContext* context) { return model::preflightRotate(t, options, context); };
}

WizardJob<model::Result<model::OperationResult>> RotateWizard::runJob() const
{
    const model::OperationOptions options = commonOptions();
    const model::Target t = target();
    if (m_options->viaApi()) {
        // The instances of the console's settings (the same the options page showed).
        const auto instances = model::resolveInstances(model::InstanceRequest{});
        if (instances && !instances->urls.isEmpty()) {
            const model::InstanceTargets targets = *instances;
            return [t, options, targets](model::JobContext* context) {
                return model::runRotateViaApi(t, options, targets, context);
            };
        }
    }
    return [t, options](model::JobContext* context) { return model::runRotate(t, options, context); };
}

} // namespace mk::ui
