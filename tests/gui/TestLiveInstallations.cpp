// Issue #17 in the GUI: the rollback wizard's preflight refuses while a server writes (fresh
// server_lock mark) until "servers are stopped" is ticked; the Overview's "Live installation"
// section lists the instances of the console's settings (an mk-admin-api-standin process, the test
// stand-in for the server's Admin API); the rotate wizard lists them on its options page, rotates
// through their API and shows the per-instance results without a countdown. Screenshots of each
// go to the build folder (MK_UPDATE_SCREENSHOTS=1: docs/screenshots/).
#include "tests/gui/GuiTestSupport.h"
#include "tests/gui/WizardTestSupport.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TestData.h"
#include "model/instances/Instances.h"
#include "model/store/ConnectionSpec.h"
#include "model/store/DataKeyRow.h"
#include "model/store/Database.h"
#include "ui/common/FakePrompter.h"
#include "ui/common/InstancesSection.h"
#include "ui/main/MainWindow.h"
#include "ui/panes/OverviewPane.h"
#include "ui/wizards/common/FakeFileChooser.h"

#include <QApplication>
#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStyleFactory>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mk;
using ui::OperationWizard;

namespace {

constexpr int kTimeout = 120'000;
constexpr const char* kFixturePrefix = "2022-Winter-Bootcamp-team-L";

QString fixture()
{
    return test::realFixtureStartingWith(QLatin1String(kFixturePrefix));
}

bool stampServerLock(const QString& path)
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("stamp"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE server_lock SET last_execution = ?"));
            q.addBindValue(QDateTime::currentSecsSinceEpoch());
            ok = q.exec();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("stamp"));
    return ok;
}

int activeKeys(const QString& path)
{
    auto spec = store::ConnectionSpec::fromUrl(path);
    auto db = spec ? store::Database::open(*spec) : std::unexpected(spec.error());
    if (!db)
        return -1;
    auto keys = store::loadDataKeys(*db);
    int n = 0;
    for (const store::DataKeyRow& row : keys ? *keys : QList<store::DataKeyRow>{})
        n += row.active ? 1 : 0;
    return n;
}

} // namespace

class TestLiveInstallations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void rollbackRefusedWhileAServerWrites();
    void overviewAndRotateThroughTheInstances();
    void reEncryptRotatesThroughTheInstancesAtEnd();

private:
    std::unique_ptr<ui::MainWindow> openWindow(const QString& path);
    static OperationWizard* throughPreflight(ui::MainWindow* window, const char* action);
    // Starts the Admin API stand-in over the database and names it in the console's settings;
    // returns its URL (empty on failure).
    QString startStandIn(QProcess& process, const QString& path, const QString& tokenName);
    // From the options page: skips the backup, confirms, runs; true once the result page shows.
    static bool runFromOptions(OperationWizard* wizard);
    void save(QWidget* widget, const char* name);

    QTemporaryDir m_dir;
    QString m_outDir;
    ui::FakePrompter m_prompter;
    ui::FakeFileChooser m_files;
    QProcess m_standIn;
};

void TestLiveInstallations::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_live"));
    QSettings().clear();
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(QApplication::style()->standardPalette());
    QVERIFY(m_dir.isValid());
    QVERIFY(!fixture().isEmpty());
    QVERIFY2(!qEnvironmentVariable("MK_ADMIN_API_STANDIN").isEmpty(), "MK_ADMIN_API_STANDIN not set");
    m_outDir = qEnvironmentVariableIntValue("MK_UPDATE_SCREENSHOTS") == 1
                   ? QString::fromUtf8(MK_SOURCE_DIR) + QStringLiteral("/docs/screenshots")
                   : QDir::currentPath() + QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(m_outDir));
}

void TestLiveInstallations::cleanupTestCase()
{
    QFile::remove(model::consoleSettingsPath());
    m_standIn.closeWriteChannel();
    m_standIn.waitForFinished(5000);
}

void TestLiveInstallations::save(QWidget* widget, const char* name)
{
    QCoreApplication::sendPostedEvents();
    const QString file = m_outDir + QLatin1Char('/') + QString::fromLatin1(name) + QStringLiteral(".png");
    QVERIFY2(widget->grab().save(file), qPrintable(file));
}

std::unique_ptr<ui::MainWindow> TestLiveInstallations::openWindow(const QString& path)
{
    auto window = std::make_unique<ui::MainWindow>(m_prompter,
                                                   model::ActivityLog(m_dir.filePath(QStringLiteral("activity.jsonl"))));
    window->setFileChooser(&m_files);
    window->resize(1280, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    model::OpenRequest request;
    request.dbUrl = path;
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

// Opens the wizard of the action and waits for its preflight; nullptr on failure.
OperationWizard* TestLiveInstallations::throughPreflight(ui::MainWindow* window, const char* action)
{
    if (!test::triggerAction(window, QString::fromLatin1(action)))
        return nullptr;
    OperationWizard* wizard = window->currentWizard();
    if (!wizard)
        return nullptr;
    wizard->resize(920, 680);
    if (!QTest::qWaitForWindowExposed(wizard))
        return nullptr;
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    if (!test::clickForward(wizard) || !preflight.wait(kTimeout))
        return nullptr;
    return wizard;
}

QString TestLiveInstallations::startStandIn(QProcess& process, const QString& path, const QString& tokenName)
{
    QFile token(m_dir.filePath(tokenName));
    if (!token.open(QIODevice::WriteOnly))
        return {};
    token.write("glsa_guiTestToken_abcdef0123456789\n");
    token.close();
    process.start(qEnvironmentVariable("MK_ADMIN_API_STANDIN"),
                  {QStringLiteral("--db"), path, QStringLiteral("--token-file"), token.fileName()});
    if (!process.waitForStarted(10'000))
        return {};
    while (!process.canReadLine() && process.waitForReadyRead(10'000)) {
    }
    const QByteArray line = process.readLine().trimmed();
    if (!line.startsWith("listening ")) {
        qWarning("stand-in: %s", line.constData());
        return {};
    }
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(QString::fromLatin1(line.mid(10)));
    QSettings settings(model::consoleSettingsPath(), QSettings::IniFormat);
    settings.setValue(QStringLiteral("console/instances"), QStringList{url});
    settings.setValue(QStringLiteral("console/api_token_file"), token.fileName());
    return url;
}

bool TestLiveInstallations::runFromOptions(OperationWizard* wizard)
{
    if (!test::clickForward(wizard)) // backup
        return false;
    if (!test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")) || !test::clickForward(wizard)) // confirm
        return false;
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    if (!test::clickForward(wizard)) // start
        return false;
    if (finished.isEmpty() && !finished.wait(kTimeout))
        return false;
    QElapsedTimer timer;
    timer.start();
    while (wizard->currentId() != int(OperationWizard::ResultPageId) && timer.elapsed() < 5'000)
        QTest::qWait(20);
    return wizard->currentId() == int(OperationWizard::ResultPageId);
}

void TestLiveInstallations::rollbackRefusedWhileAServerWrites()
{
    test::failOnThreadingWarnings();
    QDir().mkpath(m_dir.filePath(QStringLiteral("live")));
    const QString path = test::copyFixture(fixture(), m_dir.filePath(QStringLiteral("live")));
    QVERIFY(stampServerLock(path));
    auto window = openWindow(path);
    QVERIFY(window);
    auto* liveness = window->findChild<QLabel*>(QStringLiteral("livenessValueLabel"));
    QVERIFY(liveness);
    QVERIFY2(liveness->text().contains(QStringLiteral("A server seems to be running")), qPrintable(liveness->text()));

    OperationWizard* wizard = throughPreflight(window.get(), "actionRollback");
    QVERIFY(wizard);
    QVERIFY(wizard->preflight()->liveness.refused);
    auto* banner = wizard->findChild<QWidget*>(QStringLiteral("livenessBanner"));
    QVERIFY(banner && banner->isVisible());
    QVERIFY(!test::canGoForward(wizard)); // refused
    save(wizard, "wizard-liveness-refused");
    QVERIFY(test::clickChild(wizard, QStringLiteral("serversStoppedCheckBox")));
    QVERIFY(test::canGoForward(wizard));
    wizard->reject();
    QVERIFY(test::widgetsWithoutObjectName(wizard).isEmpty());
}

void TestLiveInstallations::overviewAndRotateThroughTheInstances()
{
    test::failOnThreadingWarnings();
    QDir().mkpath(m_dir.filePath(QStringLiteral("rotate")));
    const QString path = test::copyFixture(fixture(), m_dir.filePath(QStringLiteral("rotate")));
    QCOMPARE(activeKeys(path), 1);
    QVERIFY(!startStandIn(m_standIn, path, QStringLiteral("token")).isEmpty());

    auto window = openWindow(path);
    QVERIFY(window);
    auto* section = window->findChild<ui::InstancesSection*>(QStringLiteral("instancesSection"));
    QVERIFY(section);
    QSignalSpy checked(section, &ui::InstancesSection::instancesChecked);
    QVERIFY(test::clickChild(section, QStringLiteral("checkInstancesButton")));
    QVERIFY(checked.wait(kTimeout));
    auto* table = section->findChild<QTableWidget*>(QStringLiteral("instancesTable"));
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("ok"));
    QCOMPARE(table->item(0, 3)->text(), QStringLiteral("yes"));
    save(section, "overview-instances");

    OperationWizard* wizard = throughPreflight(window.get(), "actionRotate");
    QVERIFY(wizard);
    QVERIFY(test::clickForward(wizard)); // options: the instances are asked at once
    auto* pageSection = wizard->findChild<ui::InstancesSection*>(QStringLiteral("instancesSection"));
    QVERIFY(pageSection);
    QTRY_COMPARE_WITH_TIMEOUT(pageSection->answered(), 1, 30'000);
    auto* viaApi = wizard->findChild<QCheckBox*>(QStringLiteral("viaApiCheckBox"));
    QTRY_VERIFY(viaApi->isChecked());
    save(wizard, "wizard-rotate-instances");
    QVERIFY(runFromOptions(wizard));
    QVERIFY(wizard->lastResult());
    QCOMPARE(wizard->lastResult()->instanceCalls.size(), 1);
    QVERIFY(wizard->lastResult()->apiRotationConfirmed);
    auto* notes = wizard->findChild<QLabel*>(QStringLiteral("resultNotesLabel"));
    QTRY_VERIFY2(notes->text().contains(QStringLiteral("rotated, its data-key cache flushed")), qPrintable(notes->text() + QStringLiteral(" / ") + wizard->findChild<QLabel*>(QStringLiteral("resultCountsLabel"))->text()));
    QVERIFY(!wizard->findChild<QLabel*>(QStringLiteral("countdownLabel"))->isVisible()); // every instance reached
    QCOMPARE(activeKeys(path), 0);
    save(wizard, "wizard-rotate-instances-result");
    QVERIFY(test::widgetsWithoutObjectName(wizard).isEmpty());
    wizard->reject();
}

// The other operations end with a rotation through the instances' API (as the CLI does when
// --instance is given): their options page lists the instances only when some are configured, and
// says whether each serves this very database (the preflight reads the data-source uids).
void TestLiveInstallations::reEncryptRotatesThroughTheInstancesAtEnd()
{
    test::failOnThreadingWarnings();
    QFile::remove(model::consoleSettingsPath());
    QDir().mkpath(m_dir.filePath(QStringLiteral("reencrypt")));
    const QString path = test::copyFixture(fixture(), m_dir.filePath(QStringLiteral("reencrypt")));
    auto window = openWindow(path);
    QVERIFY(window);

    // No instance configured: no section, nothing asked.
    OperationWizard* plain = throughPreflight(window.get(), "actionReEncrypt");
    QVERIFY(plain);
    QVERIFY(test::clickForward(plain));
    QCOMPARE(plain->currentId(), int(OperationWizard::OptionsPageId));
    QVERIFY(!plain->findChild<ui::InstancesSection*>(QStringLiteral("instancesSection")));
    plain->reject();

    QProcess standIn;
    QVERIFY(!startStandIn(standIn, path, QStringLiteral("token-reencrypt")).isEmpty());

    OperationWizard* wizard = throughPreflight(window.get(), "actionReEncrypt");
    QVERIFY(wizard);
    QVERIFY(!wizard->preflight()->dataSourceUids.isEmpty());
    QVERIFY(test::clickForward(wizard)); // options: the instances are asked at once
    auto* section = wizard->findChild<ui::InstancesSection*>(QStringLiteral("instancesSection"));
    QVERIFY(section);
    QTRY_COMPARE_WITH_TIMEOUT(section->answered(), 1, 30'000);
    auto* table = section->findChild<QTableWidget*>(QStringLiteral("instancesTable"));
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 3)->text(), QStringLiteral("yes")); // the same database
    auto* atEnd = wizard->findChild<QCheckBox*>(QStringLiteral("viaApiCheckBox"));
    QVERIFY(atEnd && atEnd->isChecked());
    const QStringList clashes = test::mnemonicClashes(wizard);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));
    save(wizard, "wizard-reencrypt-instances");
    QVERIFY(runFromOptions(wizard));
    QVERIFY(wizard->lastResult());
    QCOMPARE(wizard->lastResult()->failed, 0);
    QVERIFY(wizard->lastResult()->changed > 0);
    QCOMPARE(wizard->lastResult()->instanceCalls.size(), 1);
    QVERIFY(wizard->lastResult()->apiRotationConfirmed);
    auto* notes = wizard->findChild<QLabel*>(QStringLiteral("resultNotesLabel"));
    QTRY_VERIFY2(notes->text().contains(QStringLiteral("rotated, its data-key cache flushed")), qPrintable(notes->text()));
    // The key the re-encryption created was rotated too: the next write creates a fresh one.
    QCOMPARE(activeKeys(path), 0);
    save(wizard, "wizard-reencrypt-instances-result");
    wizard->reject();
    QFile::remove(model::consoleSettingsPath());
    standIn.closeWriteChannel();
    if (!standIn.waitForFinished(10'000)) {
        standIn.kill();
        standIn.waitForFinished(5'000);
    }
}

QTEST_MAIN(TestLiveInstallations)
#include "TestLiveInstallations.moc"
