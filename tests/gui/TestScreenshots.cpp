// Renders every pane at 1280x800 on the synthetic fixtures (light and dark) into the build folder;
// with MK_UPDATE_SCREENSHOTS=1 into docs/screenshots/ for the README.
// Also a smoke test: every pane must render with data in it.
#include "model/Target.h"
#include "model/items/SecretsTableModel.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/support/TestData.h"
#include "ui/common/FakePrompter.h"
#include "ui/main/ConnectionDialog.h"
#include "ui/main/MainWindow.h"
#include "ui/panes/SecretsPane.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QPalette>
#include <QSettings>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>

using namespace mk;

class TestScreenshots : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void panes_data();
    void panes();

private:
    QString m_outDir;
};

namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x4a, 0x4d, 0x53));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4e));
    p.setColor(QPalette::Midlight, QColor(0x3d, 0x40, 0x45));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    return p;
}

} // namespace

void TestScreenshots::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_screenshots"));
    QSettings().clear(); // no saved column widths: screenshots show the defaults
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    m_outDir = qEnvironmentVariableIntValue("MK_UPDATE_SCREENSHOTS") == 1
                   ? QString::fromUtf8(MK_SOURCE_DIR) + QStringLiteral("/docs/screenshots")
                   : QDir::currentPath() + QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(m_outDir));
}

void TestScreenshots::panes_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QStringList>("panes"); // empty: all four
    const QSize full(1280, 800);
    const QStringList all;
    const QStringList overviewSecrets{QStringLiteral("overview"), QStringLiteral("secrets")};
    QTest::newRow("mixed-light") << QStringLiteral("mixed-default-key.db") << false << QString() << full << all;
    QTest::newRow("mixed-dark") << QStringLiteral("mixed-default-key.db") << true << QStringLiteral("-dark") << full << all;
    QTest::newRow("broken-light") << QStringLiteral("broken.db") << false << QStringLiteral("-broken") << full
                                  << overviewSecrets;
    // The smallest size the console is made for (issue 15): every column and tile readable.
    QTest::newRow("mixed-1024x640") << QStringLiteral("mixed-default-key.db") << false << QStringLiteral("-1024x640")
                                    << QSize(1024, 640) << all;
    // Narrower still: the tiles stack in two rows instead of scrolling sideways.
    QTest::newRow("mixed-800x600") << QStringLiteral("mixed-default-key.db") << false << QStringLiteral("-800x600")
                                   << QSize(800, 600) << QStringList{QStringLiteral("overview")};
    // custom-key.db opened with the public default key: the key check's red banner, suspect keys.
    QTest::newRow("wrong-key") << QStringLiteral("custom-key.db") << false << QStringLiteral("-wrong-key") << full
                               << QStringList{QStringLiteral("overview"), QStringLiteral("data-keys")};
}

void TestScreenshots::panes()
{
    QFETCH(QString, fixture);
    QFETCH(bool, dark);
    QFETCH(QString, suffix);
    QFETCH(QSize, size);
    QFETCH(QStringList, panes);
    test::failOnThreadingWarnings();
    QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());

    QTemporaryDir dir;
    ui::FakePrompter prompter;
    ui::MainWindow window(prompter, model::ActivityLog(dir.filePath(QStringLiteral("activity.jsonl"))));
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    if (!dark && suffix.isEmpty()) {
        // The connection dialog, filled in.
        ui::ConnectionDialog* dialog = window.showConnectionDialog(ui::ConnectionDialog::SqlitePage);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("sqlitePathEdit")),
                         QStringLiteral("/var/lib/grafana/grafana.db"));
        dialog->adjustSize();
        QVERIFY(dialog->grab().save(m_outDir + QStringLiteral("/connection-dialog.png")));
        dialog->reject();
    }

    model::OpenRequest request;
    request.dbUrl = test::copyFixture(test::syntheticFixturesDir() + QLatin1Char('/') + fixture, dir.path());
    request.environment = QProcessEnvironment();
    const auto target = model::resolveTarget(request);
    QVERIFY(target);
    QSignalSpy census(&window, &ui::MainWindow::censusFinished);
    QSignalSpy indexed(window.secretsPane()->model(), &model::SecretsTableModel::indexCompleted);
    QSignalSpy keyCheck(&window, &ui::MainWindow::keyCheckFinished);
    window.openTarget(*target);
    QVERIFY(census.wait(30'000));
    if (keyCheck.isEmpty())
        QVERIFY(keyCheck.wait(30'000));
    if (indexed.isEmpty())
        QVERIFY(indexed.wait(30'000));

    // Verify everything so the Status column and tiles are filled.
    QSignalSpy verified(window.secretsPane(), &ui::SecretsPane::verifyFinished);
    window.secretsPane()->startVerify();
    QVERIFY(verified.wait(120'000));
    QCoreApplication::sendPostedEvents(); // outstanding status batches

    const struct
    {
        ui::MainWindow::Pane pane;
        const char* name;
    } all[] = {{ui::MainWindow::OverviewTab, "overview"},
                 {ui::MainWindow::SecretsTab, "secrets"},
                 {ui::MainWindow::DataKeysTab, "data-keys"},
                 {ui::MainWindow::ActivityTab, "activity-log"}};
    for (const auto& p : all) {
        if (!panes.isEmpty() && !panes.contains(QString::fromLatin1(p.name)))
            continue;
        window.showPane(p.pane);
        const QString file = m_outDir + QLatin1Char('/') + QString::fromLatin1(p.name) + suffix + QStringLiteral(".png");
        const QPixmap shot = window.grab();
        QCOMPARE(shot.size(), size);
        QVERIFY2(shot.save(file), qPrintable(file));
    }
    QApplication::setPalette(QApplication::style()->standardPalette());
}

QTEST_MAIN(TestScreenshots)
#include "TestScreenshots.moc"
