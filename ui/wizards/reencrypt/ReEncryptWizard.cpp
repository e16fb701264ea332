#include "ui/wizards/reencrypt/ReEncryptWizard.h"

#include "model/ops/ReEncryptJob.h"
#include "ui/wizards/reencrypt/ReEncryptOptionsWizardPage.h"

namespace mk::ui {

ReEncryptWizard::ReEncryptWizard(const model::Target& target,
                                 const QString& databaseName,
                                 Prompter& prompter,
                                 FileChooser& files,
                                 QWidget* parent)
    : OperationWizard(model::OperationKind::ReEncrypt, target, databaseName, prompter, files, parent)
    , m_options(new ReEncryptOptionsWizardPage(this))
{
    setObjectName(QStringLiteral("reEncryptWizard"));
    setWindowTitle(tr("Re-encrypt Secrets — %1").arg(databaseName));
    setUpPages(m_options);
}

QString ReEncryptWizard::actionName() const
{
    return tr("Re-encrypt");
}

QString ReEncryptWizard::introText() const
{
    const config::SecuritySettings& security = target().config.security;
    return tr("<p><b>Re-encrypt secrets</b> decrypts every encrypted value (data source passwords, "
              "OAuth tokens, alerting credentials, signing keys, …) and encrypts it again under "
              "<b>today's data key</b> (label <tt>YYYY-MM-DD/root@%1</tt>, created and committed "
              "first when there is none) with the configured algorithm <b>%2</b>. "
              "<tt>alert_notification</tt> stays legacy (encrypted with the secret key); "
              "<tt>cache_data</tt> and <tt>alert_configuration_history</tt> are never touched.</p>"
              "<p><b>Who can read the result.</b> Envelope values need Grafana/Mosaicoo <b>8.3 or "
              "newer with the envelopeEncryption toggle</b>, or <b>9.0 or newer</b> (envelope "
              "encryption by default). Older versions cannot read them: roll back before a "
              "downgrade. With <tt>disableEnvelopeEncryption</tt> set, values are written as legacy "
              "values instead and the data keys are kept.</p>"
              "<p><b>Safety.</b> A new ciphertext is written only after it decrypted back to the "
              "same plaintext. Values that do not decrypt (or whose plaintext is implausible, a sign "
              "of a wrong secret key) are reported, never rewritten. Work is committed in batches: "
              "an interruption leaves every value readable, and running it again finishes the job.</p>")
        .arg(security.encryptionProvider.toHtmlEscaped(), security.algorithm.toHtmlEscaped());
}

WizardJob<model::Result<model::Preflight>> ReEncryptWizard::preflightJob() const
{
    model::ReEncryptOptions options;
    static_cast<model::OperationOptions&>(options) = commonOptions();
    options.dryRun = false;
    options.force = false;
    const model::Target t = target();
    return [t, options](model::JobContext* context) { return model::preflightReEncrypt(t, options, context); };
}

WizardJob<model::Result<model::OperationResult>> ReEncryptWizard::runJob() const
{
    model::ReEncryptOptions options;
    static_cast<model::OperationOptions&>(options) = commonOptions();
    options.freshSaltPerValue = m_options->freshSaltPerValue();
    const model::Target t = target();
    return [t, options](model::JobContext* context) { return model::runReEncrypt(t, options, context); };
}

} // namespace mk::ui
