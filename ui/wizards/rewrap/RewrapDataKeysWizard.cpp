#include "ui/wizards/rewrap/RewrapDataKeysWizard.h"

#include "model/config/SecretKeySource.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "ui/wizards/common/IntroWizardPage.h"
#include "ui/wizards/common/WizardWidgets.h"
#include "ui/wizards/rewrap/RewrapOptionsWizardPage.h"

#include <QButtonGroup>
#include <QRadioButton>
#include <QVBoxLayout>

namespace mk::ui {

RewrapDataKeysWizard::RewrapDataKeysWizard(Mode mode,
                                           const model::Target& target,
                                           const QString& databaseName,
                                           Prompter& prompter,
                                           FileChooser& files,
                                           QWidget* parent)
    : OperationWizard(mode == Mode::ChangeSecretKey ? model::OperationKind::ChangeSecretKey
                                                    : model::OperationKind::RewrapDataKeys,
                      target, databaseName, prompter, files, parent)
    , m_options(new RewrapOptionsWizardPage(this))
    , m_rewrapRadio(new QRadioButton(tr("Re-&wrap the data keys with the configured (or another) KEK provider")))
    , m_changeKeyRadio(new QRadioButton(tr("&Change the secret key")))
{
    setObjectName(QStringLiteral("rewrapDataKeysWizard"));
    setUpPages(m_options);
    m_rewrapRadio->setObjectName(QStringLiteral("modeRewrapRadio"));
    m_changeKeyRadio->setObjectName(QStringLiteral("modeChangeKeyRadio"));
    auto* group = new QButtonGroup(this);
    group->addButton(m_rewrapRadio);
    group->addButton(m_changeKeyRadio);
    introPage()->extraLayout()->addWidget(m_rewrapRadio);
    introPage()->extraLayout()->addWidget(m_changeKeyRadio);
    introPage()->extraLayout()->addSpacing(8);
    (mode == Mode::ChangeSecretKey ? m_changeKeyRadio : m_rewrapRadio)->setChecked(true);
    setMode(mode);
    connect(m_changeKeyRadio, &QRadioButton::toggled, this,
            [this](bool on) { setMode(on ? Mode::ChangeSecretKey : Mode::Rewrap); });
}

RewrapDataKeysWizard::~RewrapDataKeysWizard()
{
    m_options->cancelAndWait(); // a provider check or key creation in the token
    m_runKey.fill('\0');
}

RewrapDataKeysWizard::Mode RewrapDataKeysWizard::mode() const
{
    return kind() == model::OperationKind::ChangeSecretKey ? Mode::ChangeSecretKey : Mode::Rewrap;
}

void RewrapDataKeysWizard::setMode(Mode mode)
{
    setKind(mode == Mode::ChangeSecretKey ? model::OperationKind::ChangeSecretKey
                                          : model::OperationKind::RewrapDataKeys);
    {
        const QSignalBlocker blocker(m_changeKeyRadio);
        m_changeKeyRadio->setChecked(mode == Mode::ChangeSecretKey);
        m_rewrapRadio->setChecked(mode == Mode::Rewrap);
    }
    setWindowTitle(mode == Mode::ChangeSecretKey ? tr("Change Secret Key — %1").arg(databaseName())
                                                 : tr("Re-encrypt Data Keys — %1").arg(databaseName()));
    introPage()->refreshText();
}

QString RewrapDataKeysWizard::actionName() const
{
    return mode() == Mode::ChangeSecretKey ? tr("Change the secret key") : tr("Re-encrypt data keys");
}

bool RewrapDataKeysWizard::isDestructive() const
{
    return mode() == Mode::ChangeSecretKey;
}

bool RewrapDataKeysWizard::canRetry() const
{
    if (mode() == Mode::Rewrap)
        return OperationWizard::canRetry();
    // One transaction: after a commit the database is under the new key, a re-run would need it as
    // the current key. Only a run that was stopped (nothing written) or failed can run again.
    if (!lastResult())
        return !lastError().isEmpty();
    return lastResult()->canceled && !lastResult()->dryRun;
}

QString RewrapDataKeysWizard::introText() const
{
    const config::SecuritySettings& security = target().config.security;
    if (mode() == Mode::ChangeSecretKey)
        return tr("<p><b>Change the secret key</b> re-wraps every data key with a new secret key and "
                  "re-encrypts every value encrypted directly with the secret key (legacy values, "
                  "<tt>alert_notification</tt>, legacy values in <tt>alert_configuration_history</tt>), "
                  "all in <b>one transaction</b>, then verifies everything with the new key. The data "
                  "keys themselves and the envelope values do not change.</p>"
                  "<p><b>Every instance must get the new key.</b> After the change, only the new key "
                  "decrypts this database: set <tt>[security] secret_key</tt> (or "
                  "<tt>GF_SECURITY_SECRET_KEY</tt>) on every Grafana/Mosaicoo instance and restart "
                  "them; the last page shows the line and the order of steps. Stop the instances "
                  "first if you can.</p>"
                  "<p>The new key is typed twice or generated here and kept in memory only. It is "
                  "never logged and never stored, except in a file you choose (mode 0600).</p>"
                  "<p>Any version of Grafana/Mosaicoo reads the result, once it has the new key.</p>");
    return tr("<p><b>Re-encrypt data keys</b> unwraps every data key with the provider that wrapped it "
              "and wraps it again with the current KEK provider (<b>%1</b>), or another one from the "
              "configuration (moving to a KMS). Each key gets today's label. The data key bytes and "
              "ids never change, so every envelope value stays valid and no value is rewritten.</p>"
              "<p><b>Several instances (HA).</b> Instances keep their decrypted keys cached for up to "
              "<tt>data_keys_cache_ttl</tt> (%2), which is harmless. An instance whose configuration "
              "lacks the new provider cannot unwrap the keys once its cache expires: configure the "
              "provider everywhere first.</p>"
              "<p>Grafana/Mosaicoo 8.4 and newer read re-wrapped keys (provider <tt>secretKey.v1</tt>); "
              "KMS providers need the matching Enterprise configuration.</p>")
        .arg(security.encryptionProvider.toHtmlEscaped(), durationText(security.dataKeysCacheTtlSeconds));
}

WizardJob<model::Result<model::Preflight>> RewrapDataKeysWizard::preflightJob() const
{
    model::RewrapDataKeysOptions options;
    static_cast<model::OperationOptions&>(options) = commonOptions();
    options.dryRun = false;
    options.force = false;
    if (mode() == Mode::ChangeSecretKey) {
        // The plan (which values and keys move to the new key) does not depend on the key itself,
        // which is only chosen on the next page: plan with a throw-away one (nothing is written).
        options.newSecretKey = RewrapOptionsWizardPage::generateKey().toUtf8();
    }
    const model::Target t = target();
    return [t, options](model::JobContext* context) { return model::preflightRewrapDataKeys(t, options, context); };
}

WizardJob<model::Result<model::OperationResult>> RewrapDataKeysWizard::runJob() const
{
    model::RewrapDataKeysOptions options;
    static_cast<model::OperationOptions&>(options) = commonOptions();
    if (mode() == Mode::ChangeSecretKey) {
        m_runKey = m_options->newSecretKey();
        m_runKeyGenerated = m_options->isKeyGenerated();
        m_runKeyFile = m_options->savedKeyFile();
        options.newSecretKey = m_runKey;
        options.newSecretKeySource = m_options->savedKeyFile();
    } else {
        options.provider = m_options->provider();
    }
    const model::Target t = target();
    return [t, options](model::JobContext* context) {
        auto result = model::runRewrapDataKeys(t, options, context);
        return result;
    };
}

QByteArray RewrapDataKeysWizard::newSecretKeyInPlace() const
{
    const auto& result = lastResult();
    if (mode() != Mode::ChangeSecretKey || !result || result->dryRun || result->canceled || result->refused)
        return {};
    return m_runKey;
}

model::Target RewrapDataKeysWizard::targetAfterRun() const
{
    const auto& result = lastResult();
    if (mode() != Mode::ChangeSecretKey || !result || result->dryRun || result->canceled || m_runKey.isEmpty())
        return target();
    model::Target changed = target();
    changed.secretKey = m_runKey;
    // Where the key comes from now: this wizard (generated or typed), perhaps saved to a file.
    changed.secretKeyGenerated = m_runKeyGenerated;
    changed.secretKeyTyped = !m_runKeyGenerated;
    changed.secretKeySavedTo = m_runKeyFile;
    changed.publicDefaultKey = m_runKey == QByteArray(config::kPublicDefaultSecretKey);
    return changed;
}

} // namespace mk::ui
