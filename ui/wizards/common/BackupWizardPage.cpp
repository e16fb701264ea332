#include "ui/wizards/common/BackupWizardPage.h"

#include "model/ops/BackupJob.h"
#include "ui/wizards/common/FileChooser.h"
#include "ui/wizards/common/OperationWizard.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace mk::ui {

BackupWizardPage::BackupWizardPage(OperationWizard* wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
    , m_path(new QLineEdit(this))
    , m_browse(new QPushButton(tr("Bro&wse…"), this))
    , m_start(new QPushButton(tr("Back &up now"), this))
    , m_progress(new QProgressBar(this))
    , m_status(makeWrappedLabel(this, "backupStatusLabel"))
    , m_skip(new QCheckBox(this))
    , m_stop(makeStopFlag())
{
    setObjectName(QStringLiteral("backupWizardPage"));
    setTitle(tr("Backup"));
    m_path->setObjectName(QStringLiteral("backupPathEdit"));
    m_path->setAccessibleName(tr("Backup file"));
    m_browse->setObjectName(QStringLiteral("backupBrowseButton"));
    m_browse->setAccessibleName(tr("Choose the backup file"));
    m_start->setObjectName(QStringLiteral("backupStartButton"));
    m_start->setAccessibleName(tr("Make the backup now"));
    m_progress->setObjectName(QStringLiteral("backupProgressBar"));
    m_progress->setAccessibleName(tr("Backup progress"));
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_skip->setObjectName(QStringLiteral("skipBackupCheckBox"));
    m_skip->setText(tr("&Skip the backup: I have my own and accept that this run cannot be undone "
                       "from here"));

    auto* label = new QLabel(tr("Backup &file:"), this);
    label->setObjectName(QStringLiteral("backupPathLabel"));
    label->setBuddy(m_path);
    auto* intro = makeWrappedLabel(this, "backupIntroLabel");
    intro->setText(wizard->isSqlite()
                       ? tr("A consistent online copy of the whole database file (mode 0600). To undo "
                            "the operation, stop Grafana/Mosaicoo and copy it back, or use "
                            "File ▸ Restore….")
                       : tr("A JSON export (mode 0600) of <tt>data_keys</tt> and every secret column, "
                            "which File ▸ Restore… puts back."));
    auto* grid = new QGridLayout;
    grid->addWidget(label, 0, 0);
    grid->addWidget(m_path, 0, 1);
    grid->addWidget(m_browse, 0, 2);
    auto* run = new QHBoxLayout;
    run->addWidget(m_start);
    run->addWidget(m_progress, 1);
    run->addStretch(0);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addSpacing(6);
    layout->addLayout(grid);
    layout->addLayout(run);
    layout->addWidget(m_status);
    layout->addStretch(1);
    layout->addWidget(m_skip);

    connect(m_browse, &QPushButton::clicked, this, &BackupWizardPage::browse);
    connect(m_start, &QPushButton::clicked, this, &BackupWizardPage::startBackup);
    connect(m_path, &QLineEdit::returnPressed, this, &BackupWizardPage::startBackup);
    connect(m_path, &QLineEdit::textEdited, this, [this] {
        m_doneFile.clear();
        m_status->clear();
        emit completeChanged();
    });
    connect(m_skip, &QCheckBox::toggled, this, &BackupWizardPage::completeChanged);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &BackupWizardPage::onFinished);
    connect(&m_watcher, &QFutureWatcherBase::progressRangeChanged, m_progress, &QProgressBar::setRange);
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, m_progress, &QProgressBar::setValue);
}

BackupWizardPage::~BackupWizardPage()
{
    cancelAndWait();
}

void BackupWizardPage::cancelAndWait()
{
    m_stop->store(true);
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

QString BackupWizardPage::defaultPath() const
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const model::Target& target = m_wizard->target();
    if (m_wizard->isSqlite()) {
        const QFileInfo db(target.connection.path);
        return db.absoluteDir().filePath(
            QStringLiteral("%1-backup-%2.%3").arg(db.completeBaseName(), stamp,
                                                  db.suffix().isEmpty() ? QStringLiteral("db") : db.suffix()));
    }
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty())
        folder = QDir::homePath();
    return QDir(folder).filePath(
        QStringLiteral("%1-secrets-backup-%2.json").arg(m_wizard->confirmationName(), stamp));
}

void BackupWizardPage::initializePage()
{
    setSubTitle(tr("Back up first: %1 writes to %2.").arg(m_wizard->actionName(), m_wizard->databaseName()));
    if (m_path->text().isEmpty())
        m_path->setText(defaultPath());
}

bool BackupWizardPage::isSkipped() const
{
    return m_skip->isChecked() && m_doneFile.isEmpty();
}

bool BackupWizardPage::isComplete() const
{
    if (m_watcher.isRunning())
        return false;
    return !m_doneFile.isEmpty() || m_skip->isChecked();
}

void BackupWizardPage::browse()
{
    const QString filter = m_wizard->isSqlite() ? tr("SQLite database (*.db);;All files (*)")
                                                : tr("JSON export (*.json);;All files (*)");
    const QString path = m_wizard->fileChooser().chooseSaveFile(this, tr("Backup file"), m_path->text(), filter);
    if (path.isEmpty())
        return;
    m_path->setText(path);
    m_doneFile.clear();
    m_status->clear();
    emit completeChanged();
}

void BackupWizardPage::startBackup()
{
    if (m_watcher.isRunning())
        return;
    const QString path = m_path->text().trimmed();
    if (path.isEmpty()) {
        m_status->setText(tr("Choose a backup file first."));
        return;
    }
    if (QFileInfo::exists(path)) {
        m_status->setText(tr("%1 exists already: choose another file.").arg(path));
        return;
    }
    m_doneFile.clear();
    m_status->setText(tr("Backing up to %1…").arg(path));
    m_progress->setRange(0, 0);
    m_progress->show();
    m_start->setEnabled(false);
    m_browse->setEnabled(false);
    m_path->setEnabled(false);
    model::BackupOptions options;
    options.outPath = path;
    const model::Target target = m_wizard->target();
    m_stop = makeStopFlag();
    m_watcher.setFuture(startWizardJob<model::Result<model::OperationResult>>(
        m_wizard->pool(),
        [target, options](model::JobContext* context) { return model::runBackup(target, options, context); },
        m_stop));
    emit completeChanged();
}

void BackupWizardPage::onFinished()
{
    m_progress->hide();
    m_start->setEnabled(true);
    m_browse->setEnabled(true);
    m_path->setEnabled(true);
    if (m_watcher.isCanceled() || m_watcher.future().resultCount() == 0) {
        m_status->setText(tr("The backup was stopped."));
        emit completeChanged();
        return;
    }
    const model::Result<model::OperationResult> result = m_watcher.result();
    if (!result) {
        m_status->setText(tr("The backup failed: %1").arg(result.error().message));
        emit completeChanged();
        emit m_wizard->backupFinished(false);
        return;
    }
    m_doneFile = result->backupFile.isEmpty() ? m_path->text().trimmed() : result->backupFile;
    const qint64 size = QFileInfo(m_doneFile).size();
    m_status->setText(tr("Backed up to %1 (%2, %3 KiB, %4 ms).")
                          .arg(m_doneFile, result->backupFormat, number(size / 1024), number(result->durationMs)));
    emit completeChanged();
    emit m_wizard->backupFinished(true);
}

} // namespace mk::ui
