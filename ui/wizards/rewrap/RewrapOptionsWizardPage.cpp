#include "ui/wizards/rewrap/RewrapOptionsWizardPage.h"

#include "model/config/SecretKeySource.h"
#include "ui/wizards/common/FileChooser.h"
#include "ui/wizards/common/OperationWizard.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QVBoxLayout>

#include <cmath>

namespace mk::ui {

namespace {

constexpr int kMinimumKeyLength = 16;
constexpr int kGeneratedKeyLength = 32;

QByteArray digestOf(const QByteArray& key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

} // namespace

RewrapOptionsWizardPage::RewrapOptionsWizardPage(OperationWizard* wizard)
    : OptionsWizardPage(wizard)
    , m_providerBox(new QGroupBox(tr("Target KEK provider"), this))
    , m_provider(new QComboBox(m_providerBox))
    , m_keyBox(new QGroupBox(tr("New secret key"), this))
    , m_newKey(new QLineEdit(m_keyBox))
    , m_repeatKey(new QLineEdit(m_keyBox))
    , m_generate(new QPushButton(tr("&Generate"), m_keyBox))
    , m_generated(new QLineEdit(m_keyBox))
    , m_copy(new QPushButton(tr("&Copy"), m_keyBox))
    , m_strength(new QProgressBar(m_keyBox))
    , m_strengthLabel(new QLabel(m_keyBox))
    , m_generatedLabel(new QLabel(tr("Generated:"), m_keyBox))
    , m_problem(makeWrappedLabel(m_keyBox, "newKeyProblemLabel"))
    , m_save(new QPushButton(tr("&Save to file…"), m_keyBox))
    , m_saved(makeWrappedLabel(m_keyBox, "savedKeyLabel"))
    , m_stored(new QCheckBox(m_keyBox))
{
    m_providerBox->setObjectName(QStringLiteral("providerGroup"));
    m_provider->setObjectName(QStringLiteral("providerCombo"));
    m_provider->setAccessibleName(tr("Target KEK provider"));
    const config::SecuritySettings& security = wizard->target().config.security;
    m_provider->addItem(tr("%1 (configured encryption_provider)").arg(security.encryptionProvider), QString());
    QStringList ids{QStringLiteral("secretKey.v1")};
    ids << security.availableEncryptionProviders << security.kmsProviders.keys();
    ids.removeDuplicates();
    for (const QString& id : std::as_const(ids)) {
        if (id.compare(security.encryptionProvider, Qt::CaseInsensitive) != 0)
            m_provider->addItem(id, id);
    }
    auto* providerHint = makeWrappedLabel(m_providerBox, "providerHintLabel");
    providerHint->setText(tr("Every data key is unwrapped with the provider that wrapped it and wrapped "
                             "again with this one. Instances without this provider in their "
                             "configuration cannot unwrap the keys once their cache expires."));
    auto* providerLayout = new QVBoxLayout(m_providerBox);
    providerLayout->addWidget(m_provider);
    providerLayout->addWidget(providerHint);

    m_keyBox->setObjectName(QStringLiteral("newKeyGroup"));
    m_newKey->setObjectName(QStringLiteral("newKeyEdit"));
    m_newKey->setAccessibleName(tr("New secret key"));
    m_newKey->setEchoMode(QLineEdit::Password);
    m_repeatKey->setObjectName(QStringLiteral("repeatKeyEdit"));
    m_repeatKey->setAccessibleName(tr("Repeat the new secret key"));
    m_repeatKey->setEchoMode(QLineEdit::Password);
    for (QLineEdit* edit : {m_newKey, m_repeatKey}) {
        edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhNoAutoUppercase);
        edit->setContextMenuPolicy(Qt::NoContextMenu);
    }
    m_generate->setObjectName(QStringLiteral("generateKeyButton"));
    m_generate->setAccessibleName(tr("Generate a random secret key"));
    m_generated->setObjectName(QStringLiteral("generatedKeyEdit"));
    m_generated->setAccessibleName(tr("Generated secret key"));
    m_generated->setReadOnly(true);
    m_generated->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_copy->setObjectName(QStringLiteral("copyKeyButton"));
    m_copy->setAccessibleName(tr("Copy the generated key"));
    m_strength->setObjectName(QStringLiteral("strengthBar"));
    m_strength->setAccessibleName(tr("Key strength"));
    m_strength->setRange(0, 128);
    m_strength->setTextVisible(false);
    m_strength->setMaximumHeight(10);
    m_strengthLabel->setObjectName(QStringLiteral("strengthLabel"));
    m_strengthLabel->setMinimumWidth(m_strengthLabel->fontMetrics().horizontalAdvance(
        tr("Strength: very strong (999 bits)")));
    m_generatedLabel->setObjectName(QStringLiteral("generatedKeyLabel"));
    m_generatedLabel->setBuddy(m_generated);
    m_save->setObjectName(QStringLiteral("saveKeyButton"));
    m_save->setAccessibleName(tr("Save the new key to a file"));
    m_stored->setObjectName(QStringLiteral("keyStoredCheckBox"));
    m_stored->setText(tr("I have stored the new key safely elsewhere (password manager, vault)"));

    auto* newLabel = new QLabel(tr("&New key:"), m_keyBox);
    newLabel->setObjectName(QStringLiteral("newKeyLabel"));
    newLabel->setBuddy(m_newKey);
    auto* repeatLabel = new QLabel(tr("&Repeat:"), m_keyBox);
    repeatLabel->setObjectName(QStringLiteral("repeatKeyLabel"));
    repeatLabel->setBuddy(m_repeatKey);
    auto* grid = new QGridLayout(m_keyBox);
    grid->addWidget(newLabel, 0, 0);
    grid->addWidget(m_newKey, 0, 1);
    grid->addWidget(m_generate, 0, 2);
    grid->addWidget(repeatLabel, 1, 0);
    grid->addWidget(m_repeatKey, 1, 1);
    grid->addWidget(m_generatedLabel, 2, 0);
    grid->addWidget(m_generated, 2, 1);
    grid->addWidget(m_copy, 2, 2);
    auto* strengthRow = new QHBoxLayout;
    strengthRow->addWidget(m_strength, 1);
    strengthRow->addWidget(m_strengthLabel);
    grid->addLayout(strengthRow, 3, 1, 1, 2);
    grid->addWidget(m_problem, 4, 1, 1, 2);
    auto* saveRow = new QHBoxLayout;
    saveRow->addWidget(m_save);
    saveRow->addWidget(m_saved, 1);
    grid->addLayout(saveRow, 5, 1, 1, 2);
    grid->addWidget(m_stored, 6, 1, 1, 2);
    grid->setColumnStretch(1, 1);

    contentLayout()->addWidget(m_providerBox);
    contentLayout()->addWidget(m_keyBox);

    connect(m_newKey, &QLineEdit::textChanged, this, &RewrapOptionsWizardPage::updateKeyState);
    connect(m_repeatKey, &QLineEdit::textChanged, this, &RewrapOptionsWizardPage::updateKeyState);
    connect(m_newKey, &QLineEdit::textEdited, this, &RewrapOptionsWizardPage::hideGenerated);
    connect(m_stored, &QCheckBox::toggled, this, &RewrapOptionsWizardPage::completeChanged);
    connect(m_generate, &QPushButton::clicked, this, &RewrapOptionsWizardPage::generate);
    connect(m_save, &QPushButton::clicked, this, &RewrapOptionsWizardPage::saveToFile);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_generated->text());
        m_copy->setText(tr("Copied"));
    });
    hideGenerated();
    updateKeyState();
}

RewrapOptionsWizardPage::~RewrapOptionsWizardPage()
{
    m_generated->clear();
    m_newKey->clear();
    m_repeatKey->clear();
}

bool RewrapOptionsWizardPage::isChangeKeyMode() const
{
    return operationWizard()->kind() == model::OperationKind::ChangeSecretKey;
}

void RewrapOptionsWizardPage::initializePage()
{
    const bool change = isChangeKeyMode();
    setSubTitle(change ? tr("The new secret key. It is kept in memory only: save it to a file of "
                            "your choice, or store it elsewhere, before you go on.")
                       : tr("Where the data keys are wrapped from now on."));
    m_providerBox->setVisible(!change);
    m_keyBox->setVisible(change);
    if (change)
        m_newKey->setFocus(Qt::OtherFocusReason);
    updateKeyState();
}

void RewrapOptionsWizardPage::cleanupPage()
{
    hideGenerated(); // shown once
}

bool RewrapOptionsWizardPage::validatePage()
{
    hideGenerated(); // shown once: leaving the page hides it
    return true;
}

void RewrapOptionsWizardPage::hideGenerated()
{
    m_generated->clear();
    m_generated->hide();
    m_generatedLabel->hide();
    m_copy->hide();
}

QString RewrapOptionsWizardPage::provider() const
{
    return isChangeKeyMode() ? QString() : m_provider->currentData().toString();
}

QByteArray RewrapOptionsWizardPage::newSecretKey() const
{
    return isChangeKeyMode() ? m_newKey->text().toUtf8() : QByteArray();
}

int RewrapOptionsWizardPage::strengthBits(const QString& key)
{
    bool lower = false, upper = false, digit = false, other = false;
    for (const QChar c : key) {
        if (c.isLower())
            lower = true;
        else if (c.isUpper())
            upper = true;
        else if (c.isDigit())
            digit = true;
        else
            other = true;
    }
    const int pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
    if (pool == 0)
        return 0;
    return int(std::floor(double(key.size()) * std::log2(double(pool))));
}

QString RewrapOptionsWizardPage::generateKey()
{
    // Letters and digits only: no '#', ';' or quotes to trip over in an ini file.
    static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString key;
    key.reserve(kGeneratedKeyLength);
    QRandomGenerator* random = QRandomGenerator::system(); // the OS CSPRNG
    for (int i = 0; i < kGeneratedKeyLength; ++i)
        key.append(QLatin1Char(kAlphabet[random->bounded(int(sizeof(kAlphabet) - 1))]));
    return key;
}

QString RewrapOptionsWizardPage::keyProblem() const
{
    const QString key = m_newKey->text();
    if (key.isEmpty())
        return tr("Type the new key twice, or generate one.");
    if (key.size() < kMinimumKeyLength)
        return tr("Use at least %1 characters.").arg(kMinimumKeyLength);
    if (key.trimmed() != key)
        return tr("Leading or trailing spaces are lost in an ini file.");
    const QByteArray bytes = key.toUtf8();
    if (bytes == operationWizard()->target().secretKey)
        return tr("This is the current secret key.");
    if (bytes == QByteArray(config::kPublicDefaultSecretKey))
        return tr("This is the public default key.");
    if (m_repeatKey->text() != key)
        return tr("The two entries differ.");
    return {};
}

void RewrapOptionsWizardPage::updateKeyState()
{
    const QString key = m_newKey->text();
    const int bits = strengthBits(key);
    m_strength->setValue(qMin(bits, 128));
    QString strength;
    if (key.isEmpty())
        strength = tr("Strength: –");
    else if (bits < 64)
        strength = tr("Strength: weak (%1 bits)").arg(bits);
    else if (bits < 96)
        strength = tr("Strength: fair (%1 bits)").arg(bits);
    else if (bits < 128)
        strength = tr("Strength: strong (%1 bits)").arg(bits);
    else
        strength = tr("Strength: very strong (%1 bits)").arg(bits);
    m_strengthLabel->setText(strength);
    const QString problem = keyProblem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_save->setEnabled(problem.isEmpty());
    if (!m_savedFile.isEmpty() && digestOf(key.toUtf8()) != m_savedKeyDigest) {
        m_savedFile.clear();
        m_savedKeyDigest.clear();
        m_saved->setText(tr("The key changed after it was saved: save it again."));
    }
    emit completeChanged();
}

void RewrapOptionsWizardPage::generate()
{
    const QString key = generateKey();
    m_newKey->setText(key);
    m_repeatKey->setText(key);
    m_generated->setText(key);
    m_generated->show();
    m_generatedLabel->show();
    m_copy->setText(tr("&Copy"));
    m_copy->show();
    m_generated->setFocus(Qt::OtherFocusReason);
    m_generated->selectAll();
}

void RewrapOptionsWizardPage::saveToFile()
{
    if (!keyProblem().isEmpty())
        return;
    const QString path = operationWizard()->fileChooser().chooseSaveFile(
        this, tr("Save the new secret key"), QDir::home().filePath(QStringLiteral("mosaicoo-secret-key.txt")),
        tr("Key file (*.txt *.key);;All files (*)"));
    if (path.isEmpty())
        return;
    if (QFileInfo::exists(path)) {
        m_saved->setText(tr("%1 exists already: key files are never overwritten, choose another name.").arg(path));
        return;
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        m_saved->setText(tr("Cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    QByteArray contents = m_newKey->text().toUtf8();
    contents.append('\n');
    const bool written = file.write(contents) == contents.size() && file.flush();
    contents.fill('\0');
    file.close();
    if (!written) {
        m_saved->setText(tr("Cannot write %1: %2").arg(path, file.errorString()));
        file.remove();
        return;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    m_savedFile = path;
    m_savedKeyDigest = digestOf(m_newKey->text().toUtf8());
    m_saved->setText(tr("Saved to %1 (mode 0600).").arg(path));
    emit completeChanged();
}

bool RewrapOptionsWizardPage::isComplete() const
{
    if (!isChangeKeyMode())
        return true;
    return keyProblem().isEmpty() && (!m_savedFile.isEmpty() || m_stored->isChecked());
}

QStringList RewrapOptionsWizardPage::summary() const
{
    QStringList lines = OptionsWizardPage::summary();
    if (isChangeKeyMode()) {
        lines << tr("Change of the secret key: every data key is re-wrapped and every value encrypted "
                    "directly with the secret key is re-encrypted with the new key, in one transaction, "
                    "then everything is verified with the new key");
        lines << (m_savedFile.isEmpty() ? tr("New key: stored elsewhere by you")
                                        : tr("New key: saved to %1").arg(m_savedFile));
    } else {
        lines << tr("Target provider: %1").arg(m_provider->currentText());
    }
    return lines;
}

} // namespace mk::ui
