#pragma once

#include "model/ModelError.h"
#include "model/ops/OperationResult.h"
#include "ui/wizards/common/JobRunner.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QWizardPage>

class QLabel;
class QProgressBar;

namespace mk::ui {

class OperationWizard;

// Page 6, the commit page: runs the operation on a worker thread with a progress bar, the location
// being written and the time left. The wizard's Cancel asks, then stops the job between batches
// (every committed batch is complete); the Result page reports what was done.
class RunWizardPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit RunWizardPage(OperationWizard* wizard);
    ~RunWizardPage() override;

    void initializePage() override;
    bool isComplete() const override;

    bool isRunning() const { return m_watcher.isRunning(); }
    bool isStopping() const { return m_stopping; }
    void start();
    // Asks the job to stop after the current batch (no waiting).
    void requestStop();
    void cancelAndWait();
    const QFutureWatcher<model::Result<model::OperationResult>>& watcher() const { return m_watcher; }

private:
    void onFinished();
    void onProgress(int value);

    OperationWizard* m_wizard;
    QLabel* m_status;
    QProgressBar* m_progress;
    QLabel* m_location;
    QLabel* m_timeLeft;
    QFutureWatcher<model::Result<model::OperationResult>> m_watcher;
    StopFlag m_stop;
    QElapsedTimer m_elapsed;
    bool m_started = false;
    bool m_stopping = false;
};

} // namespace mk::ui
