#pragma once

#include "model/ActivityEntry.h"
#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/OperationResult.h"
#include "ui/wizards/common/JobRunner.h"

#include <QThreadPool>
#include <QWizard>

#include <functional>
#include <optional>

namespace mk::ui {

class BackupWizardPage;
class ConfirmWizardPage;
class FileChooser;
class IntroWizardPage;
class OptionsWizardPage;
class PreflightWizardPage;
class Prompter;
class ResultWizardPage;
class RunWizardPage;

// Base of the four operation wizards (product.md §3): What this does → Preflight → Options →
// Backup → Confirm → Run (commit page) → Result. Every job runs on the wizard's own thread pool
// (QtConcurrent run-with-promise + QFutureWatcher in the page); the GUI thread never waits.
// Subclasses supply the texts, the options page and the two jobs (preflight and run) as snapshots
// of their inputs.
class OperationWizard : public QWizard
{
    Q_OBJECT

public:
    enum PageId
    {
        IntroPageId,
        PreflightPageId,
        OptionsPageId,
        BackupPageId,
        ConfirmPageId,
        RunPageId,
        ResultPageId,
    };

    ~OperationWizard() override;

    model::OperationKind kind() const { return m_kind; }
    const model::Target& target() const { return m_target; }
    const QString& databaseName() const { return m_databaseName; }
    // What the administrator types on the confirm page of a destructive operation: the file name
    // of a SQLite database, the database name on a server.
    QString confirmationName() const;
    bool isSqlite() const;
    Prompter& prompter() const { return m_prompter; }
    FileChooser& fileChooser() const { return m_files; }
    QThreadPool& pool() { return m_pool; }

    // Plain-words description of the operation for the first page (rich text).
    virtual QString introText() const = 0;
    // Rollback and the change of the secret key ask for the database name before they run.
    virtual bool isDestructive() const { return false; }
    // A short verb for buttons and titles ("re-encrypt", "roll back", ...).
    virtual QString actionName() const = 0;
    // Snapshot jobs; called on the GUI thread, run on a worker.
    virtual WizardJob<model::Result<model::Preflight>> preflightJob() const = 0;
    virtual WizardJob<model::Result<model::OperationResult>> runJob() const = 0;
    // Operations after which new writes should use new keys at once: with instances configured
    // (and the options page's check box on), the run ends with a rotation through their API.
    virtual bool rotatesThroughInstancesAtEnd() const { return false; }
    // runJob(), followed by that rotation when it applies (what the Run page starts).
    WizardJob<model::Result<model::OperationResult>> runJobWithInstances() const;
    // The target the panes should show after a run (the change of the secret key: the new key).
    virtual model::Target targetAfterRun() const { return m_target; }
    // The secret key the last run put in place (the change of the secret key; memory only), for
    // the configuration lines the result page offers to copy. Empty otherwise.
    virtual QByteArray newSecretKeyInPlace() const { return {}; }
    // Whether "Retry failed rows" makes sense for the last result.
    virtual bool canRetry() const;
    // Failures that a second run can fix (conflicts, an unreachable provider), as opposed to values
    // that need Repair.
    static qint64 retryableFailures(const model::OperationResult& result);
    static bool isRetryable(model::FailureReason reason);
    // The last result as "Export JSON…" writes it (the CLI's --json object of the operation).
    virtual QByteArray lastResultJson() const;
    // The preflight decrypts every value (repair's is a whole dry run), not a sample.
    virtual bool preflightDecryptsEveryValue() const { return false; }
    // The run commits everything at once (otherwise batch by batch).
    virtual bool commitsInOneTransaction() const { return false; }
    // The options the preflight's counts depend on (rollback: the format), to tell when they changed.
    virtual QString preflightSettings() const { return {}; }
    QString preflightSettingsUsed() const { return m_preflightSettings; }

    // State collected by the pages.
    bool isDryRun() const;
    bool isForced() const;
    bool acceptsLoss() const;
    QString backupFile() const;
    const std::optional<model::Preflight>& preflight() const { return m_preflight; }
    const std::optional<model::OperationResult>& lastResult() const { return m_result; }
    const QString& lastError() const { return m_error; }
    bool isRunning() const;

    // What the last Verify of this database found failing (the main window passes it while it is
    // current): the preflight predicts those values as failures where the operation rewrites them.
    void setVerifyFailures(const QList<model::ValueFailure>& failures);
    bool verifyFailuresKnown() const { return m_verifyKnown; }

    // Tests (and power users) may adjust the options of every job (batch size, hooks).
    void setOptionsAdjuster(std::function<void(model::OperationOptions&)> adjuster);

    IntroWizardPage* introPage() const { return m_introPage; }
    PreflightWizardPage* preflightPage() const { return m_preflightPage; }
    OptionsWizardPage* optionsPage() const { return m_optionsPage; }
    BackupWizardPage* backupPage() const { return m_backupPage; }
    ConfirmWizardPage* confirmPage() const { return m_confirmPage; }
    RunWizardPage* runPage() const { return m_runPage; }
    ResultWizardPage* resultPage() const { return m_resultPage; }

    // Result page: run the same operation again (idempotent: only what failed is left to do).
    void retryFailedRows();
    // Stops every job of the pages and waits for it (destructor, closing the main window).
    void cancelAndWait();
    // Cancel: while a run is going, asks (Prompter) and stops it after the current batch; the
    // Result page then reports what was done. Otherwise closes (running checks are stopped).
    void reject() override;

signals:
    void preflightStarted();
    void preflightFinished(bool ok);
    void backupFinished(bool ok);
    void runStarted();
    void runFinished(bool ok);
    // After every run (and retry) that returned a result: the panes refresh, the log records it.
    void operationFinished(const mk::model::OperationResult& result);
    void activity(const mk::model::ActivityEntry& entry);
    // Rotate's result offers re-encrypt once other instances dropped the old key.
    void followUpRequested(mk::model::OperationKind kind);

protected:
    OperationWizard(model::OperationKind kind,
                    const model::Target& target,
                    const QString& databaseName,
                    Prompter& prompter,
                    FileChooser& files,
                    QWidget* parent);

    // Subclasses call it at the end of their constructor with their options page.
    void setUpPages(OptionsWizardPage* options);
    void setKind(model::OperationKind kind) { m_kind = kind; }
    // Options every job shares (dry run, force, the adjuster).
    model::OperationOptions commonOptions() const;

private:
    friend class PreflightWizardPage;
    friend class RunWizardPage;
    void setPreflight(std::optional<model::Preflight> preflight)
    {
        m_preflight = std::move(preflight);
        m_preflightSettings = preflightSettings();
    }
    void recordRun(const model::Result<model::OperationResult>& result, qint64 elapsedMs);
    void onCancelRequested();

    model::OperationKind m_kind;
    model::Target m_target;
    QString m_databaseName;
    Prompter& m_prompter;
    FileChooser& m_files;
    QThreadPool m_pool;
    std::function<void(model::OperationOptions&)> m_adjuster;
    QList<model::ValueFailure> m_verifyFailures;
    bool m_verifyKnown = false;
    std::optional<model::Preflight> m_preflight;
    std::optional<model::OperationResult> m_result;
    QString m_error;
    QString m_preflightSettings;

    IntroWizardPage* m_introPage = nullptr;
    PreflightWizardPage* m_preflightPage = nullptr;
    OptionsWizardPage* m_optionsPage = nullptr;
    BackupWizardPage* m_backupPage = nullptr;
    ConfirmWizardPage* m_confirmPage = nullptr;
    RunWizardPage* m_runPage = nullptr;
    ResultWizardPage* m_resultPage = nullptr;
};

} // namespace mk::ui
