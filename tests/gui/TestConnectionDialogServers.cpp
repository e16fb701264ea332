// The connection dialog's PostgreSQL and MySQL/MariaDB page, driven like a user against the real
// test servers (db-servers.sh, TLS with a throw-away CA): a real fixture loaded into both servers
// opens through the main window with MANIFEST.tsv's counts; a wrong password and a TLS refusal
// show in the dialog; verify-full with the CA chosen through Browse… works.
#include "model/items/DataKeysTableModel.h"
#include "model/items/SecretsTableModel.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/support/ServerFixtures.h"
#include "tests/support/TestData.h"
#include "tests/unit/ops/OpsTestSupport.h"
#include "ui/common/FakePrompter.h"
#include "ui/common/MessageBanner.h"
#include "ui/main/ConnectionDialog.h"
#include "ui/main/MainWindow.h"
#include "ui/panes/DataKeysPane.h"
#include "ui/panes/HealthTile.h"
#include "ui/panes/OverviewPane.h"
#include "ui/panes/SecretsPane.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QVersionNumber>

#include <memory>

using namespace mk;
using test::Engine;

namespace {

// Real fixture with values in six locations (cache_data included) and one data key.
const QString kFixture = QStringLiteral("anmawxz__grafana-keycloak__grafana_data_grafana.db");

const QStringList kManifestLocations = {
    QStringLiteral("data_source"),   QStringLiteral("plugin_setting"),
    QStringLiteral("secrets"),       QStringLiteral("user_auth"),
    QStringLiteral("user_external_session"), QStringLiteral("signing_key"),
    QStringLiteral("sso_setting"),   QStringLiteral("alert_configuration"),
    QStringLiteral("alert_configuration_history"), QStringLiteral("dashboard_snapshot"),
    QStringLiteral("cache_data"),    QStringLiteral("alert_notification"),
};

} // namespace

class TestConnectionDialogServers : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void serverPageOffersEverything();
    void keyboardOnly();
    void opensFixture_data();
    void opensFixture();
    void wrongPasswordShowsError_data();
    void wrongPasswordShowsError();
    void verifyFullThroughDialog();
    void mysqlVerifyFullIsRefusedClearly();
    void screenshot();

private:
    ui::ConnectionDialog* openDialog(ui::ConnectionDialog::Page page);
    // Types into the server page like a user (select all, type).
    void fill(ui::ConnectionDialog* dialog, const QString& host, int port, const QString& database,
              const QString& password, const QString& tlsMode);
    static void retype(QWidget* edit, const QString& text);
    static void chooseTls(ui::ConnectionDialog* dialog, const QString& mode);
    // Clicks Open; true when the main window finished its census of the opened database.
    bool openAndWaitForCensus(ui::ConnectionDialog* dialog);
    // Clicks Open; the dialog's error banner text (empty when no error appeared).
    QString openAndWaitForError(ui::ConnectionDialog* dialog);
    void checkCountsMatchManifest();
    // Every field at least as tall as it needs, the whole banner text shown.
    static void checkNothingSqueezed(QWidget* dialog);
    bool waitSecretsComplete();

    QString m_schema;
    QHash<QString, QString> m_manifest;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ui::FakePrompter> m_prompter;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestConnectionDialogServers::initTestCase()
{
    test::isolateApplication(QStringLiteral("test_gui_connection_servers"));
    QSettings().clear();
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QVERIFY2(!test::serverUrl(Engine::PostgreSQL).isEmpty() && !test::serverUrl(Engine::MySQL).isEmpty(),
             "no test servers: run through ctest (fixture dbservers) or set MK_DBSERVERS_DIR");
    QVERIFY2(QFileInfo(test::tlsCaFile()).isFile(), qPrintable(test::tlsCaFile()));

    m_manifest = test::readManifest().value(kFixture);
    QVERIFY2(!m_manifest.isEmpty(), "fixture missing from MANIFEST.tsv");
    const QString path = test::realFixturesDir() + QLatin1Char('/') + kFixture;
    m_schema = test::schemaNameFor(QStringLiteral("guiconn"), path);
    for (const Engine engine : {Engine::PostgreSQL, Engine::MySQL}) {
        QString error;
        QVERIFY2(test::loadSqliteIntoServer(path, engine, m_schema, &error), qPrintable(error));
    }
}

void TestConnectionDialogServers::cleanupTestCase()
{
    for (const Engine engine : {Engine::PostgreSQL, Engine::MySQL}) {
        QString error;
        if (!m_schema.isEmpty() && !test::dropServerSchema(engine, m_schema, &error))
            qWarning("%s", qPrintable(error));
    }
}

void TestConnectionDialogServers::init()
{
    test::failOnThreadingWarnings();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    qunsetenv("MOSAICOO_SECRET_KEY");
    qunsetenv("GF_SECURITY_SECRET_KEY");
    m_prompter = std::make_unique<ui::FakePrompter>();
    m_window = test::showMainWindow(*m_prompter, m_dir->filePath(QStringLiteral("activity.jsonl")));
    QVERIFY(m_window);
}

void TestConnectionDialogServers::cleanup()
{
    m_window.reset();
    m_prompter.reset();
    m_dir.reset();
}

ui::ConnectionDialog* TestConnectionDialogServers::openDialog(ui::ConnectionDialog::Page page)
{
    if (!test::triggerAction(m_window.get(), QStringLiteral("actionOpenDatabase")))
        return nullptr;
    auto* dialog = m_window->findChild<ui::ConnectionDialog*>();
    if (!dialog || !QTest::qWaitForWindowExposed(dialog))
        return nullptr;
    dialog->setPage(page);
    return dialog;
}

void TestConnectionDialogServers::retype(QWidget* edit, const QString& text)
{
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, text);
}

void TestConnectionDialogServers::chooseTls(ui::ConnectionDialog* dialog, const QString& mode)
{
    auto* combo = dialog->findChild<QComboBox*>(QStringLiteral("tlsCombo"));
    QVERIFY(combo);
    combo->setFocus();
    // Home, then Down until the mode is current: keys only.
    QTest::keyClick(combo, Qt::Key_Home);
    for (int i = 0; i < combo->count() && combo->currentData().toString() != mode; ++i)
        QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(combo->currentData().toString(), mode);
}

void TestConnectionDialogServers::fill(ui::ConnectionDialog* dialog, const QString& host, int port,
                                       const QString& database, const QString& password, const QString& tlsMode)
{
    retype(dialog->findChild<QLineEdit*>(QStringLiteral("hostEdit")), host);
    retype(dialog->findChild<QSpinBox*>(QStringLiteral("portSpin")), QString::number(port));
    retype(dialog->findChild<QLineEdit*>(QStringLiteral("databaseEdit")), database);
    retype(dialog->findChild<QLineEdit*>(QStringLiteral("userEdit")), test::serverUser());
    retype(dialog->findChild<QLineEdit*>(QStringLiteral("dbPasswordEdit")), password);
    chooseTls(dialog, tlsMode);
}

bool TestConnectionDialogServers::waitSecretsComplete()
{
    model::SecretsTableModel* model = m_window->secretsPane()->model();
    QSignalSpy spy(model, &model::SecretsTableModel::countChanged);
    for (int i = 0; i < 100 && !(model->isComplete() && !model->isLoading()); ++i) {
        if (!spy.wait(10'000))
            return false;
    }
    return model->isComplete();
}

bool TestConnectionDialogServers::openAndWaitForCensus(ui::ConnectionDialog* dialogPtr)
{
    const QPointer<ui::ConnectionDialog> dialog(dialogPtr); // deleted on close once accepted
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    QSignalSpy indexed(m_window->secretsPane()->model(), &model::SecretsTableModel::indexCompleted);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("openButton")), Qt::LeftButton);
    if (!census.wait(60'000)) {
        auto* banner = dialog ? dialog->findChild<ui::MessageBanner*>(QStringLiteral("connectionBanner")) : nullptr;
        qWarning("no census; dialog says: %s", qPrintable(banner ? banner->text() : QString()));
        return false;
    }
    if (!census.first().at(0).toBool())
        return false;
    if (indexed.isEmpty() && !indexed.wait(30'000))
        return false;
    return waitSecretsComplete();
}

QString TestConnectionDialogServers::openAndWaitForError(ui::ConnectionDialog* dialog)
{
    auto* banner = dialog->findChild<ui::MessageBanner*>(QStringLiteral("connectionBanner"));
    if (!banner)
        return {};
    QSignalSpy probe(dialog, &ui::ConnectionDialog::probeFinished);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("openButton")), Qt::LeftButton);
    if (banner->type() != ui::MessageBanner::Type::Error && !probe.wait(30'000))
        return {};
    if (!probe.isEmpty() && probe.first().at(0).toBool())
        return {};
    return banner->type() == ui::MessageBanner::Type::Error && !banner->isHidden() ? banner->text() : QString();
}

void TestConnectionDialogServers::checkCountsMatchManifest()
{
    qint64 values = 0;
    for (const QString& location : kManifestLocations)
        values += m_manifest.value(location).toLongLong();
    QVERIFY(values > 0);
    ui::OverviewPane* overview = m_window->overviewPane();
    QCOMPARE(overview->tile(QStringLiteral("valuesTile"))->value(), QString::number(values));
    QCOMPARE(qint64(m_window->secretsPane()->model()->totalCount()), values);
    QCOMPARE(m_window->dataKeysPane()->model()->rowCount(), m_manifest.value(QStringLiteral("data_keys")).toInt());
}

void TestConnectionDialogServers::checkNothingSqueezed(QWidget* dialog)
{
    for (QWidget* w : dialog->findChildren<QWidget*>()) {
        if (w->isVisible() && !w->objectName().startsWith(QLatin1String("qt_"))
            && (qobject_cast<QLineEdit*>(w) || qobject_cast<QComboBox*>(w) || qobject_cast<QPushButton*>(w)))
            QVERIFY2(w->height() >= w->minimumSizeHint().height(),
                     qPrintable(QStringLiteral("%1: %2 < %3").arg(w->objectName()).arg(w->height()).arg(w->minimumSizeHint().height())));
    }
    auto* banner = dialog->findChild<ui::MessageBanner*>(QStringLiteral("connectionBanner"));
    if (banner && banner->isVisible())
        QVERIFY2(banner->height() >= banner->heightForWidth(banner->width()),
                 qPrintable(QStringLiteral("banner %1 < %2").arg(banner->height()).arg(banner->heightForWidth(banner->width()))));
}

// --- the form -----------------------------------------------------------------------------------

void TestConnectionDialogServers::serverPageOffersEverything()
{
    ui::ConnectionDialog* dialog = openDialog(ui::ConnectionDialog::PostgresPage);
    QVERIFY(dialog);
    for (const char* name : {"hostEdit", "databaseEdit", "userEdit", "dbPasswordEdit", "caFileEdit"}) {
        auto* edit = dialog->findChild<QLineEdit*>(QString::fromLatin1(name));
        QVERIFY2(edit && edit->isVisible(), name);
        QVERIFY2(!edit->accessibleName().isEmpty(), name);
    }
    auto* password = dialog->findChild<QLineEdit*>(QStringLiteral("dbPasswordEdit"));
    QCOMPARE(password->echoMode(), QLineEdit::Password);
    auto* port = dialog->findChild<QSpinBox*>(QStringLiteral("portSpin"));
    QVERIFY(port && port->isVisible());

    // Defaults: localhost, the engine's port, database grafana, TLS required.
    QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("hostEdit"))->text(), QStringLiteral("localhost"));
    QCOMPARE(port->value(), 5432);
    QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("databaseEdit"))->text(), QStringLiteral("grafana"));
    auto* tls = dialog->findChild<QComboBox*>(QStringLiteral("tlsCombo"));
    QVERIFY(tls);
    QStringList modes;
    for (int i = 0; i < tls->count(); ++i)
        modes << tls->itemData(i).toString();
    QCOMPARE(modes, (QStringList{QStringLiteral("disable"), QStringLiteral("require"), QStringLiteral("verify-ca"),
                                 QStringLiteral("verify-full")}));
    QCOMPARE(tls->currentData().toString(), QStringLiteral("require"));
    dialog->setPage(ui::ConnectionDialog::MysqlPage);
    QCOMPARE(port->value(), 3306);
    auto* hint = dialog->findChild<QLabel*>(QStringLiteral("serverHintLabel"));
    QVERIFY(hint && hint->text().contains(QStringLiteral("127.0.0.1")));
    dialog->setPage(ui::ConnectionDialog::PostgresPage);
    QCOMPARE(port->value(), 5432);
    retype(port, QStringLiteral("6543")); // a typed port survives a change of engine
    dialog->setPage(ui::ConnectionDialog::MysqlPage);
    QCOMPARE(port->value(), 6543);

    // CA file: Browse… asks the prompter; without TLS the row is disabled and not used.
    auto* ca = dialog->findChild<QLineEdit*>(QStringLiteral("caFileEdit"));
    auto* browse = dialog->findChild<QPushButton*>(QStringLiteral("caBrowseButton"));
    QVERIFY(browse && browse->isVisible());
    m_prompter->queueFile(test::tlsCaFile());
    QTest::mouseClick(browse, Qt::LeftButton);
    QCOMPARE(ca->text(), test::tlsCaFile());
    QVERIFY(m_prompter->questions().last().contains(QStringLiteral("CA")));
    QVERIFY(dialog->buildRequest().dbUrl.contains(
        QStringLiteral("&sslrootcert=") + QString::fromLatin1(QUrl::toPercentEncoding(test::tlsCaFile()))));
    QCOMPARE(dialog->connection().caFile, test::tlsCaFile());
    chooseTls(dialog, QStringLiteral("disable"));
    QVERIFY(!ca->isEnabled() && !browse->isEnabled());
    QVERIFY(dialog->buildRequest().dbUrl.endsWith(QStringLiteral("?sslmode=disable")));
    QVERIFY(dialog->connection().caFile.isEmpty());
    chooseTls(dialog, QStringLiteral("verify-full"));
    QVERIFY(ca->isEnabled());
    dialog->reject();
}

void TestConnectionDialogServers::keyboardOnly()
{
    ui::ConnectionDialog* dialog = openDialog(ui::ConnectionDialog::SqlitePage);
    QVERIFY(dialog);
    // Source by arrow keys: SQLite -> PostgreSQL.
    auto* source = dialog->findChild<QComboBox*>(QStringLiteral("sourceCombo"));
    source->setFocus();
    QTest::keyClick(source, Qt::Key_Down);
    QCOMPARE(source->currentIndex(), int(ui::ConnectionDialog::PostgresPage));

    // Every label's mnemonic reaches its field.
    const struct
    {
        Qt::Key key;
        const char* widget;
    } mnemonics[] = {{Qt::Key_H, "hostEdit"}, {Qt::Key_R, "portSpin"}, {Qt::Key_D, "databaseEdit"},
                     {Qt::Key_U, "userEdit"}, {Qt::Key_P, "dbPasswordEdit"}, {Qt::Key_T, "tlsCombo"},
                     {Qt::Key_C, "caFileEdit"}};
    for (const auto& m : mnemonics) {
        QTest::keyClick(dialog, m.key, Qt::AltModifier);
        QWidget* focus = QApplication::focusWidget();
        // The spin box's line edit holds the focus for the spin box.
        while (focus && focus->objectName().isEmpty())
            focus = focus->parentWidget();
        QVERIFY2(focus && focus->objectName() == QLatin1String(m.widget),
                 qPrintable(QStringLiteral("Alt+%1 focused %2, not %3")
                                .arg(QKeySequence(m.key).toString(), focus ? focus->objectName() : QStringLiteral("nothing"),
                                     QString::fromLatin1(m.widget))));
    }

    // Tab walks the form in order.
    dialog->findChild<QLineEdit*>(QStringLiteral("hostEdit"))->setFocus();
    QStringList order;
    for (int i = 0; i < 7; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QWidget* focus = QApplication::focusWidget();
        while (focus && focus->objectName().isEmpty())
            focus = focus->parentWidget();
        order << (focus ? focus->objectName() : QString());
    }
    QCOMPARE(order, (QStringList{QStringLiteral("portSpin"), QStringLiteral("databaseEdit"), QStringLiteral("userEdit"),
                                 QStringLiteral("dbPasswordEdit"), QStringLiteral("tlsCombo"),
                                 QStringLiteral("caFileEdit"), QStringLiteral("caBrowseButton")}));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
    QTRY_VERIFY(!dialog->isVisible());
}

// --- against the servers ------------------------------------------------------------------------

void TestConnectionDialogServers::opensFixture_data()
{
    QTest::addColumn<Engine>("engine");
    QTest::addColumn<QString>("tls");
    QTest::newRow("postgresql require") << Engine::PostgreSQL << QStringLiteral("require");
    QTest::newRow("mariadb verify-ca") << Engine::MySQL << QStringLiteral("verify-ca");
    QTest::newRow("mariadb disable") << Engine::MySQL << QStringLiteral("disable");
}

void TestConnectionDialogServers::opensFixture()
{
    QFETCH(Engine, engine);
    QFETCH(QString, tls);
    ui::ConnectionDialog* dialog = openDialog(engine == Engine::PostgreSQL ? ui::ConnectionDialog::PostgresPage
                                                                          : ui::ConnectionDialog::MysqlPage);
    QVERIFY(dialog);
    fill(dialog, QStringLiteral("127.0.0.1"), test::serverPort(engine), m_schema, test::serverPassword(), tls);
    if (tls.startsWith(QLatin1String("verify")))
        QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("caFileEdit")), test::tlsCaFile());
    const QPointer<ui::ConnectionDialog> guard(dialog);
    QVERIFY(openAndWaitForCensus(dialog));
    QTRY_VERIFY(!guard); // accepted and closed (deleted on close)
    checkCountsMatchManifest();

    // Remembered without the password, with the TLS settings.
    QSettings settings;
    for (const QString& key : settings.allKeys()) {
        QVERIFY2(!key.contains(QStringLiteral("password"), Qt::CaseInsensitive), qPrintable(key));
        QVERIFY2(!settings.value(key).toString().contains(test::serverPassword()), qPrintable(key));
    }
    QCOMPARE(settings.value(QStringLiteral("recentConnections/1/tlsMode")).toString(), tls);
    QCOMPARE(settings.value(QStringLiteral("recentConnections/1/database")).toString(), m_schema);
}

void TestConnectionDialogServers::wrongPasswordShowsError_data()
{
    QTest::addColumn<Engine>("engine");
    QTest::addColumn<QString>("expected");
    QTest::newRow("postgresql") << Engine::PostgreSQL << QStringLiteral("password authentication failed");
    QTest::newRow("mariadb") << Engine::MySQL << QStringLiteral("Access denied");
}

void TestConnectionDialogServers::wrongPasswordShowsError()
{
    QFETCH(Engine, engine);
    QFETCH(QString, expected);
    ui::ConnectionDialog* dialog = openDialog(engine == Engine::PostgreSQL ? ui::ConnectionDialog::PostgresPage
                                                                          : ui::ConnectionDialog::MysqlPage);
    QVERIFY(dialog);
    const QString wrong = QStringLiteral("not-the-Pa55word");
    fill(dialog, QStringLiteral("127.0.0.1"), test::serverPort(engine), m_schema, wrong, QStringLiteral("require"));
    const QString error = openAndWaitForError(dialog);
    QVERIFY2(error.contains(expected), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("Cannot connect")), qPrintable(error));
    QVERIFY(!error.contains(wrong));
    QVERIFY(dialog->isVisible());
    checkNothingSqueezed(dialog); // the dialog grew for the message
    // Long recent server URLs are elided, they do not widen the dialog.
    QVERIFY2(dialog->sizeHint().width() < 700, qPrintable(QString::number(dialog->sizeHint().width())));
    if (QTest::currentTestFailed())
        return;
    if (qEnvironmentVariableIntValue("MK_UPDATE_SCREENSHOTS") != 1 && engine == Engine::MySQL) {
        QVERIFY(QDir().mkpath(QDir::currentPath() + QStringLiteral("/screenshots")));
        QVERIFY(dialog->grab().save(QDir::currentPath() + QStringLiteral("/screenshots/connection-dialog-error.png")));
    }
    QVERIFY(!dialog->target());
    QCOMPARE(m_window->overviewPane()->tile(QStringLiteral("valuesTile"))->value().toInt(), 0);

    // Corrected in place: it opens.
    retype(dialog->findChild<QLineEdit*>(QStringLiteral("dbPasswordEdit")), test::serverPassword());
    QVERIFY(openAndWaitForCensus(dialog));
    checkCountsMatchManifest();
}

void TestConnectionDialogServers::verifyFullThroughDialog()
{
    ui::ConnectionDialog* dialog = openDialog(ui::ConnectionDialog::PostgresPage);
    QVERIFY(dialog);
    // 127.0.0.1 is not in the certificate: refused, saying so.
    fill(dialog, QStringLiteral("127.0.0.1"), test::serverPort(Engine::PostgreSQL), m_schema,
         test::serverPassword(), QStringLiteral("verify-full"));
    m_prompter->queueFile(test::tlsCaFile());
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("caBrowseButton")), Qt::LeftButton);
    const QString error = openAndWaitForError(dialog);
    QVERIFY2(error.contains(QStringLiteral("does not name the host '127.0.0.1'")), qPrintable(error));

    // localhost is: opens over verified TLS.
    retype(dialog->findChild<QLineEdit*>(QStringLiteral("hostEdit")), QStringLiteral("localhost"));
    QVERIFY(openAndWaitForCensus(dialog));
    checkCountsMatchManifest();
    QVERIFY2(m_window->windowTitle().contains(QStringLiteral("@localhost:"))
                 && m_window->windowTitle().contains(QStringLiteral("?sslmode=verify-full")),
             qPrintable(m_window->windowTitle()));
    QCOMPARE(QSettings().value(QStringLiteral("recentConnections/1/caFile")).toString(), test::tlsCaFile());
}

void TestConnectionDialogServers::mysqlVerifyFullIsRefusedClearly()
{
    if (QLibraryInfo::version() >= QVersionNumber(6, 5))
        QSKIP("this Qt's QMYSQL checks host names");
    ui::ConnectionDialog* dialog = openDialog(ui::ConnectionDialog::MysqlPage);
    QVERIFY(dialog);
    fill(dialog, QStringLiteral("127.0.0.1"), test::serverPort(Engine::MySQL), m_schema, test::serverPassword(),
         QStringLiteral("verify-full"));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("caFileEdit")), test::tlsCaFile());
    const QString error = openAndWaitForError(dialog);
    QVERIFY2(error.contains(QStringLiteral("verify-full cannot be enforced")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("verify-ca")), qPrintable(error));
    QVERIFY(dialog->isVisible());
}

void TestConnectionDialogServers::screenshot()
{
    ui::ConnectionDialog* dialog = openDialog(ui::ConnectionDialog::PostgresPage);
    QVERIFY(dialog);
    fill(dialog, QStringLiteral("db.internal"), 5432, QStringLiteral("grafana"), QStringLiteral("example"),
         QStringLiteral("verify-full"));
    retype(dialog->findChild<QLineEdit*>(QStringLiteral("userEdit")), QStringLiteral("grafana"));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("caFileEdit")), QStringLiteral("/etc/ssl/db-ca.pem"));
    dialog->findChild<QPushButton*>(QStringLiteral("openButton"))->setFocus(); // no text cursor in the picture
    dialog->adjustSize();
    checkNothingSqueezed(dialog);
    if (QTest::currentTestFailed())
        return;
    const QString dir = qEnvironmentVariableIntValue("MK_UPDATE_SCREENSHOTS") == 1
                            ? QString::fromUtf8(MK_SOURCE_DIR) + QStringLiteral("/docs/screenshots")
                            : QDir::currentPath() + QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(dir));
    const QString file = dir + QStringLiteral("/connection-dialog-server.png");
    QVERIFY2(dialog->grab().save(file), qPrintable(file));

    // The page stack follows the page: the SQLite page leaves no empty server-sized hole.
    const int serverHeight = dialog->height();
    dialog->setPage(ui::ConnectionDialog::SqlitePage);
    QVERIFY2(dialog->height() < serverHeight - 80, qPrintable(QStringLiteral("%1 vs %2").arg(dialog->height()).arg(serverHeight)));
    // Labels of both groups share one column: the fields start at the same x.
    auto* source = dialog->findChild<QComboBox*>(QStringLiteral("sourceCombo"));
    auto* keySource = dialog->findChild<QComboBox*>(QStringLiteral("keySourceCombo"));
    auto* path = dialog->findChild<QLineEdit*>(QStringLiteral("sqlitePathEdit"));
    QCOMPARE(path->mapTo(dialog, QPoint()).x(), source->mapTo(dialog, QPoint()).x());
    QCOMPARE(keySource->mapTo(dialog, QPoint()).x(), source->mapTo(dialog, QPoint()).x());
    if (qEnvironmentVariableIntValue("MK_UPDATE_SCREENSHOTS") != 1)
        QVERIFY(dialog->grab().save(dir + QStringLiteral("/connection-dialog-sqlite-page.png")));
    dialog->reject();
}

QTEST_MAIN(TestConnectionDialogServers)
#include "TestConnectionDialogServers.moc"
