#include "ui/wizards/common/RunWizardPage.h"

#include "ui/wizards/common/OperationWizard.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace mk::ui {

RunWizardPage::RunWizardPage(OperationWizard* wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
    , m_status(makeWrappedLabel(this, "runStatusLabel"))
    , m_progress(new QProgressBar(this))
    , m_location(makeWrappedLabel(this, "runLocationLabel"))
    , m_timeLeft(makeWrappedLabel(this, "runTimeLeftLabel"))
    , m_stop(makeStopFlag())
{
    setObjectName(QStringLiteral("runWizardPage"));
    setTitle(tr("Run"));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("Show &result"));
    m_progress->setObjectName(QStringLiteral("runProgressBar"));
    m_progress->setAccessibleName(tr("Progress"));
    m_progress->setTextVisible(true);
    auto* hint = makeWrappedLabel(this, "runHintLabel");
    hint->setText(tr("Work is committed in batches. Cancel stops after the current batch: every "
                     "value stays decryptable, and running the operation again finishes the job."));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addWidget(m_location);
    layout->addWidget(m_timeLeft);
    layout->addStretch(1);
    layout->addWidget(hint);

    connect(&m_watcher, &QFutureWatcherBase::finished, this, &RunWizardPage::onFinished);
    connect(&m_watcher, &QFutureWatcherBase::progressRangeChanged, m_progress, &QProgressBar::setRange);
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, this, &RunWizardPage::onProgress);
    connect(&m_watcher, &QFutureWatcherBase::progressTextChanged, m_location, &QLabel::setText);
}

RunWizardPage::~RunWizardPage()
{
    cancelAndWait();
}

void RunWizardPage::cancelAndWait()
{
    m_stop->store(true);
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void RunWizardPage::initializePage()
{
    start();
}

void RunWizardPage::start()
{
    if (m_watcher.isRunning())
        return;
    m_started = true;
    m_stopping = false;
    const bool dryRun = m_wizard->isDryRun();
    setSubTitle(tr("%1 on %2%3")
                    .arg(m_wizard->actionName(), m_wizard->databaseName(),
                         dryRun ? tr(" (dry run: nothing is written)") : QString()));
    m_status->setText(dryRun ? tr("Dry run in progress…") : tr("Running…"));
    m_progress->setRange(0, 0);
    m_progress->setValue(0);
    m_location->clear();
    m_timeLeft->clear();
    m_stop = makeStopFlag();
    m_elapsed.start();
    m_watcher.setFuture(startWizardJob(m_wizard->pool(), m_wizard->runJobWithInstances(), m_stop));
    emit completeChanged();
    emit m_wizard->runStarted();
}

void RunWizardPage::requestStop()
{
    if (!m_watcher.isRunning())
        return;
    m_stopping = true;
    m_stop->store(true);
    m_status->setText(tr("Cancelling… the current batch finishes first."));
}

void RunWizardPage::onProgress(int value)
{
    m_progress->setValue(value);
    const int total = m_progress->maximum() - m_progress->minimum();
    const qint64 ms = m_elapsed.elapsed();
    if (total <= 0 || value <= 0 || ms < 1500)
        return;
    const qint64 left = ms * (total - value) / value / 1000;
    m_timeLeft->setText(tr("About %1 left").arg(durationText(qMax<qint64>(1, left))));
}

void RunWizardPage::onFinished()
{
    const qint64 ms = m_elapsed.elapsed();
    m_timeLeft->clear();
    if (m_watcher.isCanceled() || m_watcher.future().resultCount() == 0) {
        // Only the destructor cancels the future itself.
        m_status->setText(tr("Stopped."));
        emit completeChanged();
        return;
    }
    const model::Result<model::OperationResult> result = m_watcher.result();
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    if (!result)
        m_status->setText(tr("Failed: %1").arg(result.error().message));
    else if (result->canceled)
        m_status->setText(tr("Cancelled after %1 values.").arg(number(result->changed)));
    else
        m_status->setText(tr("Finished."));
    emit completeChanged();
    m_wizard->recordRun(result, ms);
}

bool RunWizardPage::isComplete() const
{
    return m_started && !m_watcher.isRunning();
}

} // namespace mk::ui
