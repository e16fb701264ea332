#include "ui/wizards/common/OperationWizard.h"

#include "model/instances/Instances.h"
#include "model/ops/ApiRotation.h"
#include "ui/UiLog.h"
#include "ui/common/Prompter.h"
#include "ui/wizards/common/BackupWizardPage.h"
#include "ui/wizards/common/ConfirmWizardPage.h"
#include "ui/wizards/common/IntroWizardPage.h"
#include "ui/wizards/common/OptionsWizardPage.h"
#include "ui/wizards/common/PreflightWizardPage.h"
#include "ui/wizards/common/ResultWizardPage.h"
#include "ui/wizards/common/RunWizardPage.h"

#include "model/ops/JsonReport.h"

#include <QAbstractButton>
#include <QFileInfo>
#include <QJsonDocument>

namespace mk::ui {

OperationWizard::OperationWizard(model::OperationKind kind,
                                 const model::Target& target,
                                 const QString& databaseName,
                                 Prompter& prompter,
                                 FileChooser& files,
                                 QWidget* parent)
    : QWizard(parent)
    , m_kind(kind)
    , m_target(target)
    , m_databaseName(databaseName)
    , m_prompter(prompter)
    , m_files(files)
{
    // One job at a time per wizard; the jobs run their own crypto threads (--jobs).
    m_pool.setMaxThreadCount(1);
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage, true);
    setOption(QWizard::NoCancelButtonOnLastPage, true);
    setMinimumSize(780, 600);
    resize(920, 680);
    button(QWizard::NextButton)->setObjectName(QStringLiteral("wizardNextButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("wizardBackButton"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("wizardCancelButton"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("wizardFinishButton"));
    button(QWizard::CommitButton)->setObjectName(QStringLiteral("wizardCommitButton"));
    button(QWizard::HelpButton)->setObjectName(QStringLiteral("wizardHelpButton"));
}

OperationWizard::~OperationWizard()
{
    cancelAndWait();
    m_target.secretKey.fill('\0');
}

void OperationWizard::setUpPages(OptionsWizardPage* options)
{
    m_introPage = new IntroWizardPage(this);
    m_preflightPage = new PreflightWizardPage(this);
    m_optionsPage = options;
    m_backupPage = new BackupWizardPage(this);
    m_confirmPage = new ConfirmWizardPage(this);
    m_runPage = new RunWizardPage(this);
    m_resultPage = new ResultWizardPage(this);
    setPage(IntroPageId, m_introPage);
    setPage(PreflightPageId, m_preflightPage);
    setPage(OptionsPageId, m_optionsPage);
    setPage(BackupPageId, m_backupPage);
    setPage(ConfirmPageId, m_confirmPage);
    setPage(RunPageId, m_runPage);
    setPage(ResultPageId, m_resultPage);
    setStartId(IntroPageId);
}

void OperationWizard::cancelAndWait()
{
    if (m_runPage)
        m_runPage->cancelAndWait();
    if (m_backupPage)
        m_backupPage->cancelAndWait();
    if (m_preflightPage)
        m_preflightPage->cancelAndWait();
}

WizardJob<model::Result<model::OperationResult>> OperationWizard::runJobWithInstances() const
{
    auto job = runJob();
    if (!rotatesThroughInstancesAtEnd() || !m_optionsPage || !m_optionsPage->usesInstances())
        return job;
    // The instances of the console's settings (the ones the options page asked).
    const auto instances = model::resolveInstances(model::InstanceRequest{});
    if (!instances || instances->urls.isEmpty())
        return job;
    const model::Target t = m_target;
    const model::InstanceTargets targets = *instances;
    return [job, t, targets](model::JobContext* context) -> model::Result<model::OperationResult> {
        auto result = job(context);
        if (result)
            model::rotateThroughInstancesAtEnd(t, targets, *result);
        return result;
    };
}

QString OperationWizard::confirmationName() const
{
    if (isSqlite())
        return QFileInfo(m_target.connection.path).fileName();
    return m_target.connection.database;
}

bool OperationWizard::isSqlite() const
{
    return m_target.connection.driver == store::ConnectionSpec::Driver::Sqlite;
}

bool OperationWizard::isDryRun() const
{
    return m_optionsPage && m_optionsPage->isDryRun();
}

bool OperationWizard::isForced() const
{
    return m_preflightPage && m_preflightPage->isForced();
}

bool OperationWizard::acceptsLoss() const
{
    return m_preflightPage && m_preflightPage->acceptsLoss();
}

QString OperationWizard::backupFile() const
{
    return m_backupPage ? m_backupPage->backupFile() : QString();
}

bool OperationWizard::isRunning() const
{
    return m_runPage && m_runPage->isRunning();
}

void OperationWizard::setOptionsAdjuster(std::function<void(model::OperationOptions&)> adjuster)
{
    m_adjuster = std::move(adjuster);
}

void OperationWizard::setVerifyFailures(const QList<model::ValueFailure>& failures)
{
    m_verifyFailures = failures;
    m_verifyKnown = true;
}

model::OperationOptions OperationWizard::commonOptions() const
{
    model::OperationOptions options;
    options.dryRun = isDryRun();
    options.force = isForced();
    options.serversStopped = m_preflightPage && m_preflightPage->serversDeclaredStopped();
    options.includeUnverifiable = m_preflightPage && m_preflightPage->includesUnverifiable();
    options.knownFailures = m_verifyFailures;
    if (m_adjuster)
        m_adjuster(options);
    return options;
}

QByteArray OperationWizard::lastResultJson() const
{
    return m_result ? QJsonDocument(model::operationToJson(*m_result)).toJson(QJsonDocument::Indented) : QByteArray();
}

bool OperationWizard::canRetry() const
{
    if (!m_result)
        return !m_error.isEmpty();
    if (m_result->dryRun)
        return false;
    return m_result->canceled || m_result->conflicts > 0 || retryableFailures(*m_result) > 0;
}

qint64 OperationWizard::retryableFailures(const model::OperationResult& result)
{
    qint64 n = 0;
    for (const model::ValueFailure& failure : result.failures)
        n += isRetryable(failure.reason) ? 1 : 0;
    return n;
}

bool OperationWizard::isRetryable(model::FailureReason reason)
{
    // A row a live server changed meanwhile, a provider that was not reachable, a failed write-back
    // check: running again can succeed. A missing data key, a damaged payload or a value under
    // another key fail the same way every time.
    return reason == model::FailureReason::Conflict || reason == model::FailureReason::ProviderUnavailable
           || reason == model::FailureReason::Other;
}

void OperationWizard::retryFailedRows()
{
    if (currentId() != ResultPageId || isRunning() || !canRetry())
        return;
    back(); // to the run page (QWizard::back() ignores the commit page's disabled Back button)
    m_runPage->start();
}

void OperationWizard::reject()
{
    if (m_runPage && m_runPage->isRunning()) {
        if (m_runPage->isStopping())
            return;
        const bool stop = m_prompter.confirm(
            this, tr("Cancel %1?").arg(actionName()),
            tr("Stop after the current batch? Every batch written so far is complete and every value "
               "stays decryptable; running the operation again finishes the job."),
            tr("Stop"));
        if (!stop || !m_runPage->isRunning())
            return;
        button(QWizard::CancelButton)->setEnabled(false);
        m_runPage->requestStop();
        return;
    }
    // Preflight or backup may still run: their flags stop them, the destructor waits.
    if (m_preflightPage)
        m_preflightPage->cleanupPage();
    QWizard::reject();
}

void OperationWizard::recordRun(const model::Result<model::OperationResult>& result, qint64 elapsedMs)
{
    m_result.reset();
    m_error.clear();
    model::ActivityEntry entry;
    entry.when = QDateTime::currentDateTimeUtc();
    entry.operation = model::operationName(m_kind);
    entry.database = m_databaseName;
    QStringList details;
    if (m_kind == model::OperationKind::ChangeSecretKey)
        details << QStringLiteral("change of the secret key");
    if (!result) {
        m_error = result.error().message;
        entry.outcome = result.error().kind == model::ErrorKind::Refused ? QStringLiteral("refused")
                                                                          : QStringLiteral("failed");
        details << m_error;
        entry.counts = QJsonObject{{QStringLiteral("durationMs"), elapsedMs}};
    } else {
        m_result = *result;
        const model::OperationResult& r = *result;
        if (r.canceled)
            entry.outcome = QStringLiteral("canceled");
        else if (r.dryRun)
            entry.outcome = QStringLiteral("dry-run");
        else if (r.failed > 0)
            entry.outcome = QStringLiteral("failed");
        else if (r.refused)
            entry.outcome = QStringLiteral("refused");
        else if (!r.unfinished.isEmpty())
            entry.outcome = QStringLiteral("unfinished");
        else
            entry.outcome = QStringLiteral("ok");
        if (!r.dryRun)
            details << (backupFile().isEmpty() ? QStringLiteral("backup skipped")
                                               : QStringLiteral("backup %1").arg(backupFile()));
        if (isForced())
            details << QStringLiteral("forced past the secret-key check");
        if (acceptsLoss())
            details << QStringLiteral("accepted loss");
        entry.counts = QJsonObject{
            {QStringLiteral("processed"), r.processed},
            {QStringLiteral("changed"), r.changed},
            {QStringLiteral("skipped"), r.skipped},
            {QStringLiteral("failed"), r.failed},
            {QStringLiteral("conflicts"), r.conflicts},
            {QStringLiteral("dataKeysCreated"), r.dataKeysCreated.size()},
            {QStringLiteral("dataKeysDeleted"), r.dataKeysDeleted},
            {QStringLiteral("dataKeysRewrapped"), r.dataKeysRewrapped},
            {QStringLiteral("dataKeysDeactivated"), r.dataKeysDeactivated},
            {QStringLiteral("durationMs"), r.durationMs},
        };
    }
    entry.detail = details.join(QStringLiteral("; "));
    qCInfo(lcUi).noquote() << "wizard:" << entry.operation << entry.outcome;
    button(QWizard::CancelButton)->setEnabled(true);
    emit activity(entry);
    if (m_result)
        emit operationFinished(*m_result);
    emit runFinished(m_result.has_value());
    if (currentId() == RunPageId)
        next();
}

} // namespace mk::ui
