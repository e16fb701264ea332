#include "ui/main/MainWindow.h"

#include "model/LibraryVersions.h"
#include "model/PromiseJobContext.h"
#include "model/ops/BackupJob.h"
#include "model/ops/InterruptedWriteJob.h"
#include "model/TargetProbe.h"
#include "model/items/SecretQuery.h"
#include "model/items/SecretsTableModel.h"
#include "ui/UiLog.h"
#include "ui/common/MessageBanner.h"
#include "ui/common/Plural.h"
#include "ui/common/Prompter.h"
#include "ui/main/ConnectionDialog.h"
#include "ui/main/RecentConnection.h"
#include "ui/main/ShortcutsDialog.h"
#include "ui/main/UserGuideDialog.h"
#include "ui/panes/ActivityLogPane.h"
#include "ui/panes/DataKeysPane.h"
#include "ui/panes/OverviewPane.h"
#include "ui/panes/SecretsPane.h"
#include "ui/wizards/common/DialogFileChooser.h"
#include "ui/wizards/reencrypt/ReEncryptWizard.h"
#include "ui/wizards/rewrap/RewrapDataKeysWizard.h"
#include "ui/wizards/rollback/RollbackWizard.h"
#include "ui/wizards/consolidate/ConsolidateWizard.h"
#include "ui/wizards/repair/RepairWizard.h"
#include "ui/wizards/rotate/RotateWizard.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace mk::ui {

namespace {

QAction* makeAction(QObject* parent, const char* name, const QString& text, const QKeySequence& key = {})
{
    auto* action = new QAction(text, parent);
    action->setObjectName(QString::fromLatin1(name));
    if (!key.isEmpty())
        action->setShortcut(key);
    return action;
}

} // namespace

MainWindow::MainWindow(Prompter& prompter, model::ActivityLog log, QWidget* parent)
    : QMainWindow(parent)
    , m_prompter(prompter)
    , m_log(std::move(log))
    , m_tabs(new QTabWidget(this))
    , m_keyBanner(new MessageBanner(this))
    , m_healthBanner(new MessageBanner(this))
    , m_overview(new OverviewPane(this))
    , m_secrets(new SecretsPane(prompter, this))
    , m_dataKeys(new DataKeysPane(this))
    , m_activity(new ActivityLogPane(m_log, this))
    , m_statusDatabase(new QLabel(this))
    , m_statusCounts(new QLabel(this))
    , m_defaultFiles(std::make_unique<DialogFileChooser>())
    , m_files(m_defaultFiles.get())
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Mosaicoo Key Console"));
    setAccessibleName(tr("Mosaicoo Key Console"));
    m_pool.setMaxThreadCount(2);
    // Focus rings that show in every style and in screenshots: the focused table or input gets a
    // frame in the palette's highlight colour (the window's dialogs and wizards inherit it).
    setStyleSheet(QStringLiteral("QAbstractItemView:focus { border: 2px solid palette(highlight); }"
                                 "QLineEdit:focus, QPlainTextEdit:focus { border: 2px solid palette(highlight);"
                                 " border-radius: 3px; padding: 1px; }"));

    m_keyBanner->setObjectName(QStringLiteral("keyBanner"));
    m_healthBanner->setObjectName(QStringLiteral("healthBanner"));
    m_healthBanner->setActionText(tr("Show them"));
    m_tabs->setObjectName(QStringLiteral("paneTabs"));
    m_tabs->setAccessibleName(tr("Panes"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_secrets, tr("Secrets"));
    m_tabs->addTab(m_dataKeys, tr("Data keys"));
    m_tabs->addTab(m_activity, tr("Activity log"));

    auto* central = new QWidget(this);
    central->setObjectName(QStringLiteral("centralWidget"));
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->setSpacing(6);
    auto* banners = new QVBoxLayout;
    banners->setContentsMargins(10, 0, 10, 0);
    banners->setSpacing(6);
    banners->addWidget(m_keyBanner);
    banners->addWidget(m_healthBanner);
    layout->addLayout(banners);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_statusDatabase->setObjectName(QStringLiteral("statusDatabaseLabel"));
    m_statusCounts->setObjectName(QStringLiteral("statusCountsLabel"));
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addWidget(m_statusDatabase, 1);
    statusBar()->addPermanentWidget(m_statusCounts);

    createActions();
    createMenus();

    connect(&m_censusWatcher, &QFutureWatcherBase::finished, this, &MainWindow::onCensusFinished);
    connect(&m_keyCheckWatcher, &QFutureWatcherBase::finished, this, &MainWindow::onKeyCheckFinished);
    connect(&m_fileJobWatcher, &QFutureWatcherBase::finished, this, &MainWindow::onFileJobFinished);
    connect(m_keyBanner, &MessageBanner::actionTriggered, this, &MainWindow::enterAnotherKey);
    connect(m_secrets, &SecretsPane::activity, this, &MainWindow::recordActivity);
    connect(m_secrets, &SecretsPane::verifyFinished, this, &MainWindow::onVerifyFinished);
    connect(m_secrets->model(), &model::SecretsTableModel::indexCompleted, this,
            [this](qint64, const QList<QPair<QString, qint64>>& missing) {
                m_dataKeys->setMissingKeys(missing);
                updateStatusBar();
            });
    connect(m_secrets->model(), &model::SecretsTableModel::loadFailed, this, [this](const QString& message) {
        m_healthBanner->showMessage(tr("Cannot list the values: %1").arg(message),
                                    MessageBanner::Type::Error);
    });
    connect(m_dataKeys, &DataKeysPane::showValuesRequested, this, [this](const QString& id) {
        m_secrets->showDataKey(id);
        showPane(SecretsTab);
    });
    connect(m_secrets, &SecretsPane::reEncryptRequested, this,
            [this] { startOperation(model::OperationKind::ReEncrypt); });
    connect(m_dataKeys, &DataKeysPane::rotateRequested, this, [this] { startOperation(model::OperationKind::Rotate); });
    connect(m_dataKeys, &DataKeysPane::reEncryptDataKeysRequested, this,
            [this] { startOperation(model::OperationKind::RewrapDataKeys); });
    connect(m_healthBanner, &MessageBanner::secondActionTriggered, this,
            [this] { startOperation(model::OperationKind::Repair); });
    connect(m_healthBanner, &MessageBanner::actionTriggered, this, [this] {
        switch (m_healthAction) {
        case HealthAction::Verify:
            findChild<QAction*>(QStringLiteral("actionVerify"), Qt::FindDirectChildrenOnly)->trigger();
            return;
        case HealthAction::RollBackInterruptedWrite:
            rollBackInterruptedWrite();
            return;
        case HealthAction::ShowFailed:
            m_secrets->showStatus(QString::fromLatin1(model::kStatusFailed));
            showPane(SecretsTab);
            return;
        }
    });

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("mainWindow/pane"), 0).toInt());
    updateStatusBar();
}

MainWindow::~MainWindow()
{
    if (m_wizard) {
        m_wizard->cancelAndWait();
        delete m_wizard;
    }
    m_censusWatcher.cancel();
    m_keyCheckWatcher.cancel();
    m_fileJobWatcher.cancel();
    m_censusWatcher.waitForFinished();
    m_keyCheckWatcher.waitForFinished();
    m_fileJobWatcher.waitForFinished();
    if (m_target)
        m_target->secretKey.fill('\0');
}

void MainWindow::startFileJob(std::function<model::Result<model::OperationResult>(model::JobContext*)> job)
{
    setOperationsEnabled(false);
    auto run = [job](QPromise<model::Result<model::OperationResult>>& promise) {
        model::PromiseJobContext<model::Result<model::OperationResult>> context(promise);
        promise.addResult(job(&context));
    };
    m_fileJobWatcher.setFuture(QtConcurrent::run(&m_pool, run));
}

void MainWindow::backUp()
{
    if (!m_target || m_fileJobWatcher.isRunning())
        return;
    const bool sqlite = m_target->connection.driver == store::ConnectionSpec::Driver::Sqlite;
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QString suggested = QDir::home().filePath(QStringLiteral("%1-backup-%2.%3")
                                                        .arg(QFileInfo(m_databaseName).completeBaseName(), stamp,
                                                             sqlite ? QStringLiteral("db") : QStringLiteral("json")));
    const QString path = m_files->chooseSaveFile(this, tr("Back up to"), suggested,
                                                 sqlite ? tr("SQLite database (*.db);;All files (*)")
                                                        : tr("JSON export (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    if (QFileInfo::exists(path)) {
        m_healthBanner->setActionText({});
        m_healthBanner->setSecondActionText({});
        m_healthBanner->showMessage(tr("%1 exists already: a backup never replaces a file, choose another name.")
                                        .arg(path),
                                    MessageBanner::Type::Error);
        emit backupFinished(false);
        return;
    }
    m_fileJob = FileJob::Backup;
    m_fileJobPath = path;
    model::BackupOptions options;
    options.outPath = path;
    const model::Target target = *m_target;
    startFileJob([target, options](model::JobContext* context) { return model::runBackup(target, options, context); });
}

void MainWindow::restore()
{
    if (!m_target || m_fileJobWatcher.isRunning())
        return;
    if (m_wizard) {
        m_wizard->raise();
        return;
    }
    const QString path = m_prompter.chooseOpenFile(this, tr("Restore from"), QDir::homePath(),
                                                   tr("Backups (*.db *.json);;All files (*)"));
    if (path.isEmpty())
        return;
    m_fileJob = FileJob::RestorePreview;
    m_fileJobPath = path;
    model::RestoreOptions options;
    options.fromPath = path;
    options.dryRun = true;
    const model::Target target = *m_target;
    startFileJob([target, options](model::JobContext* context) { return model::runRestore(target, options, context); });
}

void MainWindow::rollBackInterruptedWrite()
{
    if (!m_target || m_fileJobWatcher.isRunning() || !model::hasInterruptedWrite(*m_target))
        return;
    const QString journal = m_target->connection.path + QStringLiteral("-journal");
    if (!m_prompter.confirm(this, tr("Roll back the unfinished write"),
                            tr("SQLite plays %1 back: the changes of the transaction that was cut short are "
                               "undone and nothing else is written. Every batch an operation had committed "
                               "before it stays. Stop the servers that use %2 first.")
                                .arg(journal, m_databaseName),
                            tr("Roll &Back")))
        return;
    m_fileJob = FileJob::RollBackInterruptedWrite;
    m_fileJobPath = journal;
    const model::Target target = *m_target;
    startFileJob([target](model::JobContext* context) { return model::rollBackInterruptedWrite(target, context); });
}

void MainWindow::onFileJobFinished()
{
    setOperationsEnabled(m_target.has_value());
    if (m_fileJobWatcher.isCanceled() || m_fileJobWatcher.future().resultCount() == 0)
        return;
    const model::Result<model::OperationResult> result = m_fileJobWatcher.result();
    const FileJob job = m_fileJob;
    model::ActivityEntry entry;
    entry.when = QDateTime::currentDateTimeUtc();
    entry.operation = job == FileJob::Backup ? QStringLiteral("backup")
        : job == FileJob::RollBackInterruptedWrite ? QStringLiteral("roll-back-interrupted-write")
                                                     : QStringLiteral("restore");
    entry.database = m_databaseName;
    m_healthBanner->setActionText({});
    m_healthBanner->setSecondActionText({});
    if (job == FileJob::RollBackInterruptedWrite) {
        entry.outcome = result ? QStringLiteral("ok") : QStringLiteral("failed");
        entry.detail = result ? m_fileJobPath : result.error().message;
        recordActivity(entry);
        if (!result) {
            m_healthBanner->showMessage(tr("Cannot roll back the unfinished write: %1").arg(result.error().message),
                                        MessageBanner::Type::Error);
            emit interruptedWriteRolledBack(false);
            return;
        }
        const model::Target target = *m_target;
        openTarget(target); // readable again
        m_healthBanner->showMessage(tr("The unfinished transaction was rolled back. Run the interrupted "
                                       "operation again to finish it."),
                                    MessageBanner::Type::Positive, 15000);
        emit interruptedWriteRolledBack(true);
        return;
    }
    if (!result) {
        m_healthBanner->showMessage(job == FileJob::Backup
                                        ? tr("The backup failed: %1").arg(result.error().message)
                                        : tr("Cannot restore from %1: %2").arg(m_fileJobPath, result.error().message),
                                    MessageBanner::Type::Error);
        if (job != FileJob::RestorePreview) {
            entry.outcome = QStringLiteral("failed");
            entry.detail = result.error().message;
            recordActivity(entry);
        }
        if (job == FileJob::Backup)
            emit backupFinished(false);
        else
            emit restoreFinished(false);
        return;
    }
    if (job == FileJob::Backup) {
        m_healthBanner->showMessage(tr("Backed up to %1 (readable by you only).").arg(m_fileJobPath),
                                    MessageBanner::Type::Positive, 15000);
        entry.outcome = QStringLiteral("ok");
        entry.detail = m_fileJobPath;
        recordActivity(entry);
        emit backupFinished(true);
        return;
    }
    if (job == FileJob::RestorePreview) {
        const QString text = tr("Restoring from %1 rewrites %2 of %3 (failures: %4). Values changed since "
                                "the backup are replaced by the backup's; data keys created since are kept "
                                "but made inactive. Back up first if you may need today's state.")
                                 .arg(m_fileJobPath, countOf(result->changed, tr("value"), tr("values")),
                                      m_databaseName, QLocale().toString(result->failed));
        if (!m_prompter.confirm(this, tr("Restore %1").arg(m_databaseName), text, tr("&Restore"))) {
            emit restoreFinished(false);
            return;
        }
        m_fileJob = FileJob::Restore;
        model::RestoreOptions options;
        options.fromPath = m_fileJobPath;
        const model::Target target = *m_target;
        startFileJob([target, options](model::JobContext* context) { return model::runRestore(target, options, context); });
        return;
    }
    const bool ok = result->failed == 0 && !result->refused;
    m_healthBanner->showMessage(ok ? tr("Restored %1 from %2.")
                                         .arg(countOf(result->changed, tr("value"), tr("values")), m_fileJobPath)
                                   : tr("Restored %1 from %2; %3 failed: %4")
                                         .arg(countOf(result->changed, tr("value"), tr("values")), m_fileJobPath,
                                              QLocale().toString(result->failed), result->refusal),
                                ok ? MessageBanner::Type::Positive : MessageBanner::Type::Warning);
    entry.outcome = ok ? QStringLiteral("ok") : QStringLiteral("failed");
    entry.detail = m_fileJobPath;
    entry.counts.insert(QStringLiteral("changed"), result->changed);
    entry.counts.insert(QStringLiteral("failed"), result->failed);
    recordActivity(entry);
    const model::Target target = *m_target;
    const QString bannerText = m_healthBanner->text();
    openTarget(target); // the panes show the database as it is now
    m_healthBanner->showMessage(bannerText, ok ? MessageBanner::Type::Positive : MessageBanner::Type::Warning);
    emit restoreFinished(ok);
}

void MainWindow::createActions()
{
    auto* openDb = makeAction(this, "actionOpenDatabase", tr("&Open Database…"), QKeySequence::Open);
    openDb->setToolTip(tr("Open a SQLite file or connect to PostgreSQL / MySQL"));
    openDb->setIconText(tr("Open…"));
    connect(openDb, &QAction::triggered, this, [this] { showConnectionDialog(ConnectionDialog::SqlitePage); });
    auto* openConfig = makeAction(this, "actionOpenConfig", tr("Open &Config…"),
                                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openConfig->setIconText(tr("Config…"));
    openConfig->setToolTip(tr("Open the database of a grafana.ini / custom.ini, with its secret key"));
    connect(openConfig, &QAction::triggered, this, [this] { showConnectionDialog(ConnectionDialog::ConfigPage); });
    auto* reloadAction = makeAction(this, "actionReload", tr("Re&load"), QKeySequence::Refresh);
    reloadAction->setEnabled(false);
    connect(reloadAction, &QAction::triggered, this, &MainWindow::reload);
    auto* backupAction = makeAction(this, "actionBackup", tr("&Back Up…"), QKeySequence(Qt::CTRL | Qt::Key_B));
    backupAction->setEnabled(false);
    backupAction->setToolTip(tr("Copy the database (SQLite) or export its keys and secrets (JSON) to a new file"));
    connect(backupAction, &QAction::triggered, this, &MainWindow::backUp);
    auto* restoreAction = makeAction(this, "actionRestore", tr("Res&tore…"));
    restoreAction->setEnabled(false);
    restoreAction->setToolTip(tr("Put the secrets and data keys of a backup back into the open database"));
    connect(restoreAction, &QAction::triggered, this, &MainWindow::restore);
    auto* quit = makeAction(this, "actionQuit", tr("&Quit"), QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    auto* verify = makeAction(this, "actionVerify", tr("&Verify All Values"),
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_V));
    verify->setIconText(tr("Verify"));
    verify->setToolTip(tr("Decrypt every value and fill the Status column"));
    verify->setEnabled(false);
    connect(verify, &QAction::triggered, this, [this] {
        showPane(SecretsTab);
        m_secrets->startVerify();
    });
    auto* find = makeAction(this, "actionFind", tr("&Find Values…"), QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        showPane(SecretsTab);
        if (auto* edit = m_secrets->findChild<QLineEdit*>(QStringLiteral("searchEdit")))
            edit->setFocus(Qt::ShortcutFocusReason);
    });
    auto* reveal = makeAction(this, "actionReveal", tr("&Reveal Selected Value…"),
                              QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    reveal->setIconText(tr("Reveal…"));
    connect(reveal, &QAction::triggered, m_secrets, &SecretsPane::revealCurrent);

    auto* group = new QActionGroup(this);
    const struct
    {
        const char* name;
        QString text;
        Qt::Key key;
    } panes[] = {{"actionViewOverview", tr("&Overview"), Qt::Key_1},
                 {"actionViewSecrets", tr("&Secrets"), Qt::Key_2},
                 {"actionViewDataKeys", tr("&Data Keys"), Qt::Key_3},
                 {"actionViewActivity", tr("&Activity Log"), Qt::Key_4}};
    for (int i = 0; i < 4; ++i) {
        auto* a = makeAction(this, panes[i].name, panes[i].text, QKeySequence(Qt::CTRL | panes[i].key));
        a->setCheckable(true);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, i] { m_tabs->setCurrentIndex(i); });
    }
    connect(m_tabs, &QTabWidget::currentChanged, this, [group](int index) {
        if (index >= 0 && index < group->actions().size())
            group->actions().at(index)->setChecked(true);
    });

    const struct
    {
        const char* name;
        QString text;
        QString iconText;
        QString tip;
        model::OperationKind kind;
        QKeySequence key;
    } operations[] = {
        {"actionReEncrypt", tr("Re-&encrypt Secrets…"), tr("Re-encrypt"),
         tr("Re-encrypt every value under today's data key"), model::OperationKind::ReEncrypt,
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)},
        {"actionRollback", tr("Roll &Back Secrets…"), tr("Roll back"),
         tr("Turn envelope values back into legacy values for a downgrade"), model::OperationKind::Rollback,
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L)},
        {"actionReEncryptDataKeys", tr("Re-encrypt &Data Keys…"), tr("Re-wrap keys"),
         tr("Wrap every data key again with the current (or another) KEK provider"),
         model::OperationKind::RewrapDataKeys, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D)},
        {"actionChangeSecretKey", tr("&Change Secret Key…"), tr("Change key"),
         tr("Move every data key and legacy value to a new secret key"), model::OperationKind::ChangeSecretKey,
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K)},
        {"actionRotate", tr("R&otate Data Keys…"), tr("Rotate"), tr("Deactivate the active data keys"),
         model::OperationKind::Rotate, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T)},
        {"actionConsolidate", tr("Co&nsolidate Secrets Manager…"), tr("Consolidate"),
         tr("Re-encrypt the secrets manager's values under today's data key of its current provider"),
         model::OperationKind::Consolidate, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M)},
        {"actionRepair", tr("&Repair…"), tr("Repair"),
         tr("Find the key that opens the values that do not decrypt, restore lost data keys, clear "
            "what nothing opens"),
         model::OperationKind::Repair, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P)}};
    for (const auto& op : operations) {
        auto* a = makeAction(this, op.name, op.text, op.key);
        a->setIconText(op.iconText);
        a->setToolTip(op.tip);
        a->setStatusTip(op.tip);
        a->setEnabled(false); // until a database is open
        const model::OperationKind kind = op.kind;
        connect(a, &QAction::triggered, this, [this, kind] { startOperation(kind); });
    }
    auto* guide = makeAction(this, "actionUserGuide", tr("&User Guide"), QKeySequence::HelpContents);
    connect(guide, &QAction::triggered, this, &MainWindow::showUserGuide);
    auto* shortcuts = makeAction(this, "actionShortcuts", tr("&Keyboard Shortcuts"));
    connect(shortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    auto* about = makeAction(this, "actionAbout", tr("&About Mosaicoo Key Console"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
}

QDialog* MainWindow::showUserGuide()
{
    if (!m_guide) {
        m_guide = new UserGuideDialog(this);
        m_guide->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_guide->show();
    m_guide->raise();
    m_guide->activateWindow();
    return m_guide;
}

QDialog* MainWindow::showShortcuts()
{
    QList<QAction*> actions = findChildren<QAction*>(Qt::FindDirectChildrenOnly);
    auto* dialog = new ShortcutsDialog(actions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

QMessageBox* MainWindow::showAbout()
{
    auto* box = new QMessageBox(QMessageBox::Information, tr("About Mosaicoo Key Console"),
                                tr("<p><b>Mosaicoo Key Console</b> %1</p>"
                                   "<p>Inspect and migrate the encrypted secrets of Mosaicoo / Grafana "
                                   "databases.</p>"
                                   "<p>License: see the copyright file of your installation "
                                   "(/usr/share/doc/mosaicoo-keys/copyright). Built on Qt, used under the "
                                   "GNU LGPL version 3, and OpenSSL, under the Apache License 2.0.</p>"
                                   "<p>Qt %2 (built with %3)<br>%4</p>")
                                    .arg(QApplication::applicationVersion().toHtmlEscaped(),
                                         QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
                                         model::openSslVersion().toHtmlEscaped()),
                                QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setTextFormat(Qt::RichText);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return box;
}

void MainWindow::createMenus()
{
    const auto action = [this](const char* name) {
        return findChild<QAction*>(QString::fromLatin1(name), Qt::FindDirectChildrenOnly);
    };
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(QStringLiteral("fileMenu"));
    file->addAction(action("actionOpenDatabase"));
    file->addAction(action("actionOpenConfig"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    file->addAction(action("actionReload"));
    file->addSeparator();
    file->addAction(action("actionBackup"));
    file->addAction(action("actionRestore"));
    file->addSeparator();
    file->addAction(action("actionQuit"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    for (const char* name : {"actionViewOverview", "actionViewSecrets", "actionViewDataKeys",
                             "actionViewActivity"})
        view->addAction(action(name));
    view->addSeparator();
    view->addAction(action("actionFind"));

    QMenu* secrets = menuBar()->addMenu(tr("&Secrets"));
    secrets->setObjectName(QStringLiteral("secretsMenu"));
    secrets->addAction(action("actionVerify"));
    secrets->addAction(action("actionReveal"));

    QMenu* operations = menuBar()->addMenu(tr("&Operations"));
    operations->setObjectName(QStringLiteral("operationsMenu"));
    for (const char* name : {"actionReEncrypt", "actionRollback", "actionReEncryptDataKeys",
                             "actionChangeSecretKey", "actionRotate", "actionConsolidate"})
        operations->addAction(action(name));
    operations->addSeparator();
    operations->addAction(action("actionRepair"));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->setObjectName(QStringLiteral("helpMenu"));
    help->addAction(action("actionUserGuide"));
    help->addAction(action("actionShortcuts"));
    help->addSeparator();
    help->addAction(action("actionAbout"));

    QToolBar* tools = addToolBar(tr("Main toolbar"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->setMovable(false);
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addAction(action("actionOpenDatabase"));
    tools->addAction(action("actionOpenConfig"));
    tools->addAction(action("actionReload"));
    tools->addSeparator();
    tools->addAction(action("actionVerify"));
    tools->addAction(action("actionReveal"));
    tools->addSeparator();
    for (const char* name : {"actionReEncrypt", "actionRollback", "actionReEncryptDataKeys",
                             "actionChangeSecretKey", "actionRotate"})
        tools->addAction(action(name));
    QAction* toggle = tools->toggleViewAction();
    toggle->setObjectName(QStringLiteral("actionShowToolbar"));
    view->addAction(toggle);

    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    QSettings settings;
    const QList<RecentConnection> recent = RecentConnection::load(settings);
    for (int i = 0; i < recent.size(); ++i) {
        QAction* a = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(recent.at(i).label()));
        a->setObjectName(QStringLiteral("actionRecent%1").arg(i));
        const RecentConnection entry = recent.at(i);
        connect(a, &QAction::triggered, this, [this, entry] {
            ConnectionDialog* dialog = showConnectionDialog(ConnectionDialog::SqlitePage);
            dialog->applyRecent(entry);
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
    if (recent.isEmpty()) {
        QAction* none = m_recentMenu->addAction(tr("(none)"));
        none->setObjectName(QStringLiteral("actionRecentNone"));
        none->setEnabled(false);
    }
}

ConnectionDialog* MainWindow::showConnectionDialog(int page)
{
    if (m_dialog) {
        m_dialog->setPage(ConnectionDialog::Page(page));
        m_dialog->raise();
        m_dialog->activateWindow();
        return m_dialog;
    }
    auto* dialog = new ConnectionDialog(m_prompter, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QSettings settings;
    dialog->setRecentConnections(RecentConnection::load(settings));
    dialog->setPage(ConnectionDialog::Page(page));
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (dialog->target())
            openRemembered(*dialog->target(), dialog->connection());
    });
    m_dialog = dialog;
    dialog->open();
    return dialog;
}

void MainWindow::showStartupError(const QString& message)
{
    m_healthBanner->setActionText({});
    m_healthBanner->setSecondActionText({});
    m_healthBanner->showMessage(message, MessageBanner::Type::Error);
}

void MainWindow::openTarget(const model::Target& target)
{
    m_censusWatcher.cancel();
    m_keyCheckWatcher.cancel();
    m_censusWatcher.waitForFinished();
    m_keyCheckWatcher.waitForFinished();
    m_keyCheck.reset();
    m_keyCheckHealth.clear();
    if (m_target)
        m_target->secretKey.fill('\0');
    m_target = target;
    m_census.reset();
    m_censusFailed = false;
    const QString previousName = m_databaseName;
    m_databaseName = model::targetDisplayName(target);
    // The same database read again (after an operation, Reload): the last Verify is kept, as stale.
    if (previousName != m_databaseName) {
        m_lastVerify.reset();
        m_runSinceVerify.reset();
    }
    m_verifyStale = m_lastVerify.has_value();
    setWindowTitle(tr("%1 — Mosaicoo Key Console").arg(m_databaseName));
    m_keyBanner->hideMessage();
    m_keyBanner->setActionText({});
    m_healthBanner->hideMessage();
    m_healthBanner->setActionText(tr("Show them"));
    m_healthAction = HealthAction::ShowFailed;
    m_healthBanner->setSecondActionText({});
    if (target.usesPublicDefaultKey()) {
        m_keyBanner->showMessage(
            tr("This installation uses the public default secret key (SW2YcwTIb9zpOOhoPsMm). "
               "Anyone with a copy of the database can decrypt its secrets: change the secret key "
               "(Operations ▸ Change Secret Key)."),
            MessageBanner::Type::Warning);
    }
    m_overview->setLoading(m_databaseName);
    m_dataKeys->clear();
    m_secrets->setTarget(target, m_databaseName);
    findChild<QAction*>(QStringLiteral("actionReload"))->setEnabled(true);
    findChild<QAction*>(QStringLiteral("actionVerify"))->setEnabled(true);
    setOperationsEnabled(!m_fileJobWatcher.isRunning());

    auto job = [](QPromise<model::Result<model::CensusResult>>& promise, const model::Target& t) {
        model::PromiseJobContext<model::Result<model::CensusResult>> context(promise);
        promise.addResult(model::runCensus(t, &context));
    };
    m_censusWatcher.setFuture(QtConcurrent::run(&m_pool, job, target));
    // The operations' preflight decrypts a sample spread over the data keys: a wrong secret key
    // shows before anyone runs Verify (AES-CFB data keys "unwrap" under any key).
    auto keyCheck = [](QPromise<model::Result<model::Preflight>>& promise, const model::Target& t) {
        model::PromiseJobContext<model::Result<model::Preflight>> context(promise);
        model::ReEncryptOptions options;
        options.dryRun = true;
        options.jobs = 1;
        promise.addResult(model::preflightReEncrypt(t, options, &context));
    };
    m_keyCheckWatcher.setFuture(QtConcurrent::run(&m_pool, keyCheck, target));
    updateStatusBar();
    qCInfo(lcUi) << "opened" << m_databaseName;
    emit databaseOpened(m_databaseName);
}

void MainWindow::openRemembered(const model::Target& target, const RecentConnection& connection)
{
    QSettings settings;
    RecentConnection::remember(settings, connection);
    rebuildRecentMenu();
    m_connection = connection;
    openTarget(target);
}

void MainWindow::reload()
{
    if (m_target) {
        const model::Target target = *m_target;
        openTarget(target);
    }
}

void MainWindow::showPane(Pane pane)
{
    m_tabs->setCurrentIndex(int(pane));
}

void MainWindow::onCensusFinished()
{
    if (m_censusWatcher.isCanceled() || m_censusWatcher.future().resultCount() == 0)
        return;
    const model::Result<model::CensusResult> result = m_censusWatcher.result();
    if (!result) {
        m_censusFailed = true;
        updateStatusBar();
        m_overview->setError(result.error().message);
        m_healthBanner->setActionText({});
        m_healthBanner->setSecondActionText({});
        if (m_target && model::hasInterruptedWrite(*m_target)) {
            // Nothing can be read until the journal is played back: offer that, not a dead end.
            m_healthAction = HealthAction::RollBackInterruptedWrite;
            m_healthBanner->setActionText(tr("Roll &Back the Unfinished Write…"));
            m_healthBanner->showMessage(
                tr("%1 cannot be read: a process was stopped while writing to it and left an unfinished "
                   "transaction. Rolling it back undoes only that transaction (Grafana does the same on "
                   "its next start); then run the interrupted operation again.")
                    .arg(m_databaseName),
                MessageBanner::Type::Error);
        } else {
            m_healthBanner->showMessage(tr("The census failed: %1").arg(result.error().message),
                                        MessageBanner::Type::Error);
        }
        emit censusFinished(false);
        return;
    }
    m_census = *result;
    const QString origin = m_target ? model::secretKeyOriginLabel(*m_target) : QString();
    m_overview->setCensus(*m_census, origin);
    m_dataKeys->setCensus(*m_census);
    m_secrets->setCensus(*m_census);
    if (m_census->defaultSecretKey && m_keyBanner->isHidden())
        m_keyBanner->showMessage(tr("This installation uses the public default secret key."),
                                 MessageBanner::Type::Warning);
    const qint64 problems = m_census->totals.orphaned + m_census->totals.malformed;
    if (!showStaleVerifyBanner())
        updateHealthBanner(problems, m_census->totals.values, false);
    updateStatusBar();
    emit censusFinished(true);
}

void MainWindow::onKeyCheckFinished()
{
    if (m_keyCheckWatcher.isCanceled() || m_keyCheckWatcher.future().resultCount() == 0)
        return;
    const model::Result<model::Preflight> result = m_keyCheckWatcher.result();
    if (!result) {
        qCInfo(lcUi) << "key check:" << result.error().message;
        emit keyCheckFinished(false);
        return;
    }
    m_keyCheck = result->keyCheck;
    for (const model::DataKeyPlan& key : result->dataKeys)
        m_keyCheckHealth.insert(key.id, key.health);
    updateKeyHealth();
    if (m_keyCheck->wrongKeySuspected) {
        m_keyBanner->setActionText(tr("Enter Another &Key…"));
        m_keyBanner->showMessage(tr("The secret key is probably wrong: %1 of %2 sampled values do not "
                                    "decrypt. Enter another key before you verify or change anything.")
                                     .arg(m_keyCheck->keyFailures)
                                     .arg(m_keyCheck->sampled),
                                 MessageBanner::Type::Error);
    }
    emit keyCheckFinished(true);
}

void MainWindow::enterAnotherKey()
{
    ConnectionDialog* dialog = showConnectionDialog(ConnectionDialog::SqlitePage);
    if (m_connection) {
        RecentConnection entry = *m_connection;
        entry.keySource = RecentConnection::KeySource::Typed;
        dialog->applyRecent(entry);
    }
    if (auto* keyEdit = dialog->findChild<QLineEdit*>(QStringLiteral("secretKeyEdit")); keyEdit && keyEdit->isVisible())
        keyEdit->setFocus(Qt::OtherFocusReason);
}

void MainWindow::onVerifyFinished(const model::VerifyResult& result)
{
    m_overview->setVerifyResult(result);
    if (!result.canceled) {
        m_lastVerify = result;
        m_verifyStale = false;
        m_runSinceVerify.reset();
        updateKeyHealth();
    }
    updateHealthBanner(result.failed, result.checked, true);
    updateStatusBar();
}

// The key check judges a data key from a sample; a current Verify has decrypted every value under
// it: a key none of whose values decrypts is suspect (as the re-wrap preflight calls it), one whose
// values all decrypt is fine.
void MainWindow::updateKeyHealth()
{
    QHash<QString, QString> health = m_keyCheckHealth;
    if (m_lastVerify && !m_verifyStale) {
        for (auto it = m_lastVerify->dataKeys.cbegin(); it != m_lastVerify->dataKeys.cend(); ++it) {
            if (it->keyFailures > 0 && it->ok == 0)
                health.insert(it.key(), QStringLiteral("suspect"));
            else if (it->keyFailures == 0 && it->ok > 0 && health.value(it.key()) == QLatin1String("suspect"))
                health.insert(it.key(), QStringLiteral("ok"));
        }
    }
    m_dataKeys->setKeyHealth(health);
}

bool MainWindow::showStaleVerifyBanner()
{
    const bool staleVerify = m_lastVerify && m_verifyStale;
    if (!staleVerify && (!m_runSinceVerify || m_runSinceVerify->failed == 0))
        return false;
    QString text;
    if (m_runSinceVerify && staleVerify) {
        text = tr("The last operation (%1) reported %2 that cannot be decrypted; the last Verify, "
                  "before it, found %3. Verify again to see every value as it is now.")
                   .arg(m_runSinceVerify->operation,
                        countOf(m_runSinceVerify->failed, tr("value"), tr("values")),
                        QLocale().toString(m_lastVerify->failed));
    } else if (m_runSinceVerify) {
        text = tr("The last operation (%1) reported %2 that cannot be decrypted. Verify to see every "
                  "value as it is now.")
                   .arg(m_runSinceVerify->operation, countOf(m_runSinceVerify->failed, tr("value"), tr("values")));
    } else {
        text = tr("The last Verify found %1 that cannot be decrypted, but the database was read again "
                  "since: that result is stale. Verify again to see every value as it is now.")
                   .arg(countOf(m_lastVerify->failed, tr("value"), tr("values")));
    }
    const qint64 failing = m_runSinceVerify ? m_runSinceVerify->failed : m_lastVerify->failed;
    m_healthAction = HealthAction::Verify;
    m_healthBanner->setActionText(staleVerify ? tr("Verify Again") : tr("Verify"));
    m_healthBanner->setSecondActionText(failing > 0 ? tr("Re&pair…") : QString());
    m_healthBanner->showMessage(text, failing > 0 ? MessageBanner::Type::Error : MessageBanner::Type::Warning);
    return true;
}

void MainWindow::updateHealthBanner(qint64 failing, qint64 total, bool verified)
{
    const QLocale locale;
    if (failing <= 0) {
        if (verified) {
            m_healthBanner->setActionText({});
            m_healthBanner->setSecondActionText({});
            m_healthBanner->showMessage(total == 1 ? tr("The one value decrypts.")
                                                   : tr("All %1 values decrypt.").arg(locale.toString(total)),
                                        MessageBanner::Type::Positive, 8000);
        } else {
            m_healthBanner->hideMessage();
        }
        return;
    }
    m_healthBanner->setActionText(tr("Show them"));
    m_healthAction = HealthAction::ShowFailed;
    m_healthBanner->setSecondActionText(tr("Re&pair…"));
    const QString text = verified
        ? tr("%1 of %2 cannot be decrypted.")
              .arg(locale.toString(failing), countOf(total, tr("value"), tr("values")))
        : tr("%1 cannot be decrypted (missing data keys or damaged payloads). Run Verify to check "
             "every value.")
              .arg(countOf(failing, tr("value"), tr("values")));
    m_healthBanner->showMessage(text, MessageBanner::Type::Error);
}

void MainWindow::updateStatusBar()
{
    if (!m_target) {
        m_statusDatabase->setText(tr("No database open"));
        m_statusCounts->clear();
        return;
    }
    m_statusDatabase->setText(m_databaseName);
    if (!m_census) {
        m_statusCounts->setText(m_censusFailed ? tr("Cannot be read") : tr("Reading…"));
        return;
    }
    const QLocale locale;
    m_statusCounts->setText(tr("%1 · %2 · %3")
                                .arg(countOf(m_census->totals.values, tr("value"), tr("values")),
                                     countOf(m_census->dataKeys.size(), tr("data key"), tr("data keys")),
                                     m_census->schema));
}

void MainWindow::recordActivity(const model::ActivityEntry& entry)
{
    if (auto written = m_log.append(entry); !written)
        qCWarning(lcUi) << "activity log:" << written.error().message;
    m_activity->addEntry(entry);
}

void MainWindow::setOperationsEnabled(bool enabled)
{
    for (const char* name : {"actionReEncrypt", "actionRollback", "actionReEncryptDataKeys",
                             "actionChangeSecretKey", "actionRotate", "actionConsolidate", "actionRepair",
                             "actionBackup", "actionRestore"})
        findChild<QAction*>(QString::fromLatin1(name), Qt::FindDirectChildrenOnly)->setEnabled(enabled);
}

void MainWindow::setFileChooser(FileChooser* chooser)
{
    m_files = chooser ? chooser : m_defaultFiles.get();
}

OperationWizard* MainWindow::startOperation(model::OperationKind kind)
{
    if (!m_target)
        return nullptr;
    if (m_wizard) {
        m_wizard->raise();
        m_wizard->activateWindow();
        return m_wizard;
    }
    OperationWizard* wizard = nullptr;
    switch (kind) {
    case model::OperationKind::ReEncrypt:
        wizard = new ReEncryptWizard(*m_target, m_databaseName, m_prompter, *m_files, this);
        break;
    case model::OperationKind::Rollback:
        wizard = new RollbackWizard(*m_target, m_databaseName, m_prompter, *m_files, this);
        break;
    case model::OperationKind::RewrapDataKeys:
    case model::OperationKind::ChangeSecretKey:
        wizard = new RewrapDataKeysWizard(kind == model::OperationKind::ChangeSecretKey
                                              ? RewrapDataKeysWizard::Mode::ChangeSecretKey
                                              : RewrapDataKeysWizard::Mode::Rewrap,
                                          *m_target, m_databaseName, m_prompter, *m_files, this);
        break;
    case model::OperationKind::Rotate:
        wizard = new RotateWizard(*m_target, m_databaseName, m_prompter, *m_files, this);
        break;
    case model::OperationKind::Consolidate:
        wizard = new ConsolidateWizard(*m_target, m_databaseName, m_prompter, *m_files, this);
        break;
    case model::OperationKind::Repair:
        wizard = new RepairWizard(*m_target, m_databaseName, m_prompter, *m_files, this);
        break;
    case model::OperationKind::Backup:
    case model::OperationKind::Restore:
        return nullptr;
    }
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->setWindowModality(Qt::WindowModal);
    connect(wizard, &OperationWizard::activity, this, &MainWindow::recordActivity);
    if (m_lastVerify && !m_verifyStale)
        wizard->setVerifyFailures(m_lastVerify->failures);
    connect(wizard, &OperationWizard::operationFinished, this, [this, wizard](const model::OperationResult& result) {
        if (result.dryRun)
            return;
        m_runSinceVerify = RunSinceVerify{wizard->actionName().toLower(), qMax(result.failed, result.verifyFailed)};
        openTarget(wizard->targetAfterRun()); // the panes show the database as it is now
    });
    auto followUp = std::make_shared<std::optional<model::OperationKind>>();
    connect(wizard, &OperationWizard::followUpRequested, this,
            [followUp](model::OperationKind next) { *followUp = next; });
    connect(wizard, &QDialog::finished, this, [this, wizard, followUp] {
        if (m_wizard == wizard)
            m_wizard = nullptr;
        if (*followUp)
            startOperation(**followUp);
    });
    m_wizard = wizard;
    wizard->open();
    return wizard;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_wizard && m_wizard->isRunning()) {
        m_healthBanner->setActionText({});
        m_healthBanner->setSecondActionText({});
        m_healthBanner->showMessage(tr("An operation is running: cancel it in its wizard first."),
                                    MessageBanner::Type::Warning, 8000);
        m_wizard->raise();
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    settings.setValue(QStringLiteral("mainWindow/pane"), m_tabs->currentIndex());
    QMainWindow::closeEvent(event);
}

} // namespace mk::ui
