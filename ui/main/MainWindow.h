#pragma once

#include "model/ActivityEntry.h"
#include "model/ActivityLog.h"
#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/CensusJob.h"
#include "model/ops/OperationResult.h"
#include "model/ops/ReEncryptJob.h"
#include "model/ops/VerifyJob.h"
#include "ui/main/RecentConnection.h"
#include "ui/wizards/common/OperationWizard.h"

#include <QFutureWatcher>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <optional>

class QDialog;
class QLabel;
class QMessageBox;
class QMenu;
class QTabWidget;

namespace mk::ui {

class ActivityLogPane;
class ConnectionDialog;
class DataKeysPane;
class FileChooser;
class MessageBanner;
class OverviewPane;
class Prompter;
class SecretsPane;

// The console: menus, toolbar, status bar and four panes (overview, secrets, data keys, activity).
// Opening a database starts the census on a worker thread (dedicated pool + QFutureWatcher) and
// the secrets index in the secrets model's own thread; nothing blocks the GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum Pane
    {
        OverviewTab,
        SecretsTab,
        DataKeysTab,
        ActivityTab,
    };

    MainWindow(Prompter& prompter, model::ActivityLog log, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Shows the connection dialog (non-blocking, window-modal); returns it for tests.
    ConnectionDialog* showConnectionDialog(int page = 0);
    void openTarget(const model::Target& target);
    // Opens a target reached from outside the dialog (the command line) and lists it under Open
    // Recent.
    void openRemembered(const model::Target& target, const RecentConnection& connection);
    void reload();
    void showPane(Pane pane);
    void showStartupError(const QString& message);
    void recordActivity(const model::ActivityEntry& entry);
    // Opens the wizard of an operation on the open database (window-modal, non-blocking); an open
    // wizard is raised instead. Returns it for tests; nullptr without a database.
    OperationWizard* startOperation(model::OperationKind kind);
    OperationWizard* currentWizard() const { return m_wizard; }
    // File pickers of the wizards (tests inject a FakeFileChooser; default: QFileDialog).
    void setFileChooser(FileChooser* chooser);
    // File ▸ Back Up… / Restore…: the CLI's backup and restore (same jobs, same safety: a new 0600
    // file that never replaces one; restore shows what it would do and asks first).
    void backUp();
    void restore();
    bool isFileJobRunning() const { return m_fileJobWatcher.isRunning(); }
    // Help menu (non-blocking; returned for tests).
    QDialog* showUserGuide();
    QDialog* showShortcuts();
    QMessageBox* showAbout();

    OverviewPane* overviewPane() const { return m_overview; }
    SecretsPane* secretsPane() const { return m_secrets; }
    DataKeysPane* dataKeysPane() const { return m_dataKeys; }
    ActivityLogPane* activityLogPane() const { return m_activity; }
    bool isCensusRunning() const { return m_censusWatcher.isRunning(); }
    bool isKeyCheckRunning() const { return m_keyCheckWatcher.isRunning(); }
    // The sampled key check of the last opening (the operations' preflight), once finished.
    const std::optional<model::KeyCheck>& keyCheck() const { return m_keyCheck; }
    const std::optional<model::CensusResult>& census() const { return m_census; }
    // The last Verify of the open database; stale once the database was read again (an operation
    // ran, Reload) until the next Verify.
    const std::optional<model::VerifyResult>& lastVerify() const { return m_lastVerify; }
    bool isLastVerifyStale() const { return m_verifyStale; }

signals:
    void databaseOpened(const QString& name);
    void censusFinished(bool ok);
    // The sampled key check that runs on opening finished (ok: it ran; see keyCheck()).
    void keyCheckFinished(bool ok);
    void backupFinished(bool ok);
    void restoreFinished(bool ok); // also after a declined or failed preview
    void interruptedWriteRolledBack(bool ok);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createMenus();
    void rebuildRecentMenu();
    void onCensusFinished();
    void onKeyCheckFinished();
    void enterAnotherKey();
    void onFileJobFinished();
    void rollBackInterruptedWrite();
    void startFileJob(std::function<model::Result<model::OperationResult>(model::JobContext*)> job);
    void onVerifyFinished(const model::VerifyResult& result);
    void updateStatusBar();
    void updateHealthBanner(qint64 failing, qint64 total, bool verified);
    // After the database was read again: what the last Verify (and the run since) found, said to
    // be stale, with Verify offered. False when there is no Verify to remember.
    bool showStaleVerifyBanner();
    void updateKeyHealth();
    void setOperationsEnabled(bool enabled);

    Prompter& m_prompter;
    model::ActivityLog m_log;
    QTabWidget* m_tabs;
    MessageBanner* m_keyBanner;
    MessageBanner* m_healthBanner;
    OverviewPane* m_overview;
    SecretsPane* m_secrets;
    DataKeysPane* m_dataKeys;
    ActivityLogPane* m_activity;
    QLabel* m_statusDatabase;
    QLabel* m_statusCounts;
    QMenu* m_recentMenu = nullptr;
    QPointer<ConnectionDialog> m_dialog;
    QPointer<OperationWizard> m_wizard;
    QPointer<QDialog> m_guide;
    std::unique_ptr<FileChooser> m_defaultFiles;
    FileChooser* m_files;

    QThreadPool m_pool;
    QFutureWatcher<model::Result<model::CensusResult>> m_censusWatcher;
    QFutureWatcher<model::Result<model::Preflight>> m_keyCheckWatcher;
    std::optional<model::KeyCheck> m_keyCheck;
    enum class FileJob
    {
        Backup,
        RestorePreview,
        Restore,
        RollBackInterruptedWrite,
    };
    FileJob m_fileJob = FileJob::Backup;
    QString m_fileJobPath;
    QFutureWatcher<model::Result<model::OperationResult>> m_fileJobWatcher;
    std::optional<RecentConnection> m_connection; // how the open database was reached
    std::optional<model::Target> m_target;
    std::optional<model::CensusResult> m_census;
    bool m_censusFailed = false; // the last census of the open database failed (the banner says why)
    QString m_databaseName;
    QHash<QString, QString> m_keyCheckHealth; // the opening's key check, per data key id
    std::optional<model::VerifyResult> m_lastVerify;
    bool m_verifyStale = false;
    struct RunSinceVerify
    {
        QString operation;
        qint64 failed = 0;
    };
    std::optional<RunSinceVerify> m_runSinceVerify;
    // What the health banner's button does.
    enum class HealthAction
    {
        ShowFailed,                // the failing rows in the Secrets pane
        Verify,                    // Verify (again)
        RollBackInterruptedWrite,  // play back a killed writer's hot journal, then open again
    };
    HealthAction m_healthAction = HealthAction::ShowFailed;
};

} // namespace mk::ui
