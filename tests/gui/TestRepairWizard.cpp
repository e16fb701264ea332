// The Repair wizard (issue 14) clicked through like a user, offscreen, on damaged copies of
// mixed-default-key.db built here (tests/unit/ops/RepairTestSupport): a database moved to a server
// with another key (the old key typed as a candidate), values nothing opens (cleared only after the
// database name is typed; the re-entry list exported as CSV), the health banner's Repair… button,
// Cancel mid-run. Every verdict is checked through the engine afterwards (verify), never by timing.
#include "model/ops/KeyFingerprint.h"
#include "model/ops/RepairJob.h"
#include "model/ops/VerifyJob.h"
#include "model/store/SecretLocation.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/gui/WizardTestSupport.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"
#include "tests/unit/ops/RepairTestSupport.h"
#include "ui/common/FakePrompter.h"
#include "ui/common/MessageBanner.h"
#include "ui/main/MainWindow.h"
#include "ui/panes/SecretsPane.h"
#include "ui/wizards/common/ResultWizardPage.h"
#include "ui/wizards/common/FakeFileChooser.h"
#include "ui/wizards/repair/RepairOptionsWizardPage.h"
#include "ui/wizards/repair/RepairWizard.h"

#include <QAction>
#include <QCheckBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using namespace mk;
using ui::OperationWizard;
using ui::RepairWizard;

namespace {

constexpr int kJobTimeout = 300'000;

// Every text a user can see in the wizard: labels, line edits, list and table items.
QStringList visibleTexts(QWidget* root)
{
    QStringList texts;
    for (const QLabel* label : root->findChildren<QLabel*>())
        texts << label->text();
    for (const QLineEdit* edit : root->findChildren<QLineEdit*>())
        texts << edit->displayText();
    for (const QListWidget* list : root->findChildren<QListWidget*>()) {
        for (int i = 0; i < list->count(); ++i)
            texts << list->item(i)->text();
    }
    for (const QTableWidget* table : root->findChildren<QTableWidget*>()) {
        for (int r = 0; r < table->rowCount(); ++r) {
            for (int c = 0; c < table->columnCount(); ++c) {
                if (const QTableWidgetItem* item = table->item(r, c))
                    texts << item->text() << item->toolTip();
            }
        }
    }
    return texts;
}

// Grabs the wizard into MK_SCREENSHOT_DIR (default: ./screenshots) as repair-1024x640-<name>.png.
bool saveScreenshot(QWidget* wizard, const char* name)
{
    const QString outDir = qEnvironmentVariableIsEmpty("MK_SCREENSHOT_DIR")
        ? QDir::currentPath() + QStringLiteral("/screenshots")
        : qEnvironmentVariable("MK_SCREENSHOT_DIR");
    QCoreApplication::sendPostedEvents();
    return QDir().mkpath(outDir)
        && wizard->grab().save(outDir + QStringLiteral("/repair-1024x640-")
            + QString::fromLatin1(name) + QStringLiteral(".png"));
}

// RFC 4180 reader (quoted fields with doubled quotes, commas and line breaks inside).
QList<QStringList> parseCsv(const QByteArray& bytes)
{
    QList<QStringList> records;
    QStringList record;
    QByteArray field;
    bool quoted = false;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes.at(i);
        if (quoted) {
            if (c == '"' && i + 1 < bytes.size() && bytes.at(i + 1) == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            record << QString::fromUtf8(field);
            field.clear();
        } else if (c == '\n') {
            record << QString::fromUtf8(field);
            field.clear();
            records << record;
            record.clear();
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !record.isEmpty())
        records << (record << QString::fromUtf8(field));
    return records;
}

} // namespace

class TestRepairWizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void menuShortcutAndHint();
    void candidateKeyRepairsAMovedDatabase();
    void clearingNeedsTheNameAndExportsOwners();
    void reportWithoutClearingOffersRepairAgain();
    void cancelMidRunLosesNothing();
    void reentryCsvQuoting();
    void csvFieldsNeverRunAsFormulas();
    void movedAndDamagedPagesAt1024x640();
    void candidatesFromFilesAndConfigs();
    void refusalsOnThePreflight();
    void missingDataKeysFromABackup();

private:
    // A copy of the repair fixture opened with `secretKey`; the path.
    QString openCopy(const QByteArray& secretKey);
    RepairWizard* openRepair();
    void checkMnemonics(QWidget* wizard, const char* page);
    // Intro → candidates (the given keys typed) → preflight done.
    void toPreflight(RepairWizard* wizard, const QList<QByteArray>& typedKeys, bool clear);
    // Preflight → backup (skipped) → confirm.
    void toConfirm(RepairWizard* wizard);
    void runFromConfirm(RepairWizard* wizard);
    // Two values (a data source's, a user's token) replaced by payloads under a key nobody has.
    QStringList damageTwoValues(const model::Target& target);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ui::FakePrompter> m_prompter;
    std::unique_ptr<ui::FakeFileChooser> m_files;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestRepairWizard::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_repair_wizard"));
    QSettings().clear();
}

void TestRepairWizard::init()
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
}

void TestRepairWizard::cleanup()
{
    m_window.reset();
    m_files.reset();
    m_prompter.reset();
    m_dir.reset();
}

QString TestRepairWizard::openCopy(const QByteArray& secretKey)
{
    const QString path = test::copyFixture(test::repairFixture(), m_dir->path());
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    m_window->openTarget(test::targetFor(path, secretKey));
    if (!census.wait(60'000))
        return {};
    return path;
}

RepairWizard* TestRepairWizard::openRepair()
{
    if (!test::triggerAction(m_window.get(), QStringLiteral("actionRepair")))
        return nullptr;
    auto* wizard = qobject_cast<RepairWizard*>(m_window->currentWizard());
    if (wizard && !QTest::qWaitForWindowExposed(wizard))
        return nullptr;
    return wizard;
}

void TestRepairWizard::checkMnemonics(QWidget* wizard, const char* page)
{
    const QStringList clashes = test::mnemonicClashes(wizard);
    QVERIFY2(clashes.isEmpty(),
        qPrintable(
            QString::fromLatin1(page) + QStringLiteral(":\n") + clashes.join(QLatin1Char('\n'))));
}

void TestRepairWizard::toPreflight(
    RepairWizard* wizard, const QList<QByteArray>& typedKeys, bool clear)
{
    QCOMPARE(wizard->objectName(), QStringLiteral("repairWizard"));
    QCOMPARE(wizard->currentId(), int(OperationWizard::IntroPageId));
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("introTextLabel"))
                ->text()
                .contains(QStringLiteral("candidate")));
    const QStringList missing = test::widgetsWithoutObjectName(wizard);
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
    checkMnemonics(wizard, "intro");
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));
    checkMnemonics(wizard, "candidates");

    auto* keyEdit = wizard->findChild<QLineEdit*>(QStringLiteral("candidateKeyEdit"));
    QVERIFY(keyEdit && keyEdit->isVisible());
    QCOMPARE(keyEdit->echoMode(), QLineEdit::Password);
    auto* list = wizard->findChild<QListWidget*>(QStringLiteral("candidatesList"));
    for (const QByteArray& key : typedKeys) {
        QTest::keyClicks(keyEdit, QString::fromUtf8(key));
        // The show toggle unmasks and masks again.
        QVERIFY(test::clickChild(wizard, QStringLiteral("showCandidateKeyCheckBox")));
        QCOMPARE(keyEdit->echoMode(), QLineEdit::Normal);
        QVERIFY(test::clickChild(wizard, QStringLiteral("showCandidateKeyCheckBox")));
        QCOMPARE(keyEdit->echoMode(), QLineEdit::Password);
        const int before = list->count();
        QVERIFY(test::clickChild(wizard, QStringLiteral("addCandidateKeyButton")));
        QCOMPARE(list->count(), before + 1);
        QVERIFY(keyEdit->text().isEmpty()); // wiped once added
        // The list shows the fingerprint, never the key.
        const QString item = list->item(before)->text();
        QVERIFY2(item.contains(model::keyFingerprint(key)), qPrintable(item));
        QVERIFY(!item.contains(QString::fromUtf8(key)));
    }
    auto* clearBox = wizard->findChild<QCheckBox*>(QStringLiteral("clearUnrecoverableCheckBox"));
    QVERIFY(!clearBox->isChecked()); // off by default
    if (clear)
        QVERIFY(test::clickChild(wizard, QStringLiteral("clearUnrecoverableCheckBox")));
    QCOMPARE(clearBox->isChecked(), clear);

    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::PreflightPageId));
    QVERIFY(preflight.wait(kJobTimeout));
    QVERIFY2(preflight.first().at(0).toBool(), "preflight failed");
    QVERIFY(wizard->preview().has_value());
    QVERIFY(wizard->preflight().has_value());
    QTRY_VERIFY(test::canGoForward(wizard));
    checkMnemonics(wizard, "preflight");
}

void TestRepairWizard::toConfirm(RepairWizard* wizard)
{
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::BackupPageId));
    checkMnemonics(wizard, "backup");
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::ConfirmPageId));
    checkMnemonics(wizard, "confirm");
}

void TestRepairWizard::runFromConfirm(RepairWizard* wizard)
{
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickForward(wizard)); // "Start" (commit)
    if (finished.isEmpty())
        QVERIFY(finished.wait(kJobTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    QVERIFY(wizard->repairResult().has_value());
    checkMnemonics(wizard, "result");
}

QStringList TestRepairWizard::damageTwoValues(const model::Target& target)
{
    QString dsRow;
    QString dsField;
    QString uaRow;
    for (const model::ValueRecord& v : test::scanValues(target)) {
        const QString key = store::secretLocations().at(v.locationIndex).key;
        if (dsRow.isEmpty() && key == QLatin1String("data_source.secure_json_data") && !v.problem) {
            dsRow = v.rowId;
            dsField = v.field;
        }
        if (uaRow.isEmpty() && key == QLatin1String("user_auth.o_auth_access_token") && !v.problem)
            uaRow = v.rowId;
    }
    if (dsRow.isEmpty() || uaRow.isEmpty())
        return {};
    const QByteArray long64(64, 'x');
    const QByteArray p1
        = test::undecryptablePayload(target, long64 + "-token-one", crypto::Algorithm::AesCfb);
    const QByteArray p2
        = test::undecryptablePayload(target, long64 + "-token-two", crypto::Algorithm::AesCfb);
    if (p1.isEmpty() || p2.isEmpty()
        || !test::replaceValue(
            target, QStringLiteral("data_source.secure_json_data"), dsRow, dsField, p1)
        || !test::replaceValue(target, QStringLiteral("user_auth.o_auth_access_token"), uaRow,
            QStringLiteral("o_auth_access_token"), p2))
        return {};
    return {QStringLiteral("data_source/") + dsRow + QLatin1Char('/') + dsField,
        QStringLiteral("user_auth/") + uaRow + QStringLiteral("/o_auth_access_token")};
}

// ---------------------------------------------------------------------------------------------

void TestRepairWizard::menuShortcutAndHint()
{
    auto* action = m_window->findChild<QAction*>(QStringLiteral("actionRepair"));
    QVERIFY(action);
    QVERIFY(!action->isEnabled()); // until a database is open
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    // No other action has the same shortcut.
    for (const QAction* other : m_window->findChildren<QAction*>()) {
        if (other != action)
            QVERIFY2(other->shortcut() != action->shortcut(), qPrintable(other->objectName()));
    }
    auto* menu = m_window->findChild<QMenu*>(QStringLiteral("operationsMenu"));
    QVERIFY(menu && menu->actions().contains(action));
    const QStringList clashes = test::menuMnemonicClashes(menu);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    // The keyboard-shortcuts dialog lists it.
    QDialog* dialog = m_window->showShortcuts();
    auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("shortcutsTable"));
    bool listed = false;
    for (int r = 0; r < table->rowCount(); ++r)
        listed = listed || table->item(r, 1)->text() == QStringLiteral("Repair");
    QVERIFY(listed);
    dialog->close();

    QVERIFY(!openCopy(test::kDefaultSecretKey).isEmpty());
    QVERIFY(action->isEnabled());
    // Cancel on the first pages closes without asking.
    RepairWizard* wizard = openRepair();
    QVERIFY(wizard);
    QCOMPARE(wizard->windowModality(), Qt::WindowModal);
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));
    QSignalSpy closed(wizard, &QDialog::finished);
    QTest::mouseClick(wizard->button(QWizard::CancelButton), Qt::LeftButton);
    QCOMPARE(closed.size(), 1);
    QTRY_VERIFY(!m_window->currentWizard());
    QVERIFY(m_prompter->questions().isEmpty());
}

void TestRepairWizard::candidateKeyRepairsAMovedDatabase()
{
    // The database was written by a server with the default key; this server has kOtherKey.
    const QString path = openCopy(test::kOtherKey);
    QVERIFY(!path.isEmpty());
    const model::Target here = test::targetFor(path, test::kOtherKey);
    QVERIFY(!test::mismatch(here, test::expectedLines(test::repairFixture())).isEmpty());
    RepairWizard* wizard = openRepair();
    QVERIFY(wizard);
    toPreflight(wizard, {QByteArray(test::kDefaultSecretKey)}, false);
    if (QTest::currentTestFailed())
        return;

    // The preflight: what the candidate opens, per data key and per location.
    const model::RepairResult& preview = *wizard->preview();
    QVERIFY(preview.operation.dryRun);
    QCOMPARE(preview.candidates.size(), 1);
    const model::CandidateOutcome& candidate = preview.candidates.first();
    QCOMPARE(candidate.fingerprint, model::keyFingerprint(test::kDefaultSecretKey));
    QVERIFY(!candidate.dataKeys.isEmpty());
    QVERIFY(candidate.values > 0);
    QCOMPARE(preview.remaining.size(), 0);
    auto* candidates = wizard->findChild<QTableWidget*>(QStringLiteral("repairCandidatesTable"));
    QCOMPARE(candidates->rowCount(), 1);
    QCOMPARE(candidates->item(0, 1)->text(), candidate.fingerprint);
    QCOMPARE(candidates->item(0, 3)->text(), QLocale().toString(candidate.values));
    auto* opens = wizard->findChild<QTableWidget*>(QStringLiteral("repairOpensTable"));
    QCOMPARE(opens->columnCount(), 5); // location, values, current, the candidate, nothing
    QCOMPARE(opens->rowCount(), preview.locations.size());
    qint64 byCandidate = 0;
    for (int r = 0; r < opens->rowCount(); ++r)
        byCandidate += QLocale().toLongLong(opens->item(r, 3)->text());
    QCOMPARE(byCandidate, candidate.values);
    auto* dataKeys = wizard->findChild<QTableWidget*>(QStringLiteral("preflightDataKeysTable"));
    int rewrap = 0;
    for (int r = 0; r < dataKeys->rowCount(); ++r)
        rewrap += dataKeys->item(r, 6)->text() == QStringLiteral("rewrap") ? 1 : 0;
    QCOMPARE(rewrap, candidate.dataKeys.size());
    QCOMPARE(wizard->findChild<QTableWidget*>(QStringLiteral("repairLostTable"))->rowCount(), 0);
    // Neither key appears anywhere.
    for (const QString& text : visibleTexts(wizard)) {
        QVERIFY2(!text.contains(QString::fromLatin1(test::kDefaultSecretKey)), qPrintable(text));
        QVERIFY2(!text.contains(QString::fromUtf8(test::kOtherKey)), qPrintable(text));
    }

    toConfirm(wizard);
    // Nothing is cleared: no name to type, the list of cleared values stays hidden.
    QVERIFY(!wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit"))->isVisible());
    QVERIFY(!wizard->findChild<QWidget*>(QStringLiteral("repairClearSection"))->isVisible());
    QVERIFY(test::canGoForward(wizard));
    QSignalSpy reloaded(m_window.get(), &ui::MainWindow::censusFinished);
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;

    const model::RepairResult& result = *wizard->repairResult();
    QVERIFY(!result.operation.dryRun);
    QCOMPARE(result.operation.dataKeysRewrapped, preview.operation.dataKeysRewrapped);
    QCOMPARE(result.valuesReencrypted, preview.valuesReencrypted);
    QCOMPARE(result.cleared.size(), 0);
    QCOMPARE(result.remaining.size(), 0);
    const QString counts = wizard->findChild<QLabel*>(QStringLiteral("repairCountsLabel"))->text();
    QVERIFY2(counts.contains(
                 QStringLiteral("re-wrapped: <b>%1</b>").arg(result.operation.dataKeysRewrapped)),
        qPrintable(counts));
    QVERIFY2(counts.contains(QStringLiteral("re-encrypted: <b>%1</b>")
                                 .arg(QLocale().toString(result.valuesReencrypted))),
        qPrintable(counts));
    QVERIFY(!wizard->findChild<QTableWidget*>(QStringLiteral("reentryTable"))->isVisible());
    QVERIFY(!wizard->findChild<QPushButton*>(QStringLiteral("openRepairButton"))->isVisible());

    // The engine's verify agrees: every value decrypts with the current key, to its original
    // plaintext, and as many as the repair verified.
    model::VerifyOptions options;
    const auto verified = model::runVerify(here, options, nullptr);
    QVERIFY(verified.has_value());
    QCOMPARE(verified->failed, 0);
    QCOMPARE(verified->checked, result.operation.verifyChecked);
    const QString diff = test::mismatch(here, test::expectedLines(test::repairFixture()));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    // The main window reloads the database as after the other operations.
    QVERIFY(reloaded.size() > 0 || reloaded.wait(60'000));
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY(!m_window->currentWizard());
}

void TestRepairWizard::clearingNeedsTheNameAndExportsOwners()
{
    const QString path = openCopy(test::kDefaultSecretKey);
    QVERIFY(!path.isEmpty());
    const model::Target here = test::targetFor(path, test::kDefaultSecretKey);
    const QStringList damaged = damageTwoValues(here);
    QCOMPARE(damaged.size(), 2);

    // Verify shows the red banner; its Repair… button opens the wizard.
    auto* banner = m_window->findChild<ui::MessageBanner*>(QStringLiteral("healthBanner"));
    auto* pane = m_window->findChild<ui::SecretsPane*>();
    QVERIFY(pane);
    QSignalSpy verified(pane, &ui::SecretsPane::verifyFinished);
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionVerify")));
    QVERIFY(verified.wait(kJobTimeout));
    QTRY_VERIFY(!banner->isHidden());
    QCOMPARE(banner->type(), ui::MessageBanner::Type::Error);
    QVERIFY(banner->text().contains(QStringLiteral("cannot be decrypted")));
    auto* repairButton
        = banner->findChild<QPushButton*>(QStringLiteral("messageSecondActionButton"));
    QVERIFY(repairButton && repairButton->isVisible());
    QCOMPARE(repairButton->text(), QStringLiteral("Re&pair…"));
    const QStringList windowClashes = test::mnemonicClashes(m_window.get());
    QVERIFY2(windowClashes.isEmpty(), qPrintable(windowClashes.join(QLatin1Char('\n'))));
    QTest::mouseClick(repairButton, Qt::LeftButton);
    auto* wizard = qobject_cast<RepairWizard*>(m_window->currentWizard());
    QVERIFY(wizard);
    QVERIFY(QTest::qWaitForWindowExposed(wizard));

    toPreflight(wizard, {}, true);
    if (QTest::currentTestFailed())
        return;
    const model::RepairResult& preview = *wizard->preview();
    QCOMPARE(preview.cleared.size(), 2);
    auto* lost = wizard->findChild<QTableWidget*>(QStringLiteral("repairLostTable"));
    QCOMPARE(lost->rowCount(), 2);
    QStringList owners {lost->item(0, 0)->text(), lost->item(1, 0)->text()};
    owners.sort();
    QVERIFY2(owners.at(0).startsWith(QStringLiteral("data source '"))
            && owners.at(0).endsWith(QStringLiteral("' (org 1)")),
        qPrintable(owners.at(0)));
    QVERIFY2(owners.at(1).startsWith(QStringLiteral("user login '")), qPrintable(owners.at(1)));

    toConfirm(wizard);
    // Every value to be cleared, with its owner; Start only after the database name is typed.
    auto* clearTable = wizard->findChild<QTableWidget*>(QStringLiteral("repairClearTable"));
    QVERIFY(clearTable->isVisible());
    QCOMPARE(clearTable->rowCount(), 2);
    QStringList confirmOwners {clearTable->item(0, 0)->text(), clearTable->item(1, 0)->text()};
    confirmOwners.sort();
    QCOMPARE(confirmOwners, owners);
    auto* name = wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit"));
    QVERIFY(name->isVisible());
    QVERIFY(!test::canGoForward(wizard));
    QTest::keyClicks(name, QStringLiteral("grafana.db"));
    QVERIFY(!test::canGoForward(wizard));
    name->clear();
    QTest::keyClicks(name, wizard->confirmationName());
    QCOMPARE(wizard->confirmationName(), QStringLiteral("mixed-default-key.db"));
    QVERIFY(test::canGoForward(wizard));
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;

    const model::RepairResult& result = *wizard->repairResult();
    QCOMPARE(result.cleared.size(), 2);
    QCOMPARE(result.remaining.size(), 0);
    QCOMPARE(result.operation.verifyFailed, 0);
    auto* reentry = wizard->findChild<QTableWidget*>(QStringLiteral("reentryTable"));
    QVERIFY(reentry->isVisible());
    QCOMPARE(reentry->rowCount(), 2);
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("repairCountsLabel"))
                ->text()
                .contains(QStringLiteral("cleared: <b>2</b>")));
    // Not a green "without failures": two values are gone until someone re-enters them.
    auto* outcome = wizard->findChild<ui::MessageBanner*>(QStringLiteral("resultBanner"));
    QVERIFY(outcome && outcome->isVisible());
    QCOMPARE(outcome->type(), ui::MessageBanner::Type::Warning);
    QVERIFY2(outcome->text().contains(QStringLiteral("2 values were cleared")), qPrintable(outcome->text()));
    // Its export sits with the others; the generic failures CSV would only repeat the list.
    auto* exportReentry = wizard->findChild<QPushButton*>(QStringLiteral("exportReentryButton"));
    auto* exportJson = wizard->findChild<QPushButton*>(QStringLiteral("exportJsonButton"));
    QVERIFY(exportReentry->isVisible() && exportReentry->isEnabled());
    QCOMPARE(exportReentry->mapToGlobal(QPoint()).y(), exportJson->mapToGlobal(QPoint()).y());
    QVERIFY(!wizard->findChild<QPushButton*>(QStringLiteral("exportCsvButton"))->isVisible());

    // The re-entry list as CSV: a header, one line per value with its owner, never a plaintext.
    const QString csvPath = m_dir->filePath(QStringLiteral("reentry.csv"));
    m_files->queueFile(csvPath);
    QVERIFY(test::clickChild(wizard, QStringLiteral("exportReentryButton")));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QByteArray bytes = csv.readAll();
    QVERIFY(!bytes.contains("-token-"));
    QVERIFY(!bytes.contains(test::kDefaultSecretKey));
    const QList<QStringList> records = parseCsv(bytes);
    QCOMPARE(records.size(), 3);
    QCOMPARE(records.at(0),
        QStringList({QStringLiteral("owner"), QStringLiteral("location"), QStringLiteral("row"),
            QStringLiteral("field"), QStringLiteral("state"), QStringLiteral("reason")}));
    QStringList csvOwners;
    for (qsizetype i = 1; i < records.size(); ++i) {
        QCOMPARE(records.at(i).size(), 6);
        QCOMPARE(records.at(i).at(4), QStringLiteral("cleared"));
        csvOwners << records.at(i).at(0);
    }
    csvOwners.sort();
    QCOMPARE(csvOwners, owners);

    // "Export JSON…" writes the CLI's repair object: cleared[] with the owners.
    const QString jsonPath = m_dir->filePath(QStringLiteral("repair.json"));
    m_files->queueFile(jsonPath);
    QVERIFY(test::clickChild(wizard, QStringLiteral("exportJsonButton")));
    QFile jsonFile(jsonPath);
    QVERIFY(jsonFile.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(jsonFile.readAll()).object();
    QCOMPARE(json.value(QStringLiteral("operation")).toString(), QStringLiteral("repair"));
    const QJsonArray cleared = json.value(QStringLiteral("cleared")).toArray();
    QCOMPARE(cleared.size(), 2);
    QStringList jsonOwners {cleared.at(0).toObject().value(QStringLiteral("owner")).toString(),
        cleared.at(1).toObject().value(QStringLiteral("owner")).toString()};
    jsonOwners.sort();
    QCOMPARE(jsonOwners, owners);

    // The engine: everything else keeps its plaintext; the two values are gone.
    const QString diff = test::mismatch(here, test::expectedWithout(damaged));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestRepairWizard::reportWithoutClearingOffersRepairAgain()
{
    const QString path = openCopy(test::kDefaultSecretKey);
    QVERIFY(!path.isEmpty());
    const model::Target here = test::targetFor(path, test::kDefaultSecretKey);
    QCOMPARE(damageTwoValues(here).size(), 2);
    const QByteArray before = test::fileDigest(path);
    RepairWizard* wizard = openRepair();
    QVERIFY(wizard);
    toPreflight(wizard, {}, false);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wizard->preview()->remaining.size(), 2);
    QCOMPARE(wizard->preview()->cleared.size(), 0);
    toConfirm(wizard);
    // Nothing will be cleared: no name to type.
    QVERIFY(!wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit"))->isVisible());
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wizard->repairResult()->remaining.size(), 2);
    const QString notes = wizard->findChild<QLabel*>(QStringLiteral("resultNotesLabel"))->text();
    QVERIFY2(notes.contains(QStringLiteral("Clear the values nothing can decrypt"))
            && !notes.contains(QStringLiteral("--clear")),
        qPrintable(notes));
    QCOMPARE(test::fileDigest(path), before); // nothing to re-wrap, re-encrypt or clear
    auto* reentry = wizard->findChild<QTableWidget*>(QStringLiteral("reentryTable"));
    QCOMPARE(reentry->rowCount(), 2);
    QVERIFY(reentry->item(0, 4)->text().startsWith(QStringLiteral("undecryptable")));
    // The result's hint opens a fresh Repair wizard (after this one closes).
    auto* hint = wizard->findChild<QLabel*>(QStringLiteral("repairHintLabel"));
    QVERIFY(hint->isVisible());
    QVERIFY2(hint->text().contains(QStringLiteral("Clear values nothing can decrypt")),
        qPrintable(hint->text()));
    QVERIFY(test::clickChild(wizard, QStringLiteral("openRepairButton")));
    QTRY_VERIFY(m_window->currentWizard() && m_window->currentWizard() != wizard);
    QCOMPARE(m_window->currentWizard()->objectName(), QStringLiteral("repairWizard"));
    m_window->currentWizard()->reject();
    QTRY_VERIFY(!m_window->currentWizard());
}

void TestRepairWizard::cancelMidRunLosesNothing()
{
    const QString path = openCopy(test::kOtherKey);
    QVERIFY(!path.isEmpty());
    const model::Target here = test::targetFor(path, test::kOtherKey);
    RepairWizard* wizard = openRepair();
    QVERIFY(wizard);
    toPreflight(wizard, {QByteArray(test::kDefaultSecretKey)}, false);
    if (QTest::currentTestFailed())
        return;
    const qint64 toReencrypt = wizard->preview()->valuesReencrypted;
    QVERIFY(toReencrypt > 20);
    toConfirm(wizard);
    // Small batches; the first write waits (on the job's thread) until the test has pressed Cancel.
    auto reached = std::make_shared<std::atomic<int>>(0);
    auto release = std::make_shared<std::atomic<bool>>(false);
    wizard->setOptionsAdjuster([reached, release](model::OperationOptions& options) {
        options.batchSize = 5;
        options.beforeBatchWrite = [reached, release](const QString&, const QStringList&) {
            if (reached->fetch_add(1) == 0) {
                for (int i = 0; i < 6000 && !release->load(); ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        };
    });
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickForward(wizard)); // start
    QCOMPARE(wizard->currentId(), int(OperationWizard::RunPageId));
    checkMnemonics(wizard, "run");
    QTRY_VERIFY_WITH_TIMEOUT(reached->load() > 0, kJobTimeout);
    QVERIFY(wizard->isRunning());
    m_prompter->queueConfirm(true);
    QTest::mouseClick(wizard->button(QWizard::CancelButton), Qt::LeftButton);
    QCOMPARE(m_prompter->questions().size(), 1);
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("runStatusLabel"))
                ->text()
                .contains(QStringLiteral("Cancelling")));
    release->store(true);
    QVERIFY(finished.wait(kJobTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    QVERIFY(wizard->lastResult()->canceled);
    QVERIFY(wizard->repairResult().has_value());
    QVERIFY(wizard->repairResult()->valuesReencrypted < toReencrypt);

    // Nothing was lost: the committed part decrypts with the current key, the rest still with the
    // candidate, and the same repair finishes the job.
    QVERIFY(test::canGoForward(wizard) || wizard->button(QWizard::FinishButton)->isVisible());
    wizard->setOptionsAdjuster({});
    QSignalSpy again(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickChild(wizard, QStringLiteral("retryButton")));
    QVERIFY(again.wait(kJobTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    QVERIFY(!wizard->lastResult()->canceled);
    QCOMPARE(wizard->repairResult()->remaining.size(), 0);
    const QString diff = test::mismatch(here, test::expectedLines(test::repairFixture()));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestRepairWizard::reentryCsvQuoting()
{
    // Owners come from the database: commas, quotes, line breaks and edge spaces survive the trip.
    model::RepairResult result;
    const QStringList owners {QStringLiteral("data source 'a,b' (org 1)"),
        QStringLiteral("contact point \"x\" (org 2)"), QStringLiteral("user login 'two\nlines'"),
        QStringLiteral(" spaced ")};
    for (const QString& owner : owners) {
        model::RepairValue value;
        value.value.table = QStringLiteral("data_source");
        value.value.column = QStringLiteral("secure_json_data");
        value.value.rowId = QStringLiteral("7");
        value.value.field = QStringLiteral("pass,word");
        value.value.reason = model::FailureReason::ImplausiblePlaintext;
        value.owner = owner;
        result.cleared << value;
    }
    result.remaining << result.cleared.takeLast();
    const QList<QStringList> records = parseCsv(RepairWizard::reentryCsv(result));
    QCOMPARE(records.size(), 5);
    for (qsizetype i = 1; i < records.size(); ++i) {
        QCOMPARE(records.at(i).size(), 6);
        QCOMPARE(records.at(i).at(0), owners.at(i - 1));
        QCOMPARE(records.at(i).at(1), QStringLiteral("data_source.secure_json_data"));
        QCOMPARE(records.at(i).at(3), QStringLiteral("pass,word"));
        QCOMPARE(records.at(i).at(4),
            i < 4 ? QStringLiteral("cleared") : QStringLiteral("undecryptable"));
    }
}

void TestRepairWizard::csvFieldsNeverRunAsFormulas()
{
    // A JSON field name or a receiver name is the database's: a spreadsheet must not run it.
    QCOMPARE(ui::ResultWizardPage::csvField(QStringLiteral("=HYPERLINK(1)")), QByteArray("'=HYPERLINK(1)"));
    QCOMPARE(ui::ResultWizardPage::csvField(QStringLiteral("+1")), QByteArray("'+1"));
    QCOMPARE(ui::ResultWizardPage::csvField(QStringLiteral("-2")), QByteArray("'-2"));
    QCOMPARE(ui::ResultWizardPage::csvField(QStringLiteral("@SUM(A1)")), QByteArray("'@SUM(A1)"));
    QCOMPARE(ui::ResultWizardPage::csvField(QStringLiteral("=a,b")), QByteArray("\"'=a,b\""));
    QCOMPARE(ui::ResultWizardPage::csvField(QStringLiteral("password")), QByteArray("password"));
    QCOMPARE(ui::ResultWizardPage::csvField(QStringLiteral("a=b")), QByteArray("a=b"));
}

void TestRepairWizard::movedAndDamagedPagesAt1024x640()
{
    // Both at once: a database moved to a server with kOtherKey, two values under a key nobody
    // has, the old key typed, clearing ticked. Every page is grabbed at 1024x640 (the smallest
    // screen the console is laid out for) into MK_SCREENSHOT_DIR (default: ./screenshots).
    const QString path = openCopy(test::kOtherKey);
    QVERIFY(!path.isEmpty());
    const QStringList damaged = damageTwoValues(test::targetFor(path, test::kDefaultSecretKey));
    QCOMPARE(damaged.size(), 2);
    const auto save
        = [](QWidget* wizard, const char* name) { return saveScreenshot(wizard, name); };
    RepairWizard* wizard = openRepair();
    QVERIFY(wizard);
    wizard->resize(1024, 640);
    QCOMPARE(wizard->size(), QSize(1024, 640));
    QVERIFY(save(wizard, "1-intro"));
    QVERIFY(test::clickForward(wizard));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("candidateKeyEdit")),
        QString::fromLatin1(test::kDefaultSecretKey));
    QVERIFY(test::clickChild(wizard, QStringLiteral("addCandidateKeyButton")));
    QVERIFY(test::clickChild(wizard, QStringLiteral("clearUnrecoverableCheckBox")));
    QVERIFY(save(wizard, "2-candidates"));
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(preflight.wait(kJobTimeout));
    QVERIFY(preflight.first().at(0).toBool());
    QCOMPARE(wizard->preview()->cleared.size(), 2);
    QVERIFY(wizard->preview()->operation.dataKeysRewrapped > 0);
    QVERIFY(save(wizard, "3-preflight"));
    auto* tabs = wizard->findChild<QTabWidget*>(QStringLiteral("preflightTabs"));
    const char* tabNames[]
        = {"3-preflight-locations", "3-preflight-data-keys", "3-preflight-will-fail",
            "3-preflight-candidates", "3-preflight-who-opens-what", "3-preflight-lost"};
    QCOMPARE(tabs->count(), 6);
    for (int i = 0; i < tabs->count(); ++i) {
        tabs->setCurrentIndex(i);
        QVERIFY(save(wizard, tabNames[i]));
    }
    toConfirm(wizard);
    QVERIFY(save(wizard, "5-confirm"));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit")),
        wizard->confirmationName());
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(save(wizard, "7-result"));
    const model::RepairResult& result = *wizard->repairResult();
    QCOMPARE(result.cleared.size(), 2);
    QCOMPARE(result.remaining.size(), 0);
    const QString diff
        = test::mismatch(test::targetFor(path, test::kOtherKey), test::expectedWithout(damaged));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestRepairWizard::candidatesFromFilesAndConfigs()
{
    const QString path = openCopy(test::kOtherKey);
    QVERIFY(!path.isEmpty());
    const auto write = [this](const char* name, const QByteArray& bytes) {
        QFile file(m_dir->filePath(QString::fromLatin1(name)));
        return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size()
            ? file.fileName()
            : QString();
    };
    const QString keyFile = write("old.key", QByteArray(test::kDefaultSecretKey) + "\n");
    const QString sameConfig = write(
        "grafana.ini", "[security]\nsecret_key = " + QByteArray(test::kDefaultSecretKey) + "\n");
    const QString otherConfig
        = write("mosaicoo.ini", "[security]\nsecret_key = `" + test::kUnknownKey + "`\n");
    QVERIFY(!keyFile.isEmpty() && !sameConfig.isEmpty() && !otherConfig.isEmpty());

    RepairWizard* wizard = openRepair();
    QVERIFY(wizard);
    QVERIFY(test::clickForward(wizard));
    auto* list = wizard->findChild<QListWidget*>(QStringLiteral("candidatesList"));
    auto* banner = wizard->findChild<ui::MessageBanner*>(QStringLiteral("candidatesBanner"));
    m_files->queueFile(keyFile);
    QVERIFY(test::clickChild(wizard, QStringLiteral("addKeyFileButton")));
    QCOMPARE(list->count(), 1);
    QVERIFY(list->item(0)->text().startsWith(QStringLiteral("old.key — fingerprint ")));
    // The same key through an old configuration file: refused as a duplicate, with a word why.
    m_files->queueFile(sameConfig);
    QVERIFY(test::clickChild(wizard, QStringLiteral("addConfigFileButton")));
    QCOMPARE(list->count(), 1);
    QVERIFY(!banner->isHidden());
    QVERIFY2(banner->text().contains(QStringLiteral("already a candidate (old.key)")),
        qPrintable(banner->text()));
    m_files->queueFile(otherConfig);
    QVERIFY(test::clickChild(wizard, QStringLiteral("addConfigFileButton")));
    QCOMPARE(list->count(), 2);
    QVERIFY(list->item(1)->text().contains(model::keyFingerprint(test::kUnknownKey)));
    // A file that is not there: a message, no candidate.
    m_files->queueFile(m_dir->filePath(QStringLiteral("missing.key")));
    QVERIFY(test::clickChild(wizard, QStringLiteral("addKeyFileButton")));
    QCOMPARE(list->count(), 2);
    QCOMPARE(banner->type(), ui::MessageBanner::Type::Error);
    // Remove takes the selected one out.
    list->setCurrentRow(1);
    QVERIFY(test::clickChild(wizard, QStringLiteral("removeCandidateButton")));
    QCOMPARE(list->count(), 1);
    QCOMPARE(
        wizard->repairOptionsPage()->candidateSources(), QStringList {QStringLiteral("old.key")});

    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(preflight.wait(kJobTimeout));
    QVERIFY(preflight.first().at(0).toBool());
    QCOMPARE(wizard->preview()->candidates.size(), 1);
    QCOMPARE(wizard->preview()->candidates.first().source, QStringLiteral("old.key"));
    QVERIFY(!wizard->preview()->candidates.first().dataKeys.isEmpty());
    QVERIFY(!wizard->preflight()->refused);
    wizard->reject();
    QTRY_VERIFY(!m_window->currentWizard());
}

void TestRepairWizard::refusalsOnThePreflight()
{
    // A server that wrote a moment ago (server_lock) and no candidate that explains the failures.
    const QString path = test::copyFixture(test::repairFixture(), m_dir->path());
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("stamp"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        // The synthetic fixture has no server_lock table; the real schema's columns.
        QSqlQuery create(db);
        QVERIFY(create.exec(
            QStringLiteral("CREATE TABLE server_lock (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                           "operation_uid TEXT NOT NULL, version INTEGER NOT NULL, "
                           "last_execution INTEGER NOT NULL)")));
        QSqlQuery q(db);
        QVERIFY(q.prepare(
            QStringLiteral("INSERT INTO server_lock (operation_uid, version, last_execution) "
                           "VALUES ('delete old login attempts', 1, ?)")));
        q.addBindValue(QDateTime::currentSecsSinceEpoch());
        QVERIFY(q.exec());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("stamp"));
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    m_window->openTarget(test::targetFor(path, test::kOtherKey));
    QVERIFY(census.wait(60'000));
    const QByteArray before = test::fileDigest(path);

    RepairWizard* wizard = openRepair();
    QVERIFY(wizard);
    QVERIFY(test::clickForward(wizard)); // candidates: none
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(preflight.wait(kJobTimeout));
    QVERIFY(preflight.first().at(0).toBool());
    QCOMPARE(test::fileDigest(path), before); // the preflight is a dry run
    // Both refusals of the common preflight page, each with its own tick.
    QVERIFY(wizard->preflight()->refused);
    QVERIFY(wizard->preflight()->liveness.refused);
    auto* keyBanner = wizard->findChild<ui::MessageBanner*>(QStringLiteral("keyCheckBanner"));
    QVERIFY(keyBanner->isVisible());
    QVERIFY2(keyBanner->text().contains(QStringLiteral("nor with any candidate key")),
        qPrintable(keyBanner->text()));
    // Advice in the wizard's terms, not the command line's.
    QVERIFY2(keyBanner->text().contains(QStringLiteral("as a candidate (Back)"))
            && !keyBanner->text().contains(QStringLiteral("--force")),
        qPrintable(keyBanner->text()));
    QVERIFY(wizard->findChild<QWidget*>(QStringLiteral("livenessBanner"))->isVisible());
    QVERIFY(!test::canGoForward(wizard));
    QVERIFY(test::clickChild(wizard, QStringLiteral("serversStoppedCheckBox")));
    QVERIFY(!test::canGoForward(wizard)); // the key refusal still holds
    checkMnemonics(wizard, "preflight with refusals");
    wizard->resize(1024, 640);
    QVERIFY(saveScreenshot(wizard, "3-preflight-refusals"));

    // The right candidate lifts the key refusal (the preflight runs again on the way back).
    QTest::mouseClick(wizard->button(QWizard::BackButton), Qt::LeftButton);
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("candidateKeyEdit")),
        QString::fromLatin1(test::kDefaultSecretKey));
    QSignalSpy again(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard)); // Next adds the typed key
    QCOMPARE(wizard->repairOptionsPage()->candidateKeys().size(), 1);
    QVERIFY(again.wait(kJobTimeout));
    QVERIFY(!wizard->preflight()->refused);
    QVERIFY(wizard->preflight()->liveness.refused);
    QVERIFY(!test::canGoForward(wizard));
    QVERIFY(test::clickChild(wizard, QStringLiteral("serversStoppedCheckBox")));
    QVERIFY(test::canGoForward(wizard));
    // With the servers declared stopped the run goes through and repairs everything.
    toConfirm(wizard);
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wizard->repairResult()->remaining.size(), 0);
    const QString diff = test::mismatch(
        test::targetFor(path, test::kOtherKey), test::expectedLines(test::repairFixture()));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestRepairWizard::missingDataKeysFromABackup()
{
    // Last night's SQLite copy still has two data_keys rows that a migration lost here.
    const QString path = test::copyFixture(test::repairFixture(), m_dir->path());
    const QString backup = m_dir->filePath(QStringLiteral("last-night.db"));
    QVERIFY(QFile::copy(path, backup));
    const model::Target here = test::targetFor(path, test::kDefaultSecretKey);
    QStringList lost = test::deleteReferencedDataKeys(here, 2);
    QCOMPARE(lost.size(), 2);
    QVERIFY(!test::mismatch(here, test::expectedLines(test::repairFixture())).isEmpty());
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    m_window->openTarget(here);
    QVERIFY(census.wait(60'000));

    RepairWizard* wizard = openRepair();
    QVERIFY(wizard);
    QVERIFY(test::clickForward(wizard));
    m_files->queueFile(backup);
    QVERIFY(test::clickChild(wizard, QStringLiteral("chooseDataKeysBackupButton")));
    QCOMPARE(wizard->findChild<QLineEdit*>(QStringLiteral("dataKeysFromEdit"))->text(), backup);
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(preflight.wait(kJobTimeout));
    QVERIFY(preflight.first().at(0).toBool());
    QCOMPARE(wizard->preview()->dataKeysRestored, 2);
    int restore = 0;
    auto* dataKeys = wizard->findChild<QTableWidget*>(QStringLiteral("preflightDataKeysTable"));
    for (int r = 0; r < dataKeys->rowCount(); ++r)
        restore += dataKeys->item(r, 6)->text() == QStringLiteral("restore") ? 1 : 0;
    QCOMPARE(restore, 2);
    toConfirm(wizard);
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QStringList restored = wizard->repairResult()->dataKeysRestoredIds;
    restored.sort();
    lost.sort();
    QCOMPARE(restored, lost);
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("repairCountsLabel"))
                ->text()
                .contains(QStringLiteral("restored: <b>2</b>")));
    const QString diff = test::mismatch(here, test::expectedLines(test::repairFixture()));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

QTEST_MAIN(TestRepairWizard)
#include "TestRepairWizard.moc"
