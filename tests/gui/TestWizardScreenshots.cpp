// Renders every page of the re-encrypt wizard (on broken.db, so the preflight and the result have
// failures to show), the change-secret-key options and result pages and the Repair wizard's pages
// (a moved copy of mixed-default-key.db with two values nothing opens) into the build folder;
// with MK_UPDATE_SCREENSHOTS=1 into docs/screenshots/wizard-*.png for the README.
#include "model/store/SecretLocation.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/gui/WizardTestSupport.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OperationsTestSupport.h"
#include "tests/unit/ops/OpsTestSupport.h"
#include "tests/unit/ops/RepairTestSupport.h"
#include "ui/common/FakePrompter.h"
#include "ui/main/MainWindow.h"
#include "ui/wizards/common/FakeFileChooser.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using namespace mk;
using ui::OperationWizard;

class TestWizardScreenshots : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void reEncryptPages();
    void changeKeyPages();
    void repairPages();

private:
    void save(QWidget* wizard, const char* name);
    std::unique_ptr<ui::MainWindow> openWindow(const char* fixture, QTemporaryDir& dir);

    QString m_outDir;
    ui::FakePrompter m_prompter;
    ui::FakeFileChooser m_files;
};

namespace {
constexpr int kTimeout = 120'000;
const QSize kWizardSize(920, 680);
} // namespace

void TestWizardScreenshots::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_wizard_screenshots"));
    QSettings().clear();
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(QApplication::style()->standardPalette());
    m_outDir = qEnvironmentVariableIntValue("MK_UPDATE_SCREENSHOTS") == 1
                   ? QString::fromUtf8(MK_SOURCE_DIR) + QStringLiteral("/docs/screenshots")
                   : QDir::currentPath() + QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(m_outDir));
}

void TestWizardScreenshots::save(QWidget* wizard, const char* name)
{
    QCoreApplication::sendPostedEvents();
    const QString file = m_outDir + QStringLiteral("/wizard-") + QString::fromLatin1(name) + QStringLiteral(".png");
    const QPixmap shot = wizard->grab();
    QCOMPARE(shot.size(), kWizardSize);
    QVERIFY2(shot.save(file), qPrintable(file));
}

std::unique_ptr<ui::MainWindow> TestWizardScreenshots::openWindow(const char* fixture, QTemporaryDir& dir)
{
    auto window = std::make_unique<ui::MainWindow>(m_prompter,
                                                   model::ActivityLog(dir.filePath(QStringLiteral("activity.jsonl"))));
    window->setFileChooser(&m_files);
    window->resize(1280, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    model::OpenRequest request;
    request.dbUrl = test::copyFixture(test::syntheticFixturesDir() + QLatin1Char('/') + QString::fromLatin1(fixture),
                                      dir.path());
    request.environment = QProcessEnvironment();
    const auto target = model::resolveTarget(request);
    if (!target)
        return nullptr;
    QSignalSpy census(window.get(), &ui::MainWindow::censusFinished);
    window->openTarget(*target);
    if (!census.wait(60'000))
        return nullptr;
    return window;
}

void TestWizardScreenshots::reEncryptPages()
{
    test::failOnThreadingWarnings();
    QTemporaryDir dir;
    auto window = openWindow("broken.db", dir);
    QVERIFY(window);
    QVERIFY(test::triggerAction(window.get(), QStringLiteral("actionReEncrypt")));
    OperationWizard* wizard = window->currentWizard();
    QVERIFY(wizard);
    wizard->resize(kWizardSize);
    QVERIFY(QTest::qWaitForWindowExposed(wizard));
    // Slow batches so that the run page shows progress and the time left mid-run.
    auto batches = std::make_shared<std::atomic<int>>(0);
    auto release = std::make_shared<std::atomic<bool>>(false);
    wizard->setOptionsAdjuster([batches, release](model::OperationOptions& options) {
        options.batchSize = 5;
        options.beforeBatchWrite = [batches, release](const QString&, const QStringList&) {
            const int n = batches->fetch_add(1);
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
            if (n == 12) {
                for (int i = 0; i < 4000 && !release->load(); ++i)
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        };
    });
    save(wizard, "1-intro");

    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(preflight.wait(kTimeout));
    if (wizard->preflight()->refused)
        QVERIFY(test::clickChild(wizard, QStringLiteral("overrideKeyCheckBox")));
    save(wizard, "2-preflight");

    QVERIFY(test::clickForward(wizard));
    save(wizard, "3-options");

    QVERIFY(test::clickForward(wizard));
    QSignalSpy backup(wizard, &OperationWizard::backupFinished);
    QVERIFY(test::clickChild(wizard, QStringLiteral("backupStartButton")));
    QVERIFY(backup.wait(kTimeout));
    save(wizard, "4-backup");

    QVERIFY(test::clickForward(wizard));
    save(wizard, "5-confirm");

    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickForward(wizard));
    QTRY_VERIFY_WITH_TIMEOUT(batches->load() > 12, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!wizard->findChild<QLabel*>(QStringLiteral("runTimeLeftLabel"))->text().isEmpty(), 10'000);
    save(wizard, "6-run");
    release->store(true);

    QVERIFY(finished.wait(kTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    save(wizard, "7-result");
    wizard->reject();
}

void TestWizardScreenshots::changeKeyPages()
{
    test::failOnThreadingWarnings();
    QTemporaryDir dir;
    auto window = openWindow("mixed-default-key.db", dir);
    QVERIFY(window);
    QVERIFY(test::triggerAction(window.get(), QStringLiteral("actionChangeSecretKey")));
    OperationWizard* wizard = window->currentWizard();
    QVERIFY(wizard);
    wizard->resize(kWizardSize);
    QVERIFY(QTest::qWaitForWindowExposed(wizard));
    save(wizard, "change-key-1-intro");
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(preflight.wait(kTimeout));
    QVERIFY(test::clickForward(wizard));
    QVERIFY(test::clickChild(wizard, QStringLiteral("generateKeyButton")));
    m_files.queueFile(dir.filePath(QStringLiteral("new-secret-key.txt")));
    QVERIFY(test::clickChild(wizard, QStringLiteral("saveKeyButton")));
    save(wizard, "change-key-3-options");
    QVERIFY(test::clickForward(wizard));
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(test::clickForward(wizard));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit")), QStringLiteral("mixed-default-key.db"));
    save(wizard, "change-key-5-confirm");
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(finished.wait(kTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    save(wizard, "change-key-7-result");
    wizard->reject();
}

void TestWizardScreenshots::repairPages()
{
    test::failOnThreadingWarnings();
    QTemporaryDir dir;
    auto window = std::make_unique<ui::MainWindow>(m_prompter,
                                                   model::ActivityLog(dir.filePath(QStringLiteral("activity.jsonl"))));
    window->setFileChooser(&m_files);
    window->resize(1280, 800);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    // Written under the default key, now on a server with another key; a data source's and a
    // user's token under a key nobody has.
    const QString path = test::copyFixture(test::repairFixture(), dir.path());
    const model::Target old = test::targetFor(path, test::kDefaultSecretKey);
    QStringList wanted{QStringLiteral("data_source.secure_json_data"), QStringLiteral("user_auth.o_auth_access_token")};
    for (const model::ValueRecord& v : test::scanValues(old)) {
        const QString key = store::secretLocations().at(v.locationIndex).key;
        if (!wanted.contains(key) || v.problem)
            continue;
        const QByteArray payload = test::undecryptablePayload(old, QByteArray(64, 'x'), crypto::Algorithm::AesCfb);
        QVERIFY(test::replaceValue(old, key, v.rowId, v.field, payload));
        wanted.removeOne(key);
    }
    QVERIFY(wanted.isEmpty());
    QSignalSpy census(window.get(), &ui::MainWindow::censusFinished);
    window->openTarget(test::targetFor(path, test::kOtherKey));
    QVERIFY(census.wait(60'000));

    QVERIFY(test::triggerAction(window.get(), QStringLiteral("actionRepair")));
    OperationWizard* wizard = window->currentWizard();
    QVERIFY(wizard);
    wizard->resize(kWizardSize);
    QVERIFY(QTest::qWaitForWindowExposed(wizard));
    save(wizard, "repair-1-intro");
    QVERIFY(test::clickForward(wizard));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("candidateKeyEdit")),
                     QString::fromLatin1(test::kDefaultSecretKey));
    QVERIFY(test::clickChild(wizard, QStringLiteral("addCandidateKeyButton")));
    QVERIFY(test::clickChild(wizard, QStringLiteral("clearUnrecoverableCheckBox")));
    save(wizard, "repair-2-candidates");
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(preflight.wait(kTimeout));
    auto* tabs = wizard->findChild<QTabWidget*>(QStringLiteral("preflightTabs"));
    tabs->setCurrentIndex(4); // who opens what
    save(wizard, "repair-3-preflight");
    tabs->setCurrentIndex(5); // lost values
    save(wizard, "repair-3-preflight-lost");
    QVERIFY(test::clickForward(wizard));
    QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    QVERIFY(test::clickForward(wizard));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit")), QStringLiteral("mixed-default-key.db"));
    save(wizard, "repair-5-confirm");
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(finished.wait(kTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    save(wizard, "repair-7-result");
    wizard->reject();
}

QTEST_MAIN(TestWizardScreenshots)
#include "TestWizardScreenshots.moc"
