// The operation wizards driven like a user (mouse clicks and typing, offscreen) on copies of the
// fixtures; afterwards the database is checked through the engine against the fixture's expected
// plaintext digests (tests/unit/ops/OpsTestSupport: verifyLines).
#include "crypto/Payload.h"
#include "model/ops/FailureReason.h"
#include "model/ops/RollbackJob.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/gui/WizardTestSupport.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OpsTestSupport.h"
#include "ui/common/FakePrompter.h"
#include "ui/common/MessageBanner.h"
#include "ui/main/MainWindow.h"
#include "ui/panes/DataKeysPane.h"
#include "ui/panes/SecretsPane.h"
#include "ui/wizards/common/BackupWizardPage.h"
#include "ui/wizards/common/FakeFileChooser.h"
#include "ui/wizards/common/PreflightWizardPage.h"
#include "ui/wizards/common/ResultWizardPage.h"
#include "ui/wizards/common/RunWizardPage.h"
#include "ui/wizards/rewrap/RewrapDataKeysWizard.h"
#include "ui/wizards/rewrap/RewrapOptionsWizardPage.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using namespace mk;
using ui::OperationWizard;

class TestWizards : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void actionsFollowTheDatabase();
    void paneButtonsOpenWizards();
    void reEncryptWithBackup();
    void reEncryptCancelMidRun();
    void wrongSecretKeyBlocksUntilOverride();
    void brokenDatabaseReportsEveryFailure();
    void rotateSkipsBackupAndCountsDown();
    void rollbackAsksForTheName();
    void changeSecretKey();
    void changeSecretKeyGeneratedDryRun();
    void rewrapDataKeys();
    void realFixtures_data();
    void realFixtures();
    void keyboardOnly();
    void shortLegacyValueNeedsTheTick();

private:
    QString openFixture(const QString& path, const QByteArray& secretKey = {});
    OperationWizard* openWizard(const char* action);
    void toPreflightDone(OperationWizard* wizard);
    void runFromConfirm(OperationWizard* wizard);
    void backupNow(OperationWizard* wizard);
    void checkDatabase(const QString& path, const QString& fixture, const QByteArray& secretKey);
    QString activityLogText() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ui::FakePrompter> m_prompter;
    std::unique_ptr<ui::FakeFileChooser> m_files;
    std::unique_ptr<ui::MainWindow> m_window;
};

namespace {

QString synthetic(const char* name)
{
    return test::syntheticFixturesDir() + QLatin1Char('/') + QString::fromLatin1(name);
}

constexpr int kJobTimeout = 120'000;

} // namespace

void TestWizards::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_wizards"));
    QSettings().clear();
}

void TestWizards::init()
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

void TestWizards::cleanup()
{
    m_window.reset();
    m_files.reset();
    m_prompter.reset();
    m_dir.reset();
}

QString TestWizards::openFixture(const QString& fixture, const QByteArray& secretKey)
{
    const QString path = test::copyFixture(fixture, m_dir->path());
    model::OpenRequest request;
    request.dbUrl = path;
    request.environment = QProcessEnvironment();
    if (!secretKey.isEmpty())
        request.environment.insert(QStringLiteral("MOSAICOO_SECRET_KEY"), QString::fromUtf8(secretKey));
    const auto target = model::resolveTarget(request);
    if (!target) {
        qWarning("cannot resolve %s", qPrintable(path));
        return {};
    }
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    m_window->openTarget(*target);
    if (!census.wait(60'000))
        return {};
    return path;
}

OperationWizard* TestWizards::openWizard(const char* action)
{
    if (!test::triggerAction(m_window.get(), QString::fromLatin1(action)))
        return nullptr;
    OperationWizard* wizard = m_window->currentWizard();
    if (wizard && !QTest::qWaitForWindowExposed(wizard))
        return nullptr;
    return wizard;
}

void TestWizards::toPreflightDone(OperationWizard* wizard)
{
    QCOMPARE(wizard->currentId(), int(OperationWizard::IntroPageId));
    QVERIFY(!wizard->findChild<QLabel*>(QStringLiteral("introTextLabel"))->text().isEmpty());
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::PreflightPageId));
    QVERIFY(!test::canGoForward(wizard)); // incomplete while the preflight runs
    QVERIFY(preflight.wait(kJobTimeout));
    QVERIFY2(preflight.first().at(0).toBool(), "preflight failed");
    QVERIFY(wizard->preflight().has_value());
}

void TestWizards::backupNow(OperationWizard* wizard)
{
    QCOMPARE(wizard->currentId(), int(OperationWizard::BackupPageId));
    QVERIFY(!test::canGoForward(wizard)); // neither made nor skipped
    QSignalSpy backup(wizard, &OperationWizard::backupFinished);
    QVERIFY(test::clickChild(wizard, QStringLiteral("backupStartButton")));
    QVERIFY(backup.wait(kJobTimeout));
    QVERIFY2(backup.first().at(0).toBool(),
             qPrintable(wizard->findChild<QLabel*>(QStringLiteral("backupStatusLabel"))->text()));
    QVERIFY(QFileInfo::exists(wizard->backupFile()));
    QCOMPARE(QFileInfo(wizard->backupFile()).permissions() & (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());
    QVERIFY(test::canGoForward(wizard));
}

void TestWizards::runFromConfirm(OperationWizard* wizard)
{
    QCOMPARE(wizard->currentId(), int(OperationWizard::ConfirmPageId));
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickForward(wizard)); // "Start …" (commit)
    if (finished.isEmpty())
        QVERIFY(finished.wait(kJobTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    QVERIFY(!wizard->button(QWizard::BackButton)->isEnabled()); // committed
}

void TestWizards::checkDatabase(const QString& path, const QString& fixture, const QByteArray& secretKey)
{
    QString error;
    const QStringList actual = test::verifyLines(test::targetFor(path, secretKey), 0, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QStringList expected = test::expectedLines(fixture);
    QVERIFY(!expected.isEmpty());
    QVERIFY2(actual == expected, qPrintable(test::describeDifference(expected, actual)));
}

QString TestWizards::activityLogText() const
{
    QFile f(m_dir->filePath(QStringLiteral("activity.jsonl")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

// ---------------------------------------------------------------------------------------------

void TestWizards::actionsFollowTheDatabase()
{
    for (const char* name : {"actionReEncrypt", "actionRollback", "actionReEncryptDataKeys", "actionChangeSecretKey",
                             "actionRotate"})
        QVERIFY2(!m_window->findChild<QAction*>(QString::fromLatin1(name))->isEnabled(), name);
    QVERIFY(!openFixture(synthetic("mixed-default-key.db")).isEmpty());
    const struct
    {
        const char* action;
        const char* wizard;
    } wizards[] = {{"actionReEncrypt", "reEncryptWizard"},
                   {"actionRollback", "rollbackWizard"},
                   {"actionReEncryptDataKeys", "rewrapDataKeysWizard"},
                   {"actionChangeSecretKey", "rewrapDataKeysWizard"},
                   {"actionRotate", "rotateWizard"}};
    for (const auto& w : wizards) {
        OperationWizard* wizard = openWizard(w.action);
        QVERIFY2(wizard, w.action);
        QCOMPARE(wizard->objectName(), QString::fromLatin1(w.wizard));
        QCOMPARE(wizard->windowModality(), Qt::WindowModal);
        // Every interactive widget has an objectName.
        const QStringList missing = test::widgetsWithoutObjectName(wizard);
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
        // Cancel on the first page closes without asking.
        QSignalSpy finished(wizard, &QDialog::finished);
        QTest::mouseClick(wizard->button(QWizard::CancelButton), Qt::LeftButton);
        QCOMPARE(finished.size(), 1);
        QTRY_VERIFY(!m_window->currentWizard());
    }
    QVERIFY(m_prompter->questions().isEmpty());
}

void TestWizards::paneButtonsOpenWizards()
{
    QVERIFY(!openFixture(synthetic("mixed-default-key.db")).isEmpty());
    const struct
    {
        QWidget* pane;
        const char* button;
        const char* wizard;
    } buttons[] = {{m_window->secretsPane(), "reEncryptButton", "reEncryptWizard"},
                   {m_window->dataKeysPane(), "rotateButton", "rotateWizard"},
                   {m_window->dataKeysPane(), "reEncryptDataKeysButton", "rewrapDataKeysWizard"}};
    for (const auto& b : buttons) {
        m_window->showPane(b.pane == m_window->secretsPane() ? ui::MainWindow::SecretsTab : ui::MainWindow::DataKeysTab);
        QVERIFY(test::clickChild(b.pane, QString::fromLatin1(b.button)));
        OperationWizard* wizard = m_window->currentWizard();
        QVERIFY2(wizard, b.button);
        QCOMPARE(wizard->objectName(), QString::fromLatin1(b.wizard));
        wizard->reject();
        QTRY_VERIFY(!m_window->currentWizard());
    }
    // The rewrap wizard opened from the pane is in re-wrap mode, the menu entry in change-key mode.
    OperationWizard* change = openWizard("actionChangeSecretKey");
    QVERIFY(change);
    QVERIFY(change->findChild<QRadioButton*>(QStringLiteral("modeChangeKeyRadio"))->isChecked());
    QCOMPARE(change->kind(), model::OperationKind::ChangeSecretKey);
    QVERIFY(test::clickChild(change, QStringLiteral("modeRewrapRadio")));
    QCOMPARE(change->kind(), model::OperationKind::RewrapDataKeys);
    change->reject();
}

void TestWizards::reEncryptWithBackup()
{
    const QString fixture = synthetic("mixed-default-key.db");
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionReEncrypt");
    QVERIFY(wizard);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    const model::Preflight preflight = *wizard->preflight();
    QVERIFY(preflight.toChange > 0);
    auto* locations = wizard->findChild<QTableWidget*>(QStringLiteral("preflightLocationsTable"));
    QCOMPARE(locations->rowCount(), preflight.locations.size());
    QVERIFY(wizard->findChild<QCheckBox*>(QStringLiteral("overrideKeyCheckBox"))->isHidden());

    QVERIFY(test::clickForward(wizard)); // options
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));
    QVERIFY(test::clickForward(wizard)); // backup
    auto* pathEdit = wizard->findChild<QLineEdit*>(QStringLiteral("backupPathEdit"));
    QCOMPARE(QFileInfo(pathEdit->text()).absolutePath(), QFileInfo(path).absolutePath());
    QVERIFY(QFileInfo(pathEdit->text()).fileName().startsWith(QStringLiteral("mixed-default-key-backup-")));
    backupNow(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // confirm
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("confirmSummaryLabel"))->text().contains(wizard->backupFile()));
    QVERIFY(wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit"))->isHidden()); // not destructive

    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    const model::OperationResult result = *wizard->lastResult();
    QVERIFY(!result.dryRun);
    QCOMPARE(result.failed, 0);
    QCOMPARE(result.changed, preflight.toChange);
    QCOMPARE(wizard->findChild<QTableWidget*>(QStringLiteral("resultFailuresTable"))->rowCount(), 0);
    QVERIFY(!wizard->findChild<QPushButton*>(QStringLiteral("retryButton"))->isEnabled());

    // The panes reload, the activity log has the run (counts, no values).
    QVERIFY(census.wait(60'000));
    const QString log = activityLogText();
    QVERIFY(log.contains(QStringLiteral("\"re-encrypt\"")));
    QVERIFY(log.contains(QStringLiteral("\"ok\"")));
    QVERIFY(log.contains(wizard->backupFile()));
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY(!m_window->currentWizard());

    checkDatabase(path, fixture, test::kDefaultSecretKey);
    // The backup is a faithful copy of the database before the run.
    checkDatabase(QFileInfo(path).absoluteDir().filePath(QFileInfo(log.section(QStringLiteral("backup "), 1).section(QLatin1Char('"'), 0, 0)).fileName()),
                  fixture, test::kDefaultSecretKey);
}

void TestWizards::reEncryptCancelMidRun()
{
    const QString fixture = synthetic("mixed-default-key.db");
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionReEncrypt");
    QVERIFY(wizard);
    // Small batches; the first batch waits (on the job's thread) until the test has pressed Cancel,
    // so the cancel lands mid-run deterministically. Meanwhile the GUI must stay responsive.
    auto reached = std::make_shared<std::atomic<int>>(0);
    auto release = std::make_shared<std::atomic<bool>>(false);
    wizard->setOptionsAdjuster([reached, release](model::OperationOptions& options) {
        options.batchSize = 10;
        options.beforeBatchWrite = [reached, release](const QString&, const QStringList&) {
            if (reached->fetch_add(1) == 0) {
                for (int i = 0; i < 3000 && !release->load(); ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        };
    });
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickForward(wizard)); // backup
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(test::clickForward(wizard)); // confirm
    QSignalSpy started(wizard, &OperationWizard::runStarted);
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickForward(wizard)); // start
    QCOMPARE(started.size(), 1);
    QCOMPARE(wizard->currentId(), int(OperationWizard::RunPageId));
    QTRY_VERIFY_WITH_TIMEOUT(reached->load() > 0, kJobTimeout);
    QVERIFY(wizard->isRunning());
    QVERIFY(!test::canGoForward(wizard));
    QVERIFY(!wizard->button(QWizard::BackButton)->isEnabled());

    // First Cancel: declined, the run goes on.
    m_prompter->queueConfirm(false);
    QTest::mouseClick(wizard->button(QWizard::CancelButton), Qt::LeftButton);
    QCOMPARE(m_prompter->questions().size(), 1);
    QVERIFY(wizard->isRunning());
    QVERIFY(wizard->isVisible());
    // Second Cancel: accepted; the job stops after the current batch.
    m_prompter->queueConfirm(true);
    QTest::mouseClick(wizard->button(QWizard::CancelButton), Qt::LeftButton);
    QCOMPARE(m_prompter->questions().size(), 2);
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("runStatusLabel"))->text().contains(QStringLiteral("Cancelling")));
    QVERIFY(!wizard->button(QWizard::CancelButton)->isEnabled());
    release->store(true);
    QVERIFY(finished.wait(kJobTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    const model::OperationResult result = *wizard->lastResult();
    QVERIFY(result.canceled);
    QVERIFY(result.changed > 0);
    QVERIFY(result.changed < wizard->preflight()->toChange);
    QVERIFY(wizard->findChild<ui::MessageBanner*>(QStringLiteral("resultBanner"))->text().contains(QStringLiteral("Cancelled")));
    QVERIFY(activityLogText().contains(QStringLiteral("\"canceled\"")));
    QVERIFY(activityLogText().contains(QStringLiteral("backup skipped")));
    // Every value still decrypts to its original plaintext.
    checkDatabase(path, fixture, test::kDefaultSecretKey);

    // "Retry failed rows" finishes the job.
    QSignalSpy again(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickChild(wizard, QStringLiteral("retryButton")));
    QVERIFY(again.wait(kJobTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    QVERIFY(!wizard->lastResult()->canceled);
    QCOMPARE(wizard->lastResult()->failed, 0);
    QCOMPARE(wizard->lastResult()->changed, wizard->preflight()->toChange - result.changed);
    checkDatabase(path, fixture, test::kDefaultSecretKey);
}

void TestWizards::wrongSecretKeyBlocksUntilOverride()
{
    // custom-key.db opened with the public default key: the sample does not decrypt.
    const QString fixture = synthetic("custom-key.db");
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionReEncrypt");
    QVERIFY(wizard);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(wizard->preflight()->refused);
    auto* banner = wizard->findChild<ui::MessageBanner*>(QStringLiteral("keyCheckBanner"));
    QVERIFY(!banner->isHidden());
    QCOMPARE(banner->type(), ui::MessageBanner::Type::Error);
    auto* override = wizard->findChild<QCheckBox*>(QStringLiteral("overrideKeyCheckBox"));
    QVERIFY(override->isVisible());
    QVERIFY(!test::canGoForward(wizard)); // blocked
    QVERIFY(test::clickChild(wizard, QStringLiteral("overrideKeyCheckBox")));
    QVERIFY(override->isChecked());
    QVERIFY(test::canGoForward(wizard));
    QVERIFY(wizard->isForced());

    // Run it forced (skipping the backup): values that do not decrypt are never rewritten.
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickForward(wizard)); // backup
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(test::clickForward(wizard)); // confirm
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("confirmSummaryLabel"))->text().contains(QStringLiteral("Forced")));
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(wizard->lastResult()->failed > 0);
    QVERIFY(activityLogText().contains(QStringLiteral("forced past the secret-key check")));
    checkDatabase(path, fixture, test::kCustomSecretKey);
}

void TestWizards::brokenDatabaseReportsEveryFailure()
{
    const QString fixture = synthetic("broken.db");
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionReEncrypt");
    QVERIFY(wizard);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(wizard->preflight()->willFail > 0);
    QVERIFY(wizard->findChild<QTableWidget*>(QStringLiteral("preflightFailuresTable"))->rowCount() > 0);
    if (wizard->preflight()->refused)
        QVERIFY(test::clickChild(wizard, QStringLiteral("overrideKeyCheckBox")));
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickForward(wizard)); // backup
    backupNow(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // confirm
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    const model::OperationResult result = *wizard->lastResult();
    QCOMPARE(result.failures.size(), 7);
    QCOMPARE(result.failed, 7);
    QVERIFY(result.changed > 0);
    auto* table = wizard->findChild<QTableWidget*>(QStringLiteral("resultFailuresTable"));
    QCOMPARE(table->rowCount(), 7);
    QStringList rows;
    for (int r = 0; r < table->rowCount(); ++r)
        rows << table->item(r, 0)->text() + QLatin1Char('/') + table->item(r, 1)->text();
    QVERIFY2(rows.contains(QStringLiteral("data_source.secure_json_data/12")), qPrintable(rows.join(QLatin1Char(' '))));
    QVERIFY(rows.contains(QStringLiteral("user_external_session.access_token/7")));

    // Export as CSV and JSON through the (fake) file chooser.
    const QString csvPath = m_dir->filePath(QStringLiteral("failures.csv"));
    const QString jsonPath = m_dir->filePath(QStringLiteral("result.json"));
    m_files->queueFile(csvPath);
    QVERIFY(test::clickChild(wizard, QStringLiteral("exportCsvButton")));
    m_files->queueFile(jsonPath);
    QVERIFY(test::clickChild(wizard, QStringLiteral("exportJsonButton")));
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 8);
    QVERIFY(lines.first().startsWith("location,row,field,reason"));
    QVERIFY(lines.join('\n').contains("data_source.secure_json_data,12,password,missing-data-key"));
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonObject object = QJsonDocument::fromJson(json.readAll()).object();
    QCOMPARE(object.value(QStringLiteral("operation")).toString(), QStringLiteral("re-encrypt"));
    QCOMPARE(object.value(QStringLiteral("failures")).toArray().size(), 7);
    QCOMPARE(object.value(QStringLiteral("failed")).toInteger(), 7);

    checkDatabase(path, fixture, test::kDefaultSecretKey);

    // No retry: every failure (missing data key, damaged payloads, values under another key) fails
    // the same way again; the page points to Repair instead.
    auto* retry = wizard->findChild<QPushButton*>(QStringLiteral("retryButton"));
    QVERIFY(!retry->isEnabled());
    QVERIFY(retry->isHidden());
    QCOMPARE(OperationWizard::retryableFailures(*wizard->lastResult()), 0);
    auto* hint = wizard->findChild<QLabel*>(QStringLiteral("repairHintLabel"));
    QVERIFY(hint->isVisible());
    QVERIFY2(hint->text().contains(QStringLiteral("7 failed values")), qPrintable(hint->text()));
    QVERIFY(hint->text().contains(QStringLiteral("Operations ▸ Repair…")));
    QVERIFY(hint->text().contains(QStringLiteral("<tt>repair</tt>")));
    // Its Repair… button closes this wizard and opens the Repair wizard on the same database.
    QVERIFY(test::clickChild(wizard, QStringLiteral("openRepairButton")));
    QTRY_VERIFY(m_window->currentWizard() && m_window->currentWizard() != wizard);
    QCOMPARE(m_window->currentWizard()->objectName(), QStringLiteral("repairWizard"));
    QCOMPARE(m_window->currentWizard()->kind(), model::OperationKind::Repair);
    m_window->currentWizard()->reject();
    QTRY_VERIFY(!m_window->currentWizard());
}

void TestWizards::rotateSkipsBackupAndCountsDown()
{
    const QString fixture = synthetic("mixed-default-key.db");
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    const QStringList before = QDir(m_dir->path()).entryList(QDir::Files);
    OperationWizard* wizard = openWizard("actionRotate");
    QVERIFY(wizard);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    int active = 0;
    for (const model::DataKeyPlan& key : wizard->preflight()->dataKeys)
        active += key.active ? 1 : 0;
    QVERIFY(active > 0);
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickForward(wizard)); // backup
    QVERIFY(!test::canGoForward(wizard));
    auto* skip = wizard->findChild<QCheckBox*>(QStringLiteral("skipBackupCheckBox"));
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(skip->isChecked());
    QVERIFY(test::canGoForward(wizard));
    QVERIFY(test::clickForward(wizard)); // confirm
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("confirmSummaryLabel"))->text().contains(QStringLiteral("skipped")));
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wizard->lastResult()->dataKeysDeactivated, active);
    auto* countdown = wizard->findChild<QLabel*>(QStringLiteral("countdownLabel"));
    QVERIFY(countdown->isVisible());
    QVERIFY2(countdown->text().contains(QStringLiteral("min")), qPrintable(countdown->text()));
    const qint64 left = wizard->resultPage()->secondsUntilOldKeysExpire();
    QVERIFY2(left > 14 * 60 && left <= 15 * 60, qPrintable(QString::number(left)));
    QVERIFY(wizard->findChild<QPushButton*>(QStringLiteral("reEncryptAfterRotateButton"))->isVisible());
    // No backup was written.
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files), QDir(m_dir->path()).entryList(QDir::Files));
    for (const QString& file : QDir(m_dir->path()).entryList(QDir::Files))
        QVERIFY2(!file.contains(QStringLiteral("backup")), qPrintable(file));
    Q_UNUSED(before);
    checkDatabase(path, fixture, test::kDefaultSecretKey);

    // "Re-encrypt secrets…" closes this wizard and opens the re-encrypt wizard.
    QVERIFY(test::clickChild(wizard, QStringLiteral("reEncryptAfterRotateButton")));
    QTRY_VERIFY(m_window->currentWizard() && m_window->currentWizard()->objectName() == QStringLiteral("reEncryptWizard"));
    m_window->currentWizard()->reject();
}

void TestWizards::rollbackAsksForTheName()
{
    const QString fixture = synthetic("mixed-default-key.db");
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionRollback");
    QVERIFY(wizard);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(wizard->preflight()->toChange > 0);
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickChild(wizard, QStringLiteral("formatLegacyRadio")));
    QVERIFY(test::clickForward(wizard)); // backup
    backupNow(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // confirm
    auto* name = wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit"));
    QVERIFY(name->isVisible());
    QVERIFY(!test::canGoForward(wizard));
    QTest::keyClicks(name, QStringLiteral("grafana.db"));
    QVERIFY(!test::canGoForward(wizard));
    name->clear();
    QTest::keyClicks(name, QStringLiteral("mixed-default-key.db"));
    QVERIFY(test::canGoForward(wizard));
    // The preflight counted for the default format 9.2; the summary says so.
    const QString summary = wizard->findChild<QLabel*>(QStringLiteral("confirmSummaryLabel"))->text();
    QVERIFY(summary.contains(QStringLiteral("legacy")));
    QVERIFY2(summary.contains(QStringLiteral("counted for format 9.2")), qPrintable(summary));
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    const model::OperationResult result = *wizard->lastResult();
    QCOMPARE(result.failed, 0);
    QVERIFY(result.changed >= wizard->preflight()->toChange); // legacy also rewrites prefixed values
    QVERIFY(activityLogText().contains(QStringLiteral("\"rollback\"")));
    checkDatabase(path, fixture, test::kDefaultSecretKey);
}

void TestWizards::changeSecretKey()
{
    const QString fixture = synthetic("mixed-default-key.db");
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionChangeSecretKey");
    QVERIFY(wizard);
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("introTextLabel"))->text().contains(QStringLiteral("Every instance")));
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // options
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));
    auto* newKey = wizard->findChild<QLineEdit*>(QStringLiteral("newKeyEdit"));
    auto* repeat = wizard->findChild<QLineEdit*>(QStringLiteral("repeatKeyEdit"));
    auto* problem = wizard->findChild<QLabel*>(QStringLiteral("newKeyProblemLabel"));
    QCOMPARE(newKey->echoMode(), QLineEdit::Password);
    QVERIFY(!test::canGoForward(wizard));
    QTest::keyClicks(newKey, QStringLiteral("short"));
    QVERIFY(problem->text().contains(QStringLiteral("16")));
    QVERIFY(!test::canGoForward(wizard));
    const QString key = QStringLiteral("n3w#Secret;key-for-the-wizard-test");
    newKey->clear();
    QTest::keyClicks(newKey, key);
    QTest::keyClicks(repeat, key.left(10));
    QVERIFY(problem->text().contains(QStringLiteral("differ")));
    QTest::keyClicks(repeat, key.mid(10));
    QVERIFY(problem->isHidden());
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("strengthLabel"))->text().contains(QStringLiteral("strong")));
    QVERIFY(!test::canGoForward(wizard)); // not saved yet
    const QString keyFile = m_dir->filePath(QStringLiteral("new-secret-key.txt"));
    m_files->queueFile(keyFile);
    QVERIFY(test::clickChild(wizard, QStringLiteral("saveKeyButton")));
    QVERIFY(QFileInfo::exists(keyFile));
    QCOMPARE(QFileInfo(keyFile).permissions() & ~(QFile::ReadUser | QFile::WriteUser | QFile::ReadOwner | QFile::WriteOwner),
             QFile::Permissions());
    QFile saved(keyFile);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QCOMPARE(saved.readAll(), key.toUtf8() + '\n');
    QVERIFY(test::canGoForward(wizard));

    QVERIFY(test::clickForward(wizard)); // backup
    backupNow(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // confirm
    QVERIFY(!test::canGoForward(wizard));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit")), QStringLiteral("mixed-default-key.db"));
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    const model::OperationResult result = *wizard->lastResult();
    QCOMPARE(result.failed, 0);
    QVERIFY(result.changed > 0);
    QCOMPARE(result.changed, wizard->preflight()->toChange); // the preflight planned the legacy values
    QVERIFY(result.dataKeysRewrapped > 0);
    QCOMPARE(result.verifyFailed, 0);
    auto* config = wizard->findChild<QLineEdit*>(QStringLiteral("configIniEdit"));
    QVERIFY(config->isVisible());
    QVERIFY(config->text().startsWith(QStringLiteral("secret_key = ")));
    QVERIFY(!config->text().contains(key)); // masked until "Show the key"
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("configChangeLabel"))->text().contains(QStringLiteral("file you saved")));
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("stepsLabel"))->text().contains(QStringLiteral("every")));
    QVERIFY(!wizard->findChild<QPushButton*>(QStringLiteral("retryButton"))->isEnabled());

    // The main window reloads with the new key: every value decrypts, no public-default warning.
    QVERIFY(census.wait(60'000));
    QVERIFY(census.last().at(0).toBool());
    QVERIFY(m_window->findChild<ui::MessageBanner*>(QStringLiteral("keyBanner"))->isHidden());
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY(!m_window->currentWizard());

    checkDatabase(path, fixture, key.toUtf8());
    // The new key is nowhere but in the chosen file: not in the activity log, not in QSettings.
    QVERIFY(!activityLogText().isEmpty());
    QVERIFY(!activityLogText().contains(key));
    QSettings settings;
    settings.sync();
    QFile settingsFile(settings.fileName());
    if (settingsFile.open(QIODevice::ReadOnly))
        QVERIFY(!QString::fromUtf8(settingsFile.readAll()).contains(key));
}

void TestWizards::changeSecretKeyGeneratedDryRun()
{
    const QString fixture = synthetic("mixed-default-key.db");
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionChangeSecretKey");
    QVERIFY(wizard);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickChild(wizard, QStringLiteral("generateKeyButton")));
    auto* generated = wizard->findChild<QLineEdit*>(QStringLiteral("generatedKeyEdit"));
    QVERIFY(generated->isVisible());
    const QString key = generated->text();
    QCOMPARE(key.size(), 32);
    QCOMPARE(wizard->findChild<QLineEdit*>(QStringLiteral("newKeyEdit"))->text(), key);
    QVERIFY(test::clickChild(wizard, QStringLiteral("copyKeyButton")));
    QCOMPARE(QApplication::clipboard()->text(), key);
    QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("strengthLabel"))->text().contains(QStringLiteral("very strong")));
    // Another click: another key.
    QVERIFY(test::clickChild(wizard, QStringLiteral("generateKeyButton")));
    QVERIFY(generated->text() != key);
    QVERIFY(!test::canGoForward(wizard));
    QVERIFY(test::clickChild(wizard, QStringLiteral("keyStoredCheckBox")));
    QVERIFY(test::clickChild(wizard, QStringLiteral("dryRunCheckBox")));
    QVERIFY(test::clickForward(wizard)); // dry run: straight to confirm
    QCOMPARE(wizard->currentId(), int(OperationWizard::ConfirmPageId));
    QVERIFY(generated->text().isEmpty()); // shown once
    QVERIFY(wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit"))->isHidden());
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(wizard->lastResult()->dryRun);
    QVERIFY(activityLogText().contains(QStringLiteral("\"dry-run\"")));
    checkDatabase(path, fixture, test::kDefaultSecretKey); // unchanged
    QApplication::clipboard()->clear();
}

void TestWizards::rewrapDataKeys()
{
    const QString fixture = synthetic("custom-key.db");
    const QString path = openFixture(fixture, test::kCustomSecretKey);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionReEncryptDataKeys");
    QVERIFY(wizard);
    QCOMPARE(wizard->kind(), model::OperationKind::RewrapDataKeys);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!wizard->preflight()->refused);
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(wizard->findChild<QWidget*>(QStringLiteral("providerGroup"))->isVisible());
    QVERIFY(wizard->findChild<QWidget*>(QStringLiteral("newKeyGroup"))->isHidden());
    QVERIFY(test::clickForward(wizard)); // backup
    backupNow(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // confirm
    QVERIFY(wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit"))->isHidden());
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(wizard->lastResult()->dataKeysRewrapped > 0);
    QCOMPARE(wizard->lastResult()->failed, 0);
    checkDatabase(path, fixture, test::kCustomSecretKey);
}

void TestWizards::realFixtures_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("action");
    const QString real = test::realFixturesDir() + QLatin1Char('/');
    QTest::newRow("keycloak re-encrypt")
        << real + QStringLiteral("anmawxz__grafana-keycloak__grafana_data_grafana.db") << QStringLiteral("actionReEncrypt");
    QTest::newRow("bootcamp rollback")
        << real + QStringLiteral("2022-Winter-Bootcamp-Team-C__docker__data_grafana_grafana.db")
        << QStringLiteral("actionRollback");
    QTest::newRow("helmut re-wrap")
        << real + QStringLiteral("HelmutQualtinger__Grafana-Dashboards__grafana.db") << QStringLiteral("actionReEncryptDataKeys");
}

void TestWizards::realFixtures()
{
    QFETCH(QString, fixture);
    QFETCH(QString, action);
    const QString path = openFixture(fixture);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard(action.toLatin1().constData());
    QVERIFY(wizard);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    if (wizard->preflight()->refused)
        QSKIP("the sample says the public default key is wrong for this fixture");
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickForward(wizard)); // backup
    backupNow(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // confirm
    if (auto* name = wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit")); name->isVisible())
        QTest::keyClicks(name, QFileInfo(path).fileName());
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wizard->lastResult()->failed, 0);
    checkDatabase(path, fixture, test::kDefaultSecretKey);
}

void TestWizards::keyboardOnly()
{
    // Rotate, dry run, with the keyboard only: Return is the default (Next) button, Space toggles.
    const QString fixture = synthetic("mixed-default-key.db");
    QVERIFY(!openFixture(fixture).isEmpty());
    OperationWizard* wizard = openWizard("actionRotate");
    QVERIFY(wizard);
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QTest::keyClick(wizard, Qt::Key_Return);
    QCOMPARE(wizard->currentId(), int(OperationWizard::PreflightPageId));
    QVERIFY(preflight.wait(kJobTimeout));
    QTest::keyClick(wizard, Qt::Key_Return);
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));
    auto* dryRun = wizard->findChild<QCheckBox*>(QStringLiteral("dryRunCheckBox"));
    dryRun->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(dryRun->hasFocus());
    QTest::keyClick(dryRun, Qt::Key_Space);
    QVERIFY(dryRun->isChecked());
    QTest::keyClick(wizard, Qt::Key_Return);
    QCOMPARE(wizard->currentId(), int(OperationWizard::ConfirmPageId));
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QTest::keyClick(wizard, Qt::Key_Return);
    QVERIFY(finished.wait(kJobTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    QVERIFY(wizard->lastResult()->dryRun);
    QTest::keyClick(wizard, Qt::Key_Escape);
    QTRY_VERIFY(!m_window->currentWizard());
}

// A legacy value of three characters cannot prove its key: the preflight offers to include such
// values (unticked, they are reported and kept); ticked, the run rewrites it.
void TestWizards::shortLegacyValueNeedsTheTick()
{
    QTemporaryDir plantDir;
    const QString planted = test::copyFixture(synthetic("mixed-default-key.db"), plantDir.path());
    {
        auto payload = crypto::encryptPayload("abc", test::kDefaultSecretKey);
        QVERIFY(payload.has_value());
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("plant"));
        db.setDatabaseName(planted);
        QVERIFY(db.open());
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO user_auth (id, user_id, auth_module, auth_id, created, "
                                 "o_auth_access_token) VALUES (9100, 1, 'oauth_test', 'x', '2025-01-01 00:00:00', ?)"));
        q.addBindValue(QString::fromLatin1(payload->toBase64()));
        QVERIFY(q.exec());
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("plant"));
    const QString path = openFixture(planted);
    QVERIFY(!path.isEmpty());
    OperationWizard* wizard = openWizard("actionReEncrypt");
    QVERIFY(wizard);
    toPreflightDone(wizard);
    if (QTest::currentTestFailed())
        return;
    auto* include = wizard->findChild<QCheckBox*>(QStringLiteral("includeUnverifiableCheckBox"));
    QVERIFY(include);
    QVERIFY(include->isVisible());
    QVERIFY(!include->isChecked());
    QVERIFY(test::clickChild(wizard, QStringLiteral("includeUnverifiableCheckBox")));
    QVERIFY(include->isChecked());
    QVERIFY(test::clickForward(wizard)); // options
    QVERIFY(test::clickForward(wizard)); // backup
    backupNow(wizard);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(test::clickForward(wizard)); // confirm
    runFromConfirm(wizard);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(wizard->lastResult()->failed, 0);
    const QString digest = QString::fromLatin1(QCryptographicHash::hash("abc", QCryptographicHash::Sha256).toHex());
    QVERIFY(test::verifyLines(test::targetFor(path, test::kDefaultSecretKey))
                .contains(QStringLiteral("user_auth\t9100\to_auth_access_token\t%1").arg(digest)));
}

QTEST_MAIN(TestWizards)
#include "TestWizards.moc"
