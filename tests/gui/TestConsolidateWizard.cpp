// The Consolidate wizard clicked through on a generated secrets-manager fixture (a real fixture
// with its secret_* tables filled): intro, preflight, options, backup, confirm, run, result; then
// the database is checked with the engine (every value under a secret_key.v2 key and readable
// without secret_key.v1), and screenshots of the preflight and result pages are written.

#include "GuiTestSupport.h"
#include "WizardTestSupport.h"
#include "tests/unit/ops/GsmFixture.h"
#include "tests/unit/ops/OpsTestSupport.h"

#include "model/ActivityLog.h"
#include "model/ops/ConsolidateJob.h"
#include "model/ops/VerifyJob.h"
#include "model/store/Database.h"
#include "model/store/SecretsManagerStore.h"
#include "tests/support/TestData.h"
#include "ui/common/FakePrompter.h"
#include "ui/main/MainWindow.h"
#include "ui/wizards/common/FakeFileChooser.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;
using ui::OperationWizard;

namespace {
constexpr int kJobTimeout = 120'000;
}

class TestConsolidateWizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        test::isolateApplication(QStringLiteral("test_gui_consolidate"));
        QSettings().clear();
    }

    void clickThrough()
    {
        test::failOnThreadingWarnings();
        QTemporaryDir dir;
        const test::GsmFixture f = test::makeGsmFixture(test::gsmFixtureWithColumn(), dir.path());
        const model::Target target = test::gsmTargetFor(
            f.databasePath, test::writeGsmConfig(dir.path(), QStringLiteral("secret_key.v2")), test::kDefaultSecretKey);
        ui::FakePrompter prompter;
        ui::FakeFileChooser files;
        ui::MainWindow window(prompter, model::ActivityLog(dir.filePath(QStringLiteral("activity.jsonl"))));
        window.setFileChooser(&files);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy census(&window, &ui::MainWindow::censusFinished);
        window.openTarget(target);
        QVERIFY(census.wait(60'000));
        // The Overview's secrets-manager section.
        const QString values = window.findChild<QLabel*>(QStringLiteral("gsmValuesValueLabel"))->text();
        QVERIFY2(values.startsWith(QStringLiteral("8 value")) && values.contains(QStringLiteral("kept by an external keeper")),
                 qPrintable(values));
        QCOMPARE(window.findChild<QLabel*>(QStringLiteral("gsmDataKeysValueLabel"))->text(),
                 QStringLiteral("secret_key.v1: 4, secret_key.v2: 1"));
        QCOMPARE(window.findChild<QLabel*>(QStringLiteral("gsmNamespacesValueLabel"))->text(),
                 QStringLiteral("default (4), org-2 (2), stacks-7 (2)"));

        QVERIFY(test::triggerAction(&window, QStringLiteral("actionConsolidate")));
        OperationWizard* wizard = window.currentWizard();
        QVERIFY(wizard);
        QCOMPARE(wizard->objectName(), QStringLiteral("consolidateWizard"));
        QVERIFY(QTest::qWaitForWindowExposed(wizard));
        QVERIFY(test::widgetsWithoutObjectName(wizard).isEmpty());
        QCOMPARE(wizard->currentId(), int(OperationWizard::IntroPageId));
        QVERIFY(wizard->findChild<QLabel*>(QStringLiteral("introTextLabel"))->text().contains(QStringLiteral("secret_key.v2")));

        QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
        QVERIFY(test::clickForward(wizard));
        QCOMPARE(wizard->currentId(), int(OperationWizard::PreflightPageId));
        QVERIFY(preflight.wait(kJobTimeout));
        QVERIFY(preflight.first().at(0).toBool());
        QCOMPARE(wizard->preflight()->toChange, f.plaintexts.size());
        QCOMPARE(wizard->preflight()->dataKeys.size(), 5);
        QVERIFY(!wizard->preflight()->refused);
        QTRY_VERIFY(test::canGoForward(wizard));
        const QString shots = QCoreApplication::applicationDirPath() + QStringLiteral("/screenshots");
        QDir().mkpath(shots);
        QVERIFY(wizard->grab().save(shots + QStringLiteral("/consolidate-preflight.png")));

        QVERIFY(test::clickForward(wizard)); // options
        QVERIFY(test::clickForward(wizard)); // backup
        QCOMPARE(wizard->currentId(), int(OperationWizard::BackupPageId));
        QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
        QVERIFY(test::clickForward(wizard)); // confirm
        QCOMPARE(wizard->currentId(), int(OperationWizard::ConfirmPageId));
        QSignalSpy finished(wizard, &OperationWizard::runFinished);
        QVERIFY(test::clickForward(wizard)); // "Consolidate" (commit)
        if (finished.isEmpty())
            QVERIFY(finished.wait(kJobTimeout));
        QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
        QVERIFY(wizard->lastResult().has_value());
        QCOMPARE(wizard->lastResult()->changed, f.plaintexts.size());
        QCOMPARE(wizard->lastResult()->failed, 0);
        QCOMPARE(wizard->lastResult()->dataKeysCreated.size(), 3);
        QVERIFY(wizard->grab().save(shots + QStringLiteral("/consolidate-result.png")));

        // The old keys this run deactivated stay for data_keys_cache_ttl (other instances may hold
        // them); the two deactivated long ago are gone.
        QCOMPARE(wizard->lastResult()->dataKeysDeleted, 2);
        QCOMPARE(wizard->lastResult()->dataKeysKeptForCacheIds.size(), 3);
        QVERIFY2(wizard->findChild<QLabel*>(QStringLiteral("resultCountsLabel"))
                     ->text()
                     .contains(QStringLiteral("3 old data keys kept")),
                 qPrintable(wizard->findChild<QLabel*>(QStringLiteral("resultCountsLabel"))->text()));

        // The engine's view: everything readable with secret_key.v2 alone; the active keys are v2.
        const model::Target onlyV2 = test::gsmTargetFor(
            f.databasePath, test::writeGsmConfig(dir.path(), QStringLiteral("secret_key.v2"), "v1-forgotten"),
            test::kDefaultSecretKey);
        QCOMPARE(test::decryptGsmValues(onlyV2), f.plaintexts);
        auto db = store::Database::open(onlyV2.connection);
        QVERIFY(db);
        const auto keys = store::loadGsmDataKeys(*db);
        QVERIFY(keys);
        QCOMPARE(keys->size(), 6);
        int active = 0;
        for (const store::GsmDataKeyRow& k : *keys) {
            if (!k.active) {
                QVERIFY2(wizard->lastResult()->dataKeysKeptForCacheIds.contains(k.uid), qPrintable(k.uid));
                continue;
            }
            ++active;
            QCOMPARE(k.provider, QStringLiteral("secret_key.v2"));
        }
        QCOMPARE(active, 3);
        wizard->close();
    }
};

QTEST_MAIN(TestConsolidateWizard)
#include "TestConsolidateWizard.moc"
