#include "ui/wizards/repair/RepairOptionsWizardPage.h"

#include "model/config/ConfigLoader.h"
#include "model/config/SecretKeySource.h"
#include "model/ops/KeyFingerprint.h"
#include "ui/common/MessageBanner.h"
#include "ui/common/SecretFields.h"
#include "ui/wizards/common/FileChooser.h"
#include "ui/wizards/common/OperationWizard.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QVBoxLayout>

namespace mk::ui {

RepairOptionsWizardPage::RepairOptionsWizardPage(OperationWizard* wizard)
    : OptionsWizardPage(wizard)
    , m_banner(new MessageBanner(this))
    , m_keyEdit(new QLineEdit(this))
    , m_showKey(new QCheckBox(tr("S&how"), this))
    , m_addKey(new QPushButton(tr("&Add Key"), this))
    , m_addKeyFile(new QPushButton(tr("Add Key F&ile…"), this))
    , m_addConfig(new QPushButton(tr("Add Old C&onfig…"), this))
    , m_remove(new QPushButton(tr("Re&move"), this))
    , m_list(new QListWidget(this))
    , m_backupEdit(new QLineEdit(this))
    , m_chooseBackup(new QPushButton(tr("Choose Back&up…"), this))
    , m_clear(new QCheckBox(this))
{
    setObjectName(QStringLiteral("repairOptionsWizardPage"));
    setTitle(tr("Candidate keys"));
    setSubTitle(
        tr("Which other secret keys may have encrypted the values that do not decrypt? Keys "
           "are only tried; nothing is written before the confirmation."));
    m_banner->setObjectName(QStringLiteral("candidatesBanner"));

    auto* keysBox = new QGroupBox(tr("Candidate secret keys"), this);
    keysBox->setObjectName(QStringLiteral("candidateKeysGroup"));
    m_keyEdit->setParent(keysBox);
    m_keyEdit->setObjectName(QStringLiteral("candidateKeyEdit"));
    m_keyEdit->setAccessibleName(tr("Candidate secret key"));
    m_keyEdit->setPlaceholderText(tr("an old secret_key, as it was in [security]"));
    m_keyEdit->setEchoMode(QLineEdit::Password);
    m_keyEdit->setInputMethodHints(
        Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhNoAutoUppercase);
    m_keyEdit->setContextMenuPolicy(Qt::NoContextMenu);
    m_showKey->setParent(keysBox);
    m_showKey->setObjectName(QStringLiteral("showCandidateKeyCheckBox"));
    m_showKey->setAccessibleName(tr("Show the typed key"));
    m_addKey->setParent(keysBox);
    m_addKey->setObjectName(QStringLiteral("addCandidateKeyButton"));
    m_addKey->setAccessibleName(tr("Add the typed key to the candidates"));
    m_addKey->setEnabled(false);
    m_addKeyFile->setParent(keysBox);
    m_addKeyFile->setObjectName(QStringLiteral("addKeyFileButton"));
    m_addKeyFile->setAccessibleName(tr("Add a key file to the candidates"));
    m_addKeyFile->setToolTip(tr("A file holding one secret key (trailing line breaks are ignored), "
                                "like --candidate-key-file"));
    m_addConfig->setParent(keysBox);
    m_addConfig->setObjectName(QStringLiteral("addConfigFileButton"));
    m_addConfig->setAccessibleName(tr("Add the secret key of an old configuration file"));
    m_addConfig->setToolTip(
        tr("An old grafana.ini / mosaicoo.ini: its [security] secret_key, read with "
           "the server's rules, like --candidate-config"));
    m_remove->setParent(keysBox);
    m_remove->setObjectName(QStringLiteral("removeCandidateButton"));
    m_remove->setAccessibleName(tr("Remove the selected candidate"));
    m_remove->setEnabled(false);
    m_list->setParent(keysBox);
    m_list->setObjectName(QStringLiteral("candidatesList"));
    m_list->setAccessibleName(tr("Candidate keys: source and fingerprint"));
    m_list->setMinimumHeight(m_list->fontMetrics().height() * 3 + 12);
    auto* keyLabel = new QLabel(tr("&Key:"), keysBox);
    keyLabel->setObjectName(QStringLiteral("candidateKeyLabel"));
    keyLabel->setBuddy(m_keyEdit);
    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(keyLabel);
    keyRow->addWidget(m_keyEdit, 1);
    keyRow->addWidget(m_showKey);
    keyRow->addWidget(m_addKey);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_addKeyFile);
    fileRow->addWidget(m_addConfig);
    fileRow->addStretch(1);
    fileRow->addWidget(m_remove);
    auto* keysLayout = new QVBoxLayout(keysBox);
    keysLayout->addLayout(keyRow);
    keysLayout->addLayout(fileRow);
    keysLayout->addWidget(m_list, 1);

    auto* backupBox = new QGroupBox(tr("Missing data keys (optional)"), this);
    backupBox->setObjectName(QStringLiteral("dataKeysBackupGroup"));
    m_backupEdit->setParent(backupBox);
    m_backupEdit->setObjectName(QStringLiteral("dataKeysFromEdit"));
    m_backupEdit->setAccessibleName(tr("Backup to restore missing data keys from"));
    m_backupEdit->setPlaceholderText(tr("an SQLite copy or a JSON export made by Back Up"));
    m_backupEdit->setClearButtonEnabled(true);
    m_chooseBackup->setParent(backupBox);
    m_chooseBackup->setObjectName(QStringLiteral("chooseDataKeysBackupButton"));
    m_chooseBackup->setAccessibleName(tr("Choose the backup that still has the data keys"));
    auto* backupLabel
        = new QLabel(tr("Data keys that values need but that are missing here are restored "
                        "from a backup, inactive, once values here decrypt with them."),
            backupBox);
    backupLabel->setObjectName(QStringLiteral("dataKeysBackupLabel"));
    backupLabel->setWordWrap(true);
    auto* backupRow = new QHBoxLayout;
    backupRow->addWidget(m_backupEdit, 1);
    backupRow->addWidget(m_chooseBackup);
    auto* backupLayout = new QVBoxLayout(backupBox);
    backupLayout->addWidget(backupLabel);
    backupLayout->addLayout(backupRow);

    m_clear->setObjectName(QStringLiteral("clearUnrecoverableCheckBox"));
    m_clear->setText(tr("C&lear the values nothing can decrypt (last resort: each is listed with "
                        "its owner, to be re-entered in the server's UI)"));
    m_clear->setChecked(false);

    contentLayout()->addWidget(m_banner);
    contentLayout()->addWidget(keysBox, 1);
    contentLayout()->addWidget(backupBox);
    contentLayout()->addWidget(m_clear);

    connect(m_keyEdit, &QLineEdit::textChanged, this,
        [this](const QString& text) { m_addKey->setEnabled(!text.isEmpty()); });
    connect(m_keyEdit, &QLineEdit::returnPressed, this, &RepairOptionsWizardPage::addTypedKey);
    connect(m_showKey, &QCheckBox::toggled, this, [this](bool show) {
        m_keyEdit->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password);
    });
    connect(m_addKey, &QPushButton::clicked, this, &RepairOptionsWizardPage::addTypedKey);
    connect(m_addKeyFile, &QPushButton::clicked, this, [this] {
        const QString path = operationWizard()->fileChooser().chooseOpenFile(
            this, tr("Add a candidate key file"), QDir::homePath(), tr("All files (*)"));
        if (!path.isEmpty())
            addKeyFile(path);
    });
    connect(m_addConfig, &QPushButton::clicked, this, [this] {
        const QString path = operationWizard()->fileChooser().chooseOpenFile(this,
            tr("Add the secret key of an old configuration file"), QDir::homePath(),
            tr("Configuration files (*.ini);;All files (*)"));
        if (!path.isEmpty())
            addConfigFile(path);
    });
    connect(m_remove, &QPushButton::clicked, this, &RepairOptionsWizardPage::onRemove);
    connect(m_list, &QListWidget::currentRowChanged, this,
        [this](int row) { m_remove->setEnabled(row >= 0); });
    connect(m_chooseBackup, &QPushButton::clicked, this, &RepairOptionsWizardPage::onChooseBackup);
    connect(m_backupEdit, &QLineEdit::textChanged, this, &RepairOptionsWizardPage::completeChanged);
    connect(m_clear, &QCheckBox::toggled, this, &RepairOptionsWizardPage::completeChanged);
    connect(wizard, &QDialog::finished, this, &RepairOptionsWizardPage::wipeCandidates);
}

RepairOptionsWizardPage::~RepairOptionsWizardPage()
{
    wipeCandidates();
}

int RepairOptionsWizardPage::nextId() const
{
    // Repair asks for its candidates first: its preflight is a dry run with them.
    return OperationWizard::PreflightPageId;
}

bool RepairOptionsWizardPage::validatePage()
{
    // A key typed but not added yet counts: Next adds it.
    if (!m_keyEdit->text().isEmpty() && !addTypedKey())
        return false;
    const QString backup = dataKeysFrom();
    if (!backup.isEmpty() && !QFileInfo(backup).isFile()) {
        m_banner->showMessage(tr("%1 is not a file.").arg(backup), MessageBanner::Type::Error);
        return false;
    }
    m_banner->hideMessage();
    return true;
}

QString RepairOptionsWizardPage::dataKeysFrom() const
{
    return m_backupEdit->text().trimmed();
}

bool RepairOptionsWizardPage::clearUnrecoverable() const
{
    return m_clear->isChecked();
}

QStringList RepairOptionsWizardPage::summary() const
{
    QStringList lines = OptionsWizardPage::summary();
    if (m_sources.isEmpty())
        lines << tr("Candidate keys: none (only the current key and the backup are used)");
    else
        lines << tr("Candidate keys: %1").arg(m_sources.join(QStringLiteral(", ")));
    lines << (dataKeysFrom().isEmpty()
            ? tr("Missing data keys: not restored (no backup given)")
            : tr("Missing data keys restored from %1").arg(dataKeysFrom()));
    lines << (clearUnrecoverable()
            ? tr("Values nothing can decrypt: CLEARED (listed below)")
            : tr("Values nothing can decrypt: reported and left as they are"));
    return lines;
}

bool RepairOptionsWizardPage::addTypedKey()
{
    const QString text = m_keyEdit->text();
    if (text.isEmpty())
        return false;
    const QByteArray key = text.toUtf8();
    const bool added = addCandidate(key, tr("typed key %1").arg(m_typedCount + 1));
    if (added)
        ++m_typedCount;
    ui::wipeLineEdits({m_keyEdit});
    return added;
}

bool RepairOptionsWizardPage::addKeyFile(const QString& path)
{
    const auto key = config::resolveSecretKey(path, QProcessEnvironment(), nullptr);
    if (!key) {
        m_banner->showMessage(tr("Cannot use %1 as a key file: %2").arg(path, key.error().detail),
            MessageBanner::Type::Error);
        return false;
    }
    return addCandidate(key->key, QFileInfo(path).fileName());
}

bool RepairOptionsWizardPage::addConfigFile(const QString& path)
{
    // The old configuration as that server read it: its own file, not this host's environment.
    const auto config = config::loadConfig(path, QProcessEnvironment());
    if (!config) {
        m_banner->showMessage(
            tr("Cannot read %1: %2").arg(path, config.error().detail), MessageBanner::Type::Error);
        return false;
    }
    const auto key = config::resolveSecretKey(QString(), QProcessEnvironment(), &*config);
    if (!key) {
        m_banner->showMessage(tr("No secret key in %1: %2").arg(path, key.error().detail),
            MessageBanner::Type::Error);
        return false;
    }
    const QString name = QFileInfo(path).fileName();
    return addCandidate(key->key,
        key->origin == config::SecretKeyOrigin::PublicDefault
            ? tr("%1 (no secret_key: the public default)").arg(name)
            : name);
}

bool RepairOptionsWizardPage::addCandidate(const QByteArray& key, const QString& source)
{
    const qsizetype existing = m_keys.indexOf(key);
    if (existing >= 0) {
        m_banner->showMessage(
            tr("That key is already a candidate (%1).").arg(m_sources.at(existing)),
            MessageBanner::Type::Warning, 8000);
        return false;
    }
    const QString fingerprint = model::keyFingerprint(key);
    m_keys << key;
    m_sources << source;
    auto* item = new QListWidgetItem(tr("%1 — fingerprint %2").arg(source, fingerprint), m_list);
    item->setToolTip(
        tr("The fingerprint identifies the key without showing it (Help ▸ User Guide)."));
    m_banner->hideMessage();
    emit completeChanged();
    return true;
}

void RepairOptionsWizardPage::onRemove()
{
    const int row = m_list->currentRow();
    if (row < 0 || row >= m_keys.size())
        return;
    m_keys[row].fill('\0');
    m_keys.removeAt(row);
    m_sources.removeAt(row);
    delete m_list->takeItem(row);
    emit completeChanged();
}

void RepairOptionsWizardPage::onChooseBackup()
{
    const QString path = operationWizard()->fileChooser().chooseOpenFile(this,
        tr("Choose the backup that still has the data keys"),
        dataKeysFrom().isEmpty() ? QDir::homePath() : dataKeysFrom(),
        tr("Backups (*.db *.sqlite *.json);;All files (*)"));
    if (!path.isEmpty())
        m_backupEdit->setText(path);
}

void RepairOptionsWizardPage::wipeCandidates()
{
    for (QByteArray& key : m_keys)
        key.fill('\0');
    m_keys.clear();
    m_sources.clear();
    m_list->clear();
}

} // namespace mk::ui
