#include "ui/wizards/rewrap/RewrapOptionsWizardPage.h"

#include "model/ActivityEntry.h"
#include "model/config/SecretKeySource.h"
#include "model/items/StatusIcons.h"
#include "ui/common/Prompter.h"
#include "ui/wizards/common/FileChooser.h"
#include "ui/wizards/common/OperationWizard.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDateTime>
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
#include <QSet>
#include <QTextDocumentFragment>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mk::ui {

namespace {

constexpr int kMinimumKeyLength = 16;
constexpr int kGeneratedKeyLength = 32;

constexpr int kClipboardSeconds = 60;

// SHA-256 of the key's UTF-8 form; the temporary UTF-8 copy is overwritten before it is freed.
QByteArray digestOf(const QString& key)
{
    QByteArray bytes = key.toUtf8();
    const QByteArray digest = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    bytes.fill('\0');
    return digest;
}

// Whether the key's UTF-8 form equals `other`, without leaving the UTF-8 copy behind.
bool utf8Equals(const QString& key, const QByteArray& other)
{
    QByteArray bytes = key.toUtf8();
    const bool equal = bytes == other;
    bytes.fill('\0');
    return equal;
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
    , m_showKey(new QCheckBox(m_keyBox))
    , m_healthPanel(new QWidget(m_providerBox))
    , m_healthIcon(new QLabel(m_healthPanel))
    , m_healthText(makeWrappedLabel(m_healthPanel, "providerHealthLabel"))
    , m_healthDetail(makeWrappedLabel(m_healthPanel, "providerHealthDetailLabel"))
    , m_createError(makeWrappedLabel(m_healthPanel, "createKeyErrorLabel"))
    , m_createKey(new QPushButton(tr("Create AES-256 &key in token…"), m_healthPanel))
    , m_recheck(new QPushButton(tr("Check &again"), m_healthPanel))
    , m_healthBusy(new QProgressBar(m_healthPanel))
{
    addInstancesSectionIfConfigured();
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

    // Health of a provider other than secretKey.v1 (pkcs11.<name>), checked on a worker thread.
    m_healthPanel->setObjectName(QStringLiteral("providerHealthPanel"));
    m_healthIcon->setObjectName(QStringLiteral("providerHealthIcon"));
    m_healthIcon->setFixedSize(20, 20);
    m_healthText->setTextFormat(Qt::RichText);
    m_healthDetail->setTextFormat(Qt::PlainText);
    m_healthDetail->setTextInteractionFlags(
        Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_healthDetail->setAccessibleName(tr("Technical detail of the provider check"));
    QFont detailFont = m_healthDetail->font();
    detailFont.setPointSizeF(detailFont.pointSizeF() * 0.9);
    m_healthDetail->setFont(detailFont);
    m_createError->setTextFormat(Qt::PlainText);
    m_createError->setTextInteractionFlags(
        Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_createError->setAccessibleName(tr("Why creating the key failed"));
    m_createKey->setObjectName(QStringLiteral("createKeyButton"));
    m_createKey->setAccessibleName(tr("Create the AES-256 key in the token"));
    m_createKey->setAutoDefault(false);
    m_recheck->setObjectName(QStringLiteral("recheckProviderButton"));
    m_recheck->setAccessibleName(tr("Check the provider again"));
    m_recheck->setAutoDefault(false);
    m_healthBusy->setObjectName(QStringLiteral("providerHealthProgressBar"));
    m_healthBusy->setAccessibleName(tr("Provider check in progress"));
    m_healthBusy->setRange(0, 0);
    m_healthBusy->setTextVisible(false);
    m_healthBusy->setMaximumWidth(160);
    m_healthBusy->setMaximumHeight(12);
    auto* healthGrid = new QGridLayout(m_healthPanel);
    healthGrid->setContentsMargins(0, 6, 0, 0);
    healthGrid->setHorizontalSpacing(8);
    healthGrid->setVerticalSpacing(6);
    healthGrid->addWidget(m_healthIcon, 0, 0, Qt::AlignTop);
    healthGrid->addWidget(m_healthText, 0, 1);
    healthGrid->addWidget(m_healthDetail, 1, 1);
    healthGrid->addWidget(m_createError, 2, 1);
    auto* healthButtons = new QHBoxLayout;
    healthButtons->setSpacing(8);
    healthButtons->addWidget(m_createKey);
    healthButtons->addWidget(m_recheck);
    healthButtons->addWidget(m_healthBusy);
    healthButtons->addStretch(1);
    healthGrid->addLayout(healthButtons, 3, 1);
    healthGrid->setColumnStretch(1, 1);
    providerLayout->addWidget(m_healthPanel);
    m_healthPanel->hide();
    m_createError->hide();

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

    auto* newLabel = new QLabel(tr("Ne&w key:"), m_keyBox);
    newLabel->setObjectName(QStringLiteral("newKeyLabel"));
    newLabel->setBuddy(m_newKey);
    m_showKey->setObjectName(QStringLiteral("showKeyCheckBox"));
    m_showKey->setText(tr("S&how key"));
    m_showKey->setAccessibleName(tr("Show the typed key"));
    auto* repeatLabel = new QLabel(tr("&Repeat:"), m_keyBox);
    repeatLabel->setObjectName(QStringLiteral("repeatKeyLabel"));
    repeatLabel->setBuddy(m_repeatKey);
    auto* grid = new QGridLayout(m_keyBox);
    grid->addWidget(newLabel, 0, 0);
    grid->addWidget(m_newKey, 0, 1);
    grid->addWidget(m_generate, 0, 2);
    grid->addWidget(repeatLabel, 1, 0);
    grid->addWidget(m_repeatKey, 1, 1);
    grid->addWidget(m_showKey, 1, 2);
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
    for (QLineEdit* edit : {m_newKey, m_repeatKey})
        connect(edit, &QLineEdit::textEdited, this, [this] { m_keyGenerated = false; });
    connect(m_showKey, &QCheckBox::toggled, this, [this](bool show) {
        for (QLineEdit* edit : {m_newKey, m_repeatKey})
            edit->setEchoMode(show ? QLineEdit::Normal : QLineEdit::Password);
    });
    connect(m_save, &QPushButton::clicked, this, &RewrapOptionsWizardPage::saveToFile);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_generated->text());
        m_copiedDigest = digestOf(m_generated->text());
        m_copy->setText(tr("Copied (cleared in %1 s)").arg(kClipboardSeconds));
        m_clipboardTimer.start();
    });
    // A copied key stays on the clipboard for a minute or until the wizard closes, whichever is
    // first, and only if the clipboard still holds it (something copied since is left alone).
    m_clipboardTimer.setSingleShot(true);
    m_clipboardTimer.setInterval(kClipboardSeconds * 1000);
    connect(&m_clipboardTimer, &QTimer::timeout, this, &RewrapOptionsWizardPage::clearCopiedKey);
    connect(wizard, &QDialog::finished, this, &RewrapOptionsWizardPage::clearCopiedKey);
    connect(
        m_provider, &QComboBox::currentIndexChanged, this, &RewrapOptionsWizardPage::refreshHealth);
    connect(m_createKey, &QPushButton::clicked, this, &RewrapOptionsWizardPage::createKey);
    connect(m_recheck, &QPushButton::clicked, this, &RewrapOptionsWizardPage::recheck);
    connect(&m_probeWatcher, &QFutureWatcherBase::finished, this,
        &RewrapOptionsWizardPage::onProbeFinished);
    connect(&m_createWatcher, &QFutureWatcherBase::finished, this,
        &RewrapOptionsWizardPage::onCreateFinished);
    hideGenerated();
    updateKeyState();
}

RewrapOptionsWizardPage::~RewrapOptionsWizardPage()
{
    cancelAndWait();
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
    setInstancesVisible(!change);
    OptionsWizardPage::initializePage();
    setSubTitle(change ? tr("The new secret key. It is kept in memory only: save it to a file of "
                            "your choice, or store it elsewhere, before you go on.")
                       : tr("Where the data keys are wrapped from now on."));
    m_providerBox->setVisible(!change);
    m_keyBox->setVisible(change);
    if (change)
        m_newKey->setFocus(Qt::OtherFocusReason);
    else
        refreshHealth();
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
    m_showKey->setChecked(false);
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
    // A conservative estimate in the spirit of zxcvbn, without its word lists: the key is cut into
    // runs of letters, digits and other characters, and an attacker is assumed to know the
    // pattern. Every up to 8 letters may be a dictionary word (~2^16 words, +1 bit for the case of
    // its first letter), so "Correct-Horse-Battery-9" counts its words, not its characters; a
    // separator used again costs almost nothing; a character repeated costs nothing.
    constexpr double kWordBits = 17.0;
    double bits = 0;
    QString separators;
    qsizetype i = 0;
    while (i < key.size()) {
        const QChar first = key.at(i);
        const int kind = first.isLetter() ? 0 : first.isDigit() ? 1 : 2;
        qsizetype end = i + 1;
        while (end < key.size()) {
            const QChar c = key.at(end);
            if ((c.isLetter() ? 0 : c.isDigit() ? 1 : 2) != kind)
                break;
            ++end;
        }
        const QString run = key.mid(i, end - i);
        QSet<QChar> distinct(run.cbegin(), run.cend());
        if (kind == 0) {
            bool lower = false, upper = false;
            for (const QChar c : run)
                (c.isUpper() ? upper : lower) = true;
            const double perChar = std::log2(double((lower ? 26 : 0) + (upper ? 26 : 0)));
            const double asCharacters = double(distinct.size()) * perChar;
            const double asWords = kWordBits * double((run.size() + 7) / 8);
            bits += std::min(asCharacters, asWords);
        } else if (kind == 1) {
            bits += double(distinct.size()) * std::log2(10.0);
        } else if (run.size() == 1 && separators.contains(run)) {
            bits += 1; // the same separator again
        } else {
            separators += run;
            bits += double(distinct.size()) * std::log2(33.0);
        }
        i = end;
    }
    return int(std::floor(bits));
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
    if (utf8Equals(key, operationWizard()->target().secretKey))
        return tr("This is the current secret key.");
    if (utf8Equals(key, QByteArray(config::kPublicDefaultSecretKey)))
        return tr("This is the public default key.");
    if (m_repeatKey->text() != key)
        return tr("The two entries differ.");
    return {};
}

void RewrapOptionsWizardPage::updateKeyState()
{
    const QString key = m_newKey->text();
    const int bits = m_keyGenerated ? int(std::floor(kGeneratedKeyLength * std::log2(62.0))) : strengthBits(key);
    m_strength->setValue(qMin(bits, 128));
    QString strength;
    if (key.isEmpty())
        strength = tr("Strength: –");
    else if (bits < 64)
        strength = tr("Strength: weak (about %1 bits)").arg(bits);
    else if (bits < 96)
        strength = tr("Strength: fair (about %1 bits)").arg(bits);
    else if (bits < 128)
        strength = tr("Strength: strong (about %1 bits)").arg(bits);
    else
        strength = tr("Strength: very strong (about %1 bits)").arg(bits);
    m_strengthLabel->setText(strength);
    const QString problem = keyProblem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_save->setEnabled(problem.isEmpty());
    if (!m_savedFile.isEmpty() && digestOf(key) != m_savedKeyDigest) {
        m_savedFile.clear();
        m_savedKeyDigest.clear();
        m_saved->setText(tr("The key changed after it was saved: save it again."));
    }
    emit completeChanged();
}

void RewrapOptionsWizardPage::clearCopiedKey()
{
    m_clipboardTimer.stop();
    if (m_copiedDigest.isEmpty())
        return;
    QClipboard* clipboard = QApplication::clipboard();
    for (const auto mode : {QClipboard::Clipboard, QClipboard::Selection}) {
        if (mode == QClipboard::Selection && !clipboard->supportsSelection())
            continue;
        bool ours = false;
        {
            const QString held = clipboard->text(mode);
            ours = !held.isEmpty() && digestOf(held) == m_copiedDigest;
        }
        if (ours)
            clipboard->clear(mode);
    }
    m_copiedDigest.clear();
    m_copy->setText(tr("&Copy"));
}

void RewrapOptionsWizardPage::generate()
{
    const QString key = generateKey();
    m_keyGenerated = true; // its strength is known exactly
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
    // Unbuffered: no copy of the key in QFile's write buffer.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
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
    m_savedKeyDigest = digestOf(m_newKey->text());
    m_saved->setText(tr("Saved to %1 (mode 0600).").arg(path));
    emit completeChanged();
}

bool RewrapOptionsWizardPage::isComplete() const
{
    if (!isChangeKeyMode()) {
        // Only a provider that is ready now: a run with an unusable one would only fail.
        if (m_createWatcher.isRunning())
            return false;
        const QString id = targetProviderId();
        if (!model::providerHealthNeedsDevice(id))
            return true;
        const auto it = m_health.constFind(id);
        return it != m_health.cend() && it->isReady();
    }
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
        if (const auto health = providerHealth(); health && health->pkcs11 && health->isReady())
            lines << tr("Checked: module loaded, token %1 found, PIN accepted, key “%2” present")
                         .arg(tokenRef(*health), health->keyLabel);
    }
    return lines;
}

// ---- target provider health ---------------------------------------------------------------------

QString RewrapOptionsWizardPage::targetProviderId() const
{
    return model::targetProviderId(
        operationWizard()->target(), m_provider->currentData().toString());
}

std::optional<model::ProviderHealth> RewrapOptionsWizardPage::providerHealth() const
{
    const auto it = m_health.constFind(targetProviderId());
    if (it == m_health.cend())
        return std::nullopt;
    return *it;
}

void RewrapOptionsWizardPage::cancelAndWait()
{
    // Neither job can stop inside the token: wait for the call to return.
    m_probeWatcher.waitForFinished();
    m_createWatcher.waitForFinished();
}

void RewrapOptionsWizardPage::refreshHealth()
{
    if (isChangeKeyMode())
        return;
    const QString id = targetProviderId();
    if (model::providerHealthNeedsDevice(id) && !m_health.contains(id)
        && !m_createWatcher.isRunning())
        startProbe(id);
    updateHealthView();
    emit completeChanged();
}

void RewrapOptionsWizardPage::startProbe(const QString& providerId)
{
    if (m_probeWatcher.isRunning())
        return; // onProbeFinished checks the provider chosen by then
    m_probingId = providerId;
    const model::Target target = operationWizard()->target();
    m_probeWatcher.setFuture(startWizardJob<model::ProviderHealth>(
        operationWizard()->pool(),
        [target, providerId](
            model::JobContext*) { return model::checkProviderHealth(target, providerId); },
        makeStopFlag()));
}

void RewrapOptionsWizardPage::onProbeFinished()
{
    const QString id = m_probingId;
    m_probingId.clear();
    if (m_probeWatcher.future().resultCount() > 0)
        m_health.insert(id, m_probeWatcher.result());
    refreshHealth(); // the user may have chosen another provider meanwhile
    emit providerChecked(id);
}

void RewrapOptionsWizardPage::recheck()
{
    const QString id = targetProviderId();
    if (m_probeWatcher.isRunning() || m_createWatcher.isRunning())
        return;
    m_health.remove(id);
    if (m_createErrorId == id)
        m_createErrorId.clear();
    refreshHealth();
}

void RewrapOptionsWizardPage::createKey()
{
    const QString id = targetProviderId();
    const auto it = m_health.constFind(id);
    if (it == m_health.cend() || !it->canCreateKey() || m_createWatcher.isRunning())
        return;
    const model::ProviderHealth health = *it;
    const bool confirmed = operationWizard()->prompter().confirm(this,
        tr("Create a key in the token"),
        tr("Create a new AES-256 key labelled “%1” in the token %2 (PKCS#11 module %3) for %4?\n\n"
           "The token generates the key as non-extractable and sensitive: it never leaves the "
           "token "
           "and cannot be exported. Data keys wrapped with it can only be unwrapped while this "
           "token "
           "(or a backup of it made with the token's own tools) is available.")
            .arg(health.keyLabel, tokenRef(health), health.modulePath, id),
        tr("Create key"));
    if (!confirmed)
        return;
    m_createErrorId.clear();
    m_creatingId = id;
    const model::Target target = operationWizard()->target();
    m_createWatcher.setFuture(startWizardJob<model::Result<void>>(
        operationWizard()->pool(),
        [target, id](model::JobContext*) { return model::createProviderKey(target, id); },
        makeStopFlag()));
    updateHealthView();
    emit completeChanged();
}

void RewrapOptionsWizardPage::onCreateFinished()
{
    const QString id = m_creatingId;
    m_creatingId.clear();
    const auto health = m_health.value(id);
    model::ActivityEntry entry;
    entry.when = QDateTime::currentDateTimeUtc();
    entry.operation = QStringLiteral("create-hsm-key");
    entry.database = operationWizard()->databaseName();
    entry.detail = QStringLiteral("%1: AES-256 key '%2' in %3")
                       .arg(id, health.keyLabel,
                           health.tokenLabel.isEmpty()
                               ? QStringLiteral("slot #%1").arg(health.slot.value_or(0))
                               : QStringLiteral("token '%1'").arg(health.tokenLabel));
    bool ok = false;
    if (m_createWatcher.future().resultCount() == 0) {
        m_createErrorId = id;
        m_createError->setText(tr("Creating the key was interrupted."));
        entry.outcome = QStringLiteral("failed");
    } else if (const model::Result<void> result = m_createWatcher.result(); !result) {
        m_createErrorId = id;
        m_createError->setText(tr("Creating the key failed: %1").arg(result.error().message));
        entry.outcome = result.error().kind == model::ErrorKind::Refused ? QStringLiteral("refused")
                                                                         : QStringLiteral("failed");
        entry.detail += QStringLiteral("; ") + result.error().message;
    } else {
        ok = true;
        entry.outcome = QStringLiteral("ok");
    }
    emit operationWizard()->activity(entry);
    m_health.remove(id); // check again: the key should be there now
    refreshHealth();
    emit keyCreationFinished(ok);
}

QString RewrapOptionsWizardPage::tokenRef(const model::ProviderHealth& health) const
{
    // Follows "the token": “label”, or "in slot #n".
    if (!health.tokenLabel.isEmpty())
        return tr("“%1”").arg(health.tokenLabel);
    return tr("in slot #%1").arg(health.slot.value_or(0));
}

QString RewrapOptionsWizardPage::healthText(const model::ProviderHealth& health) const
{
    using State = model::ProviderHealth::State;
    const QString id = health.providerId.toHtmlEscaped();
    const QString section = QStringLiteral("<tt>[security.encryption.%1]</tt>").arg(id);
    const QString token = tokenRef(health).toHtmlEscaped();
    const QString key = health.keyLabel.toHtmlEscaped();
    switch (health.state) {
    case State::Ready:
        if (!health.pkcs11)
            return tr("<b>%1 is ready.</b>").arg(id);
        return tr("<b>%1 is ready.</b> The module loads, the token %2 is present, the PIN is "
                  "accepted and the "
                  "AES-256 key “%3” is in the token.")
            .arg(id, token, key);
    case State::KeyMissing:
        return tr("<b>The key “%1” is not in the token %2.</b> The module loads and the PIN is "
                  "accepted, but "
                  "the token has no AES-256 key with this label. Create it here, or set "
                  "<tt>key_label</tt> in %3 to an existing key.")
            .arg(key, token, section);
    case State::LoginFailed:
        return tr("<b>The token %1 refused the PIN.</b> Check <tt>pin</tt> in %2 (the PIN is never "
                  "shown). "
                  "Each check tries it once: tokens lock the PIN after a few wrong tries.")
            .arg(token, section);
    case State::TokenNotFound:
        return tr("<b>The token %1 was not found.</b> Is it connected? Check <tt>token_label</tt> "
                  "(or <tt>slot</tt>) in %2.")
            .arg(token, section);
    case State::ModuleFailed:
        return tr("<b>The PKCS#11 module of %1 does not load.</b> Check <tt>module</tt> in %2.")
            .arg(id, section);
    case State::KeyUnusable:
        return tr(
            "<b>The key “%1” in the token %2 cannot be a key-encryption key.</b> It must be one "
            "non-extractable, sensitive AES-256 key that may encrypt and decrypt.")
            .arg(key, token);
    case State::NotConfigured:
        return tr("<b>%1 cannot be used with this configuration.</b>").arg(id);
    case State::Unavailable:
        break;
    }
    return tr("<b>%1 is not available right now.</b>").arg(id);
}

void RewrapOptionsWizardPage::updateHealthView()
{
    using model::StatusIcons;
    const QString id = targetProviderId();
    const bool creating = m_createWatcher.isRunning();
    m_provider->setEnabled(!creating);
    if (isChangeKeyMode() || !model::providerHealthNeedsDevice(id)) {
        m_healthPanel->hide();
        return;
    }
    m_healthPanel->show();
    const auto it = m_health.constFind(id);
    const bool checking = !creating && it == m_health.cend();
    m_healthBusy->setVisible(creating || checking);
    m_recheck->setEnabled(!creating && !checking);
    m_createError->setVisible(m_createErrorId == id && !creating);
    QString text;
    QString detail;
    StatusIcons::Kind icon = StatusIcons::Kind::NotChecked;
    bool canCreate = false;
    if (creating) {
        const auto creatingHealth = m_health.value(m_creatingId);
        text = tr("Creating the AES-256 key “%1” in the token %2…")
                   .arg(creatingHealth.keyLabel.toHtmlEscaped(),
                       tokenRef(creatingHealth).toHtmlEscaped());
        canCreate = true; // stays visible, disabled, while it runs
    } else if (checking) {
        text = tr("Checking %1: loading the module, finding the token, logging in, looking for the "
                  "key…")
                   .arg(id.toHtmlEscaped());
    } else {
        text = healthText(*it);
        detail = it->detail;
        canCreate = it->canCreateKey();
        icon = it->isReady()     ? StatusIcons::Kind::Ok
            : it->canCreateKey() ? StatusIcons::Kind::Warning
                                 : StatusIcons::Kind::Failed;
    }
    m_healthIcon->setPixmap(StatusIcons::icon(icon).pixmap(20, 20));
    m_healthText->setText(text);
    m_healthText->setAccessibleName(QTextDocumentFragment::fromHtml(text).toPlainText());
    m_healthDetail->setText(detail);
    m_healthDetail->setVisible(!detail.isEmpty());
    m_createKey->setVisible(canCreate);
    m_createKey->setEnabled(canCreate && !creating);
}

} // namespace mk::ui
