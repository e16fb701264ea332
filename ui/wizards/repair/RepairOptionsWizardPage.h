#pragma once

#include "ui/wizards/common/OptionsWizardPage.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

class QCheckBox;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace mk::ui {

class MessageBanner;

// Repair's inputs, asked before its preflight: candidate secret keys (typed into a masked field,
// read from key files, or taken from old grafana.ini / mosaicoo.ini files), an optional backup to
// restore missing data keys from (--data-keys-from), and the last-resort "clear what nothing
// decrypts" (off by default). The list shows each candidate's source and fingerprint, never a key.
//
// The keys live in this page until the wizard closes; then they are overwritten and dropped.
class RepairOptionsWizardPage : public OptionsWizardPage
{
    Q_OBJECT

public:
    explicit RepairOptionsWizardPage(OperationWizard* wizard);
    ~RepairOptionsWizardPage() override;

    int nextId() const override;
    bool validatePage() override;
    QStringList summary() const override;

    const QList<QByteArray>& candidateKeys() const { return m_keys; }
    const QStringList& candidateSources() const { return m_sources; }
    QString dataKeysFrom() const;
    bool clearUnrecoverable() const;

    // Adds the typed key (if any) to the candidates and empties the field; false when empty or
    // already a candidate.
    bool addTypedKey();
    // Reads a key file / the secret_key of an old configuration file; false (and a message on the
    // page) when it cannot be read or is already a candidate.
    bool addKeyFile(const QString& path);
    bool addConfigFile(const QString& path);

private:
    bool addCandidate(const QByteArray& key, const QString& source);
    void onRemove();
    void onChooseBackup();
    void wipeCandidates();

    MessageBanner* m_banner;
    QLineEdit* m_keyEdit;
    QCheckBox* m_showKey;
    QPushButton* m_addKey;
    QPushButton* m_addKeyFile;
    QPushButton* m_addConfig;
    QPushButton* m_remove;
    QListWidget* m_list;
    QLineEdit* m_backupEdit;
    QPushButton* m_chooseBackup;
    QCheckBox* m_clear;
    QList<QByteArray> m_keys; // secret keys as the server reads them; never shown, never logged
    QStringList m_sources;
    int m_typedCount = 0;
};

} // namespace mk::ui
