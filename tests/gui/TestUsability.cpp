// The console as a new administrator finds it (issue 15): a wrong key noticed on opening, banners
// that keep their colour, mnemonics that do not clash, Tab that leaves the tables, the reveal
// countdown, Open Recent, and the Help menu (user guide, shortcuts, About).
#include "crypto/Payload.h"
#include "model/items/DataKeysTableModel.h"
#include "model/config/IniFile.h"
#include "model/items/SecretsTableModel.h"
#include "model/ops/DemoDatabase.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/gui/WizardTestSupport.h"
#include "model/ops/InterruptedWriteJob.h"
#include "tests/support/InterruptedWrite.h"
#include "tests/support/TestData.h"
#include "ui/common/FakePrompter.h"
#include "ui/common/GuiWording.h"
#include "ui/common/MessageBanner.h"
#include "ui/main/ConnectionDialog.h"
#include "ui/main/MainWindow.h"
#include "ui/main/RecentConnection.h"
#include "ui/main/ShortcutsDialog.h"
#include "ui/main/UserGuideDialog.h"
#include "ui/panes/DataKeysPane.h"
#include "ui/panes/HealthTile.h"
#include "ui/panes/OverviewPane.h"
#include "ui/panes/SecretsPane.h"
#include "ui/wizards/common/FakeFileChooser.h"
#include "ui/wizards/common/ResultWizardPage.h"
#include "ui/wizards/rewrap/RewrapOptionsWizardPage.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolBar>
#include <QToolButton>

#include <algorithm>
#include <memory>
#include <utility>

using namespace mk;
using model::DataKeysTableModel;

class TestUsability : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void wrongKeyIsNoticedOnOpening();
    void rightKeyRaisesNoKeyBanner();
    void bannerColourDoesNotBuildUp();
    void mnemonicsDoNotClashInTheWindowAndMenus();
    void mnemonicsDoNotClashInTheConnectionDialog();
    void mnemonicsDoNotClashInTheWizards();
    void tabLeavesTheSecretsTable();
    void revealCountsDown();
    void openRecentRecordsTheCommandLineAndTellsEntriesApart();
    void helpShowsGuideShortcutsAndAbout();
    void keyStrengthCountsWords();
    void smallWindowShowsStatusAndWholeCaptions();
    void backupAndRestoreFromTheFileMenu();
    void rotatePreflightCountsReferencesAndHealth();
    void reEncryptPreflightAgreesWithVerifyAndTheRun();
    void dataKeysFollowTheLastVerify();
    void changeKeyResultGivesTheLinesToPaste();
    void configLinesRoundTripThroughTheIniReader();
    void guiWordingHasNoFlagsAndRightPlurals();
    void openErrorsNameTheProblem();
    void backgroundCheckFillsTheVisibleRows();
    void smallWindowKeepsOperationsOnTheToolbar();
    void narrowOverviewStacksTheTilesInsteadOfScrollingSideways();
    void unfinishedWriteIsRolledBackFromTheBanner();
    void focusRingIsVisible();

private:
    // The demo database (model::createDemoDatabase), opened like open() does.
    bool openDemo();
    // Opens the request as the Open dialog does (remembered in Open Recent); waits for the census
    // and the key check.
    bool openRequest(const model::OpenRequest& request);
    // Runs Verify from the main window and waits for it.
    bool verifyAll();
    // Intro -> preflight finished.
    bool toPreflight(ui::OperationWizard* wizard);

    // Opens a copy of a synthetic fixture as the command line would; waits for the census and the
    // key check.
    bool open(const QString& fixture, const QString& secretKeyFile = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ui::FakePrompter> m_prompter;
    ui::FakeFileChooser m_files;
    std::unique_ptr<ui::MainWindow> m_window;
    QString m_path;
};

namespace {
constexpr int kTimeout = 60'000;
}

void TestUsability::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_usability"));
    QSettings().clear();
}

void TestUsability::init()
{
    test::failOnThreadingWarnings();
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_prompter = std::make_unique<ui::FakePrompter>();
    m_window = test::showMainWindow(*m_prompter, m_dir->filePath(QStringLiteral("activity.jsonl")), &m_files);
    QVERIFY(m_window);
}

void TestUsability::cleanup()
{
    m_window.reset();
    m_prompter.reset();
    m_dir.reset();
}

bool TestUsability::open(const QString& fixture, const QString& secretKeyFile)
{
    m_path = test::copyFixture(
        test::syntheticFixturesDir() + QLatin1Char('/') + fixture, m_dir->path());
    model::OpenRequest request;
    request.dbUrl = m_path;
    request.secretKeyFile = secretKeyFile;
    request.environment = QProcessEnvironment();
    return openRequest(request);
}

bool TestUsability::openRequest(const model::OpenRequest& request)
{
    const auto target = model::resolveTarget(request);
    if (!target)
        return false;
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    QSignalSpy keyCheck(m_window.get(), &ui::MainWindow::keyCheckFinished);
    m_window->openRemembered(*target, ui::RecentConnection::fromRequest(request));
    if (census.isEmpty() && !census.wait(kTimeout))
        return false;
    if (keyCheck.isEmpty() && !keyCheck.wait(kTimeout))
        return false;
    return census.first().at(0).toBool() && keyCheck.first().at(0).toBool();
}

bool TestUsability::openDemo()
{
    m_path = m_dir->filePath(QStringLiteral("demo.db"));
    if (!model::createDemoDatabase(m_path))
        return false;
    model::OpenRequest request;
    request.dbUrl = m_path;
    request.environment = QProcessEnvironment();
    return openRequest(request);
}

bool TestUsability::verifyAll()
{
    QSignalSpy verified(m_window->secretsPane(), &ui::SecretsPane::verifyFinished);
    if (!test::triggerAction(m_window.get(), QStringLiteral("actionVerify")))
        return false;
    return verified.wait(kTimeout);
}

bool TestUsability::toPreflight(ui::OperationWizard* wizard)
{
    QSignalSpy preflight(wizard, &ui::OperationWizard::preflightFinished);
    if (!test::clickForward(wizard))
        return false;
    if (preflight.isEmpty() && !preflight.wait(kTimeout))
        return false;
    return preflight.first().at(0).toBool() && wizard->preflight().has_value();
}

// custom-key.db with the public default key: 199 of its 200 values do not decrypt. The data keys
// wrapped with AES-CFB "unwrap" under any key, so only the sampled values can tell.
void TestUsability::wrongKeyIsNoticedOnOpening()
{
    QVERIFY(open(QStringLiteral("custom-key.db")));
    auto* banner = m_window->findChild<ui::MessageBanner*>(QStringLiteral("keyBanner"));
    QVERIFY(banner);
    QVERIFY(banner->isVisible());
    QCOMPARE(banner->type(), ui::MessageBanner::Type::Error);
    QVERIFY2(banner->text().contains(QStringLiteral("secret key is probably wrong")),
        qPrintable(banner->text()));
    const model::KeyCheck check = *m_window->keyCheck();
    QVERIFY(check.wrongKeySuspected);
    QVERIFY(banner->text().contains(
        QStringLiteral("%1 of %2 sampled values").arg(check.keyFailures).arg(check.sampled)));

    // No data key is shown green.
    DataKeysTableModel* keys = m_window->dataKeysPane()->model();
    QVERIFY(keys->rowCount() > 0);
    int suspect = 0;
    for (int row = 0; row < keys->rowCount(); ++row) {
        QVERIFY2(keys->kindAt(row) != DataKeysTableModel::Kind::Used, qPrintable(keys->idAt(row)));
        if (keys->kindAt(row) == DataKeysTableModel::Kind::Suspect) {
            ++suspect;
            QCOMPARE(keys->data(keys->index(row, DataKeysTableModel::Unwrap)).toString(),
                QStringLiteral("suspect"));
        }
    }
    QVERIFY(suspect > 0);

    // "Enter Another Key…" opens the connection dialog on this file, ready for a typed key.
    auto* action = banner->findChild<QPushButton*>(QStringLiteral("messageActionButton"));
    QVERIFY(action && action->isVisible());
    QTest::mouseClick(action, Qt::LeftButton);
    auto* dialog = m_window->findChild<ui::ConnectionDialog*>();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("sqlitePathEdit"))->text(), m_path);
    auto* keyEdit = dialog->findChild<QLineEdit*>(QStringLiteral("secretKeyEdit"));
    QVERIFY(keyEdit->isVisible());
}

void TestUsability::rightKeyRaisesNoKeyBanner()
{
    const QString keyFile = m_dir->filePath(QStringLiteral("key.txt"));
    {
        QFile file(keyFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("k3y-with#hash;and spaces");
    }
    QVERIFY(open(QStringLiteral("custom-key.db"), keyFile));
    auto* banner = m_window->findChild<ui::MessageBanner*>(QStringLiteral("keyBanner"));
    QVERIFY(banner->isHidden());
    QVERIFY(!m_window->keyCheck()->wrongKeySuspected);
    DataKeysTableModel* keys = m_window->dataKeysPane()->model();
    for (int row = 0; row < keys->rowCount(); ++row)
        QVERIFY(keys->kindAt(row) != DataKeysTableModel::Kind::Suspect);

    // broken.db with its right (default) key: only the default-key warning; its sixth data key,
    // wrapped with another secret key, is the one suspect.
    QVERIFY(open(QStringLiteral("broken.db")));
    QVERIFY(banner->isVisible());
    QCOMPARE(banner->type(), ui::MessageBanner::Type::Warning);
    QCOMPARE(keys->suspectCount(), 1);
    const int row = keys->rowCount() > 0 ? [keys] {
        for (int r = 0; r < keys->rowCount(); ++r) {
            if (keys->kindAt(r) == DataKeysTableModel::Kind::Suspect)
                return r;
        }
        return -1;
    }() : -1;
    QVERIFY(row >= 0);
    QCOMPARE(keys->data(keys->index(row, DataKeysTableModel::Label)).toString(),
        QStringLiteral("2025-04-20/root@secretKey.v1"));
}

// Showing a message again (Verify pressed again, a palette change) must not tint the tint.
void TestUsability::bannerColourDoesNotBuildUp()
{
    QWidget host;
    host.resize(600, 120);
    auto* banner = new ui::MessageBanner(&host);
    banner->setGeometry(0, 0, 600, 60);
    host.show();
    QVERIFY(QTest::qWaitForWindowExposed(&host));
    for (const auto type : {ui::MessageBanner::Type::Warning, ui::MessageBanner::Type::Error,
             ui::MessageBanner::Type::Positive}) {
        banner->showMessage(QStringLiteral("first"), type);
        QCoreApplication::sendPostedEvents();
        const QString sheet = banner->styleSheet();
        const QRgb first = banner->grab().toImage().pixel(300, 30);
        for (int i = 0; i < 5; ++i) {
            banner->showMessage(QStringLiteral("again"), type);
            QEvent change(QEvent::PaletteChange);
            QCoreApplication::sendEvent(banner, &change);
            QCoreApplication::sendPostedEvents();
        }
        QCOMPARE(banner->styleSheet(), sheet);
        QCOMPARE(QColor(banner->grab().toImage().pixel(300, 30)).name(), QColor(first).name());
    }
}

void TestUsability::mnemonicsDoNotClashInTheWindowAndMenus()
{
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    for (const auto pane : {ui::MainWindow::OverviewTab, ui::MainWindow::SecretsTab,
             ui::MainWindow::DataKeysTab, ui::MainWindow::ActivityTab}) {
        m_window->showPane(pane);
        const QStringList clashes = test::mnemonicClashes(m_window.get());
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    }
    const QList<QMenu*> menus
        = m_window->menuBar()->findChildren<QMenu*>(Qt::FindDirectChildrenOnly);
    QVERIFY(menus.size() >= 5);
    for (QMenu* menu : menus) {
        const QStringList clashes = test::menuMnemonicClashes(menu);
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    }
    // Every operation has a keyboard shortcut, and no two actions share one.
    QSet<QString> keys;
    for (const QAction* action : m_window->findChildren<QAction*>(Qt::FindDirectChildrenOnly)) {
        if (action->shortcut().isEmpty())
            continue;
        const QString key = action->shortcut().toString();
        QVERIFY2(!keys.contains(key), qPrintable(key));
        keys.insert(key);
    }
    for (const char* name : {"actionReEncrypt", "actionRollback", "actionReEncryptDataKeys",
             "actionChangeSecretKey", "actionRotate"})
        QVERIFY2(
            !m_window->findChild<QAction*>(QString::fromLatin1(name))->shortcut().isEmpty(), name);
}

void TestUsability::mnemonicsDoNotClashInTheConnectionDialog()
{
    ui::ConnectionDialog* dialog = m_window->showConnectionDialog(ui::ConnectionDialog::SqlitePage);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto* keySource = dialog->findChild<QComboBox*>(QStringLiteral("keySourceCombo"));
    for (const auto page : {ui::ConnectionDialog::SqlitePage, ui::ConnectionDialog::PostgresPage,
             ui::ConnectionDialog::MysqlPage, ui::ConnectionDialog::ConfigPage}) {
        dialog->setPage(page);
        for (int source = 0; source < keySource->count(); ++source) {
            keySource->setCurrentIndex(source);
            const QStringList clashes = test::mnemonicClashes(dialog);
            QVERIFY2(clashes.isEmpty(),
                qPrintable(QStringLiteral("page %1, key source %2:\n").arg(int(page)).arg(source)
                    + clashes.join(QLatin1Char('\n'))));
        }
    }
}

// Every page of every wizard up to the confirmation (nothing is run).
void TestUsability::mnemonicsDoNotClashInTheWizards()
{
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    const auto check = [](ui::OperationWizard* wizard, const char* where) {
        const QStringList clashes = test::mnemonicClashes(wizard);
        QVERIFY2(clashes.isEmpty(),
            qPrintable(
                QStringLiteral("%1 / %2:\n").arg(wizard->objectName(), QString::fromLatin1(where))
                + clashes.join(QLatin1Char('\n'))));
    };
    for (const char* name : {"actionReEncrypt", "actionRollback", "actionReEncryptDataKeys",
             "actionChangeSecretKey", "actionRotate"}) {
        QVERIFY(test::triggerAction(m_window.get(), QString::fromLatin1(name)));
        ui::OperationWizard* wizard = m_window->currentWizard();
        QVERIFY(wizard);
        QVERIFY(QTest::qWaitForWindowExposed(wizard));
        check(wizard, "intro");
        QSignalSpy preflight(wizard, &ui::OperationWizard::preflightFinished);
        QVERIFY(test::clickForward(wizard));
        QVERIFY2(!preflight.isEmpty() || preflight.wait(kTimeout), name);
        check(wizard, "preflight");
        QVERIFY(test::clickForward(wizard));
        check(wizard, "options");
        if (auto* generate = wizard->findChild<QPushButton*>(QStringLiteral("generateKeyButton"));
            generate && generate->isVisible()) {
            // The change of the secret key: the typed-key page, then a generated key.
            auto* newKey = wizard->findChild<QLineEdit*>(QStringLiteral("newKeyEdit"));
            QTest::keyClicks(newKey, QStringLiteral("Correct-Horse-Battery-9"));
            check(wizard, "options, typed key");
            // A typed key can be shown, and the estimate counts words, not letters.
            QVERIFY2(wizard->findChild<QLabel*>(QStringLiteral("strengthLabel"))
                         ->text()
                         .contains(QStringLiteral("weak")),
                qPrintable(wizard->findChild<QLabel*>(QStringLiteral("strengthLabel"))->text()));
            QCOMPARE(newKey->echoMode(), QLineEdit::Password);
            QVERIFY(test::clickChild(wizard, QStringLiteral("showKeyCheckBox")));
            QCOMPARE(newKey->echoMode(), QLineEdit::Normal);
            QCOMPARE(wizard->findChild<QLineEdit*>(QStringLiteral("repeatKeyEdit"))->echoMode(),
                QLineEdit::Normal);
            QVERIFY(test::clickChild(wizard, QStringLiteral("showKeyCheckBox")));
            QCOMPARE(newKey->echoMode(), QLineEdit::Password);
            QVERIFY(test::clickChild(wizard, QStringLiteral("generateKeyButton")));
            check(wizard, "options, generated key");
            QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("strengthLabel"))
                        ->text()
                        .contains(QStringLiteral("very strong")));
            QVERIFY(test::clickChild(wizard, QStringLiteral("keyStoredCheckBox")));
        }
        if (test::canGoForward(wizard)) {
            QVERIFY(test::clickForward(wizard));
            check(wizard, "backup");
            QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
            check(wizard, "backup, skipped");
            QVERIFY(test::clickForward(wizard));
            check(wizard, "confirm");
        }
        wizard->reject();
        QTRY_VERIFY(!m_window->currentWizard());
    }
}

void TestUsability::tabLeavesTheSecretsTable()
{
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    m_window->showPane(ui::MainWindow::SecretsTab);
    auto* view = m_window->secretsPane()->findChild<QTableView*>();
    QVERIFY(view);
    QTRY_VERIFY(view->model()->rowCount() > 0);
    view->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(view->hasFocus());
    view->setCurrentIndex(view->model()->index(0, 0));
    QTest::keyClick(view, Qt::Key_Tab);
    QTRY_VERIFY(!view->hasFocus());
    QVERIFY(QApplication::focusWidget());
    QVERIFY(QApplication::focusWidget() != view);
}

void TestUsability::revealCountsDown()
{
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    pane->setRevealTimeout(10'000);
    QTRY_VERIFY_WITH_TIMEOUT(pane->view()->model()->rowCount() > 0, kTimeout);
    test::clickIndex(pane->view(), pane->view()->model()->index(0, 0));
    m_prompter->queueConfirm(true);
    QSignalSpy shown(pane, &ui::SecretsPane::revealShown);
    pane->revealCurrent();
    QVERIFY(shown.wait(kTimeout));
    auto* label = pane->findChild<QLabel*>(QStringLiteral("revealLabel"));
    auto* panel = pane->findChild<QWidget*>(QStringLiteral("revealPanel"));
    auto* edit = pane->findChild<QPlainTextEdit*>(QStringLiteral("revealedValueEdit"));
    QVERIFY(label && panel && edit);
    // Whole seconds left, rounded up: 10 right after revealing (9 if the machine stalled a moment).
    const auto secondsLeft = [label] {
        static const QRegularExpression number(QStringLiteral("hides in (\\d+) s"));
        const QRegularExpressionMatch m = number.match(label->text());
        return m.hasMatch() ? m.captured(1).toInt() : -1;
    };
    const int first = secondsLeft();
    QVERIFY2(first == 10 || first == 9, qPrintable(label->text()));
    const QStringList clashes
        = test::mnemonicClashes(m_window.get()); // the reveal panel's buttons too
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    // The number goes down while the value is shown. On a machine stalled past the 10 s the panel
    // hid itself, which is right too: then the value must be gone from the widget.
    QTRY_VERIFY_WITH_TIMEOUT((secondsLeft() > 0 && secondsLeft() < first) || panel->isHidden(), 9'000);
    if (panel->isHidden()) {
        QVERIFY(edit->toPlainText().isEmpty());
        return;
    }
    pane->hideRevealed();
    QVERIFY(panel->isHidden());
    QVERIFY(edit->toPlainText().isEmpty());
}

void TestUsability::openRecentRecordsTheCommandLineAndTellsEntriesApart()
{
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    const QList<ui::RecentConnection> recent = [] {
        QSettings settings;
        return ui::RecentConnection::load(settings);
    }();
    QCOMPARE(recent.size(), 1);
    QCOMPARE(recent.first().path, m_path);
    auto* first = m_window->findChild<QAction*>(QStringLiteral("actionRecent0"));
    QVERIFY(first && first->isEnabled());
    QVERIFY(first->text().contains(m_path));

    // The same file again with a key file: one entry, labelled with where its key comes from.
    const QString keyFile = m_dir->filePath(QStringLiteral("key.txt"));
    {
        QFile file(keyFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("SW2YcwTIb9zpOOhoPsMm");
    }
    model::OpenRequest request;
    request.dbUrl = m_path;
    request.secretKeyFile = keyFile;
    request.environment = QProcessEnvironment();
    const auto target = model::resolveTarget(request);
    QVERIFY(target);
    m_window->openRemembered(*target, ui::RecentConnection::fromRequest(request));
    QSettings settings;
    const QList<ui::RecentConnection> after = ui::RecentConnection::load(settings);
    QCOMPARE(after.size(), 1);
    QVERIFY2(after.first().label().contains(QStringLiteral("key file key.txt")),
        qPrintable(after.first().label()));
    QVERIFY(!m_window->findChild<QAction*>(QStringLiteral("actionRecent1")));
}

void TestUsability::helpShowsGuideShortcutsAndAbout()
{
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionUserGuide")));
    auto* guide = m_window->findChild<ui::UserGuideDialog*>();
    QVERIFY(guide);
    QVERIFY(QTest::qWaitForWindowExposed(guide));
    const QString text = guide->browser()->toPlainText();
    QVERIFY2(
        text.contains(QStringLiteral("Why the operations are safe")), qPrintable(text.left(200)));
    QVERIFY(text.contains(QStringLiteral("Round trip before commit")));
    QVERIFY(
        !text.contains(QStringLiteral("](docs/"))); // rendered, and no links into the source tree
    QCOMPARE(m_window->findChild<QAction*>(QStringLiteral("actionUserGuide"))->shortcut(),
        QKeySequence(QKeySequence::HelpContents));

    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionShortcuts")));
    auto* shortcuts = m_window->findChild<ui::ShortcutsDialog*>();
    QVERIFY(shortcuts);
    QTableWidget* table = shortcuts->table();
    QStringList rows;
    for (int row = 0; row < table->rowCount(); ++row)
        rows << table->item(row, 0)->text() + QLatin1Char('=') + table->item(row, 1)->text();
    const QString verifyKey
        = QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V).toString(QKeySequence::NativeText);
    QVERIFY2(rows.contains(verifyKey + QStringLiteral("=Verify All Values")),
        qPrintable(rows.join(QLatin1Char('\n'))));
    shortcuts->close();

    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionAbout")));
    auto* about = m_window->findChild<QMessageBox*>(QStringLiteral("aboutBox"));
    QVERIFY(about);
    QVERIFY(about->text().contains(QString::fromLatin1(qVersion())));
    QVERIFY(about->text().contains(QStringLiteral("OpenSSL 3")));
    QVERIFY(about->text().contains(QStringLiteral("License")));
    about->close();
}

void TestUsability::keyStrengthCountsWords()
{
    using ui::RewrapOptionsWizardPage;
    // Three dictionary words and a digit: far below the 151 bits a character count gives.
    QVERIFY(RewrapOptionsWizardPage::strengthBits(QStringLiteral("Correct-Horse-Battery-9")) < 64);
    QVERIFY(
        RewrapOptionsWizardPage::strengthBits(QStringLiteral("correcthorsebatterystaple")) < 64);
    QCOMPARE(RewrapOptionsWizardPage::strengthBits(QStringLiteral("aaaaaaaaaaaaaaaaaaaa")), 4);
    // Random characters of every class still count as strong.
    QVERIFY(RewrapOptionsWizardPage::strengthBits(QStringLiteral("xK9#mQ2$vL7!pR4@")) >= 64);
    QVERIFY(RewrapOptionsWizardPage::strengthBits(QStringLiteral("xK9#mQ2$vL7!pR4@")) < 128);
    QCOMPARE(RewrapOptionsWizardPage::strengthBits(QString()), 0);
}

// 1024x640: the Status column is on screen and no tile caption is cut off.
void TestUsability::smallWindowShowsStatusAndWholeCaptions()
{
    m_window->resize(1024, 640);
    QVERIFY(open(QStringLiteral("broken.db")));
    QTRY_COMPARE(m_window->size(), QSize(1024, 640));
    m_window->showPane(ui::MainWindow::SecretsTab);
    QTableView* view = m_window->secretsPane()->view();
    QHeaderView* header = view->horizontalHeader();
    const int statusRight = header->sectionViewportPosition(model::SecretsTableModel::Status)
        + header->sectionSize(model::SecretsTableModel::Status);
    QVERIFY2(statusRight <= view->viewport()->width(),
        qPrintable(QStringLiteral("%1 > %2").arg(statusRight).arg(view->viewport()->width())));

    m_window->showPane(ui::MainWindow::OverviewTab);
    const QList<QLabel*> captions
        = m_window->overviewPane()->findChildren<QLabel*>(QStringLiteral("tileCaptionLabel"));
    QVERIFY(captions.size() >= 6);
    // The tiles grow when a caption wraps: wait for the layout to settle (posted LayoutRequests).
    const auto clipped = [&captions] {
        QStringList out;
        for (QLabel* caption : captions) {
            const int needed = caption->wordWrap()
                ? caption->heightForWidth(caption->width())
                : caption->fontMetrics().horizontalAdvance(caption->text());
            const int has = caption->wordWrap() ? caption->height() : caption->width();
            const int firstWord = caption->fontMetrics().horizontalAdvance(
                caption->text().section(QLatin1Char(' '), 0, 0));
            if (needed > has || firstWord > caption->width())
                out << QStringLiteral("%1: needs %2, has %3").arg(caption->text()).arg(needed).arg(has);
        }
        return out;
    };
    QTRY_VERIFY_WITH_TIMEOUT(clipped().isEmpty(), 5'000);
    QVERIFY2(clipped().isEmpty(), qPrintable(clipped().join(QLatin1Char('\n'))));
}

void TestUsability::backupAndRestoreFromTheFileMenu()
{
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    auto* banner = m_window->findChild<ui::MessageBanner*>(QStringLiteral("healthBanner"));
    const QString backup = m_dir->filePath(QStringLiteral("backup.db"));
    m_files.queueFile(backup);
    QSignalSpy backedUp(m_window.get(), &ui::MainWindow::backupFinished);
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionBackup")));
    QVERIFY(backedUp.wait(kTimeout));
    QCOMPARE(backedUp.first().at(0).toBool(), true);
    QVERIFY(QFileInfo::exists(backup));
    QCOMPARE(QFile::permissions(backup)
            & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
        QFileDevice::Permissions());
    QVERIFY(banner->text().contains(backup));
    const qint64 size = QFileInfo(backup).size();

    // Never over an existing file.
    m_files.queueFile(backup);
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionBackup")));
    QCOMPARE(backedUp.size(), 2);
    QCOMPARE(backedUp.last().at(0).toBool(), false);
    QVERIFY(banner->text().contains(QStringLiteral("exists already")));
    QCOMPARE(QFileInfo(backup).size(), size);

    // Restore: shows what it would do and asks; declined, nothing happens.
    QSignalSpy restored(m_window.get(), &ui::MainWindow::restoreFinished);
    m_prompter->queueFile(backup);
    m_prompter->queueConfirm(false);
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionRestore")));
    QVERIFY(restored.wait(kTimeout));
    QCOMPARE(restored.first().at(0).toBool(), false);
    QCOMPARE(m_prompter->questions().size(), 2); // the file, then the confirmation
    QVERIFY2(m_prompter->questions().last().contains(QStringLiteral("rewrites 0 values")),
        qPrintable(m_prompter->questions().last()));

    // Accepted: runs, reloads the panes, and logs it.
    m_prompter->queueFile(backup);
    m_prompter->queueConfirm(true);
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionRestore")));
    QVERIFY(restored.wait(kTimeout));
    QCOMPARE(restored.last().at(0).toBool(), true);
    QVERIFY(banner->text().contains(QStringLiteral("Restored 0 values")));
    QFile log(m_dir->filePath(QStringLiteral("activity.jsonl")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray bytes = log.readAll();
    QVERIFY(bytes.contains("\"backup\""));
    QVERIFY(bytes.contains("\"restore\""));
}

// The demo's active data key is named by many values: the Rotate preflight shows them, judges every
// key, and the confirm page counts them (the census is what `status` prints).
void TestUsability::rotatePreflightCountsReferencesAndHealth()
{
    QVERIFY(openDemo());
    const model::CensusResult census = *m_window->census();
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionRotate")));
    ui::OperationWizard* wizard = m_window->currentWizard();
    QVERIFY(wizard && QTest::qWaitForWindowExposed(wizard));
    QVERIFY(toPreflight(wizard));
    const model::Preflight& p = *wizard->preflight();
    QCOMPARE(p.values, census.totals.values);
    auto* table = wizard->findChild<QTableWidget*>(QStringLiteral("preflightDataKeysTable"));
    QCOMPARE(table->rowCount(), int(census.dataKeys.size()));
    qint64 activeReferences = 0;
    int active = 0;
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString id = table->item(row, 0)->text();
        const auto key = std::find_if(census.dataKeys.cbegin(), census.dataKeys.cend(),
                                      [&id](const model::DataKeyInfo& k) { return k.id == id; });
        QVERIFY(key != census.dataKeys.cend());
        QCOMPARE(table->item(row, 4)->text().toLongLong(), key->references);
        QVERIFY2(!table->item(row, 5)->text().isEmpty(), qPrintable(id));
        if (key->active) {
            ++active;
            activeReferences += key->references;
        }
    }
    QCOMPARE(active, 1);
    QVERIFY(activeReferences > 10);
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickForward(wizard)); // backup
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(test::clickForward(wizard)); // confirm
    const QString summary = wizard->findChild<QLabel*>(QStringLiteral("confirmSummaryLabel"))->text();
    QVERIFY2(summary.contains(QStringLiteral("Preflight: 1 data key to deactivate (%1 values reference it)")
                                  .arg(activeReferences)),
             qPrintable(summary));
    QVERIFY(!summary.contains(QStringLiteral("0 values")));
    wizard->reject();
    QTRY_VERIFY(!m_window->currentWizard());
}

// Verify finds 2 values of the demo that do not decrypt (one names a missing data key, one is a
// tampered AES-GCM value under a good key): the re-encrypt preflight predicts both, the run fails
// both, and afterwards the banner still knows what Verify found, and says it is stale.
void TestUsability::reEncryptPreflightAgreesWithVerifyAndTheRun()
{
    QVERIFY(openDemo());
    QVERIFY(verifyAll());
    const model::VerifyResult verified = *m_window->lastVerify();
    QCOMPARE(verified.failed, 2);
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionReEncrypt")));
    ui::OperationWizard* wizard = m_window->currentWizard();
    QVERIFY(wizard && QTest::qWaitForWindowExposed(wizard));
    QVERIFY(toPreflight(wizard));
    const model::Preflight p = *wizard->preflight();
    QCOMPARE(p.willFail, verified.failed);
    QCOMPARE(p.toChange + p.unchanged + p.willFail, p.values);
    const QString summary = wizard->findChild<QLabel*>(QStringLiteral("preflightSummaryLabel"))->text();
    QVERIFY2(summary.contains(QStringLiteral("Of <b>%1 values</b>").arg(p.values))
                 && summary.contains(QStringLiteral("<b>%1</b> will be rewritten").arg(p.toChange))
                 && summary.contains(QStringLiteral("<b>2</b> will fail"))
                 && !summary.contains(QStringLiteral("rewritten by this operation")),
             qPrintable(summary));
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickForward(wizard)); // backup
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(test::clickForward(wizard)); // confirm
    QSignalSpy finished(wizard, &ui::OperationWizard::runFinished);
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(!finished.isEmpty() || finished.wait(kTimeout));
    QCOMPARE(wizard->lastResult()->failed, p.willFail);
    QVERIFY(!census.isEmpty() || census.wait(kTimeout));

    auto* banner = m_window->findChild<ui::MessageBanner*>(QStringLiteral("healthBanner"));
    QVERIFY(banner->isVisible());
    QVERIFY(m_window->isLastVerifyStale());
    QVERIFY2(banner->text().contains(QStringLiteral("reported 2 values that cannot be decrypted"))
                 && banner->text().contains(QStringLiteral("Verify, before it, found 2")),
             qPrintable(banner->text()));
    QVERIFY(!banner->text().contains(QStringLiteral("1 values")));
    auto* action = banner->findChild<QPushButton*>(QStringLiteral("messageActionButton"));
    QVERIFY(action && action->isVisible());
    QCOMPARE(action->text(), QStringLiteral("Verify Again"));
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY(!m_window->currentWizard());
    QSignalSpy again(m_window->secretsPane(), &ui::SecretsPane::verifyFinished);
    QTest::mouseClick(action, Qt::LeftButton);
    QVERIFY(again.wait(kTimeout));
    QVERIFY(!m_window->isLastVerifyStale());
    QCOMPARE(m_window->lastVerify()->failed, 2);
    QVERIFY2(banner->text().contains(QStringLiteral("2 of 39 values cannot be decrypted")), qPrintable(banner->text()));
}

// A data key whose values all fail Verify for a reason the key can cause is not shown green.
void TestUsability::dataKeysFollowTheLastVerify()
{
    QVERIFY(open(QStringLiteral("broken.db")));
    QVERIFY(verifyAll());
    const model::VerifyResult verified = *m_window->lastVerify();
    DataKeysTableModel* keys = m_window->dataKeysPane()->model();
    for (auto it = verified.dataKeys.cbegin(); it != verified.dataKeys.cend(); ++it) {
        const int row = keys->rowForId(it.key());
        if (row < 0)
            continue;
        if (it->keyFailures > 0 && it->ok == 0) {
            QVERIFY2(keys->kindAt(row) == DataKeysTableModel::Kind::Suspect, qPrintable(it.key()));
            QCOMPARE(keys->data(keys->index(row, DataKeysTableModel::Unwrap)).toString(),
                     QStringLiteral("suspect"));
        } else if (it->keyFailures == 0 && it->ok > 0) {
            QVERIFY2(keys->kindAt(row) != DataKeysTableModel::Kind::Suspect, qPrintable(it.key()));
        }
    }
    QCOMPARE(keys->suspectCount(), 1); // the key wrapped with another secret key, as on opening
    const int suspectRow = keys->rowForId(QStringLiteral("f06jbkl6xtlkum"));
    QVERIFY(suspectRow >= 0);
    QCOMPARE(keys->kindAt(suspectRow), DataKeysTableModel::Kind::Suspect);

    // That key re-wrapped with this database's secret key behind the console's back (as a repair
    // from another machine would): the key check on opening still calls it suspect, a new Verify
    // decrypts its values, and the pane follows the Verify.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("rewrap"));
        db.setDatabaseName(m_path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT encrypted_data FROM data_keys WHERE name = 'f06jbkl6xtlkum'")));
        QVERIFY(q.next());
        const auto dek = crypto::decryptPayload(q.value(0).toByteArray(), "0ld-secret-key-from-another-instance");
        QVERIFY(dek && dek->size() == 16); // Grafana's data keys are 16 random bytes
        const auto rewrapped = crypto::encryptPayload(*dek, test::kDefaultSecretKey);
        QVERIFY(rewrapped);
        q.finish();
        QVERIFY(q.prepare(QStringLiteral("UPDATE data_keys SET encrypted_data = ? WHERE name = 'f06jbkl6xtlkum'")));
        q.addBindValue(*rewrapped);
        QVERIFY(q.exec());
        QCOMPARE(q.numRowsAffected(), 1);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("rewrap"));
    QVERIFY(verifyAll());
    const model::VerifyResult again = *m_window->lastVerify();
    QVERIFY(again.dataKeys.contains(QStringLiteral("f06jbkl6xtlkum")));
    QCOMPARE(again.dataKeys.value(QStringLiteral("f06jbkl6xtlkum")).keyFailures, 0);
    QVERIFY(again.dataKeys.value(QStringLiteral("f06jbkl6xtlkum")).ok > 0);
    QCOMPARE(keys->suspectCount(), 0);
    QVERIFY(keys->kindAt(suspectRow) != DataKeysTableModel::Kind::Suspect);
    QVERIFY(keys->data(keys->index(suspectRow, DataKeysTableModel::Unwrap)).toString() != QStringLiteral("suspect"));
}

// The change of the secret key with a generated key on the demo (2 values failed before): the
// result is not "without failures", gives both lines to paste (masked until shown; Copy copies
// them), and the Overview says where the key now comes from.
void TestUsability::changeKeyResultGivesTheLinesToPaste()
{
    QVERIFY(openDemo());
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionChangeSecretKey")));
    ui::OperationWizard* wizard = m_window->currentWizard();
    QVERIFY(wizard && QTest::qWaitForWindowExposed(wizard));
    QVERIFY(toPreflight(wizard));
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickChild(wizard, QStringLiteral("generateKeyButton")));
    QVERIFY(test::clickChild(wizard, QStringLiteral("keyStoredCheckBox")));
    const QString key = wizard->findChild<QLineEdit*>(QStringLiteral("newKeyEdit"))->text();
    QVERIFY(key.size() >= 16);
    QVERIFY(test::clickForward(wizard)); // backup
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(test::clickForward(wizard)); // confirm
    QVERIFY2(!wizard->currentPage()->subTitle().contains(QStringLiteral("batch by batch")),
             qPrintable(wizard->currentPage()->subTitle()));
    QVERIFY(wizard->currentPage()->subTitle().contains(QStringLiteral("one transaction")));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit")), QStringLiteral("demo.db"));
    QSignalSpy finished(wizard, &ui::OperationWizard::runFinished);
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(!finished.isEmpty() || finished.wait(kTimeout));
    QTRY_COMPARE(wizard->currentId(), int(ui::OperationWizard::ResultPageId));
    const model::OperationResult result = *wizard->lastResult();
    QCOMPARE(result.verifyFailed, 2);
    auto* banner = wizard->findChild<ui::MessageBanner*>(QStringLiteral("resultBanner"));
    QVERIFY(banner->type() != ui::MessageBanner::Type::Positive);
    QVERIFY2(!banner->text().contains(QStringLiteral("without failures")), qPrintable(banner->text()));

    auto* ini = wizard->findChild<QLineEdit*>(QStringLiteral("configIniEdit"));
    auto* env = wizard->findChild<QLineEdit*>(QStringLiteral("configEnvEdit"));
    QVERIFY(ini->isVisible() && env->isVisible() && ini->isReadOnly() && env->isReadOnly());
    QVERIFY(!ini->text().contains(key)); // masked until shown
    QVERIFY(ini->text().startsWith(QStringLiteral("secret_key = ")));
    QVERIFY(test::clickChild(wizard, QStringLiteral("copyIniButton")));
    QCOMPARE(QApplication::clipboard()->text(), ui::ResultWizardPage::configLinesFor(key.toUtf8()).iniLine);
    QVERIFY(test::clickChild(wizard, QStringLiteral("showConfigKeyCheckBox")));
    QCOMPARE(ini->text(), ui::ResultWizardPage::configLinesFor(key.toUtf8()).iniLine);
    QCOMPARE(env->text(), QStringLiteral("GF_SECURITY_SECRET_KEY=") + key); // generated: no quoting needed
    QVERIFY(test::clickChild(wizard, QStringLiteral("copyEnvButton")));
    QCOMPARE(QApplication::clipboard()->text(), env->text());
    QApplication::clipboard()->clear();

    QVERIFY(!census.isEmpty() || census.wait(kTimeout));
    const QString origin = m_window->overviewPane()->findChild<QLabel*>(QStringLiteral("keyOriginValueLabel"))->text();
    QVERIFY2(origin.contains(QStringLiteral("generated in this session")), qPrintable(origin));
    QVERIFY(!origin.contains(QStringLiteral("typed in")));
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY(!m_window->currentWizard());
}

// Keys with the characters an ini file treats specially: the line read back by the project's own
// ini reader gives the key byte for byte.
void TestUsability::configLinesRoundTripThroughTheIniReader()
{
    const QList<QByteArray> keys = {
        "plain-Key_0123456789",       "k3y-with#hash;and spaces", " leading and trailing ",
        "\"quoted-whole-value\"",     "'single-quoted'",          "back`tick#and;semi",
        "ends-with-backslash\\",      "\"\"\"triple#\"\"\"",      "both`and\"\"\"quotes;#",
        "tab\tinside#",               "=starts-with-equals",      "ünïcödé#κλειδί",
    };
    for (const QByteArray& key : keys) {
        const ui::ResultWizardPage::ConfigLines lines = ui::ResultWizardPage::configLinesFor(key);
        QVERIFY2(lines.iniLine.startsWith(QStringLiteral("secret_key = ")), key.constData());
        const auto ini = config::IniFile::parse("[security]\n" + lines.iniLine.toUtf8() + "\n");
        QVERIFY2(ini.has_value(), key.constData());
        QCOMPARE(ini->rawValue(QStringLiteral("security"), QStringLiteral("secret_key")), key);
        QVERIFY(lines.envLine.startsWith(QStringLiteral("GF_SECURITY_SECRET_KEY=")));
        // The shell form: a POSIX shell reads it back (single quotes, or bare when safe).
        QProcess shell;
        shell.start(QStringLiteral("/bin/sh"),
                    {QStringLiteral("-c"), lines.envLine + QStringLiteral("; printf %s \"$GF_SECURITY_SECRET_KEY\"")});
        QVERIFY(shell.waitForFinished(10'000));
        QCOMPARE(shell.readAllStandardOutput(), key);
    }
    QVERIFY(!config::IniFile::quoteValue("two\nlines").has_value());
}

void TestUsability::guiWordingHasNoFlagsAndRightPlurals()
{
    const QStringList model = {
        QStringLiteral("3 of 4 sampled values do not decrypt with this secret key (x). The key is probably "
                       "wrong; nothing was changed. Check the key, or run with --force to go on anyway "
                       "(values that do not decrypt are never rewritten)."),
        QStringLiteral("Rolled-back values carry the algorithm prefix: Grafana 8.5.4+ and 9.x+ read them; "
                       "for 8.5.3 and older use --format legacy."),
        QStringLiteral("--format legacy writes unprefixed aes-cfb values for Grafana/Mosaicoo up to 8.5.3."),
        QStringLiteral("Refused: a server wrote 2 s ago. Stop the servers, or pass --servers-stopped if "
                       "this evidence is stale."),
        QStringLiteral("1 data keys cannot be unwrapped correctly with k: a. Run with --force to re-wrap "
                       "the other keys and leave these untouched."),
        QStringLiteral("--accept-loss: 1 values lost their data key and are now unreadable."),
        QStringLiteral("--secret-key-file"),
    };
    for (const QString& text : model) {
        const QString gui = ui::guiWording(text);
        QVERIFY2(!gui.contains(QStringLiteral("--")), qPrintable(gui));
        QVERIFY2(!gui.contains(QStringLiteral(" 1 values")) && !gui.startsWith(QStringLiteral("1 data keys")),
                 qPrintable(gui));
    }
    QCOMPARE(ui::guiWording(QStringLiteral("21 values, 1 values, 11 data keys, 1 data keys")),
             QStringLiteral("21 values, 1 value, 11 data keys, 1 data key"));

    // The preflight of a rollback shows no flag (its warnings come from the model).
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionRollback")));
    ui::OperationWizard* wizard = m_window->currentWizard();
    QVERIFY(wizard && QTest::qWaitForWindowExposed(wizard));
    QVERIFY(toPreflight(wizard));
    for (QLabel* label : wizard->currentPage()->findChildren<QLabel*>())
        QVERIFY2(!label->text().contains(QStringLiteral("--format")) && !label->text().contains(QStringLiteral("--force")),
                 qPrintable(label->text()));
    for (QCheckBox* box : wizard->findChildren<QCheckBox*>())
        QVERIFY2(!box->text().contains(QStringLiteral("--")), qPrintable(box->text()));
    wizard->reject();
    QTRY_VERIFY(!m_window->currentWizard());
}

// A directory, a text file, random bytes: each named for what it is.
void TestUsability::openErrorsNameTheProblem()
{
    const QString directory = m_dir->filePath(QStringLiteral("a-folder.db"));
    QVERIFY(QDir().mkpath(directory));
    const QString text = m_dir->filePath(QStringLiteral("notes.db"));
    {
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[database]\ntype = sqlite3\nThis is a text file, not a database.\n");
    }
    const QString random = m_dir->filePath(QStringLiteral("random.db"));
    {
        QFile file(random);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray bytes(4096, '\0');
        quint32 state = 2463534242u; // xorshift: arbitrary but fixed bytes
        for (char& c : bytes) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            c = char(state & 0xff);
        }
        file.write(bytes);
    }
    const QList<std::pair<QString, QString>> cases = {
        {directory, QStringLiteral("is a directory, not a database file")},
        {text, QStringLiteral("is not an SQLite database file")},
        {random, QStringLiteral("is not an SQLite database file")},
    };
    ui::ConnectionDialog* dialog = m_window->showConnectionDialog(ui::ConnectionDialog::SqlitePage);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto* banner = dialog->findChild<ui::MessageBanner*>(QStringLiteral("connectionBanner"));
    auto* path = dialog->findChild<QLineEdit*>(QStringLiteral("sqlitePathEdit"));
    for (const auto& [file, expected] : cases) {
        path->clear();
        QTest::keyClicks(path, file);
        QSignalSpy probe(dialog, &ui::ConnectionDialog::probeFinished);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("openButton")), Qt::LeftButton);
        QVERIFY(!probe.isEmpty() || probe.wait(kTimeout));
        QCOMPARE(probe.first().at(0).toBool(), false);
        QVERIFY2(banner->text().contains(expected), qPrintable(banner->text()));
        QVERIFY(!banner->text().contains(QStringLiteral("data_keys")));
        QVERIFY(!banner->text().contains(QStringLiteral("no such database file")));
    }
    dialog->reject();

    // Two recent databases with the same file name in different folders are told apart.
    for (const QString& folder : {QStringLiteral("one"), QStringLiteral("two")}) {
        QVERIFY(QDir(m_dir->path()).mkpath(folder));
        const QString copy = m_dir->filePath(folder + QStringLiteral("/grafana.db"));
        QVERIFY(QFile::copy(test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db"), copy));
        model::OpenRequest request;
        request.dbUrl = copy;
        request.environment = QProcessEnvironment();
        const auto target = model::resolveTarget(request);
        QVERIFY(target);
        m_window->openRemembered(*target, ui::RecentConnection::fromRequest(request));
    }
    auto* first = m_window->findChild<QAction*>(QStringLiteral("actionRecent0"));
    auto* second = m_window->findChild<QAction*>(QStringLiteral("actionRecent1"));
    QVERIFY(first && second);
    QVERIFY(first->text() != second->text());
    QVERIFY2(first->text().contains(QStringLiteral("/two")) && second->text().contains(QStringLiteral("/one")),
             qPrintable(first->text() + QLatin1Char('|') + second->text()));
}

// The Status column of the rows on screen fills in without Verify (on a worker), agrees with what
// Verify finds, and leaves the rows off screen alone.
void TestUsability::backgroundCheckFillsTheVisibleRows()
{
    QVERIFY(open(QStringLiteral("broken.db")));
    ui::SecretsPane* pane = m_window->secretsPane();
    QSignalSpy checked(pane, &ui::SecretsPane::visibleRowsChecked);
    m_window->showPane(ui::MainWindow::SecretsTab);
    QVERIFY(checked.wait(kTimeout));
    QVERIFY(checked.first().at(0).toInt() > 0);
    QVERIFY(!m_window->lastVerify());
    QTableView* view = pane->view();
    QAbstractItemModel* model = view->model();
    const int first = view->rowAt(0);
    const int last = view->rowAt(view->viewport()->height() - 1);
    QVERIFY(first == 0 && last > 5);
    QVERIFY2(model->rowCount() > last + 1, "broken.db has more rows than a screenful");
    QHash<int, int> statuses;
    for (int row = first; row <= last; ++row) {
        const int status = model->index(row, 0).data(model::SecretsTableModel::StatusRole).toInt();
        QVERIFY2(status != int(model::SecretStatus::NotChecked), qPrintable(QString::number(row)));
        statuses.insert(row, status);
    }
    int offScreenUnchecked = 0;
    for (int row = last + 1; row < model->rowCount(); ++row)
        offScreenUnchecked += model->index(row, 0).data(model::SecretsTableModel::StatusRole).toInt()
                                      == int(model::SecretStatus::NotChecked)
                                  ? 1
                                  : 0;
    QVERIFY(offScreenUnchecked > 0);
    QVERIFY(!pane->isCheckingVisibleRows() || QTest::qWaitFor([pane] { return !pane->isCheckingVisibleRows(); }, kTimeout));

    // Verify agrees with the background check, row by row.
    QVERIFY(verifyAll());
    for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
        QCOMPARE(model->index(it.key(), 0).data(model::SecretsTableModel::StatusRole).toInt(), it.value());

    // Verify stops a background check that is under way.
    pane->setBackgroundCheck(false);
    QVERIFY(!pane->isCheckingVisibleRows());
}

// 800x600: every toolbar action has its button on screen (nothing behind the overflow arrow).
void TestUsability::smallWindowKeepsOperationsOnTheToolbar()
{
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    m_window->resize(800, 600);
    QTRY_COMPARE(m_window->size(), QSize(800, 600));
    auto* tools = m_window->findChild<QToolBar*>(QStringLiteral("mainToolBar"));
    QVERIFY(tools && tools->isVisible());
    QTRY_VERIFY(tools->width() <= 800);
    int buttons = 0;
    for (QAction* action : tools->actions()) {
        if (action->isSeparator())
            continue;
        QWidget* button = tools->widgetForAction(action);
        QVERIFY2(button && button->isVisible(), qPrintable(action->objectName()));
        QVERIFY2(button->geometry().right() < tools->width(), qPrintable(action->objectName()));
        ++buttons;
    }
    QVERIFY(buttons >= 10);
    if (auto* more = tools->findChild<QToolButton*>(QStringLiteral("qt_toolbar_ext_button")))
        QVERIFY(!more->isVisible());
}

// A focused table or input has a frame in the highlight colour, visible in a screenshot.
void TestUsability::focusRingIsVisible()
{
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    m_window->showPane(ui::MainWindow::SecretsTab);
    QTableView* view = m_window->secretsPane()->view();
    auto* search = m_window->secretsPane()->findChild<QLineEdit*>(QStringLiteral("searchEdit"));
    QVERIFY(search);
    const QColor highlight = view->palette().color(QPalette::Highlight);
    const auto edgeColour = [](QWidget* widget) {
        const QImage image = widget->grab().toImage();
        return QColor(image.pixel(0, image.height() / 2));
    };
    view->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(view->hasFocus());
    QTRY_COMPARE(edgeColour(view).name(), highlight.name());
    search->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(search->hasFocus());
    QTRY_COMPARE(edgeColour(search).name(), highlight.name());
    QVERIFY(edgeColour(view).name() != highlight.name());
}

// 800x600: the overview fits the window's width; the six tiles stack in rows of equal height.
void TestUsability::narrowOverviewStacksTheTilesInsteadOfScrollingSideways()
{
    QCOMPARE(ui::OverviewPane::tileColumnsFor(1280), 6);
    QCOMPARE(ui::OverviewPane::tileColumnsFor(800), 3);
    QCOMPARE(ui::OverviewPane::tileColumnsFor(400), 2);
    QVERIFY(open(QStringLiteral("mixed-default-key.db")));
    m_window->showPane(ui::MainWindow::OverviewTab);
    ui::OverviewPane* pane = m_window->overviewPane();
    auto* scroll = pane->findChild<QScrollArea*>(QStringLiteral("overviewScrollArea"));
    QVERIFY(scroll);
    const auto rows = [pane] {
        QMap<int, QList<int>> heightsByTop;
        for (ui::HealthTile* tile : pane->findChildren<ui::HealthTile*>())
            heightsByTop[tile->y()] << tile->height();
        return heightsByTop;
    };
    for (const QSize size : {QSize(1280, 800), QSize(800, 600)}) {
        m_window->resize(size);
        QTRY_COMPARE(m_window->size(), size);
        QTRY_VERIFY2(!scroll->horizontalScrollBar()->isVisible(), qPrintable(QStringLiteral("%1 wide").arg(size.width())));
        const int expectedRows = size.width() >= 1024 ? 1 : 2;
        QTRY_COMPARE(rows().size(), expectedRows);
        for (const QList<int>& heights : rows()) {
            QCOMPARE(heights.size(), 6 / expectedRows);
            QCOMPARE(*std::min_element(heights.cbegin(), heights.cend()), *std::max_element(heights.cbegin(), heights.cend()));
        }
    }
}

// A database a killed writer left with an unfinished transaction cannot be read at all: the banner
// says why and offers the one thing that helps, asked first; afterwards everything reads again.
void TestUsability::unfinishedWriteIsRolledBackFromTheBanner()
{
    const QString fixture = test::syntheticFixturesDir() + QStringLiteral("/mixed-default-key.db");
    m_path = m_dir->filePath(QStringLiteral("interrupted.db"));
    const QString made = test::makeInterruptedWriteCopy(fixture, m_path);
    QVERIFY2(made.isEmpty(), qPrintable(made));
    model::OpenRequest request;
    request.dbUrl = m_path;
    request.environment = QProcessEnvironment();
    const auto target = model::resolveTarget(request);
    QVERIFY(target);
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    m_window->openTarget(*target);
    QVERIFY(census.wait(kTimeout));
    QCOMPARE(census.first().at(0).toBool(), false);
    auto* banner = m_window->findChild<ui::MessageBanner*>(QStringLiteral("healthBanner"));
    QCOMPARE(banner->type(), ui::MessageBanner::Type::Error);
    QVERIFY2(banner->text().contains(QStringLiteral("unfinished transaction")), qPrintable(banner->text()));
    auto* action = banner->findChild<QPushButton*>(QStringLiteral("messageActionButton"));
    QVERIFY(action && action->isVisible());
    QVERIFY2(action->text().contains(QStringLiteral("Roll")), qPrintable(action->text()));
    // Not "Reading…" forever in the status bar.
    QCOMPARE(m_window->findChild<QLabel*>(QStringLiteral("statusCountsLabel"))->text(), QStringLiteral("Cannot be read"));
    if (!qEnvironmentVariableIsEmpty("MK_SCREENSHOT_DIR")) {
        QTest::qWait(100); // the layouts settle
        m_window->grab().save(qEnvironmentVariable("MK_SCREENSHOT_DIR") + QStringLiteral("/unfinished-write.png"));
    }

    // Declined: nothing is written.
    m_prompter->queueConfirm(false);
    QTest::mouseClick(action, Qt::LeftButton);
    QVERIFY(model::hasInterruptedWrite(*target));
    QVERIFY2(m_prompter->questions().last().contains(QStringLiteral("interrupted.db-journal")),
             qPrintable(m_prompter->questions().last()));

    // Accepted: played back, opened again, logged.
    QSignalSpy rolledBack(m_window.get(), &ui::MainWindow::interruptedWriteRolledBack);
    census.clear();
    m_prompter->queueConfirm(true);
    QTest::mouseClick(action, Qt::LeftButton);
    QVERIFY(rolledBack.wait(kTimeout));
    QCOMPARE(rolledBack.first().at(0).toBool(), true);
    QVERIFY(!model::hasInterruptedWrite(*target));
    QVERIFY(!census.isEmpty() || census.wait(kTimeout));
    QCOMPARE(census.last().at(0).toBool(), true);
    QCOMPARE(m_window->census()->totals.values, 300);
    QVERIFY(verifyAll());
    QCOMPARE(m_window->lastVerify()->failed, 0);
    QCOMPARE(m_window->lastVerify()->checked, 300);
    QFile log(m_dir->filePath(QStringLiteral("activity.jsonl")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("\"roll-back-interrupted-write\""));
}

QTEST_MAIN(TestUsability)
#include "TestUsability.moc"
