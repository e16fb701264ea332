#pragma once

#include "model/ModelError.h"
#include "model/ops/OperationResult.h"
#include "ui/wizards/common/JobRunner.h"

#include <QFutureWatcher>
#include <QWizardPage>

class QCheckBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace mk::ui {

class MessageBanner;
class OperationWizard;

// Page 2: the operation's preflight on a worker thread (nothing is written): per-location counts of
// what will change and what will fail, the data-key plan, the sampled secret-key check (a suspected
// wrong key blocks Next until the override is ticked) and, for rollback, the data keys whose
// deletion would lose values (deleted only with an explicit acceptance).
class PreflightWizardPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit PreflightWizardPage(OperationWizard* wizard);
    ~PreflightWizardPage() override;

    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;

    bool isRunning() const { return m_watcher.isRunning(); }
    bool isForced() const;
    bool acceptsLoss() const;
    // A running server was suspected and the user declared the evidence stale (--servers-stopped).
    bool serversDeclaredStopped() const;
    // The administrator ticked "also rewrite values too short to prove the key".
    bool includesUnverifiable() const;
    void start();
    void cancelAndWait();
    // An operation's own details (repair: what each candidate key opens), after the standard tabs.
    void addDetailsTab(QWidget* widget, const QString& title);

private:
    void onFinished();
    void showPreflight(const model::Preflight& preflight);
    void clearResults();

    OperationWizard* m_wizard;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_retry;
    MessageBanner* m_keyBanner;
    MessageBanner* m_livenessBanner;
    QCheckBox* m_serversStopped;
    QCheckBox* m_override;
    QLabel* m_summary;
    QLabel* m_notes;
    QLabel* m_losses;
    QCheckBox* m_acceptLoss;
    QCheckBox* m_includeUnverifiable;
    QTabWidget* m_tabs;
    QTableWidget* m_locations;
    QTableWidget* m_dataKeys;
    QTableWidget* m_failures;
    QFutureWatcher<model::Result<model::Preflight>> m_watcher;
    StopFlag m_stop;
    bool m_ok = false;
    bool m_refused = false;
    bool m_livenessRefused = false;
};

} // namespace mk::ui
