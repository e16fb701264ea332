#pragma once

#include "model/ModelError.h"
#include "model/ops/OperationResult.h"
#include "ui/wizards/common/JobRunner.h"

#include <QFutureWatcher>
#include <QWizardPage>

class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace mk::ui {

class OperationWizard;

// Page 4 (rule 7, backup first): an online copy of a SQLite database next to it, or a JSON export
// of data_keys and every secret column (PostgreSQL/MySQL), made on a worker thread. Skipping needs
// an explicit tick.
class BackupWizardPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit BackupWizardPage(OperationWizard* wizard);
    ~BackupWizardPage() override;

    void initializePage() override;
    bool isComplete() const override;

    // The default file: <database>-backup-<yyyyMMdd-HHmmss>.db next to a SQLite file, else a JSON
    // export in the documents folder.
    QString defaultPath() const;
    QString backupFile() const { return m_doneFile; }
    bool isSkipped() const;
    bool isRunning() const { return m_watcher.isRunning(); }
    void startBackup();
    void cancelAndWait();

private:
    void onFinished();
    void browse();

    OperationWizard* m_wizard;
    QLineEdit* m_path;
    QPushButton* m_browse;
    QPushButton* m_start;
    QProgressBar* m_progress;
    QLabel* m_status;
    QCheckBox* m_skip;
    QFutureWatcher<model::Result<model::OperationResult>> m_watcher;
    StopFlag m_stop;
    QString m_doneFile;
};

} // namespace mk::ui
