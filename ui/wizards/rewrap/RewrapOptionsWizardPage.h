#pragma once

#include "model/ModelError.h"
#include "model/ops/ProviderSetup.h"
#include "ui/wizards/common/OptionsWizardPage.h"

#include <QByteArray>
#include <QFutureWatcher>
#include <QHash>
#include <QTimer>

#include <optional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace mk::ui {

// Options of re-encrypt-data-keys. Re-wrap mode: the target KEK provider from the configuration;
// a provider other than secretKey.v1 (pkcs11.<name>) is checked on a worker thread (module, token,
// PIN, key) and Next stays disabled until it is ready. When only its AES key is missing, "Create
// AES-256 key in token…" creates it (after a confirmation naming token and label, on a worker
// thread) and checks again. Results are kept per provider, so switching back and forth does not
// log in again (tokens lock a PIN after a few wrong tries); "Check again" forgets one.
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
    bool isKeyGenerated() const { return m_keyGenerated; } // not typed (or edited) since generating
    QString keyProblem() const;        // empty when the key is acceptable
    // A conservative estimate of the key's strength in bits (words count as words, not letters).
    static int strengthBits(const QString& key);
    static QString generateKey();

    // Re-wrap mode: the provider the run wraps with (normalised), its last check (nullopt while
    // unchecked), whether a check or a key creation is running.
    QString targetProviderId() const;
    std::optional<model::ProviderHealth> providerHealth() const;
    bool isCheckingProvider() const { return m_probeWatcher.isRunning(); }
    bool isCreatingKey() const { return m_createWatcher.isRunning(); }
    void cancelAndWait();

signals:
    void providerChecked(const QString& providerId);
    void keyCreationFinished(bool ok);

private:
    void refreshHealth();
    void startProbe(const QString& providerId);
    void onProbeFinished();
    void recheck();
    void createKey();
    void onCreateFinished();
    void updateHealthView();
    QString tokenRef(const model::ProviderHealth& health) const;
    QString healthText(const model::ProviderHealth& health) const;
    void updateKeyState();
    void generate();
    void saveToFile();
    void hideGenerated();
    void clearCopiedKey();

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
    QCheckBox* m_showKey;
    bool m_keyGenerated = false; // the new key is the generated one (not typed since) // shows what was typed (off by default; never for the generated key's copy)
    QString m_savedFile;
    QByteArray m_savedKeyDigest;
    QTimer m_clipboardTimer;
    QByteArray m_copiedDigest; // SHA-256 of the key put on the clipboard (empty: none)

    QWidget* m_healthPanel;
    QLabel* m_healthIcon;
    QLabel* m_healthText;
    QLabel* m_healthDetail;
    QLabel* m_createError;
    QPushButton* m_createKey;
    QPushButton* m_recheck;
    QProgressBar* m_healthBusy;
    QHash<QString, model::ProviderHealth> m_health; // by normalised provider id
    QFutureWatcher<model::ProviderHealth> m_probeWatcher;
    QString m_probingId;
    QFutureWatcher<model::Result<void>> m_createWatcher;
    QString m_creatingId;
    QString m_createErrorId;
};

} // namespace mk::ui
