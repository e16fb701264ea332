// The re-encrypt-data-keys wizard with a pkcs11.<name> target on a SoftHSM2 token in a temporary
// directory (issue #8): the options page checks the provider on a worker thread, shows a missing
// key and offers to create it, keeps Next disabled while the provider is unusable (missing key,
// wrong PIN); the data keys of a real fixture move into the HSM and back, checked with the engine
// against the fixture's expected plaintext digests. Renders the options page in the key-missing
// and ready states (MK_UPDATE_SCREENSHOTS=1: into docs/screenshots).
#include "model/ops/OpenedDatabase.h"
#include "model/ops/ProviderSetup.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/gui/WizardTestSupport.h"
#include "tests/support/TestData.h"
#include "tests/unit/kms/SoftHsm.h"
#include "tests/unit/ops/OpsTestSupport.h"
#include "ui/common/FakePrompter.h"
#include "ui/main/MainWindow.h"
#include "ui/wizards/common/FakeFileChooser.h"
#include "ui/wizards/common/ResultWizardPage.h"
#include "ui/wizards/rewrap/RewrapOptionsWizardPage.h"

#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mk;
using ui::OperationWizard;
using ui::RewrapOptionsWizardPage;
using State = model::ProviderHealth::State;

namespace {

constexpr int kTimeout = 120'000;
const QSize kWizardSize(920, 680);
const QString kToken = QStringLiteral("mk-gui-token");
const QString kKey = QStringLiteral("mk-gui-kek");
const QString kHsm = QStringLiteral("pkcs11.hsm");
const QByteArray kWrongPin = "Wr0ng-PIN-7f3";
// A real fixture with 8 data keys (data_source, secrets and signing_key values under them).
const char* const kFixture = "PiratikMr__Vacancies_ETL__grafana_data_grafana.db";

QByteArray fileDigest(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

QList<store::DataKeyRow> dataKeys(const model::Target& target)
{
    auto opened = model::openTarget(target, model::AccessMode::ReadOnly);
    if (!opened) {
        qWarning("open failed: %s", qPrintable(opened.error().message));
        return {};
    }
    return opened->dataKeys;
}

QString labelText(QWidget* root, const char* name)
{
    auto* label = root->findChild<QLabel*>(QString::fromLatin1(name));
    return label ? label->text() : QStringLiteral("<no %1>").arg(QString::fromLatin1(name));
}

} // namespace

class TestRewrapHsmWizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    // Runs first: no session of this process is logged in to the token yet (a logged-in session
    // would make any PIN look right to C_Login).
    void wrongPinBlocksNext();
    void createKeyThenMoveIntoTheHsmAndBack();
    void createKeyErrorIsShown();

private:
    QString writeConfig(
        const QString& name, const QByteArray& pin, const QString& keyLabel = kKey) const;
    model::Target targetWith(const QString& db, const QString& ini) const;
    QString openFixture(const QString& ini);
    OperationWizard* openRewrapWizard();
    RewrapOptionsWizardPage* toOptionsPage(OperationWizard* wizard);
    void chooseProvider(OperationWizard* wizard, const QString& providerId);
    void runToResult(OperationWizard* wizard, const QString& backupName);
    void closeWizard(OperationWizard* wizard);
    void save(QWidget* wizard, const char* name);
    QString activityLogText() const;

    test::SoftHsm m_hsm;
    QString m_outDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ui::FakePrompter> m_prompter;
    std::unique_ptr<ui::FakeFileChooser> m_files;
    std::unique_ptr<ui::MainWindow> m_window;
    QString m_fixture;
    QString m_copy;
};

void TestRewrapHsmWizard::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_rewrap_hsm"));
    QSettings().clear();
    // The same look as the other wizard screenshots.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(QApplication::style()->standardPalette());
    m_outDir = qEnvironmentVariableIntValue("MK_UPDATE_SCREENSHOTS") == 1
        ? QString::fromUtf8(MK_SOURCE_DIR) + QStringLiteral("/docs/screenshots")
        : QDir::currentPath() + QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(m_outDir));
    QString error;
    QVERIFY2(m_hsm.setUp({kToken}, &error), qPrintable(error));
    m_fixture = test::realFixturesDir() + QLatin1Char('/') + QString::fromLatin1(kFixture);
    QVERIFY2(QFileInfo::exists(m_fixture), qPrintable(m_fixture));
}

void TestRewrapHsmWizard::init()
{
    test::failOnThreadingWarnings();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    qunsetenv("MOSAICOO_SECRET_KEY");
    qunsetenv("GF_SECURITY_SECRET_KEY");
    m_prompter = std::make_unique<ui::FakePrompter>();
    m_files = std::make_unique<ui::FakeFileChooser>();
    m_window = test::showMainWindow(*m_prompter, m_dir->filePath(QStringLiteral("activity.jsonl")), m_files.get());
    QVERIFY(m_window);
    m_copy = test::copyFixture(m_fixture, m_dir->path());
    QVERIFY(QFileInfo::exists(m_copy));
}

void TestRewrapHsmWizard::cleanup()
{
    m_window.reset();
    m_files.reset();
    m_prompter.reset();
    m_dir.reset();
}

// grafana.ini: secretKey.v1 wraps new keys, pkcs11.hsm is available; the PIN through $__file{}.
QString TestRewrapHsmWizard::writeConfig(
    const QString& name, const QByteArray& pin, const QString& keyLabel) const
{
    const QString pinFile = m_dir->filePath(name + QStringLiteral(".pin"));
    QFile pf(pinFile);
    if (!pf.open(QIODevice::WriteOnly) || pf.write(pin + '\n') != pin.size() + 1)
        return {};
    pf.close();
    const QString ini = m_dir->filePath(name);
    QFile f(ini);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(QStringLiteral("[security]\nencryption_provider = secretKey.v1\n"
                           "available_encryption_providers = secretKey.v1 %1\n\n"
                           "[security.encryption.%1]\nmodule = %2\ntoken_label = %3\n"
                           "pin = $__file{%4}\nkey_label = %5\n")
                .arg(kHsm, QString::fromLatin1(test::SoftHsm::kModule), kToken, pinFile, keyLabel)
                .toUtf8());
    return ini;
}

model::Target TestRewrapHsmWizard::targetWith(const QString& db, const QString& ini) const
{
    model::OpenRequest request;
    request.dbUrl = db;
    request.configFile = ini;
    request.environment = QProcessEnvironment(); // the public default secret key
    auto resolved = model::resolveTarget(request);
    if (!resolved)
        qFatal("resolveTarget failed: %s", qPrintable(resolved.error().message));
    return *resolved;
}

QString TestRewrapHsmWizard::openFixture(const QString& ini)
{
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    m_window->openTarget(targetWith(m_copy, ini));
    if (!census.wait(60'000))
        return {};
    return m_copy;
}

OperationWizard* TestRewrapHsmWizard::openRewrapWizard()
{
    if (!test::triggerAction(m_window.get(), QStringLiteral("actionReEncryptDataKeys")))
        return nullptr;
    OperationWizard* wizard = m_window->currentWizard();
    if (!wizard)
        return nullptr;
    wizard->resize(kWizardSize);
    if (!QTest::qWaitForWindowExposed(wizard))
        return nullptr;
    return wizard;
}

RewrapOptionsWizardPage* TestRewrapHsmWizard::toOptionsPage(OperationWizard* wizard)
{
    if (wizard->kind() != model::OperationKind::RewrapDataKeys)
        return nullptr;
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    if (!test::clickForward(wizard) || !preflight.wait(kTimeout)
        || !preflight.first().at(0).toBool())
        return nullptr;
    if (wizard->preflight()->refused)
        return nullptr;
    if (!test::clickForward(wizard) || wizard->currentId() != OperationWizard::OptionsPageId)
        return nullptr;
    return qobject_cast<RewrapOptionsWizardPage*>(wizard->currentPage());
}

// Chooses the provider in the combo box with the keyboard (Up/Down move the current item).
void TestRewrapHsmWizard::chooseProvider(OperationWizard* wizard, const QString& providerId)
{
    auto* combo = wizard->findChild<QComboBox*>(QStringLiteral("providerCombo"));
    QVERIFY(combo && combo->isVisible() && combo->isEnabled());
    const int wanted = combo->findData(providerId);
    QVERIFY2(wanted >= 0, qPrintable(providerId));
    combo->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(combo->hasFocus());
    for (int i = 0; i < combo->count() && combo->currentIndex() != wanted; ++i)
        QTest::keyClick(combo, combo->currentIndex() < wanted ? Qt::Key_Down : Qt::Key_Up);
    QCOMPARE(combo->currentIndex(), wanted);
}

void TestRewrapHsmWizard::runToResult(OperationWizard* wizard, const QString& backupName)
{
    QVERIFY(test::clickForward(wizard)); // backup
    QCOMPARE(wizard->currentId(), int(OperationWizard::BackupPageId));
    // Its own file: the default name has a one-second time stamp, and both runs fit in a second.
    auto* path = wizard->findChild<QLineEdit*>(QStringLiteral("backupPathEdit"));
    QVERIFY(path);
    path->selectAll();
    QTest::keyClicks(path, m_dir->filePath(backupName));
    QSignalSpy backup(wizard, &OperationWizard::backupFinished);
    QVERIFY(test::clickChild(wizard, QStringLiteral("backupStartButton")));
    QVERIFY(backup.wait(kTimeout));
    QVERIFY2(backup.first().at(0).toBool(), qPrintable(labelText(wizard, "backupStatusLabel")));
    QVERIFY(test::clickForward(wizard)); // confirm
    QCOMPARE(wizard->currentId(), int(OperationWizard::ConfirmPageId));
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickForward(wizard)); // Start (commit)
    if (finished.isEmpty())
        QVERIFY(finished.wait(kTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    QVERIFY2(wizard->lastResult().has_value(), qPrintable(wizard->lastError()));
}

void TestRewrapHsmWizard::closeWizard(OperationWizard* wizard)
{
    QVERIFY(test::clickForward(wizard)); // Finish
    QTRY_VERIFY(!m_window->currentWizard());
}

void TestRewrapHsmWizard::save(QWidget* wizard, const char* name)
{
    QCoreApplication::sendPostedEvents();
    const QString file = m_outDir + QStringLiteral("/wizard-") + QString::fromLatin1(name)
        + QStringLiteral(".png");
    const QPixmap shot = wizard->grab();
    QCOMPARE(shot.size(), kWizardSize);
    QVERIFY2(shot.save(file), qPrintable(file));
}

QString TestRewrapHsmWizard::activityLogText() const
{
    QFile f(m_dir->filePath(QStringLiteral("activity.jsonl")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

// ---------------------------------------------------------------------------------------------

void TestRewrapHsmWizard::wrongPinBlocksNext()
{
    const QByteArray before = fileDigest(m_copy);
    const QString ini = writeConfig(QStringLiteral("wrong-pin.ini"), kWrongPin);
    QVERIFY(!ini.isEmpty());
    QVERIFY(!openFixture(ini).isEmpty());
    OperationWizard* wizard = openRewrapWizard();
    QVERIFY(wizard);
    RewrapOptionsWizardPage* page = toOptionsPage(wizard);
    QVERIFY2(page, "could not reach the options page");
    // The configured provider (secretKey.v1) needs no check: Next at once, no health panel.
    QVERIFY(test::canGoForward(wizard));
    QVERIFY(wizard->findChild<QWidget*>(QStringLiteral("providerHealthPanel"))->isHidden());

    QSignalSpy checked(page, &RewrapOptionsWizardPage::providerChecked);
    chooseProvider(wizard, kHsm);
    QCOMPARE(page->targetProviderId(), kHsm);
    QVERIFY(!test::canGoForward(wizard)); // incomplete while the check runs
    QVERIFY(checked.wait(kTimeout));
    const auto health = page->providerHealth();
    QVERIFY(health.has_value());
    QCOMPARE(model::providerStateName(health->state), model::providerStateName(State::LoginFailed));
    const QString text = labelText(wizard, "providerHealthLabel");
    const QString detail = labelText(wizard, "providerHealthDetailLabel");
    QVERIFY2(text.contains(QStringLiteral("refused the PIN")), qPrintable(text));
    QVERIFY2(text.contains(kToken), qPrintable(text));
    QVERIFY2(detail.contains(QStringLiteral("CKR_PIN_INCORRECT")), qPrintable(detail));
    for (const QString& shown : {text, detail, health->detail})
        QVERIFY2(!shown.contains(QString::fromLatin1(kWrongPin)), "the PIN is shown");
    QVERIFY(wizard->findChild<QPushButton*>(QStringLiteral("createKeyButton"))->isHidden());
    QVERIFY(!test::canGoForward(wizard));
    save(wizard, "hsm-3-options-wrong-pin");
    // Return (the default button) does not leave the page either.
    QTest::keyClick(wizard, Qt::Key_Return);
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));

    // Check again: one more login attempt, the same answer.
    QVERIFY(test::clickChild(wizard, QStringLiteral("recheckProviderButton")));
    QVERIFY(checked.wait(kTimeout));
    QCOMPARE(model::providerStateName(page->providerHealth()->state),
        model::providerStateName(State::LoginFailed));
    QVERIFY(!test::canGoForward(wizard));

    // Back to secretKey.v1: ready again; nothing was written anywhere.
    chooseProvider(wizard, QString());
    QVERIFY(test::canGoForward(wizard));
    QVERIFY(wizard->findChild<QWidget*>(QStringLiteral("providerHealthPanel"))->isHidden());
    wizard->reject();
    QTRY_VERIFY(!m_window->currentWizard());
    QVERIFY(m_prompter->questions().isEmpty());
    QCOMPARE(fileDigest(m_copy), before);
    const QString log = activityLogText();
    QVERIFY(!log.contains(QStringLiteral("create-hsm-key")));
    QVERIFY(!log.contains(QString::fromLatin1(kWrongPin)));
}

void TestRewrapHsmWizard::createKeyThenMoveIntoTheHsmAndBack()
{
    const QString ini = writeConfig(QStringLiteral("grafana.ini"), test::SoftHsm::kPin);
    QVERIFY(!ini.isEmpty());
    const model::Target target = targetWith(m_copy, ini);
    QVERIFY2(model::checkProviderHealth(target, kHsm).state == State::KeyMissing,
        "the key must not be in the token before the test creates it");
    const QStringList expected = test::expectedLines(m_fixture);
    QVERIFY(!expected.isEmpty());
    const QList<store::DataKeyRow> before = dataKeys(target);
    QVERIFY2(before.size() >= 2, "the fixture should have several data keys");

    QVERIFY(!openFixture(ini).isEmpty());
    OperationWizard* wizard = openRewrapWizard();
    QVERIFY(wizard);
    RewrapOptionsWizardPage* page = toOptionsPage(wizard);
    QVERIFY2(page, "could not reach the options page");

    // pkcs11.hsm: checked on a worker thread, the key is missing.
    QSignalSpy checked(page, &RewrapOptionsWizardPage::providerChecked);
    chooseProvider(wizard, kHsm);
    QVERIFY(!test::canGoForward(wizard));
    QVERIFY(checked.wait(kTimeout));
    QCOMPARE(model::providerStateName(page->providerHealth()->state),
        model::providerStateName(State::KeyMissing));
    QString text = labelText(wizard, "providerHealthLabel");
    QVERIFY2(
        text.contains(QStringLiteral("is not in")) && text.contains(kKey) && text.contains(kToken),
        qPrintable(text));
    auto* create = wizard->findChild<QPushButton*>(QStringLiteral("createKeyButton"));
    QVERIFY(create && create->isVisible() && create->isEnabled());
    QVERIFY(create->focusPolicy() & Qt::TabFocus);
    QVERIFY(!test::canGoForward(wizard));
    QVERIFY(
        wizard->findChild<QProgressBar*>(QStringLiteral("providerHealthProgressBar"))->isHidden());
    save(wizard, "hsm-3-options-key-missing");

    // Declining the confirmation creates nothing.
    m_prompter->queueConfirm(false);
    QVERIFY(test::clickChild(wizard, QStringLiteral("createKeyButton")));
    QCOMPARE(m_prompter->questions().size(), 1);
    QVERIFY(!page->isCreatingKey());
    QCOMPARE(model::checkProviderHealth(target, kHsm).state, State::KeyMissing);

    // Create, with the keyboard (Space on the focused button); the confirmation names token and
    // key.
    QSignalSpy created(page, &RewrapOptionsWizardPage::keyCreationFinished);
    m_prompter->queueConfirm(true);
    create->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(create->hasFocus());
    QTest::keyClick(create, Qt::Key_Space);
    QCOMPARE(m_prompter->questions().size(), 2);
    const QString question = m_prompter->questions().last();
    QVERIFY2(question.contains(kToken) && question.contains(kKey)
            && question.contains(QStringLiteral("AES-256")),
        qPrintable(question));
    QVERIFY(!question.contains(QString::fromLatin1(test::SoftHsm::kPin)));
    // While it runs: the button is disabled, the combo too, Next stays disabled.
    QVERIFY(!create->isEnabled());
    QVERIFY(!wizard->findChild<QComboBox*>(QStringLiteral("providerCombo"))->isEnabled());
    QVERIFY(!test::canGoForward(wizard));
    QVERIFY(created.wait(kTimeout));
    QVERIFY2(created.first().at(0).toBool(), qPrintable(labelText(wizard, "createKeyErrorLabel")));
    // Checked again by itself: ready.
    QTRY_VERIFY_WITH_TIMEOUT(page->providerHealth().has_value(), kTimeout);
    QCOMPARE(model::providerStateName(page->providerHealth()->state),
        model::providerStateName(State::Ready));
    text = labelText(wizard, "providerHealthLabel");
    QVERIFY2(text.contains(QStringLiteral("is ready")), qPrintable(text));
    QVERIFY(create->isHidden());
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("createKeyErrorLabel"))->isHidden());
    QVERIFY(test::canGoForward(wizard));
    QVERIFY(wizard->findChild<QComboBox*>(QStringLiteral("providerCombo"))->isEnabled());
    save(wizard, "hsm-3-options-ready");
    // The engine agrees, from a fresh connection.
    QCOMPARE(model::providerStateName(model::checkProviderHealth(target, kHsm).state),
        model::providerStateName(State::Ready));
    // A second creation is refused by the engine (the label exists).
    const auto again = model::createProviderKey(target, kHsm);
    QVERIFY(!again);
    QCOMPARE(int(again.error().kind), int(model::ErrorKind::Refused));
    QVERIFY(activityLogText().contains(QStringLiteral("\"create-hsm-key\"")));

    // Into the HSM.
    runToResult(wizard, QStringLiteral("before-hsm.db"));
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wizard->lastResult()->dataKeysRewrapped, before.size());
    QCOMPARE(wizard->lastResult()->failed, 0);
    QVERIFY(wizard->lastResult()->dataKeyFailures.isEmpty());
    closeWizard(wizard);
    const QList<store::DataKeyRow> inHsm = dataKeys(target);
    QCOMPARE(inHsm.size(), before.size());
    for (const store::DataKeyRow& key : inHsm) {
        QCOMPARE(key.provider, kHsm);
        QVERIFY(key.encryptedData.startsWith("MKP1\x01"));
    }
    QString error;
    QStringList lines = test::verifyLines(target, 2, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(lines == expected, qPrintable(test::describeDifference(expected, lines)));
    // Without the HSM, nothing decrypts any more: the data keys really are in the token.
    lines = test::verifyLines(test::targetFor(m_copy, test::kDefaultSecretKey), 2, &error);
    QVERIFY(lines != expected);

    // And back to secretKey.v1 (the configured encryption_provider): no check, Next at once.
    wizard = openRewrapWizard();
    QVERIFY(wizard);
    page = toOptionsPage(wizard);
    QVERIFY2(page, "could not reach the options page again");
    QCOMPARE(page->targetProviderId(), QStringLiteral("secretKey.v1"));
    QVERIFY(wizard->findChild<QWidget*>(QStringLiteral("providerHealthPanel"))->isHidden());
    QVERIFY(test::canGoForward(wizard));
    runToResult(wizard, QStringLiteral("in-hsm.db"));
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wizard->lastResult()->dataKeysRewrapped, before.size());
    QCOMPARE(wizard->lastResult()->failed, 0);
    closeWizard(wizard);
    const QList<store::DataKeyRow> after = dataKeys(target);
    QCOMPARE(after.size(), before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        QCOMPARE(after.at(i).id, before.at(i).id);
        QCOMPARE(after.at(i).provider, QStringLiteral("secretKey.v1"));
    }
    // Now the secret key alone decrypts everything again.
    lines = test::verifyLines(test::targetFor(m_copy, test::kDefaultSecretKey), 2, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(lines == expected, qPrintable(test::describeDifference(expected, lines)));
}

// The key appears in the token between the check and the click (another administrator): the
// engine refuses to create a second key with the label, the page shows why and checks again.
void TestRewrapHsmWizard::createKeyErrorIsShown()
{
    const QString label = QStringLiteral("mk-gui-kek-raced");
    const QString ini = writeConfig(QStringLiteral("raced.ini"), test::SoftHsm::kPin, label);
    QVERIFY(!ini.isEmpty());
    const QByteArray before = fileDigest(m_copy);
    QVERIFY(!openFixture(ini).isEmpty());
    OperationWizard* wizard = openRewrapWizard();
    QVERIFY(wizard);
    RewrapOptionsWizardPage* page = toOptionsPage(wizard);
    QVERIFY2(page, "could not reach the options page");
    QSignalSpy checked(page, &RewrapOptionsWizardPage::providerChecked);
    chooseProvider(wizard, kHsm);
    QVERIFY(checked.wait(kTimeout));
    QCOMPARE(model::providerStateName(page->providerHealth()->state),
        model::providerStateName(State::KeyMissing));

    const auto other = model::createProviderKey(targetWith(m_copy, ini), kHsm);
    QVERIFY2(other, other ? "" : qPrintable(other.error().message));
    QSignalSpy created(page, &RewrapOptionsWizardPage::keyCreationFinished);
    m_prompter->queueConfirm(true);
    QVERIFY(test::clickChild(wizard, QStringLiteral("createKeyButton")));
    QVERIFY(created.wait(kTimeout));
    QVERIFY(!created.first().at(0).toBool());
    auto* error = wizard->findChild<QLabel*>(QStringLiteral("createKeyErrorLabel"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("already exists")), qPrintable(error->text()));
    // Checked again by itself: the key that is there now is usable.
    QTRY_VERIFY_WITH_TIMEOUT(page->providerHealth().has_value(), kTimeout);
    QCOMPARE(model::providerStateName(page->providerHealth()->state),
        model::providerStateName(State::Ready));
    QVERIFY(test::canGoForward(wizard));
    QVERIFY(activityLogText().contains(QStringLiteral("\"refused\"")));
    // "Check again" clears the old error.
    QVERIFY(test::clickChild(wizard, QStringLiteral("recheckProviderButton")));
    QVERIFY(error->isHidden());
    QVERIFY(checked.wait(kTimeout));
    QVERIFY(test::canGoForward(wizard));
    wizard->reject();
    QTRY_VERIFY(!m_window->currentWizard());
    QCOMPARE(fileDigest(m_copy), before);
}

QTEST_MAIN(TestRewrapHsmWizard)
#include "TestRewrapHsmWizard.moc"
