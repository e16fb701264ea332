#pragma once

#include "ui/wizards/common/OptionsWizardPage.h"

#include <QByteArray>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace mk::ui {

// Options of re-encrypt-data-keys. Re-wrap mode: the target KEK provider from the configuration.
// Change-secret-key mode: the new key typed twice or generated (cryptographically random, shown
// once with a copy button), its strength, and "Save to file…" (mode 0600, a file the administrator
// chooses). The key stays in memory: never logged, never in QSettings or the activity log.
class RewrapOptionsWizardPage : public OptionsWizardPage
{
    Q_OBJECT

public:
    explicit RewrapOptionsWizardPage(OperationWizard* wizard);
    ~RewrapOptionsWizardPage() override;

    void initializePage() override;
    void cleanupPage() override;
    bool validatePage() override;
    bool isComplete() const override;
    QStringList summary() const override;

    bool isChangeKeyMode() const;
    QString provider() const;          // empty = the configured encryption_provider
    QByteArray newSecretKey() const;   // UTF-8 bytes of the typed/generated key
    QString savedKeyFile() const { return m_savedFile; }
    QString keyProblem() const;        // empty when the key is acceptable
    static int strengthBits(const QString& key);
    static QString generateKey();

private:
    void updateKeyState();
    void generate();
    void saveToFile();
    void hideGenerated();

    QGroupBox* m_providerBox;
    QComboBox* m_provider;
    QGroupBox* m_keyBox;
    QLineEdit* m_newKey;
    QLineEdit* m_repeatKey;
    QPushButton* m_generate;
    QLineEdit* m_generated;
    QPushButton* m_copy;
    QProgressBar* m_strength;
    QLabel* m_strengthLabel;
    QLabel* m_generatedLabel;
    QLabel* m_problem;
    QPushButton* m_save;
    QLabel* m_saved;
    QCheckBox* m_stored;
    QString m_savedFile;
    QByteArray m_savedKeyDigest;
};

} // namespace mk::ui
