#pragma once

#include "model/ActivityEntry.h"
#include "model/ModelError.h"
#include "model/Target.h"
#include "model/ops/CensusJob.h"
#include "model/ops/VerifyJob.h"

#include <QFutureWatcher>
#include <QSet>
#include <QThreadPool>
#include <QTimer>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace mk::model {
class SecretsTableModel;
}

namespace mk::ui {

class Prompter;

// Every encrypted value of both stores (the legacy one and the secrets manager's secret_* tables,
// whose secure values of other keepers are listed without a ciphertext): filters (text, store,
// location, format, data key, status) and sorting run on the
// model's index worker; a background verify (Start / Cancel, progress) fills the Status column;
// "Reveal" decrypts one value off the GUI thread after a confirmation and hides it again. Hiding
// (the timeout, the Hide button, another reveal, closing the database) also removes the value from
// the clipboard when it was copied there meanwhile, and wipes the pane's copy of it.
class SecretsPane : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kDefaultRevealTimeoutMs = 30'000;

    SecretsPane(Prompter& prompter, QWidget* parent = nullptr);
    ~SecretsPane() override;

    void setTarget(const model::Target& target, const QString& databaseName);
    void clear();
    void setCensus(const model::CensusResult& census);
    void showDataKey(const QString& dataKeyId);
    void showStatus(const QString& statusToken);

    model::SecretsTableModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    bool isVerifying() const { return m_verifyWatcher.isRunning(); }
    void setRevealTimeout(int ms) { m_revealTimer.setInterval(ms); }

    void startVerify();
    void cancelVerify();
    // The background check of the rows on screen (on by default): shortly after the visible rows
    // change (scrolling, loading, filtering) the values shown with status "not checked" are
    // decrypted on a worker, like Verify does, and their Status filled in. It never runs beside
    // Verify and is canceled by it, by another database and by scrolling on.
    void setBackgroundCheck(bool enabled);
    bool isCheckingVisibleRows() const { return m_visibleWatcher.isRunning(); }
    void revealCurrent();
    void hideRevealed();

signals:
    void verifyStarted();
    void verifyFinished(const model::VerifyResult& result);
    void verifyCanceled();
    void verifyFailed(const QString& message);
    void revealShown();
    void revealHidden();
    void revealFailed(const QString& message);
    // A background check of visible rows finished (count: values given a status).
    void visibleRowsChecked(int count);
    void activity(const model::ActivityEntry& entry);
    void reEncryptRequested();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void updateRevealCountdown();
    void applyFilters();
    void updateCountLabel();
    void updateActions();
    void onVerifyFinished();
    void scheduleVisibleCheck();
    void checkVisibleRows();
    void onVisibleCheckFinished();
    void stopVisibleCheck(bool wait);
    void onRevealFinished();
    void copyRevealed();
    void wipeRevealed();

    Prompter& m_prompter;
    model::SecretsTableModel* m_model;
    QLineEdit* m_searchEdit;
    QComboBox* m_storeCombo;
    QComboBox* m_locationCombo;
    QComboBox* m_formatCombo;
    QComboBox* m_dataKeyCombo;
    QComboBox* m_statusCombo;
    QPushButton* m_clearFiltersButton;
    QTableView* m_view;
    QLabel* m_countLabel;
    QPushButton* m_revealButton;
    QPushButton* m_reEncryptButton;
    QPushButton* m_verifyStartButton;
    QPushButton* m_verifyCancelButton;
    QProgressBar* m_verifyProgress;
    QLabel* m_verifyLabel;
    QWidget* m_revealPanel;
    QLabel* m_revealLabel;
    QPlainTextEdit* m_revealedEdit;
    QPushButton* m_copyRevealButton;
    QPushButton* m_hideRevealButton;
    QTimer m_filterTimer;
    QTimer m_revealTimer;
    QTimer m_revealTick; // updates the "hides in N s" countdown

    std::optional<model::Target> m_target;
    QString m_databaseName;
    QThreadPool m_pool;
    QFutureWatcher<model::Result<model::VerifyResult>> m_verifyWatcher;
    QFutureWatcher<model::Result<QString>> m_revealWatcher;
    QFutureWatcher<model::Result<QList<model::ValueOutcome>>> m_visibleWatcher;
    QTimer m_visibleTimer;
    bool m_backgroundCheck = true;
    QSet<QString> m_visibleTried; // SecretRow::key() of values a background check asked for
    QString m_revealPlace;
    QString m_revealedValue;    // the one copy the pane owns; wiped when hidden
    QList<int> m_clipboardModes; // QClipboard::Mode values changed while a value was shown
};

} // namespace mk::ui
