#pragma once

#include "model/ops/OperationResult.h"

#include <QDateTime>
#include <QTimer>
#include <QWizardPage>

class QCheckBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QVBoxLayout;

namespace mk::ui {

class MessageBanner;
class OperationWizard;

// Page 7: counts, every failure (location, row, field, reason) exportable as CSV or JSON, "Retry
// failed rows"; after rotate a countdown until other instances drop the old keys
// (data_keys_cache_ttl); after a change of the secret key the exact configuration lines to paste
// (the key masked until "Show the key"; Copy copies it) and the order of steps for several
// instances.
class ResultWizardPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit ResultWizardPage(OperationWizard* wizard);

    ~ResultWizardPage() override;

    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;

    // The failures as CSV (the JSON export is OperationWizard::lastResultJson); exportFailures
    // returns false with a message on error.
    static QByteArray failuresCsv(const model::OperationResult& result);
    bool exportFailures(bool json);
    qint64 secondsUntilOldKeysExpire() const;
    // What to paste after a change of the secret key: `secret_key = …` quoted so that the ini reader
    // reads the key back byte for byte, and `GF_SECURITY_SECRET_KEY=…` quoted for a shell (or an
    // environment file). Empty iniLine when one ini line cannot hold the key.
    struct ConfigLines
    {
        QString iniLine;
        QString envLine;
    };
    static ConfigLines configLinesFor(const QByteArray& secretKey);
    // An operation's own section above the buttons (repair: the re-entry list). With
    // `replacesFailures` the section lists the failures itself and the generic table stays hidden.
    void addSection(QWidget* widget, bool replacesFailures);
    // A button of the operation's own (repair: Export Re-entry List…) in the row of export
    // buttons, after Export JSON….
    void addExportButton(QPushButton* button);
    // Replaces the outcome line the generic result gave (repair: finished, but values were cleared
    // and must be re-entered); call after the page was initialised.
    void showOutcome(const QString& message, bool warning);
    // CSV field quoted as RFC 4180 wants it, a formula-like start defused with an apostrophe
    // (shared by every CSV export of the wizards).
    static QByteArray csvField(const QString& text);

private:
    void showResult(const model::OperationResult& result);
    void showError(const QString& message);
    void updateCountdown();
    void updateButtons();
    void showConfigLines();
    void wipeConfigLines();

    OperationWizard* m_wizard;
    MessageBanner* m_banner;
    QLabel* m_counts;
    QLabel* m_notes;
    QTableWidget* m_failures;
    QPushButton* m_exportCsv;
    QPushButton* m_exportJson;
    QHBoxLayout* m_exportRow = nullptr;
    QPushButton* m_retry;
    QLabel* m_repairHint;
    QPushButton* m_openRepair;
    QWidget* m_section = nullptr;
    bool m_sectionReplacesFailures = false;
    QLabel* m_countdown;
    QPushButton* m_reEncrypt;
    QLabel* m_configLabel;
    QLineEdit* m_iniLine;
    QPushButton* m_copyIni;
    QLineEdit* m_envLine;
    QPushButton* m_copyEnv;
    QCheckBox* m_showKey;
    ConfigLines m_configLines; // with the key (memory only; wiped when the page is left)
    qsizetype m_keyLength = 0;
    QLabel* m_steps;
    QVBoxLayout* m_layout;
    int m_spacerIndex = -1;
    QTimer m_countdownTimer;
    QDateTime m_oldKeysExpire;
};

} // namespace mk::ui
