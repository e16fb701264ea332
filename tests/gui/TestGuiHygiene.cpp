// Secret hygiene of the console (issue "Hardening"): the GUI flows driven like a user on a demo
// database and a fixture whose plaintexts the test knows, then a search for every plaintext (raw,
// JSON-escaped, percent-encoded, base64), every secret key a user typed or generated and every
// data key (raw, hex, base64) in:
//   * every message the process logged (a Qt message handler captures qDebug..qCritical of every
//     category, mk.* debug included) and everything written to the process's stderr;
//   * the text of every widget, action and item model (all string properties, tab texts, item
//     data of every role, header data), after every step: nothing may stay on screen once the step
//     is over (a revealed value is on screen on purpose until it hides);
//   * the clipboard, after the reveal said it would clear it;
//   * the activity log (its JSON lines file) and its pane, the exported CSV/JSON reports, the
//     backups and whatever lies next to them, the QSettings file (recent connections: no password,
//     no key) and every other file under the fresh HOME / XDG folders / TMPDIR the test runs in.
// The only file left out is the key file the user chose to save the generated key to. Databases
// and backups are searched too: they hold ciphertext and wrapped keys only.
//
// main() points HOME, XDG_* and TMPDIR at a fresh folder before Qt starts and sends stderr to a file
// in it (echoed when the test ends); QStandardPaths test mode keeps settings and the activity log
// under that HOME. Failure messages name a needle by kind and index, never by its content.
//
// guiProcessRunsWithoutCoreDumps launches the real mosaicoo-keys binary and reads it from /proc:
// RLIMIT_CORE 0/0 and not dumpable, against a control process that is neither.

#include "model/ActivityLog.h"
#include "model/items/DataKeysTableModel.h"
#include "model/items/SecretQuery.h"
#include "model/items/SecretsTableModel.h"
#include "model/ops/DemoDatabase.h"
#include "model/ops/RewrapDataKeysJob.h"
#include "model/ops/VerifyJob.h"
#include "tests/gui/GuiTestSupport.h"
#include "tests/gui/WizardTestSupport.h"
#include "tests/support/TestData.h"
#include "tests/support/hygiene/SecretNeedles.h"
#include "tests/unit/ops/GsmFixture.h"
#include "tests/unit/ops/OpsTestSupport.h"
#include "ui/common/FakePrompter.h"
#include "ui/main/ConnectionDialog.h"
#include "ui/main/MainWindow.h"
#include "ui/panes/ActivityLogPane.h"
#include "ui/panes/DataKeysPane.h"
#include "ui/panes/SecretsPane.h"
#include "ui/wizards/common/FakeFileChooser.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMetaProperty>
#include <QMutex>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QTabBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QUrl>
#include <QWizard>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <vector>

using namespace mk;
using ui::OperationWizard;

namespace {

// Typed into the connection dialog (the demo is re-keyed to it before the console opens it).
const QByteArray kTypedKey("gui-hygiene#typed;Key-4Rw9Zt");
constexpr int kJobTimeout = 120'000;
constexpr int kRevealTimeoutMs = 1500;

// Set by main() before QApplication exists.
QString g_root;        // fresh HOME / XDG / TMPDIR folder
QString g_originalTmp; // TMPDIR before (for the probe child, which runs as another user)

// Every message of every thread, whatever its category and level.
QMutex g_messagesMutex;
QStringList g_messages;
int g_debugMessages = 0;
QtMessageHandler g_previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    {
        const QMutexLocker lock(&g_messagesMutex);
        g_messages << QString::fromUtf8(context.category ? context.category : "") + QLatin1Char(' ') + message;
        if (type == QtDebugMsg)
            ++g_debugMessages;
    }
    if (type != QtDebugMsg && g_previousHandler) // QtTest's handler (failOnWarning, the log)
        g_previousHandler(type, context, message);
}

QString readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

struct ScanStats
{
    int objects = 0;
    int models = 0;
    qint64 strings = 0;
};

} // namespace

class TestGuiHygiene : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void guiProcessRunsWithoutCoreDumps();
    void opensWithATypedKey();
    void browsesSortsAndFilters();
    void revealCopiesAndHides();
    void reEncryptWizard();
    void rotateWizard();
    void rollbackWizard();
    void changeSecretKeyWizard();
    void rewrapDataKeysWizard();
    void backupAndRestoreFromTheFileMenu();
    void fixtureWithATypedKey();
    void secretsManagerStore();
    void repairWizard();
    void nothingLeaks();

private:
    struct WizardRun
    {
        const char* action;
        QString stem;           // backup and export file names
        bool backup = true;     // false: tick "skip backup"
        bool generateKey = false;
    };

    QString path(const QString& relative) const { return QDir(g_root).filePath(relative); }
    void addSecretKey(const QByteArray& key);
    void refreshDataKeys();
    QStringList scanObjects(ScanStats* stats = nullptr) const;
    void verifyNoLeakOnScreen(const QString& step);
    void openThroughDialog(const QString& dbPath, const QByteArray& key);
    bool waitSecretsComplete();
    OperationWizard* startWizard(const char* action);
    void openAndWait(const model::Target& target);
    void driveWizard(const WizardRun& run);
    void finishWizard(OperationWizard* wizard, const WizardRun& run);
    model::SecretsTableModel* secretsModel() const;

    test::NeedleSet m_needles;
    QList<QByteArray> m_secretKeys;
    QList<QByteArray> m_keks;    // [secrets_manager.encryption.<id>] secret_keys
    QString m_gsmConfig;         // holds the KEKs the test hands over: not searched
    QString m_demo;
    QString m_fixture;
    QString m_savedKeyFile;
    QByteArray m_generatedKey;
    QStringList m_exports;
    QStringList m_backups;
    int m_screenScans = 0;
    std::unique_ptr<ui::FakePrompter> m_prompter;
    std::vector<std::unique_ptr<ui::FakeFileChooser>> m_fileChoosers;
    ui::FakeFileChooser* m_files = nullptr;
    std::unique_ptr<ui::MainWindow> m_window;
};

model::SecretsTableModel* TestGuiHygiene::secretsModel() const
{
    return m_window->secretsPane()->model();
}

void TestGuiHygiene::addSecretKey(const QByteArray& key)
{
    if (!m_secretKeys.contains(key))
        m_secretKeys << key;
    m_needles.addSecretKey(key);
}

// Every data key any database or backup ever had, unwrapped with every secret key known so far.
void TestGuiHygiene::refreshDataKeys()
{
    QList<QByteArray> secrets = m_secretKeys;
    secrets << QByteArray(test::kDefaultSecretKey);
    QDirIterator it(g_root, {QStringLiteral("*.db")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        for (const QByteArray& dek : test::dataKeysOf(file, secrets))
            m_needles.addDataKey(dek);
        for (const QByteArray& dek : test::gsmDataKeysOf(file, m_keks))
            m_needles.addDataKey(dek);
    }
}

void TestGuiHygiene::initTestCase()
{
    QVERIFY2(!g_root.isEmpty(), "main() did not prepare the folder");
    test::isolateApplication(QStringLiteral("test_gui_hygiene"));
    QSettings().clear();
    g_previousHandler = qInstallMessageHandler(captureMessage);
    qunsetenv("MOSAICOO_SECRET_KEY");
    qunsetenv("GF_SECURITY_SECRET_KEY");
    for (const char* sub : {"db", "backups", "exports", "keys"})
        QVERIFY(QDir(g_root).mkpath(QLatin1String(sub)));

    // The demo (invented plaintexts), re-keyed with the engine to a key only the test knows.
    m_demo = path(QStringLiteral("db/demo.db"));
    const auto demo = model::createDemoDatabase(m_demo);
    QVERIFY2(demo.has_value(), demo ? "" : qPrintable(demo.error().message));
    {
        model::RewrapDataKeysOptions options;
        options.newSecretKey = kTypedKey;
        options.force = true;
        const auto rekeyed = model::runRewrapDataKeys(test::targetFor(m_demo, test::kDefaultSecretKey),
                                                      options, nullptr);
        QVERIFY2(rekeyed.has_value(), rekeyed ? "" : qPrintable(rekeyed.error().message));
    }
    // A fixture with its own key.
    m_fixture = test::copyFixture(test::syntheticFixturesDir() + QStringLiteral("/custom-key.db"),
                                  path(QStringLiteral("db")));
    QVERIFY(QFileInfo::exists(m_fixture));

    // The needles: every plaintext the engine decrypts from both databases (and the demo's list),
    // the typed keys, every data key.
    for (const QByteArray& p : test::demoPlaintexts())
        m_needles.addPlaintext(p);
    int tooShort = 0;
    for (const auto& [db, key] : {std::pair{m_demo, kTypedKey},
                                  std::pair{m_fixture, QByteArray(test::kCustomSecretKey)}}) {
        const test::DatabasePlaintexts plain = test::plaintextsOf(test::targetFor(db, key));
        QVERIFY2(plain.error.isEmpty(), qPrintable(plain.error));
        QVERIFY2(plain.decrypted > 20, qPrintable(QStringLiteral("%1: %2 values decrypt").arg(db).arg(plain.decrypted)));
        for (const QByteArray& p : plain.plaintexts)
            m_needles.addPlaintext(p);
        tooShort += plain.tooShort;
    }
    addSecretKey(kTypedKey);
    addSecretKey(test::kCustomSecretKey);
    // Not the public default key: the console names it on purpose in its warning banner.
    refreshDataKeys();
    QVERIFY(m_needles.dataKeyCount() >= 3);
    for (const test::Needle& n : m_needles.needles())
        QVERIFY2(n.bytes.size() >= 6, qPrintable(n.name)); // scanObjects skips shorter strings
    qInfo("needles: %d plaintexts (%d shorter than 8 bytes not searched), %d secret keys, %d data keys",
          m_needles.plaintextCount(), tooShort, m_needles.secretKeyCount(), m_needles.dataKeyCount());

    m_prompter = std::make_unique<ui::FakePrompter>();
    m_fileChoosers.push_back(std::make_unique<ui::FakeFileChooser>());
    m_files = m_fileChoosers.back().get();
    // The activity log where the application keeps it (QStandardPaths, test mode, fresh HOME).
    m_window = std::make_unique<ui::MainWindow>(*m_prompter, model::ActivityLog());
    m_window->setFileChooser(m_files);
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestGuiHygiene::cleanupTestCase()
{
    m_window.reset();
    if (g_previousHandler) {
        qInstallMessageHandler(g_previousHandler);
        g_previousHandler = nullptr;
    }
}

// ---- what is on screen ------------------------------------------------------------------------

// Every string an object exposes: string-typed properties (text, toolTip, statusTip, whatsThis,
// windowTitle, placeholderText, plainText, html, accessible names, ...) and dynamic properties;
// tab texts; the plain text of text documents; every item of every model in every role that
// holds text, and header data. Item models are read as loaded (no fetchMore).
QStringList TestGuiHygiene::scanObjects(ScanStats* stats) const
{
    QStringList leaks;
    ScanStats local;
    QSet<const QObject*> seen;
    auto check = [&](const QObject* o, const QString& what, const QString& text) {
        ++local.strings;
        if (text.size() < 6)
            return;
        const QString where = QStringLiteral("%1 \"%2\" %3")
                                  .arg(QLatin1String(o->metaObject()->className()), o->objectName(), what);
        leaks << m_needles.find(where, text);
    };
    auto checkVariant = [&](const QObject* o, const QString& what, const QVariant& v) {
        switch (v.typeId()) {
        case QMetaType::QString:
            check(o, what, v.toString());
            break;
        case QMetaType::QStringList:
            check(o, what, v.toStringList().join(QLatin1Char('\n')));
            break;
        case QMetaType::QByteArray:
            check(o, what, QString::fromUtf8(v.toByteArray()));
            break;
        case QMetaType::QUrl:
            check(o, what, v.toUrl().toString());
            break;
        default:
            break;
        }
    };
    auto scanModel = [&](const QAbstractItemModel* model) {
        ++local.models;
        QList<int> roles{Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole, Qt::StatusTipRole, Qt::WhatsThisRole,
                         Qt::AccessibleTextRole, Qt::AccessibleDescriptionRole};
        for (int r = Qt::UserRole; r <= Qt::UserRole + 16; ++r)
            roles << r;
        for (int role : model->roleNames().keys()) {
            if (!roles.contains(role))
                roles << role;
        }
        for (Qt::Orientation o : {Qt::Horizontal, Qt::Vertical}) {
            const int n = o == Qt::Horizontal ? model->columnCount() : model->rowCount();
            for (int s = 0; s < n && s < 10'000; ++s) {
                for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)})
                    checkVariant(model, QStringLiteral("header %1 role %2").arg(s).arg(role), model->headerData(s, o, role));
            }
        }
        std::function<void(const QModelIndex&, int)> walk = [&](const QModelIndex& parent, int depth) {
            const int rows = model->rowCount(parent);
            const int columns = model->columnCount(parent);
            for (int r = 0; r < rows; ++r) {
                for (int c = 0; c < columns; ++c) {
                    const QModelIndex index = model->index(r, c, parent);
                    for (int role : roles)
                        checkVariant(model, QStringLiteral("row %1 column %2 role %3").arg(r).arg(c).arg(role),
                                     model->data(index, role));
                    if (c == 0 && depth < 8 && model->hasChildren(index))
                        walk(index, depth + 1);
                }
            }
        };
        walk(QModelIndex(), 0);
    };
    std::function<void(const QObject*)> visit = [&](const QObject* o) {
        if (!o || seen.contains(o))
            return;
        seen.insert(o);
        ++local.objects;
        const QMetaObject* meta = o->metaObject();
        for (int i = 0; i < meta->propertyCount(); ++i) {
            const QMetaProperty p = meta->property(i);
            const int type = p.metaType().id();
            if (!p.isReadable()
                || (type != QMetaType::QString && type != QMetaType::QStringList && type != QMetaType::QByteArray
                    && type != QMetaType::QUrl && type != QMetaType::QVariant))
                continue;
            checkVariant(o, QString::fromLatin1(p.name()), p.read(o));
        }
        for (const QByteArray& name : o->dynamicPropertyNames())
            checkVariant(o, QString::fromLatin1(name), o->property(name.constData()));
        if (const auto* tabs = qobject_cast<const QTabBar*>(o)) {
            for (int t = 0; t < tabs->count(); ++t) {
                check(o, QStringLiteral("tab %1").arg(t), tabs->tabText(t));
                check(o, QStringLiteral("tab %1 tooltip").arg(t), tabs->tabToolTip(t));
            }
        }
        if (const auto* doc = qobject_cast<const QTextDocument*>(o))
            check(o, QStringLiteral("document"), doc->toPlainText());
        if (const auto* model = qobject_cast<const QAbstractItemModel*>(o))
            scanModel(model);
        for (const QObject* child : o->children())
            visit(child);
    };
    visit(qApp);
    for (QWidget* w : QApplication::allWidgets())
        visit(w);
    for (QWidget* w : QApplication::topLevelWidgets())
        visit(w);
    if (stats)
        *stats = local;
    return leaks;
}

void TestGuiHygiene::verifyNoLeakOnScreen(const QString& step)
{
    ScanStats stats;
    QStringList leaks = scanObjects(&stats);
    for (QClipboard::Mode mode : {QClipboard::Clipboard, QClipboard::Selection})
        leaks << m_needles.find(QStringLiteral("clipboard (mode %1)").arg(int(mode)), QApplication::clipboard()->text(mode));
    ++m_screenScans;
    qInfo("%s: %d objects, %d item models, %lld strings searched", qPrintable(step), stats.objects, stats.models,
          static_cast<long long>(stats.strings));
    QVERIFY(stats.objects > 100);
    QVERIFY2(leaks.isEmpty(), qPrintable(step + QStringLiteral(":\n") + leaks.join(QLatin1Char('\n'))));
}

bool TestGuiHygiene::waitSecretsComplete()
{
    model::SecretsTableModel* model = secretsModel();
    QSignalSpy spy(model, &model::SecretsTableModel::countChanged);
    for (int i = 0; i < 400 && !(model->isComplete() && !model->isLoading()); ++i) {
        if (!spy.wait(10'000))
            return false;
    }
    return model->isComplete();
}

// File ▸ Open, the SQLite path and "Type the secret key", typed like a user.
void TestGuiHygiene::openThroughDialog(const QString& dbPath, const QByteArray& key)
{
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionOpenDatabase")));
    auto* dialog = m_window->findChild<ui::ConnectionDialog*>();
    QVERIFY(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    auto* pathEdit = dialog->findChild<QLineEdit*>(QStringLiteral("sqlitePathEdit"));
    QVERIFY(pathEdit);
    pathEdit->selectAll();
    QTest::keyClicks(pathEdit, dbPath);
    auto* keySource = dialog->findChild<QComboBox*>(QStringLiteral("keySourceCombo"));
    QVERIFY(keySource);
    keySource->setCurrentIndex(int(ui::RecentConnection::KeySource::Typed));
    auto* keyEdit = dialog->findChild<QLineEdit*>(QStringLiteral("secretKeyEdit"));
    QVERIFY(keyEdit && keyEdit->isEnabled());
    QCOMPARE(keyEdit->echoMode(), QLineEdit::Password);
    QTest::keyClicks(keyEdit, QString::fromUtf8(key));
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("openButton")), Qt::LeftButton);
    QVERIFY(census.wait(60'000));
    QVERIFY(census.last().at(0).toBool());
    QVERIFY(waitSecretsComplete());
    QTRY_VERIFY(!m_window->findChild<ui::ConnectionDialog*>()); // closed and deleted
}

// ---- the flows ---------------------------------------------------------------------------------

void TestGuiHygiene::guiProcessRunsWithoutCoreDumps()
{
    const QString gui = qEnvironmentVariable("MK_GUI");
    QVERIFY2(!gui.isEmpty(), "MK_GUI not set");
    // The probe child may run as "nobody": a HOME it can write to, outside the test's 0700 folder.
    QTemporaryDir home(g_originalTmp + QStringLiteral("/mk-gui-probe-XXXXXX"));
    QVERIFY(home.isValid());
    QFile::setPermissions(home.path(), QFileDevice::Permissions(0x7777));
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const test::ProbeOutcome control = test::probeProcessHardening(QStringLiteral("cat"), {}, env, false);
    if (control.skip)
        QSKIP(qPrintable(control.message));
    QVERIFY2(control.message.isEmpty(), qPrintable(control.message));
    const test::ProbeOutcome console = test::probeProcessHardening(gui, {}, env, true);
    QVERIFY2(console.message.isEmpty(), qPrintable(console.message));
}

void TestGuiHygiene::opensWithATypedKey()
{
    openThroughDialog(m_demo, kTypedKey);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(secretsModel()->totalCount() > 30);
    QVERIFY(m_window->dataKeysPane()->model()->rowCount() > 0);
    verifyNoLeakOnScreen(QStringLiteral("opened with a typed key"));
}

void TestGuiHygiene::browsesSortsAndFilters()
{
    QVERIFY(m_window->secretsPane());
    m_window->showPane(ui::MainWindow::OverviewTab);
    QTest::qWait(50);
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    model::SecretsTableModel* model = secretsModel();
    const int all = model->totalCount();

    // Sort by owner and by status through the header.
    QHeaderView* header = pane->view()->horizontalHeader();
    for (int column : {int(model::SecretsTableModel::Owner), int(model::SecretsTableModel::Status)}) {
        const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x, header->height() / 2));
        QVERIFY(waitSecretsComplete());
        QCOMPARE(model->query().sortColumn, column);
    }
    // Filter by text, by location, by status; then clear.
    auto* search = pane->findChild<QLineEdit*>(QStringLiteral("searchEdit"));
    QTest::keyClicks(search, QStringLiteral("data_source"));
    QTest::keyClick(search, Qt::Key_Return);
    QVERIFY(waitSecretsComplete());
    QVERIFY(model->totalCount() > 0 && model->totalCount() < all);
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("clearFiltersButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());
    auto* location = pane->findChild<QComboBox*>(QStringLiteral("locationFilterCombo"));
    location->setCurrentIndex(location->findData(QStringLiteral("user_auth.o_auth_access_token")));
    QVERIFY(waitSecretsComplete());
    QVERIFY(model->totalCount() > 0);
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("clearFiltersButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());
    QCOMPARE(model->totalCount(), all);

    // Verify every value in the background; then filter to the failures.
    QSignalSpy verified(pane, &ui::SecretsPane::verifyFinished);
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("verifyStartButton")), Qt::LeftButton);
    QVERIFY(verified.wait(kJobTimeout));
    auto* status = pane->findChild<QComboBox*>(QStringLiteral("statusFilterCombo"));
    status->setCurrentIndex(status->findData(QString::fromLatin1(model::kStatusFailed)));
    QVERIFY(waitSecretsComplete());
    QVERIFY(model->totalCount() > 0); // the demo's tampered and orphaned values
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("clearFiltersButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());

    // Data keys: the first key's values.
    m_window->showPane(ui::MainWindow::DataKeysTab);
    ui::DataKeysPane* keys = m_window->dataKeysPane();
    auto* keysView = keys->findChild<QTableView*>(QStringLiteral("dataKeysView"));
    QVERIFY(keysView && keysView->model()->rowCount() > 0);
    int used = -1;
    for (int r = 0; r < keysView->model()->rowCount() && used < 0; ++r) {
        if (keysView->model()->index(r, 0).data(model::DataKeysTableModel::ReferencesRole).toLongLong() > 0)
            used = r;
    }
    QVERIFY(used >= 0);
    test::clickIndex(keysView, keysView->model()->index(used, 0));
    QVERIFY(test::clickChild(keys, QStringLiteral("showValuesButton")));
    QVERIFY(waitSecretsComplete());
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("clearFiltersButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());

    // Activity log, reloaded from its file.
    m_window->showPane(ui::MainWindow::ActivityTab);
    QVERIFY(test::clickChild(m_window->activityLogPane(), QStringLiteral("reloadActivityButton")));
    QVERIFY(m_window->activityLogPane()->findChild<QTableView*>()->model()->rowCount() > 0);
    m_window->showPane(ui::MainWindow::SecretsTab);
    verifyNoLeakOnScreen(QStringLiteral("browsed, sorted, filtered, verified"));
}

void TestGuiHygiene::revealCopiesAndHides()
{
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    pane->setRevealTimeout(kRevealTimeoutMs);
    // Values that decrypt (the verify of the previous step filled the statuses).
    auto* status = pane->findChild<QComboBox*>(QStringLiteral("statusFilterCombo"));
    status->setCurrentIndex(status->findData(QString::fromLatin1(model::kStatusOk)));
    QVERIFY(waitSecretsComplete());
    auto* location = pane->findChild<QComboBox*>(QStringLiteral("locationFilterCombo"));
    location->setCurrentIndex(location->findData(QStringLiteral("data_source.secure_json_data")));
    QVERIFY(waitSecretsComplete());
    QTRY_VERIFY_WITH_TIMEOUT(secretsModel()->rowCount() > 1, 10'000);
    QSignalSpy failed(pane, &ui::SecretsPane::revealFailed);
    auto* edit = pane->findChild<QPlainTextEdit*>(QStringLiteral("revealedValueEdit"));
    QVERIFY(edit);
    QClipboard* clipboard = QApplication::clipboard();
    clipboard->setText(QStringLiteral("something the user copied before"));

    // 1. Reveal, copy with the button, let it hide by itself.
    test::clickIndex(pane->view(), secretsModel()->index(0, model::SecretsTableModel::Field));
    m_prompter->queueConfirm(true);
    QSignalSpy shown(pane, &ui::SecretsPane::revealShown);
    QSignalSpy hidden(pane, &ui::SecretsPane::revealHidden);
    QVERIFY(test::clickChild(pane, QStringLiteral("revealButton")));
    QVERIFY2(shown.wait(30'000), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
    const QByteArray value = edit->toPlainText().toUtf8();
    // The value on screen is one the search looks for, and the screen scan does find it there:
    // the scans of the other steps are not blind.
    QVERIFY2(m_needles.containsPlaintext(value), "the revealed value is not among the known plaintexts");
    QVERIFY(!scanObjects().isEmpty());
    QVERIFY(test::clickChild(pane, QStringLiteral("copyRevealedButton")));
    QCOMPARE(clipboard->text().toUtf8(), value);
    QVERIFY(hidden.wait(kRevealTimeoutMs + 10'000));
    QVERIFY(edit->toPlainText().isEmpty());
    QVERIFY(pane->findChild<QWidget*>(QStringLiteral("revealPanel"))->isHidden());
    QVERIFY2(clipboard->text().isEmpty(), "the clipboard still holds the value after it hid");
    verifyNoLeakOnScreen(QStringLiteral("revealed, copied, hidden after the timeout"));

    // 2. Reveal another value, copy a selection of it from the field itself, hide with the button.
    test::clickIndex(pane->view(), secretsModel()->index(1, model::SecretsTableModel::Field));
    m_prompter->queueConfirm(true);
    QVERIFY(test::clickChild(pane, QStringLiteral("revealButton")));
    QVERIFY2(shown.wait(30'000), failed.isEmpty() ? "" : qPrintable(failed.last().at(0).toString()));
    const QByteArray second = edit->toPlainText().toUtf8();
    QVERIFY(m_needles.containsPlaintext(second));
    clipboard->setText(QStringLiteral("unrelated text"), QClipboard::Clipboard);
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(clipboard->text().toUtf8(), second);
    QVERIFY(test::clickChild(pane, QStringLiteral("hideRevealButton")));
    QVERIFY(edit->toPlainText().isEmpty());
    QVERIFY(clipboard->text().isEmpty());
    // Hiding leaves alone what the user put on the clipboard.
    clipboard->setText(QStringLiteral("unrelated text"));
    test::clickIndex(pane->view(), secretsModel()->index(0, model::SecretsTableModel::Field));
    m_prompter->queueConfirm(true);
    QVERIFY(test::clickChild(pane, QStringLiteral("revealButton")));
    QVERIFY2(shown.wait(30'000), failed.isEmpty() ? "" : qPrintable(failed.last().at(0).toString()));
    QVERIFY(test::clickChild(pane, QStringLiteral("hideRevealButton")));
    QCOMPARE(clipboard->text(), QStringLiteral("unrelated text"));
    clipboard->clear();
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("clearFiltersButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());
    verifyNoLeakOnScreen(QStringLiteral("revealed, selection copied, hidden with the button"));
}

// Closes a wizard an earlier step left open when it failed half-way, gives the window a fresh file
// chooser (no answer queued by a step that failed before using it; the old one stays alive: a
// wizard holds a reference to it until it is deleted), triggers the action and waits for the
// wizard; nullptr when none shows.
OperationWizard* TestGuiHygiene::startWizard(const char* action)
{
    if (OperationWizard* left = m_window->currentWizard()) {
        left->cancelAndWait();
        left->reject();
        if (!QTest::qWaitFor([this] { return !m_window->currentWizard(); }))
            return nullptr;
    }
    m_fileChoosers.push_back(std::make_unique<ui::FakeFileChooser>());
    m_files = m_fileChoosers.back().get();
    m_window->setFileChooser(m_files);
    if (!test::triggerAction(m_window.get(), QString::fromLatin1(action)))
        return nullptr;
    OperationWizard* wizard = m_window->currentWizard();
    return wizard && QTest::qWaitForWindowExposed(wizard) ? wizard : nullptr;
}

// Opens a target in the window (not through the dialog) and waits for the census and every row.
void TestGuiHygiene::openAndWait(const model::Target& target)
{
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    m_window->openTarget(target);
    QVERIFY(census.wait(60'000));
    QVERIFY(census.last().at(0).toBool());
    QVERIFY(waitSecretsComplete());
}

// Intro → preflight → options → backup (or skip) → confirm (typing the name when asked) → run →
// result, exports the result as CSV and JSON, Finish; the main window reloads.
void TestGuiHygiene::driveWizard(const WizardRun& run)
{
    OperationWizard* wizard = startWizard(run.action);
    QVERIFY(wizard);
    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QVERIFY(preflight.wait(kJobTimeout));
    QVERIFY2(preflight.first().at(0).toBool(), "preflight failed");
    if (wizard->preflight()->refused)
        QVERIFY(test::clickChild(wizard, QStringLiteral("overrideKeyCheckBox")));
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));

    if (run.generateKey) {
        // Generate a key: shown once on screen (explicit), copied (explicit), saved to a file the
        // user chose (explicit): those are the only places it may be.
        QVERIFY(test::clickChild(wizard, QStringLiteral("generateKeyButton")));
        auto* generated = wizard->findChild<QLineEdit*>(QStringLiteral("generatedKeyEdit"));
        QVERIFY(generated && generated->isVisible());
        m_generatedKey = generated->text().toUtf8();
        QVERIFY(m_generatedKey.size() >= 16);
        addSecretKey(m_generatedKey);
        QVERIFY(!scanObjects().isEmpty()); // on screen now, and the scan sees it
        QVERIFY(test::clickChild(wizard, QStringLiteral("copyKeyButton")));
        QCOMPARE(QApplication::clipboard()->text().toUtf8(), m_generatedKey);
        m_savedKeyFile = path(QStringLiteral("keys/new-secret-key.txt"));
        m_files->queueFile(m_savedKeyFile);
        QVERIFY(test::clickChild(wizard, QStringLiteral("saveKeyButton")));
        QVERIFY(QFileInfo::exists(m_savedKeyFile));
    }
    finishWizard(wizard, run);
}

// From the options page on: a backup (or "skip"), the confirmation, the run, every export the
// result page offers, Finish, and the reload that follows.
void TestGuiHygiene::finishWizard(OperationWizard* wizard, const WizardRun& run)
{
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::BackupPageId));
    if (run.backup) {
        auto* backupPath = wizard->findChild<QLineEdit*>(QStringLiteral("backupPathEdit"));
        const QString file = path(QStringLiteral("backups/%1.db").arg(run.stem));
        backupPath->selectAll();
        QTest::keyClicks(backupPath, file);
        QSignalSpy backup(wizard, &OperationWizard::backupFinished);
        QVERIFY(test::clickChild(wizard, QStringLiteral("backupStartButton")));
        QVERIFY(backup.wait(kJobTimeout));
        QVERIFY2(backup.first().at(0).toBool(),
                 qPrintable(wizard->findChild<QLabel*>(QStringLiteral("backupStatusLabel"))->text()));
        QVERIFY(QFileInfo::exists(file));
        m_backups << file;
    } else {
        QVERIFY(test::clickChild(wizard, QStringLiteral("skipBackupCheckBox")));
    }
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::ConfirmPageId));
    if (auto* name = wizard->findChild<QLineEdit*>(QStringLiteral("confirmNameEdit")); name && name->isVisible())
        QTest::keyClicks(name, wizard->confirmationName());
    QSignalSpy finished(wizard, &OperationWizard::runFinished);
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    QVERIFY(test::clickForward(wizard));
    if (finished.isEmpty())
        QVERIFY(finished.wait(kJobTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(OperationWizard::ResultPageId), 5'000);
    QVERIFY(wizard->lastResult().has_value());
    QVERIFY(!wizard->lastResult()->dryRun);

    // The JSON result always; the failures CSV (the repair's re-entry list) when there are rows to list.
    const struct
    {
        const char* button;
        const char* suffix;
    } exports[] = {{"exportCsvButton", "csv"}, {"exportReentryButton", "reentry.csv"}, {"exportJsonButton", "json"}};
    for (const auto& e : exports) {
        const bool json = qstrcmp(e.suffix, "json") == 0;
        auto* button = wizard->findChild<QPushButton*>(QString::fromLatin1(e.button));
        QVERIFY(button || !json);
        if (!json && !(button && button->isVisible() && button->isEnabled()))
            continue;
        const QString file = path(QStringLiteral("exports/%1.%2").arg(run.stem, QLatin1String(e.suffix)));
        m_files->queueFile(file);
        QVERIFY(test::clickChild(wizard, button->objectName()));
        QVERIFY2(QFileInfo::exists(file), qPrintable(file));
        m_exports << file;
    }
    QTest::mouseClick(wizard->button(QWizard::FinishButton), Qt::LeftButton);
    QTRY_VERIFY(!m_window->currentWizard());
    QTRY_VERIFY_WITH_TIMEOUT(!census.isEmpty(), 60'000); // reloaded with the database as it is now
    QVERIFY(census.last().at(0).toBool());
    QVERIFY(waitSecretsComplete());
    QTest::qWait(50); // deleteLater of the wizard
    refreshDataKeys();
}

void TestGuiHygiene::reEncryptWizard()
{
    driveWizard({"actionReEncrypt", QStringLiteral("re-encrypt")});
    if (QTest::currentTestFailed())
        return;
    verifyNoLeakOnScreen(QStringLiteral("re-encrypt wizard"));
}

void TestGuiHygiene::rotateWizard()
{
    driveWizard({"actionRotate", QStringLiteral("rotate"), false});
    if (QTest::currentTestFailed())
        return;
    verifyNoLeakOnScreen(QStringLiteral("rotate wizard"));
}

void TestGuiHygiene::rollbackWizard()
{
    driveWizard({"actionRollback", QStringLiteral("rollback")});
    if (QTest::currentTestFailed())
        return;
    verifyNoLeakOnScreen(QStringLiteral("rollback wizard"));
}

void TestGuiHygiene::changeSecretKeyWizard()
{
    driveWizard({"actionChangeSecretKey", QStringLiteral("change-secret-key"), true, true});
    if (QTest::currentTestFailed())
        return;
    // The generated key went to the clipboard on request; the page clears it when the wizard
    // closes (or after a minute), and leaves alone anything copied since.
    QVERIFY2(QApplication::clipboard()->text().isEmpty(), "the generated key is still on the clipboard");
    // The main window now works with the new key (it decrypts everything the old one did).
    QVERIFY(m_window->findChild<QWidget*>(QStringLiteral("keyBanner"))->isHidden());
    verifyNoLeakOnScreen(QStringLiteral("change-secret-key wizard (generated key)"));
}

void TestGuiHygiene::rewrapDataKeysWizard()
{
    driveWizard({"actionReEncryptDataKeys", QStringLiteral("re-encrypt-data-keys")});
    if (QTest::currentTestFailed())
        return;
    verifyNoLeakOnScreen(QStringLiteral("re-encrypt-data-keys wizard"));
}

// File ▸ Back Up… and Restore… (issue 15): the banners, the activity log and the backup file hold
// no plaintext or key (the backup is searched with every other file by nothingLeaks()).
void TestGuiHygiene::backupAndRestoreFromTheFileMenu()
{
    const QString backup = path(QStringLiteral("file-menu-backup.db"));
    m_files->queueFile(backup);
    QSignalSpy backedUp(m_window.get(), &ui::MainWindow::backupFinished);
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionBackup")));
    QVERIFY(backedUp.wait(60'000));
    QVERIFY(backedUp.last().at(0).toBool());
    m_backups << backup;
    verifyNoLeakOnScreen(QStringLiteral("File > Back Up"));

    QSignalSpy restored(m_window.get(), &ui::MainWindow::restoreFinished);
    QSignalSpy census(m_window.get(), &ui::MainWindow::censusFinished);
    m_prompter->queueFile(backup);
    m_prompter->queueConfirm(true);
    QVERIFY(test::triggerAction(m_window.get(), QStringLiteral("actionRestore")));
    QVERIFY(restored.wait(120'000));
    QVERIFY(restored.last().at(0).toBool());
    QTRY_VERIFY_WITH_TIMEOUT(!census.isEmpty(), 60'000); // reloaded
    QVERIFY(waitSecretsComplete());
    verifyNoLeakOnScreen(QStringLiteral("File > Restore"));
}

// A fixture with its own secret key, typed into the dialog: browse, verify, reveal, re-encrypt.
void TestGuiHygiene::fixtureWithATypedKey()
{
    openThroughDialog(m_fixture, test::kCustomSecretKey);
    if (QTest::currentTestFailed())
        return;
    ui::SecretsPane* pane = m_window->secretsPane();
    m_window->showPane(ui::MainWindow::SecretsTab);
    QSignalSpy verified(pane, &ui::SecretsPane::verifyFinished);
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("verifyStartButton")), Qt::LeftButton);
    QVERIFY(verified.wait(kJobTimeout));
    auto* status = pane->findChild<QComboBox*>(QStringLiteral("statusFilterCombo"));
    status->setCurrentIndex(status->findData(QString::fromLatin1(model::kStatusOk)));
    QVERIFY(waitSecretsComplete());
    QTRY_VERIFY_WITH_TIMEOUT(secretsModel()->rowCount() > 0, 10'000);
    pane->setRevealTimeout(kRevealTimeoutMs);
    QSignalSpy shown(pane, &ui::SecretsPane::revealShown);
    QSignalSpy hidden(pane, &ui::SecretsPane::revealHidden);
    QSignalSpy failed(pane, &ui::SecretsPane::revealFailed);
    test::clickIndex(pane->view(), secretsModel()->index(0, model::SecretsTableModel::Field));
    m_prompter->queueConfirm(true);
    QVERIFY(test::clickChild(pane, QStringLiteral("revealButton")));
    QVERIFY2(shown.wait(30'000), failed.isEmpty() ? "" : qPrintable(failed.last().at(0).toString()));
    QVERIFY(hidden.wait(kRevealTimeoutMs + 10'000));
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("clearFiltersButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());
    verifyNoLeakOnScreen(QStringLiteral("fixture opened with a typed key, verified, revealed"));
    driveWizard({"actionReEncrypt", QStringLiteral("fixture-re-encrypt")});
    if (QTest::currentTestFailed())
        return;
    verifyNoLeakOnScreen(QStringLiteral("fixture re-encrypt wizard"));
}

// A secrets-manager fixture opened with its [secrets_manager] configuration: the store's rows in
// the Secrets pane (Store filter), verified, one revealed and hidden; its data keys in the Data keys
// pane; the Consolidate wizard with a backup. Its plaintexts, KEKs and data keys join the needles.
void TestGuiHygiene::secretsManagerStore()
{
    const QString dir = path(QStringLiteral("db/gsm"));
    QVERIFY(QDir().mkpath(dir));
    const test::GsmFixture f = test::makeGsmFixture(test::gsmFixtureWithColumn(), dir);
    m_gsmConfig = test::writeGsmConfig(path(QStringLiteral("keys")), QStringLiteral("secret_key.v2"));
    for (const QByteArray& p : f.plaintexts) {
        if (p.size() >= 8)
            m_needles.addPlaintext(p);
    }
    m_keks = {QByteArray(test::kGsmKekV1), QByteArray(test::kGsmKekV2)};
    for (const QByteArray& kek : std::as_const(m_keks))
        m_needles.addSecretKey(kek);
    refreshDataKeys();

    openAndWait(test::gsmTargetFor(f.databasePath, m_gsmConfig, test::kDefaultSecretKey));
    if (QTest::currentTestFailed())
        return;
    m_window->showPane(ui::MainWindow::SecretsTab);
    ui::SecretsPane* pane = m_window->secretsPane();
    auto* store = pane->findChild<QComboBox*>(QStringLiteral("storeFilterCombo"));
    QVERIFY(store);
    store->setCurrentIndex(store->findData(QString::fromLatin1(model::kStoreSecretsManager)));
    QVERIFY(waitSecretsComplete());
    QCOMPARE(secretsModel()->totalCount(), f.plaintexts.size() + 1); // + the external keeper's
    QSignalSpy verified(pane, &ui::SecretsPane::verifyFinished);
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("verifyStartButton")), Qt::LeftButton);
    QVERIFY(verified.wait(kJobTimeout));
    auto* status = pane->findChild<QComboBox*>(QStringLiteral("statusFilterCombo"));
    status->setCurrentIndex(status->findData(QString::fromLatin1(model::kStatusOk)));
    QVERIFY(waitSecretsComplete());
    QTRY_VERIFY_WITH_TIMEOUT(secretsModel()->rowCount() > 0, 10'000);
    int row = -1;
    for (int r = 0; r < secretsModel()->rowCount() && row < 0; ++r) {
        const QString rowId = secretsModel()->index(r, 0).data(model::SecretsTableModel::RowIdRole).toString();
        if (f.plaintexts.value(rowId).size() >= 8)
            row = r;
    }
    QVERIFY(row >= 0);
    pane->setRevealTimeout(kRevealTimeoutMs);
    QSignalSpy shown(pane, &ui::SecretsPane::revealShown);
    QSignalSpy hidden(pane, &ui::SecretsPane::revealHidden);
    test::clickIndex(pane->view(), secretsModel()->index(row, model::SecretsTableModel::Owner));
    m_prompter->queueConfirm(true);
    QVERIFY(test::clickChild(pane, QStringLiteral("revealButton")));
    QVERIFY(shown.wait(30'000));
    const QByteArray value = pane->findChild<QPlainTextEdit*>(QStringLiteral("revealedValueEdit"))->toPlainText().toUtf8();
    QVERIFY2(m_needles.containsPlaintext(value), "the revealed value is not among the store's plaintexts");
    QVERIFY(!scanObjects().isEmpty()); // on screen now, and the scan sees it
    QVERIFY(hidden.wait(kRevealTimeoutMs + 10'000));
    QTest::mouseClick(pane->findChild<QPushButton*>(QStringLiteral("clearFiltersButton")), Qt::LeftButton);
    QVERIFY(waitSecretsComplete());
    m_window->showPane(ui::MainWindow::DataKeysTab);
    verifyNoLeakOnScreen(QStringLiteral("secrets manager: browsed, verified, revealed"));
    driveWizard({"actionConsolidate", QStringLiteral("gsm-consolidate")});
    if (QTest::currentTestFailed())
        return;
    verifyNoLeakOnScreen(QStringLiteral("secrets manager: consolidate wizard"));
}

// A database moved from a server with another key (custom-key.db opened with the demo's typed
// key): the Repair wizard with the right key typed as a candidate, a backup, the run, its exports.
// The typed candidate is on screen only while it is in the (masked) field.
void TestGuiHygiene::repairWizard()
{
    QVERIFY(QDir().mkpath(path(QStringLiteral("db/moved"))));
    const QString moved = test::copyFixture(test::syntheticFixturesDir() + QStringLiteral("/custom-key.db"),
                                            path(QStringLiteral("db/moved")));
    QVERIFY(QFileInfo::exists(moved));
    openAndWait(test::targetFor(moved, kTypedKey));
    if (QTest::currentTestFailed())
        return;
    OperationWizard* wizard = startWizard("actionRepair");
    QVERIFY(wizard);
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::OptionsPageId));
    auto* keyEdit = wizard->findChild<QLineEdit*>(QStringLiteral("candidateKeyEdit"));
    QVERIFY(keyEdit && keyEdit->isVisible());
    QTest::keyClicks(keyEdit, QString::fromUtf8(test::kCustomSecretKey));
    QVERIFY(!scanObjects().isEmpty()); // in the field now, and the scan sees it
    QVERIFY(test::clickChild(wizard, QStringLiteral("addCandidateKeyButton")));
    QVERIFY(keyEdit->text().isEmpty());
    verifyNoLeakOnScreen(QStringLiteral("repair: candidate key added"));

    QSignalSpy preflight(wizard, &OperationWizard::preflightFinished);
    QVERIFY(test::clickForward(wizard));
    QCOMPARE(wizard->currentId(), int(OperationWizard::PreflightPageId));
    QVERIFY(preflight.wait(kJobTimeout));
    QVERIFY2(preflight.first().at(0).toBool(), "preflight failed");
    QTRY_VERIFY(test::canGoForward(wizard));
    verifyNoLeakOnScreen(QStringLiteral("repair: preflight"));
    finishWizard(wizard, {"actionRepair", QStringLiteral("repair")});
    if (QTest::currentTestFailed())
        return;
    // Repaired: every value decrypts with the key the console was opened with.
    const auto verified = model::runVerify(test::targetFor(moved, kTypedKey), {}, nullptr);
    QVERIFY2(verified.has_value(), verified ? "" : qPrintable(verified.error().message));
    QCOMPARE(verified->failed, 0);
    QVERIFY(verified->checked > 20);
    verifyNoLeakOnScreen(QStringLiteral("repair wizard"));
}

// Closes the console, then searches the messages, stderr, every file and the settings. Everything
// is searched before anything is asserted, so that one finding does not hide another.
void TestGuiHygiene::nothingLeaks()
{
    QStringList leaks = scanObjects();
    QVERIFY(m_window->close()); // saves the window state to the settings
    m_window.reset();
    QTest::qWait(50);
    refreshDataKeys();

    // Messages of every level and category.
    QStringList messages;
    {
        const QMutexLocker lock(&g_messagesMutex);
        messages = g_messages;
    }
    for (qsizetype i = 0; i < messages.size(); ++i)
        leaks << m_needles.find(QStringLiteral("log message #%1 (%2)").arg(i).arg(messages.at(i).section(QLatin1Char(' '), 0, 0)),
                                messages.at(i));

    // Every file under the test's HOME / XDG / TMPDIR (settings, activity log, stderr, reports,
    // backups and what lies next to them, databases); only the key file the user chose to save the
    // generated key to is left out.
    fflush(stderr);
    int files = 0;
    qint64 bytes = 0;
    QDirIterator it(g_root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (file == m_savedKeyFile || file == m_gsmConfig)
            continue;
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray content = f.readAll();
        ++files;
        bytes += content.size();
        leaks << m_needles.find(QDir(g_root).relativeFilePath(file), content);
    }
    qInfo("searched %lld messages (%d debug), %d screen scans, %d files (%lld bytes: settings, activity log, "
          "stderr, %lld reports, %lld backups, databases) for %lld needles",
          static_cast<long long>(messages.size()), g_debugMessages, m_screenScans + 1, files,
          static_cast<long long>(bytes), static_cast<long long>(m_exports.size()),
          static_cast<long long>(m_backups.size()), static_cast<long long>(m_needles.needles().size()));
    QVERIFY2(leaks.isEmpty(), qPrintable(leaks.join(QLatin1Char('\n'))));

    // The search covered what it should.
    QVERIFY2(!messages.isEmpty(), "no message captured: the handler is not in place");
    QVERIFY2(files >= 4 + m_exports.size() + m_backups.size(), qPrintable(QString::number(files)));
    QVERIFY(m_exports.size() >= 8); // a JSON result per run, a CSV when rows failed
    QVERIFY(m_backups.size() >= 5);
    QCOMPARE(readAll(m_savedKeyFile).trimmed().toUtf8(), m_generatedKey); // the one place it belongs
    // The settings: where the application keeps them, recent connections without password or key.
    QSettings settings;
    settings.sync();
    QVERIFY2(settings.fileName().startsWith(g_root), qPrintable(settings.fileName()));
    QVERIFY(QFileInfo::exists(settings.fileName()));
    QVERIFY(settings.allKeys().contains(QStringLiteral("recentConnections/1/path")));
    for (const QString& key : settings.allKeys()) {
        QVERIFY2(!key.contains(QStringLiteral("password"), Qt::CaseInsensitive)
                     && !key.contains(QStringLiteral("secretKey"), Qt::CaseInsensitive),
                 qPrintable(key));
    }
    // The activity log: where the application keeps it, with every kind of step.
    const QString logFile = model::ActivityLog::defaultPath();
    QVERIFY2(logFile.startsWith(g_root), qPrintable(logFile));
    const QString log = readAll(logFile);
    for (const char* operation : {"\"reveal\"", "\"verify\"", "\"re-encrypt\"", "\"rotate\"", "\"rollback\"", "\"repair\""})
        QVERIFY2(log.contains(QLatin1String(operation)), operation);
}

// A fresh HOME / XDG / TMPDIR before Qt reads any of them; stderr into a file in it.
int main(int argc, char* argv[])
{
    QByteArray base = qgetenv("TMPDIR");
    if (base.isEmpty())
        base = "/tmp";
    g_originalTmp = QString::fromLocal8Bit(base);
    QByteArray root = base + "/mk-gui-hygiene-XXXXXX";
    if (!mkdtemp(root.data())) {
        perror("mkdtemp");
        return 2;
    }
    g_root = QString::fromLocal8Bit(root);
    for (const auto& [var, sub] : {std::pair{"HOME", "home"}, std::pair{"XDG_DATA_HOME", "xdg-data"},
                                   std::pair{"XDG_CONFIG_HOME", "xdg-config"}, std::pair{"XDG_CACHE_HOME", "xdg-cache"},
                                   std::pair{"XDG_STATE_HOME", "xdg-state"}, std::pair{"XDG_RUNTIME_DIR", "runtime"},
                                   std::pair{"TMPDIR", "tmp"}}) {
        const QByteArray dir = root + '/' + sub;
        mkdir(dir.constData(), 0700);
        qputenv(var, dir);
    }
    // Every level of the application's categories reaches the handler.
    qputenv("QT_LOGGING_RULES", "*.debug=false;mk.*=true");
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const int savedStderr = dup(STDERR_FILENO);
    const QByteArray stderrFile = root + "/stderr.log";
    const int fd = open(stderrFile.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        dup2(fd, STDERR_FILENO);
        close(fd);
    }

    int status = 0;
    {
        QApplication app(argc, argv);
        app.setAttribute(Qt::AA_Use96Dpi, true);
        QTEST_SET_MAIN_SOURCE_PATH
        TestGuiHygiene test;
        status = QTest::qExec(&test, argc, argv);
    }

    fflush(stderr);
    if (savedStderr >= 0) {
        dup2(savedStderr, STDERR_FILENO);
        close(savedStderr);
        // Echoed only when the search found nothing: a failed run must not print a secret.
        const QString captured = readAll(QString::fromLocal8Bit(stderrFile));
        if (status == 0 && !captured.isEmpty())
            fprintf(stderr, "--- stderr of the test (searched) ---\n%s", captured.toLocal8Bit().constData());
        else if (!captured.isEmpty())
            fprintf(stderr, "stderr of the test: %lld bytes, not echoed (MK_KEEP_HYGIENE_DIR=1 keeps it)\n",
                    static_cast<long long>(captured.size()));
    }
    if (qEnvironmentVariableIsEmpty("MK_KEEP_HYGIENE_DIR"))
        QDir(g_root).removeRecursively();
    else
        fprintf(stderr, "kept %s\n", root.constData());
    return status;
}

#include "TestGuiHygiene.moc"
