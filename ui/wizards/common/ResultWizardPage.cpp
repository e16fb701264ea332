#include "ui/wizards/common/ResultWizardPage.h"

#include "model/config/IniFile.h"
#include "model/ops/FailureReason.h"
#include "model/ops/JsonReport.h"
#include "ui/common/GuiWording.h"
#include "ui/common/MessageBanner.h"
#include "ui/common/Plural.h"
#include "ui/wizards/common/FileChooser.h"
#include "ui/wizards/common/OperationWizard.h"
#include "ui/wizards/common/WizardWidgets.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QPushButton>
#include <QSaveFile>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mk::ui {

QByteArray ResultWizardPage::csvField(const QString& text)
{
    QByteArray bytes = text.toUtf8();
    // Names and fields come from the database: one that starts like a formula (=, +, -, @, tab, CR)
    // would run as one when the export is opened in a spreadsheet. A leading apostrophe keeps it
    // text there (OWASP's advice for CSV exports).
    if (!bytes.isEmpty() && QByteArrayView("=+-@\t\r").contains(bytes.front()))
        bytes.prepend('\'');
    // RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. Leading
    // or trailing spaces are quoted too, so that no reader trims them away.
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n') || bytes.contains('\r')
        || (!bytes.isEmpty() && (bytes.front() == ' ' || bytes.back() == ' '))) {
        bytes.replace("\"", "\"\"");
        return '"' + bytes + '"';
    }
    return bytes;
}

ResultWizardPage::ResultWizardPage(OperationWizard* wizard)
    : QWizardPage(wizard)
    , m_wizard(wizard)
    , m_banner(new MessageBanner(this))
    , m_counts(makeWrappedLabel(this, "resultCountsLabel"))
    , m_notes(makeWrappedLabel(this, "resultNotesLabel"))
    , m_failures(makeReadOnlyTable(this, "resultFailuresTable",
                                   {tr("Location"), tr("Row"), tr("Field"), tr("Reason")}))
    , m_exportCsv(new QPushButton(tr("Export &CSV…"), this))
    , m_exportJson(new QPushButton(tr("Export &JSON…"), this))
    , m_retry(new QPushButton(tr("Re&try failed rows"), this))
    , m_repairHint(makeWrappedLabel(this, "repairHintLabel"))
    , m_openRepair(new QPushButton(tr("&Repair…"), this))
    , m_countdown(makeWrappedLabel(this, "countdownLabel"))
    , m_reEncrypt(new QPushButton(tr("Re-encrypt &secrets…"), this))
    , m_configLabel(makeWrappedLabel(this, "configChangeLabel"))
    , m_iniLine(new QLineEdit(this))
    , m_copyIni(new QPushButton(tr("C&opy"), this))
    , m_envLine(new QLineEdit(this))
    , m_copyEnv(new QPushButton(tr("Cop&y"), this))
    , m_showKey(new QCheckBox(tr("Show the &key"), this))
    , m_steps(makeWrappedLabel(this, "stepsLabel"))
    , m_layout(new QVBoxLayout(this))
{
    setObjectName(QStringLiteral("resultWizardPage"));
    setTitle(tr("Result"));
    setFinalPage(true);
    m_banner->setObjectName(QStringLiteral("resultBanner"));
    m_counts->setTextFormat(Qt::RichText);
    m_notes->setTextFormat(Qt::RichText);
    m_exportCsv->setObjectName(QStringLiteral("exportCsvButton"));
    m_exportCsv->setAccessibleName(tr("Export the failures as CSV"));
    m_exportJson->setObjectName(QStringLiteral("exportJsonButton"));
    m_exportJson->setAccessibleName(tr("Export the result as JSON"));
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_retry->setAccessibleName(tr("Run the operation again for the rows that failed"));
    m_retry->setToolTip(tr("The operation is idempotent: running it again only changes what is left"));
    m_reEncrypt->setObjectName(QStringLiteral("reEncryptAfterRotateButton"));
    m_reEncrypt->setAccessibleName(tr("Re-encrypt the secrets under the new data key"));
    m_iniLine->setObjectName(QStringLiteral("configIniEdit"));
    m_iniLine->setAccessibleName(tr("Line for the [security] section of the ini file"));
    m_envLine->setObjectName(QStringLiteral("configEnvEdit"));
    m_envLine->setAccessibleName(tr("Environment variable line"));
    for (QLineEdit* line : {m_iniLine, m_envLine}) {
        line->setReadOnly(true);
        line->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    }
    m_copyIni->setObjectName(QStringLiteral("copyIniButton"));
    m_copyIni->setAccessibleName(tr("Copy the secret_key line"));
    m_copyEnv->setObjectName(QStringLiteral("copyEnvButton"));
    m_copyEnv->setAccessibleName(tr("Copy the GF_SECURITY_SECRET_KEY line"));
    m_showKey->setObjectName(QStringLiteral("showConfigKeyCheckBox"));
    m_showKey->setToolTip(tr("The lines hold the new key. Copy copies it either way."));
    m_steps->setTextFormat(Qt::RichText);
    m_repairHint->setTextFormat(Qt::RichText);
    m_repairHint->hide();
    m_openRepair->setObjectName(QStringLiteral("openRepairButton"));
    m_openRepair->setAccessibleName(tr("Open the Repair wizard"));
    m_openRepair->hide();
    m_countdownTimer.setInterval(1000);

    auto* buttons = new QHBoxLayout;
    m_exportRow = buttons;
    buttons->addWidget(m_exportCsv);
    buttons->addWidget(m_exportJson);
    buttons->addStretch(1);
    buttons->addWidget(m_retry);
    auto* rotateRow = new QHBoxLayout;
    rotateRow->addWidget(m_countdown, 1);
    rotateRow->addWidget(m_reEncrypt);
    auto* configGrid = new QGridLayout;
    configGrid->addWidget(m_iniLine, 0, 0);
    configGrid->addWidget(m_copyIni, 0, 1);
    configGrid->addWidget(m_envLine, 1, 0);
    configGrid->addWidget(m_copyEnv, 1, 1);
    configGrid->addWidget(m_showKey, 2, 0);
    configGrid->setColumnStretch(0, 1);
    auto* repairRow = new QHBoxLayout;
    repairRow->addWidget(m_repairHint, 1);
    repairRow->addWidget(m_openRepair, 0, Qt::AlignVCenter);

    QVBoxLayout* layout = m_layout;
    layout->addWidget(m_banner);
    layout->addWidget(m_counts);
    layout->addWidget(m_notes);
    layout->addLayout(rotateRow);
    layout->addWidget(m_configLabel);
    layout->addLayout(configGrid);
    layout->addWidget(m_steps);
    layout->addWidget(m_failures, 1);
    m_spacerIndex = layout->count();
    layout->addStretch(0);
    layout->addLayout(repairRow);
    layout->addLayout(buttons);

    connect(m_exportCsv, &QPushButton::clicked, this, [this] { exportFailures(false); });
    connect(m_exportJson, &QPushButton::clicked, this, [this] { exportFailures(true); });
    connect(m_retry, &QPushButton::clicked, m_wizard, &OperationWizard::retryFailedRows);
    // Copying is an explicit action: the clipboard gets the key (never a log).
    connect(m_copyIni, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_configLines.iniLine); });
    connect(m_copyEnv, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_configLines.envLine); });
    connect(m_showKey, &QCheckBox::toggled, this, &ResultWizardPage::showConfigLines);
    connect(m_reEncrypt, &QPushButton::clicked, this, [this] {
        emit m_wizard->followUpRequested(model::OperationKind::ReEncrypt);
        m_wizard->accept();
    });
    connect(m_openRepair, &QPushButton::clicked, this, [this] {
        // The main window opens Repair once this wizard is closed (one wizard at a time).
        emit m_wizard->followUpRequested(model::OperationKind::Repair);
        m_wizard->accept();
    });
    connect(&m_countdownTimer, &QTimer::timeout, this, &ResultWizardPage::updateCountdown);
}

ResultWizardPage::~ResultWizardPage()
{
    wipeConfigLines();
}

void ResultWizardPage::cleanupPage()
{
    wipeConfigLines();
    QWizardPage::cleanupPage();
}

void ResultWizardPage::wipeConfigLines()
{
    // A line copied and not replaced since leaves the clipboard with the page (as the key itself
    // does on the options page).
    QClipboard* clipboard = QApplication::clipboard();
    const QString copied = clipboard->text();
    if (!copied.isEmpty() && (copied == m_configLines.iniLine || copied == m_configLines.envLine))
        clipboard->clear();
    for (QString* line : {&m_configLines.iniLine, &m_configLines.envLine}) {
        line->fill(QLatin1Char('\0'));
        line->clear();
    }
    m_keyLength = 0;
    m_iniLine->clear();
    m_envLine->clear();
}

ResultWizardPage::ConfigLines ResultWizardPage::configLinesFor(const QByteArray& secretKey)
{
    ConfigLines lines;
    if (const auto quoted = config::IniFile::quoteValue(secretKey))
        lines.iniLine = QStringLiteral("secret_key = ") + QString::fromUtf8(*quoted);
    // POSIX shell (and docker/systemd environment files read the bare form the same way when it
    // needs no quotes): single quotes protect everything but a single quote.
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    const QString key = QString::fromUtf8(secretKey);
    lines.envLine = QStringLiteral("GF_SECURITY_SECRET_KEY=")
                    + (plain.match(key).hasMatch()
                           ? key
                           : QString(QLatin1Char('\'') + QString(key).replace(QLatin1String("'"), QLatin1String("'\\''"))
                                     + QLatin1Char('\'')));
    return lines;
}

void ResultWizardPage::showConfigLines()
{
    const bool show = m_showKey->isChecked();
    const QString mask(m_keyLength, QChar(0x2022));
    m_iniLine->setText(show ? m_configLines.iniLine
                            : (m_configLines.iniLine.isEmpty() ? QString() : QString(QStringLiteral("secret_key = ") + mask)));
    m_envLine->setText(show ? m_configLines.envLine : QString(QStringLiteral("GF_SECURITY_SECRET_KEY=") + mask));
    m_iniLine->setPlaceholderText(tr("(the key holds a line break: use the environment variable)"));
    m_iniLine->setCursorPosition(0);
    m_envLine->setCursorPosition(0);
    m_copyIni->setEnabled(!m_configLines.iniLine.isEmpty());
}

void ResultWizardPage::addSection(QWidget* widget, bool replacesFailures)
{
    m_section = widget;
    m_sectionReplacesFailures = replacesFailures;
    // Right after the failures table, before the spacer.
    m_layout->insertWidget(m_spacerIndex, widget, 1);
    ++m_spacerIndex;
}

void ResultWizardPage::addExportButton(QPushButton* button)
{
    m_exportRow->insertWidget(m_exportRow->indexOf(m_exportJson) + 1, button);
}

void ResultWizardPage::showOutcome(const QString& message, bool warning)
{
    m_banner->showMessage(message, warning ? MessageBanner::Type::Warning : MessageBanner::Type::Positive);
}

void ResultWizardPage::initializePage()
{
    m_countdownTimer.stop();
    wipeConfigLines();
    for (QWidget* w : std::initializer_list<QWidget*>{m_countdown, m_reEncrypt, m_configLabel, m_iniLine, m_copyIni,
                                                      m_envLine, m_copyEnv, m_showKey, m_steps})
        w->hide();
    if (const auto& result = m_wizard->lastResult())
        showResult(*result);
    else
        showError(m_wizard->lastError());
    updateButtons();
}

bool ResultWizardPage::isComplete() const
{
    return !m_wizard->isRunning();
}

void ResultWizardPage::showError(const QString& message)
{
    setSubTitle(tr("The operation did not run to the end."));
    m_banner->showMessage(message.isEmpty() ? tr("The operation failed.") : message, MessageBanner::Type::Error);
    m_counts->clear();
    m_notes->setText(tr("Batches committed before the error are complete; every value stays "
                        "decryptable. Fix the cause and run the operation again."));
    m_failures->setRowCount(0);
    m_failures->hide();
    if (m_section)
        m_section->hide();
    m_layout->setStretch(m_spacerIndex, 1);
}

void ResultWizardPage::showResult(const model::OperationResult& r)
{
    setSubTitle(r.dryRun ? tr("Dry run: nothing was written. This is what would happen.")
                         : tr("%1 on %2 in %3.")
                               .arg(m_wizard->actionName(), m_wizard->databaseName(),
                                    durationText(qMax<qint64>(1, r.durationMs / 1000))));
    const QString changed = r.dryRun ? tr("would change") : tr("changed");
    if (r.canceled)
        m_banner->showMessage(tr("Cancelled: %1 %2 before the stop. Every committed batch is "
                                 "complete; run again to finish.")
                                  .arg(countOf(r.changed, tr("value"), tr("values")), changed),
                              MessageBanner::Type::Warning);
    else if (r.refused)
        m_banner->showMessage(tr("Refused: %1").arg(guiWording(r.refusal)), MessageBanner::Type::Warning);
    else if (!r.unfinished.isEmpty())
        m_banner->showMessage(tr("Not finished: %1").arg(guiWording(r.unfinished)), MessageBanner::Type::Warning);
    else if (r.failed > 0)
        m_banner->showMessage(tr("Finished with %1: the rows listed below were left as they "
                                 "were; everything else is done.")
                                  .arg(countOf(r.failed, tr("failure"), tr("failures"))),
                              MessageBanner::Type::Warning);
    else if (r.verifyFailed > 0)
        m_banner->showMessage(tr("Every value was rewritten, but %1 do not decrypt with the new key: "
                                 "see below.")
                                  .arg(countOf(r.verifyFailed, tr("value"), tr("values"))),
                              MessageBanner::Type::Warning);
    else
        m_banner->showMessage(r.dryRun ? tr("Dry run finished without failures.")
                                       : tr("Finished without failures."),
                              MessageBanner::Type::Positive);

    QStringList counts;
    if (r.operation == model::operationName(model::OperationKind::Rotate)) {
        counts << tr("<b>%1</b> %2").arg(countOf(r.dataKeysDeactivated, tr("data key"), tr("data keys")),
                                                   r.dryRun ? tr("would be deactivated") : tr("deactivated"));
    } else {
        counts << tr("<b>%1</b> processed").arg(countOf(r.processed, tr("value"), tr("values")))
               << tr("<b>%1</b> %2").arg(number(r.changed), changed)
               << tr("<b>%1</b> skipped").arg(number(r.skipped))
               << tr("<b>%1</b> failed").arg(number(r.failed));
        if (r.rereads > 0)
            counts << tr("%1 changed by another writer meanwhile read again")
                          .arg(countOf(r.rereads, tr("row"), tr("rows")));
        if (r.conflicts > 0)
            counts << tr("%1 (kept changing under the operation; not written)")
                          .arg(countOf(r.conflicts, tr("conflict"), tr("conflicts")));
        if (!r.dataKeysCreated.isEmpty())
            counts << tr("data key created: %1").arg(r.dataKeysCreated.join(QStringLiteral(", ")));
        if (r.dataKeysRewrapped > 0)
            counts << tr("%1 re-wrapped").arg(countOf(r.dataKeysRewrapped, tr("data key"), tr("data keys")));
        if (r.operation == model::operationName(model::OperationKind::Rollback)
            || r.operation == model::operationName(model::OperationKind::Consolidate))
            counts << tr("%1 deleted").arg(countOf(r.dataKeysDeleted, tr("data key"), tr("data keys")));
        if (!r.dataKeysKeptForCacheIds.isEmpty())
            counts << tr("%1 kept for the other instances' caches")
                          .arg(countOf(r.dataKeysKeptForCacheIds.size(), tr("old data key"), tr("old data keys")));
        if (r.verifyChecked >= 0 && r.operation == model::operationName(model::OperationKind::Repair))
            counts << tr("verified with the current key: %1, %2 failed")
                          .arg(countOf(r.verifyChecked, tr("value"), tr("values")), number(r.verifyFailed));
        else if (r.verifyChecked >= 0)
            counts << tr("verified with the new key: %1, %2 failed")
                          .arg(countOf(r.verifyChecked, tr("value"), tr("values")), number(r.verifyFailed));
    }
    m_counts->setText(counts.join(QStringLiteral(" · ")));

    QStringList notes = guiWording(r.notes);
    for (const model::DataKeyLoss& loss : r.dataKeysKept)
        notes << tr("Data key %1 kept: %2 values in %3 still reference it.")
                     .arg(loss.id, number(loss.references), loss.locations.join(QStringLiteral(", ")));
    for (const model::DataKeyPlan& key : r.dataKeyFailures)
        notes << tr("Data key %1 not handled: %2").arg(key.id, key.health);
    for (const model::InstanceCall& call : r.instanceCalls)
        notes << (call.state == model::InstanceState::Ok
                      ? tr("Instance %1: rotated, its data-key cache flushed.").arg(call.url)
                      : tr("Instance %1 NOT reached (%2): %3")
                            .arg(call.url, model::instanceStateName(call.state), call.detail));
    if (!r.apiRotationConfirmation.isEmpty())
        notes << tr("Database: %1").arg(r.apiRotationConfirmation);
    for (const model::ValueFailure& lost : r.valuesLost)
        notes << tr("Lost (accepted): %1.%2 row %3 field %4").arg(lost.table, lost.column, lost.rowId, lost.field);
    if (r.operation == model::operationName(model::OperationKind::Rotate))
        notes.removeIf([](const QString& n) { return n.startsWith(QLatin1String("Other instances may")); });
    m_notes->setText(bulletList(notes));
    m_notes->setVisible(!notes.isEmpty());

    fillFailuresTable(m_failures, r.failures);
    m_failures->setVisible(!r.failures.isEmpty() && !m_sectionReplacesFailures);
    if (m_section)
        m_section->show();
    m_layout->setStretch(m_spacerIndex, r.failures.isEmpty() && !m_section ? 1 : 0);

    // Through the API, the countdown concerns only the instances not reached.
    const bool everyInstanceReached = !r.instanceCalls.isEmpty() && r.instancesNotReached.isEmpty();
    if (r.operation == model::operationName(model::OperationKind::Rotate) && !r.dryRun && !everyInstanceReached) {
        m_oldKeysExpire = QDateTime::currentDateTime().addSecs(r.dataKeysCacheTtlSeconds);
        const QDateTime until = QDateTime::fromString(r.encryptUntil, Qt::ISODate);
        if (until.isValid())
            m_oldKeysExpire = until;
        m_countdown->show();
        m_reEncrypt->show();
        updateCountdown();
        m_countdownTimer.start();
    }
    const QByteArray newKey = m_wizard->newSecretKeyInPlace();
    if (!r.configChange.isEmpty() && !newKey.isEmpty()) {
        m_configLines = configLinesFor(newKey);
        m_keyLength = QString::fromUtf8(newKey).size();
        m_showKey->setChecked(false);
        showConfigLines();
        m_configLabel->setText(
            tr("<b>Change the configuration of every instance:</b> paste the first line into the "
               "<tt>[security]</tt> section of its ini file (quoted as the ini reader needs), or set "
               "the environment variable of the second line, then restart it.%1")
                .arg(r.configChange.contains(QLatin1String("the contents of "))
                         ? QString(QLatin1Char(' ') + tr("The key is also in the file you saved."))
                         : QString()));
        for (QWidget* w : std::initializer_list<QWidget*>{m_iniLine, m_copyIni, m_envLine, m_copyEnv, m_showKey})
            w->show();
    }
    if (!r.configChange.isEmpty()) {
        if (newKey.isEmpty())
            m_configLabel->setText(tr("<b>Change the configuration of every instance:</b> %1")
                                       .arg(r.configChange.toHtmlEscaped()));
        m_steps->setText(
            tr("<b>Several instances (HA)?</b> In this order:<ol style=\"margin-left:-20px\">"
               "<li>Keep the backup and the old key until step 4 is clean.</li>"
               "<li>Put the new key into the configuration of <b>every</b> instance "
               "(<tt>[security] secret_key</tt> or <tt>GF_SECURITY_SECRET_KEY</tt>).</li>"
               "<li>Restart all instances together: one still on the old key cannot decrypt legacy "
               "values, and cannot unwrap data keys once its cache expires (data_keys_cache_ttl).</li>"
               "<li>Verify every value (Secrets ▸ Verify All Values) with the new key, then destroy "
               "the old key.</li></ol>"));
        for (QWidget* w : std::initializer_list<QWidget*>{m_configLabel, m_steps})
            w->show();
    }
}

void ResultWizardPage::updateButtons()
{
    const auto& result = m_wizard->lastResult();
    const bool hasFailures = result && !result->failures.isEmpty();
    m_exportCsv->setEnabled(hasFailures);
    // The operation's own section lists (and exports) the failures with the rest.
    m_exportCsv->setVisible(!(m_section && m_sectionReplacesFailures));
    m_exportJson->setEnabled(result.has_value());
    const bool canRetry = m_wizard->canRetry();
    m_retry->setEnabled(canRetry);
    m_retry->setVisible(canRetry);
    const qint64 needRepair = result ? result->failures.size() - OperationWizard::retryableFailures(*result) : 0;
    m_repairHint->setVisible(needRepair > 0);
    m_openRepair->setVisible(needRepair > 0);
    if (needRepair > 0 && m_wizard->kind() == model::OperationKind::Repair)
        m_repairHint->setText(tr("%1 decrypt under no key that was given. Repair again with other "
                                 "candidate keys or a backup of the data keys, or tick \"Clear values "
                                 "nothing can decrypt\" and re-enter them in the server's UI.")
                                  .arg(countOf(needRepair, tr("value"), tr("values"))));
    else if (needRepair > 0)
        m_repairHint->setText(tr("%1 cannot be fixed by running again (a missing data key, a damaged "
                                 "payload, a value under another key): Repair (Operations ▸ Repair…, "
                                 "or the command-line <tt>repair</tt>) finds the key that opens them.")
                                  .arg(countOf(needRepair, tr("failed value"), tr("failed values"))));
}

qint64 ResultWizardPage::secondsUntilOldKeysExpire() const
{
    if (!m_oldKeysExpire.isValid())
        return 0;
    return qMax<qint64>(0, QDateTime::currentDateTime().secsTo(m_oldKeysExpire));
}

void ResultWizardPage::updateCountdown()
{
    const qint64 left = secondsUntilOldKeysExpire();
    if (left <= 0) {
        m_countdownTimer.stop();
        m_countdown->setText(tr("Other instances have dropped the old data keys from their caches "
                                "(data_keys_cache_ttl passed): re-encrypt now moves every value to "
                                "a new key."));
        return;
    }
    m_countdown->setText(tr("Other instances may still encrypt with the old keys for <b>%1</b> "
                            "(until %2, data_keys_cache_ttl). Re-encrypt after that to move every "
                            "value to a new key.")
                             .arg(durationText(left), QLocale().toString(m_oldKeysExpire.time(), QLocale::ShortFormat)));
}

QByteArray ResultWizardPage::failuresCsv(const model::OperationResult& result)
{
    QByteArray csv = "location,row,field,reason,description\n";
    for (const model::ValueFailure& f : result.failures) {
        csv += csvField(f.table + QLatin1Char('.') + f.column) + ',' + csvField(f.rowId) + ','
               + csvField(f.field) + ',' + csvField(model::reasonName(f.reason)) + ','
               + csvField(model::reasonDescription(f.reason)) + '\n';
    }
    return csv;
}

bool ResultWizardPage::exportFailures(bool json)
{
    const auto& result = m_wizard->lastResult();
    if (!result)
        return false;
    const QString suggested = QDir::home().filePath(
        QStringLiteral("%1-%2.%3").arg(result->operation, json ? QStringLiteral("result") : QStringLiteral("failures"),
                                       json ? QStringLiteral("json") : QStringLiteral("csv")));
    const QString path = m_wizard->fileChooser().chooseSaveFile(
        this, json ? tr("Export the result as JSON") : tr("Export the failures as CSV"), suggested,
        json ? tr("JSON (*.json)") : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        m_banner->showMessage(tr("Cannot write %1: %2").arg(path, file.errorString()), MessageBanner::Type::Error);
        return false;
    }
    file.write(json ? m_wizard->lastResultJson() : failuresCsv(*result));
    if (!file.commit()) {
        m_banner->showMessage(tr("Cannot write %1: %2").arg(path, file.errorString()), MessageBanner::Type::Error);
        return false;
    }
    m_banner->showMessage(tr("Exported to %1.").arg(path), MessageBanner::Type::Positive, 6000);
    return true;
}

} // namespace mk::ui
