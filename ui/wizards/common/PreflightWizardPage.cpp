#include "ui/wizards/common/PreflightWizardPage.h"

#include "ui/common/GuiWording.h"
#include "ui/common/MessageBanner.h"
#include "ui/common/Plural.h"
#include "ui/wizards/common/OperationWizard.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace mk::ui {

PreflightWizardPage::PreflightWizardPage(OperationWizard* wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
    , m_status(makeWrappedLabel(this, "preflightStatusLabel"))
    , m_progress(new QProgressBar(this))
    , m_retry(new QPushButton(tr("Check &again"), this))
    , m_keyBanner(new MessageBanner(this))
    , m_livenessBanner(new MessageBanner(this))
    , m_serversStopped(new QCheckBox(this))
    , m_override(new QCheckBox(this))
    , m_summary(makeWrappedLabel(this, "preflightSummaryLabel"))
    , m_notes(makeWrappedLabel(this, "preflightNotesLabel"))
    , m_losses(makeWrappedLabel(this, "preflightLossesLabel"))
    , m_acceptLoss(new QCheckBox(this))
    , m_includeUnverifiable(new QCheckBox(this))
    , m_tabs(new QTabWidget(this))
    , m_locations(makeReadOnlyTable(this, "preflightLocationsTable",
                                    {tr("Location"), tr("Values"), tr("Will change"), tr("Unchanged"),
                                     tr("Will fail"), tr("Envelope"), tr("Legacy")}))
    , m_dataKeys(makeReadOnlyTable(this, "preflightDataKeysTable",
                                   {tr("Data key"), tr("Label"), tr("Provider"), tr("Active"),
                                    tr("References"), tr("Health"), tr("Action")}))
    , m_failures(makeReadOnlyTable(this, "preflightFailuresTable",
                                   {tr("Location"), tr("Row"), tr("Field"), tr("Reason")}))
    , m_stop(makeStopFlag())
{
    setObjectName(QStringLiteral("preflightWizardPage"));
    setTitle(tr("Preflight"));
    setSubTitle(tr("Reads every location and decrypts a sample of values. Nothing is written."));

    m_progress->setObjectName(QStringLiteral("preflightProgressBar"));
    m_progress->setAccessibleName(tr("Preflight progress"));
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(220);
    m_retry->setObjectName(QStringLiteral("preflightRetryButton"));
    m_retry->setAccessibleName(tr("Run the preflight again"));
    m_keyBanner->setObjectName(QStringLiteral("keyCheckBanner"));
    m_override->setObjectName(QStringLiteral("overrideKeyCheckBox"));
    m_override->setText(tr("I am sure the secret key is right: run anyway (values that do not "
                           "decrypt are reported, never rewritten)"));
    m_livenessBanner->setObjectName(QStringLiteral("livenessBanner"));
    m_serversStopped->setObjectName(QStringLiteral("serversStoppedCheckBox"));
    m_serversStopped->setText(tr("Every server is stopped: this evidence is stale"));
    m_acceptLoss->setObjectName(QStringLiteral("acceptLossCheckBox"));
    m_acceptLoss->setText(tr("Delete these data keys anyway and accept that the values listed "
                             "become unreadable"));
    m_includeUnverifiable->setObjectName(QStringLiteral("includeUnverifiableCheckBox"));
    m_includeUnverifiable->setText(tr("Also rewrite legacy values too short to prove the key (only if "
                                      "you are sure the secret key is right)"));
    m_includeUnverifiable->setToolTip(tr("AES-CFB has no integrity check: a text of a few characters "
                                         "decrypts to something plausible under any key. Left unticked, "
                                         "such values are reported and kept as they are."));
    m_tabs->setObjectName(QStringLiteral("preflightTabs"));
    m_tabs->setAccessibleName(tr("Preflight details"));
    m_tabs->addTab(m_locations, tr("Locations"));
    m_tabs->addTab(m_dataKeys, tr("Data keys"));
    m_tabs->addTab(m_failures, tr("Will fail"));

    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_progress);
    statusRow->addWidget(m_retry);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(statusRow);
    layout->addWidget(m_keyBanner);
    layout->addWidget(m_override);
    layout->addWidget(m_livenessBanner);
    layout->addWidget(m_serversStopped);
    layout->addWidget(m_summary);
    layout->addWidget(m_notes);
    layout->addWidget(m_losses);
    layout->addWidget(m_acceptLoss);
    layout->addWidget(m_includeUnverifiable);
    layout->addWidget(m_tabs, 1);

    connect(m_retry, &QPushButton::clicked, this, &PreflightWizardPage::start);
    connect(m_override, &QCheckBox::toggled, this, &PreflightWizardPage::completeChanged);
    connect(m_serversStopped, &QCheckBox::toggled, this, &PreflightWizardPage::completeChanged);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &PreflightWizardPage::onFinished);
    connect(&m_watcher, &QFutureWatcherBase::progressRangeChanged, m_progress, &QProgressBar::setRange);
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, m_progress, &QProgressBar::setValue);
    clearResults();
}

PreflightWizardPage::~PreflightWizardPage()
{
    cancelAndWait();
}

void PreflightWizardPage::cancelAndWait()
{
    m_stop->store(true);
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void PreflightWizardPage::initializePage()
{
    if (m_wizard->preflightDecryptsEveryValue())
        setSubTitle(tr("A dry run of the whole operation: every value is decrypted. Nothing is written."));
    start();
}

void PreflightWizardPage::cleanupPage()
{
    // Back to the first page: stop a running check (the result is dropped).
    if (m_watcher.isRunning()) {
        m_stop->store(true);
        m_watcher.cancel();
    }
}

void PreflightWizardPage::clearResults()
{
    m_ok = false;
    m_refused = false;
    m_keyBanner->hideMessage();
    m_override->hide();
    m_override->setChecked(false);
    m_livenessRefused = false;
    m_livenessBanner->hideMessage();
    m_serversStopped->hide();
    m_serversStopped->setChecked(false);
    m_summary->clear();
    m_notes->clear();
    m_notes->hide();
    m_losses->hide();
    m_acceptLoss->hide();
    m_acceptLoss->setChecked(false);
    m_includeUnverifiable->hide();
    m_includeUnverifiable->setChecked(false);
    m_locations->setRowCount(0);
    m_dataKeys->setRowCount(0);
    m_failures->setRowCount(0);
    m_tabs->setTabText(2, tr("Will fail"));
}

void PreflightWizardPage::start()
{
    if (m_watcher.isRunning())
        return;
    clearResults();
    m_wizard->setPreflight(std::nullopt);
    m_status->setText(tr("Checking %1…").arg(m_wizard->databaseName()));
    m_progress->setRange(0, 0);
    m_progress->show();
    m_retry->setEnabled(false);
    m_stop = makeStopFlag();
    m_watcher.setFuture(startWizardJob(m_wizard->pool(), m_wizard->preflightJob(), m_stop));
    emit completeChanged();
    emit m_wizard->preflightStarted();
}

void PreflightWizardPage::addDetailsTab(QWidget* widget, const QString& title)
{
    m_tabs->addTab(widget, title);
}

void PreflightWizardPage::onFinished()
{
    m_progress->hide();
    m_retry->setEnabled(true);
    if (m_watcher.isCanceled() || m_watcher.future().resultCount() == 0) {
        m_status->setText(tr("The preflight was stopped."));
        emit completeChanged();
        return;
    }
    const model::Result<model::Preflight> result = m_watcher.result();
    if (!result) {
        m_status->setText(tr("The preflight failed."));
        m_keyBanner->setActionText({});
        m_keyBanner->showMessage(result.error().message, MessageBanner::Type::Error);
        emit completeChanged();
        emit m_wizard->preflightFinished(false);
        return;
    }
    m_wizard->setPreflight(*result);
    showPreflight(*result);
    m_ok = true;
    emit completeChanged();
    emit m_wizard->preflightFinished(true);
}

void PreflightWizardPage::showPreflight(const model::Preflight& p)
{
    m_status->setText(tr("Preflight finished: nothing was written."));
    int withValues = 0;
    for (const model::LocationPlan& location : p.locations)
        withValues += location.values > 0 ? 1 : 0;
    QString summary = tr("Of <b>%1</b> (in %2), <b>%3</b> will be rewritten, %4 stay as they are and "
                         "<b>%5</b> will fail.")
                          .arg(countOf(p.values, tr("value"), tr("values")),
                               countOf(withValues, tr("location"), tr("locations")), number(p.toChange),
                               number(p.unchanged), number(p.willFail));
    if (m_wizard->preflightDecryptsEveryValue())
        summary += QLatin1Char(' ') + tr("Every value was decrypted for these counts (a dry run of the whole operation).");
    else if (m_wizard->verifyFailuresKnown())
        summary += QLatin1Char(' ') + tr("The failures include what the last Verify found.");
    else
        summary += QLatin1Char(' ')
                   + tr("Only a sample is decrypted here: run Verify first for an exact count of the "
                        "values that will fail.");
    if (p.createsDataKey)
        summary += QLatin1Char(' ')
                   + tr("A new data key (label %1) is created and committed first.")
                         .arg(p.newDataKeyLabel.toHtmlEscaped());
    const bool rotate = m_wizard->kind() == model::OperationKind::Rotate;
    if (rotate) {
        int active = 0;
        qint64 activeReferences = 0;
        for (const model::DataKeyPlan& key : p.dataKeys) {
            active += key.active ? 1 : 0;
            activeReferences += key.active ? key.references : 0;
        }
        summary = tr("<b>%1</b>, <b>%2</b> of them active: %3. No value is rewritten; %4 under the "
                     "active %5 keep decrypting with %6.")
                      .arg(countOf(p.dataKeys.size(), tr("data key"), tr("data keys")), number(active),
                           active == 1 ? tr("it will be deactivated") : tr("they will be deactivated"),
                           countOf(activeReferences, tr("value"), tr("values")),
                           active == 1 ? tr("key") : tr("keys"), active == 1 ? tr("it") : tr("them"));
    }
    m_tabs->setTabVisible(0, !rotate);
    m_tabs->setTabVisible(2, !rotate);
    m_tabs->setCurrentIndex(rotate ? 1 : 0);
    m_summary->setText(summary);

    m_refused = p.refused;
    if (p.refused) {
        m_keyBanner->showMessage(tr("Refused: %1").arg(guiWording(p.refusal)), MessageBanner::Type::Error);
        if (m_wizard->kind() == model::OperationKind::Repair)
            m_override->setText(tr("I am sure the current secret key is right: repair what the candidates open"));
        m_override->show();
    } else if (p.keyCheck.sampled > 0) {
        m_keyBanner->showMessage(tr("Secret key check: %1").arg(guiWording(p.keyCheck.detail)),
                                 p.keyCheck.keyFailures > 0 ? MessageBanner::Type::Warning
                                                            : MessageBanner::Type::Positive);
    }

    m_livenessRefused = p.liveness.refused;
    if (p.liveness.refused) {
        m_livenessBanner->showMessage(guiWording(p.liveness.message), MessageBanner::Type::Error);
        m_serversStopped->show();
    } else if (p.liveness.suspected) {
        m_livenessBanner->showMessage(guiWording(p.liveness.message), MessageBanner::Type::Warning);
    }

    QStringList notes;
    for (const QString& text : p.irreversible)
        notes << tr("Cannot be undone without the backup: %1").arg(guiWording(text));
    notes << guiWording(p.warnings);
    m_notes->setText(bulletList(notes));
    m_notes->setVisible(!notes.isEmpty());

    for (const model::LocationPlan& l : p.locations) {
        const QString name = l.table + QLatin1Char('.') + l.column;
        appendTableRow(m_locations, {l.touched ? name : tr("%1 (not rewritten)").arg(name), l.values,
                                     l.toChange, l.unchanged, l.willFail, l.envelope, l.legacy});
    }
    fitTableColumns(m_locations, 0);
    for (const model::DataKeyPlan& k : p.dataKeys)
        appendTableRow(m_dataKeys, {k.id, k.label, k.provider, k.active ? tr("yes") : tr("no"),
                                    k.references, k.health, k.action});
    fitTableColumns(m_dataKeys);

    QStringList kept;
    if (m_wizard->kind() == model::OperationKind::Rollback) {
        for (const model::DataKeyPlan& k : p.dataKeys) {
            if (k.action.startsWith(QLatin1String("keep (")))
                kept << QStringLiteral("%1: %2").arg(k.id, k.action);
        }
    }
    if (!kept.isEmpty()) {
        m_losses->setText(tr("<b>Nothing unreferenced is destroyed:</b> these data keys are kept "
                             "because values that rollback does not rewrite still reference them.")
                          + bulletList(kept));
        m_losses->show();
        m_acceptLoss->show();
    }

    // Offered whenever legacy values are rewritten: the sample cannot see every short one.
    const bool legacyRewritten = std::any_of(p.locations.cbegin(), p.locations.cend(),
                                             [](const model::LocationPlan& l) { return l.touched && l.legacy > 0; });
    // Repair decides short values by their neighbours under each key, never by trust in one key.
    m_includeUnverifiable->setVisible(legacyRewritten && m_wizard->kind() != model::OperationKind::Rotate
                                      && m_wizard->kind() != model::OperationKind::Repair);

    fillFailuresTable(m_failures, p.knownFailures);
    m_tabs->setTabText(2, tr("Will fail (%1)").arg(p.knownFailures.size()));
}

bool PreflightWizardPage::isComplete() const
{
    return m_ok && !m_watcher.isRunning() && (!m_refused || m_override->isChecked())
           && (!m_livenessRefused || m_serversStopped->isChecked());
}

bool PreflightWizardPage::serversDeclaredStopped() const
{
    return m_livenessRefused && m_serversStopped->isChecked();
}

bool PreflightWizardPage::isForced() const
{
    return m_refused && m_override->isChecked();
}

bool PreflightWizardPage::includesUnverifiable() const
{
    return m_includeUnverifiable->isVisibleTo(this) && m_includeUnverifiable->isChecked();
}

bool PreflightWizardPage::acceptsLoss() const
{
    return m_acceptLoss->isVisibleTo(this) && m_acceptLoss->isChecked();
}

} // namespace mk::ui
