#pragma once

#include "model/ops/RepairJob.h"
#include "ui/wizards/common/OperationWizard.h"

#include <QMutex>

#include <memory>
#include <optional>

class QLabel;
class QPushButton;
class QTableWidget;

namespace mk::ui {

class RepairOptionsWizardPage;

// Repair (issue 14): finds which candidate secret key opens the data keys and legacy values that
// do not decrypt, re-wraps / re-encrypts them under the current key, restores missing data keys
// from a backup and, only when asked, clears what nothing opens. Pages: what this does → candidate
// keys → preflight (a dry run of the engine: per data key and per location what each candidate
// opens, what stays lost, with the owners) → backup → confirm (every value to be cleared, with its
// owner; the database name typed when anything is cleared) → run → result (counts and the
// re-entry list, exportable as CSV). Same worker-thread pattern as the other wizards.
class RepairWizard : public OperationWizard
{
    Q_OBJECT

public:
    RepairWizard(const model::Target& target,
        const QString& databaseName,
        Prompter& prompter,
        FileChooser& files,
        QWidget* parent = nullptr);

    QString introText() const override;
    QString actionName() const override;
    // Clearing values is destructive: the database name is typed before the run.
    bool isDestructive() const override;
    int nextId() const override;
    WizardJob<model::Result<model::Preflight>> preflightJob() const override;
    WizardJob<model::Result<model::OperationResult>> runJob() const override;
    bool preflightDecryptsEveryValue() const override { return true; }
    // repairToJson: the CLI's `repair --json` object (cleared[], remaining[], candidates[], ...).
    QByteArray lastResultJson() const override;

    RepairOptionsWizardPage* repairOptionsPage() const { return m_options; }
    // The engine's dry run behind the preflight, and the result of the last run.
    const std::optional<model::RepairResult>& preview() const { return m_preview; }
    const std::optional<model::RepairResult>& repairResult() const { return m_result; }

    // The re-entry list: every value cleared or still undecryptable, with its owner and what to do.
    // Never a plaintext or a key.
    static QByteArray reentryCsv(const model::RepairResult& result);
    bool exportReentryList();

    // The engine's dry run as the common preflight page shows it.
    static model::Preflight toPreflight(const model::RepairResult& result, bool clearing);

private:
    // Written by one job on its worker thread, read on the GUI thread once that job finished.
    struct Outcome
    {
        QMutex mutex;
        std::optional<model::RepairResult> result;
    };

    model::RepairOptions repairOptions() const;
    void onPreflightStarted();
    void onPreflightFinished(bool ok);
    void onRunFinished();
    void onPageChanged(int id);
    void showConfirmList();
    void showResultSection();

    RepairOptionsWizardPage* m_options;
    mutable std::shared_ptr<Outcome> m_preflightOutcome;
    mutable std::shared_ptr<Outcome> m_runOutcome;
    std::optional<model::RepairResult> m_preview;
    std::optional<model::RepairResult> m_result;

    // Preflight tabs.
    QLabel* m_candidatesSummary;
    QTableWidget* m_candidatesTable;
    QTableWidget* m_opensTable;
    QTableWidget* m_lostTable;
    // Confirm page.
    QLabel* m_clearLabel;
    QTableWidget* m_clearTable;
    // Result page.
    QLabel* m_resultCounts;
    QTableWidget* m_reentryTable;
    QPushButton* m_exportReentry;
};

} // namespace mk::ui
