// The main window driven like a user: open through the dialog, filter, sort, verify, reveal.
#include "model/items/ActivityLogModel.h"
#include "model/items/DataKeysTableModel.h"
#include "model/items/SecretsTableModel.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/support/TestData.h"
#include "ui/common/FakePrompter.h"
#include "ui/common/MessageBanner.h"
#include "ui/main/ConnectionDialog.h"
#include "ui/main/MainWindow.h"
#include "ui/panes/ActivityLogPane.h"
#include "ui/panes/DataKeysPane.h"
#include "ui/panes/HealthTile.h"
#include "ui/panes/OverviewPane.h"
#include "ui/panes/SecretsPane.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCollator>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QTabBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mk;
using model::SecretsTableModel;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void opensThroughTheDialog();
    void dialogShowsErrorsInline();
    void recentConnectionsHaveNoPasswords();
    void filtersAndSorts();
    void verifyStartsAndCancels();
    void fullVerifyMarksBrokenRows();
    void revealAsksLogsAndHides();
    void revealDeclinedDoesNothing();
    void dataKeysShowValues();
    void operationsMenuIsReadyForWizards();
    void geometryIsSaved();

private:
    void openFixture(const QString& name);
    bool waitSecretsComplete();
    void fetchAllSecrets();
    SecretsTableModel* secretsModel() const { return m_window->secretsPane()->model(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ui::FakePrompter> m_prompter;
    std::unique_ptr<ui::MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_secretsTester;
    std::unique_ptr<QAbstractItemModelTester> m_keysTester;
    std::unique_ptr<QAbstractItemModelTester> m_activityTester;
};

void TestMainWindow::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_mainwindow"));
    QSettings().clear();
}

void TestMainWindow::init()
{
    test::failOnThreadingWarnings();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    qputenv("MOSAICOO_SECRET_KEY", QByteArray());
    qunsetenv("MOSAICOO_SECRET_KEY");
    qunsetenv("GF_SECURITY_SECRET_KEY");
    m_prompter = std::make_unique<ui::FakePrompter>();
    m_window = test::showMainWindow(*m_prompter, m_dir->filePath(QStringLiteral("activity.jsonl")));
    QVERIFY(m_window);
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    m_secretsTester = std::make_unique<QAbstractItemModelTester>(secretsModel(), Mode::QtTest);
    m_keysTester = std::make_unique<QAbstractItemModelTester>(m_window->dataKeysPane()->model(), Mode::QtTest);
    m_activityTester = std::make_unique<QAbstractItemModelTester>(m_window->activityLogPane()->model(), Mode::QtTest);
}

void TestMainWindow::cleanup()
{
    m_secretsTester.reset();
    m_keysTester.reset();
    m_activityTester.reset();
    m_window.reset();
    m_prompter.reset();
    m_dir.reset();
}

bool TestMainWindow::waitSecretsComplete()
{
    SecretsTableModel* model = secretsModel();
    QSignalSpy spy(model, &SecretsTableModel::countChanged);
    for (int i = 0; i < 400 && !(model->isComplete() && !model->isLoading()); ++i) {
        if (!spy.wait(10'000))
            return false;
    }
    return model->isComplete();
}

void TestMainWindow::fetchAllSecrets()
{
    SecretsTableModel* model = secretsModel();
    while (model->rowCount() < model->totalCount()) {
        const int before = model->rowCount();
        if (model->canFetchMore({}))
            model->fetchMore({});
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > before || model->canFetchMore({}), 10'000);
    }
}

// Opens a copy of a synthetic fixture by typing its path into the dialog and clicking Open.
void TestMainWindow::openFixture(const QString& name)
{
    const QString path = test::copyFixture(test::syntheticFixturesDir() + QLatin1Char('/') + name, m_dir->path());
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionOpenDatabase")));
    auto* dialog = m_window->findChild<ui::ConnectionDialog*>();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto* pathEdit = dialog->findChild<QLineEdit*>(QStringLiteral("sqlitePathEdit"));
    QVERIFY(pathEdit);
    QTest::keyClicks(pathEdit, path);
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    QSignalSpy indexed(secretsModel(), &SecretsTableModel::indexCompleted);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("openButton")), Qt::LeftButton);
    QVERIFY(census.wait(30'000));
    QCOMPARE(census.first().at(0).toBool(), true);
    if (indexed.isEmpty())
        QVERIFY(indexed.wait(30'000));
    QVERIFY(waitSecretsComplete());
}

void TestMainWindow::opensThroughTheDialog()
{
    openFixture(QStringLiteral("mixed-default-key.db"));
    QCOMPARE(secretsModel()->totalCount(), 300);
    QCOMPARE(m_window->dataKeysPane()->model()->rowCount(), 5);
    ui::OverviewPane* overview = m_window->overviewPane();
    QCOMPARE(overview->tile(QStringLiteral("valuesTile"))->value(), QStringLiteral("300"));
    QCOMPARE(overview->tile(QStringLiteral("unusedKeysTile"))->value(), QStringLiteral("1"));
    // Public default key: the warning banner is up.
    auto* banner = m_window->findChild<ui::MessageBanner*>(QStringLiteral("keyBanner"));
    QVERIFY(banner && !banner->isHidden());
    QVERIFY(banner->text().contains(QStringLiteral("public default")));
    QVERIFY(!m_window->findChild<ui::ConnectionDialog*>() || m_window->findChild<ui::ConnectionDialog*>()->isHidden());
}

void TestMainWindow::dialogShowsErrorsInline()
{
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionOpenDatabase")));
    auto* dialog = m_window->findChild<ui::ConnectionDialog*>();
    QVERIFY(dialog);
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("sqlitePathEdit")),
                     m_dir->filePath(QStringLiteral("does-not-exist.db")));
    QSignalSpy probe(dialog, &ui::ConnectionDialog::probeFinished);
    auto* open = dialog->findChild<QPushButton*>(QStringLiteral("openButton"));
    QTest::mouseClick(open, Qt::LeftButton);
    auto* banner = dialog->findChild<ui::MessageBanner*>(QStringLiteral("connectionBanner"));
    QVERIFY(banner);
    if (probe.isEmpty() && banner->type() != ui::MessageBanner::Type::Error)
        QVERIFY(probe.wait(10'000));
    QCOMPARE(banner->type(), ui::MessageBanner::Type::Error);
    QVERIFY(!banner->isHidden());
    QVERIFY(!banner->text().isEmpty());
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->target());

    // A config file that does not exist: resolveTarget's error, still in the dialog.
    dialog->setPage(ui::ConnectionDialog::ConfigPage);
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("configPathEdit")),
                     m_dir->filePath(QStringLiteral("nope.ini")));
    QTest::mouseClick(open, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(banner->type(), ui::MessageBanner::Type::Error, 10'000);
    QVERIFY(dialog->isVisible());
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("cancelButton")), Qt::LeftButton);
}

void TestMainWindow::recentConnectionsHaveNoPasswords()
{
    openFixture(QStringLiteral("mixed-default-key.db"));
    QSettings settings;
    const QStringList keys = settings.allKeys();
    QVERIFY(keys.contains(QStringLiteral("recentConnections/1/path")));
    for (const QString& key : keys)
        QVERIFY2(!key.contains(QStringLiteral("password"), Qt::CaseInsensitive), qPrintable(key));
    QVERIFY(m_window->findChild<QAction*>(QStringLiteral("actionRecent0")));

    // The dialog for a server connection never stores the typed password.
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionOpenDatabase")));
    auto* dialog = m_window->findChild<ui::ConnectionDialog*>();
    QVERIFY(dialog);
    dialog->setPage(ui::ConnectionDialog::PostgresPage);
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("userEdit")), QStringLiteral("mk"));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("dbPasswordEdit")), QStringLiteral("s3cr3t"));
    const ui::RecentConnection recent = dialog->connection();
    QCOMPARE(recent.user, QStringLiteral("mk"));
    QVERIFY(!recent.label().contains(QStringLiteral("s3cr3t")));
    QVERIFY(dialog->buildRequest().dbUrl.contains(QStringLiteral("mk:s3cr3t@")));
    dialog->reject();
}

void TestMainWindow::filtersAndSorts()
{
    openFixture(QStringLiteral("mixed-default-key.db"));
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    SecretsTableModel* model = secretsModel();

    auto* search = pane->findChild<QLineEdit*>(QStringLiteral("searchEdit"));
    QTest::keyClicks(search, QStringLiteral("plugin_setting"));
    QTest::keyClick(search, Qt::Key_Return);
    QVERIFY(waitSecretsComplete());
    QCOMPARE(model->totalCount(), 24);

    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("clearFiltersButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());
    QCOMPARE(model->totalCount(), 300);

    auto* location = pane->findChild<QComboBox*>(QStringLiteral("locationFilterCombo"));
    const int ds = location->findData(QStringLiteral("data_source.secure_json_data"));
    QVERIFY(ds > 0);
    location->setCurrentIndex(ds);
    QVERIFY(waitSecretsComplete());
    QCOMPARE(model->totalCount(), 64);

    // Sort by owner through the header: the worker sorts all 64, then pages come in order.
    QHeaderView* header = pane->view()->horizontalHeader();
    const int x = header->sectionViewportPosition(SecretsTableModel::Owner) + header->sectionSize(SecretsTableModel::Owner) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x, header->height() / 2));
    QVERIFY(waitSecretsComplete());
    QCOMPARE(model->query().sortColumn, int(SecretsTableModel::Owner));
    fetchAllSecrets();
    QCOMPARE(model->rowCount(), 64);
    QCollator collator;
    collator.setNumericMode(true);
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    const bool descending = model->query().descending;
    for (int r = 1; r < model->rowCount(); ++r) {
        const int c = collator.compare(model->index(r - 1, SecretsTableModel::Owner).data().toString(),
                                       model->index(r, SecretsTableModel::Owner).data().toString());
        QVERIFY(descending ? c >= 0 : c <= 0);
    }
}

void TestMainWindow::verifyStartsAndCancels()
{
    openFixture(QStringLiteral("mixed-default-key.db"));
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    auto* start = pane->findChild<QPushButton*>(QStringLiteral("verifyStartButton"));
    auto* cancel = pane->findChild<QPushButton*>(QStringLiteral("verifyCancelButton"));
    QSignalSpy canceled(pane, &ui::SecretsPane::verifyCanceled);
    QSignalSpy finished(pane, &ui::SecretsPane::verifyFinished);
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(pane->isVerifying());
    QVERIFY(!start->isEnabled());
    QVERIFY(cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!canceled.isEmpty() || !finished.isEmpty(), 60'000);
    QCOMPARE(canceled.size(), 1);
    QVERIFY(!pane->isVerifying());
    QVERIFY(start->isEnabled());
    // The cancellation is in the activity log.
    QFile log(m_dir->filePath(QStringLiteral("activity.jsonl")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("\"canceled\""));
    QCOMPARE(m_window->activityLogPane()->model()->rowCount(), 1);

    // And it can run again to the end.
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(finished.wait(120'000));
    const auto result = finished.first().at(0).value<model::VerifyResult>();
    QCOMPARE(result.checked, 300);
    QCOMPARE(result.failed, 0);
}

void TestMainWindow::fullVerifyMarksBrokenRows()
{
    openFixture(QStringLiteral("broken.db"));
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    QSignalSpy finished(pane, &ui::SecretsPane::verifyFinished);
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("verifyStartButton")), Qt::LeftButton);
    QVERIFY(finished.wait(120'000));
    const auto result = finished.first().at(0).value<model::VerifyResult>();
    QCOMPARE(result.checked, 108);
    QCOMPARE(result.failed, 7);

    fetchAllSecrets();
    SecretsTableModel* model = secretsModel();
    QCOMPARE(model->rowCount(), 108);
    int failed = 0;
    for (int r = 0; r < model->rowCount(); ++r) {
        const QModelIndex status = model->index(r, SecretsTableModel::Status);
        if (status.data(SecretsTableModel::FailedRole).toBool()) {
            ++failed;
            QVERIFY(status.data(Qt::BackgroundRole).isValid());
            QVERIFY(!status.data(Qt::ToolTipRole).toString().isEmpty());
            QVERIFY(status.data().toString() != QStringLiteral("decrypts"));
        } else {
            QCOMPARE(status.data().toString(), QStringLiteral("decrypts"));
        }
    }
    QCOMPARE(failed, 7);

    // The health banner offers to show them; its button filters the pane to failures.
    auto* banner = m_window->findChild<ui::MessageBanner*>(QStringLiteral("healthBanner"));
    QVERIFY(!banner->isHidden());
    QCOMPARE(banner->type(), ui::MessageBanner::Type::Error);
    QTest::mouseClick(banner->findChild<QPushButton*>(QStringLiteral("messageActionButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());
    QCOMPARE(model->totalCount(), 7);
    QCOMPARE(m_window->overviewPane()->tile(QStringLiteral("undecryptableTile"))->value(), QStringLiteral("7"));
}

void TestMainWindow::revealAsksLogsAndHides()
{
    openFixture(QStringLiteral("mixed-default-key.db"));
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    pane->setRevealTimeout(300);
    // A data_source password: non-empty plaintext.
    auto* location = pane->findChild<QComboBox*>(QStringLiteral("locationFilterCombo"));
    location->setCurrentIndex(location->findData(QStringLiteral("data_source.secure_json_data")));
    QVERIFY(waitSecretsComplete());
    QTRY_VERIFY_WITH_TIMEOUT(secretsModel()->rowCount() > 0, 10'000);
    test::clickIndex(pane->view(), secretsModel()->index(0, SecretsTableModel::Field));
    QCOMPARE(pane->view()->currentIndex().row(), 0);

    m_prompter->queueConfirm(true);
    QSignalSpy shown(pane, &ui::SecretsPane::revealShown);
    QSignalSpy hidden(pane, &ui::SecretsPane::revealHidden);
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("revealButton")), Qt::LeftButton);
    QCOMPARE(m_prompter->questions().size(), 1);
    QVERIFY(shown.wait(30'000));
    auto* edit = pane->findChild<QPlainTextEdit*>(QStringLiteral("revealedValueEdit"));
    const QString plaintext = edit->toPlainText();
    QVERIFY(!plaintext.isEmpty());

    QFile log(m_dir->filePath(QStringLiteral("activity.jsonl")));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray bytes = log.readAll();
    QVERIFY(bytes.contains("\"reveal\""));
    QVERIFY(bytes.contains("data_source.secure_json_data"));
    QVERIFY2(!bytes.contains(plaintext.toUtf8()), "the activity log holds the plaintext");

    // Hidden again after the timeout.
    QVERIFY(hidden.wait(10'000));
    QVERIFY(edit->toPlainText().isEmpty());
    QVERIFY(pane->findChild<QWidget*>(QStringLiteral("revealPanel"))->isHidden());
}

void TestMainWindow::revealDeclinedDoesNothing()
{
    openFixture(QStringLiteral("mixed-default-key.db"));
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    test::clickIndex(pane->view(), secretsModel()->index(0, 0));
    m_prompter->queueConfirm(false);
    QSignalSpy shown(pane, &ui::SecretsPane::revealShown);
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("revealButton")), Qt::LeftButton);
    QCOMPARE(m_prompter->questions().size(), 1);
    QVERIFY(shown.isEmpty());
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("activity.jsonl"))));
}

void TestMainWindow::dataKeysShowValues()
{
    openFixture(QStringLiteral("mixed-default-key.db"));
    m_window->showPane(ui::MainWindow::DataKeysTab);
    ui::DataKeysPane* pane = m_window->dataKeysPane();
    model::DataKeysTableModel* keys = pane->model();
    int used = -1;
    for (int r = 0; r < keys->rowCount() && used < 0; ++r) {
        if (keys->kindAt(r) == model::DataKeysTableModel::Kind::Used)
            used = r;
    }
    QVERIFY(used >= 0);
    const qint64 references = keys->index(used, 0).data(model::DataKeysTableModel::ReferencesRole).toLongLong();
    test::clickIndex(pane->view(), keys->index(used, model::DataKeysTableModel::Label));
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("showValuesButton")), Qt::LeftButton);
    auto* tabs = m_window->findChild<QTabWidget*>(QStringLiteral("paneTabs"));
    QCOMPARE(tabs->currentIndex(), int(ui::MainWindow::SecretsTab));
    QCOMPARE(secretsModel()->query().dataKeyId, keys->idAt(used));
    QVERIFY(waitSecretsComplete());
    QCOMPARE(qint64(secretsModel()->totalCount()), references);
}

void TestMainWindow::operationsMenuIsReadyForWizards()
{
    for (const char* name : {"actionReEncrypt", "actionRollback", "actionReEncryptDataKeys", "actionRotate"}) {
        auto* action = m_window->findChild<QAction*>(QString::fromLatin1(name));
        QVERIFY2(action, name);
        QVERIFY(!action->isEnabled());
    }
    // Every action and interactive widget has an objectName.
    for (QAction* action : m_window->findChildren<QAction*>()) {
        if (!action->isSeparator() && !action->text().isEmpty() && !action->menu())
            QVERIFY2(!action->objectName().isEmpty(), qPrintable(action->text()));
    }
    for (QAbstractButton* button : m_window->findChildren<QAbstractButton*>()) {
        if (button->parent() && button->parent()->inherits("QToolBar"))
            continue;
        if (qobject_cast<QTabBar*>(button->parentWidget()))
            continue;
        const QLatin1String cls(button->metaObject()->className());
        if (cls == QLatin1String("QTableCornerButton") || cls == QLatin1String("QLineEditIconButton"))
            continue; // Qt internals
        QVERIFY2(!button->objectName().isEmpty() || button->objectName().startsWith(QLatin1String("qt_")),
                 qPrintable(QString::fromLatin1(button->metaObject()->className()) + QLatin1Char(' ') + button->text() + QLatin1Char(' ') + QString::fromLatin1(button->parent()->metaObject()->className())));
    }
    // Shortcuts switch panes.
    QTest::keyClick(m_window.get(), Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(m_window->findChild<QTabWidget*>(QStringLiteral("paneTabs"))->currentIndex(), 2);
}

void TestMainWindow::geometryIsSaved()
{
    m_window->resize(1111, 777);
    m_window->close();
    QSettings settings;
    QVERIFY(!settings.value(QStringLiteral("mainWindow/geometry")).toByteArray().isEmpty());
    m_window.reset();
    // "2": the key since the Store column (widths saved for the older columns are not restored).
    QVERIFY(!settings.value(QStringLiteral("secretsPane/headerState2")).toByteArray().isEmpty());
    QVERIFY(!settings.value(QStringLiteral("dataKeysPane/headerState2")).toByteArray().isEmpty());
    ui::MainWindow again(*m_prompter, model::ActivityLog(m_dir->filePath(QStringLiteral("a.jsonl"))));
    QCOMPARE(again.size(), QSize(1111, 777));
    m_secretsTester.reset();
    m_keysTester.reset();
    m_activityTester.reset();
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
