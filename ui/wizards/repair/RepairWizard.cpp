#include "ui/wizards/repair/RepairWizard.h"

#include "ui/common/GuiWording.h"

#include "model/ops/FailureReason.h"
#include "ui/common/MessageBanner.h"
#include "ui/common/Plural.h"
#include "ui/wizards/common/ConfirmWizardPage.h"
#include "ui/wizards/common/FileChooser.h"
#include "ui/wizards/common/PreflightWizardPage.h"
#include "ui/wizards/common/ResultWizardPage.h"
#include "ui/wizards/common/WizardWidgets.h"
#include "ui/wizards/repair/RepairOptionsWizardPage.h"

#include <QDir>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QMutexLocker>
#include <QPushButton>
#include <QSaveFile>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

#include <numeric>

namespace mk::ui {

namespace {

QString locationOf(const model::ValueFailure& value)
{
    return value.table + QLatin1Char('.') + value.column;
}

QString valueKey(const model::ValueFailure& value)
{
    return locationOf(value) + QLatin1Char('/') + value.rowId + QLatin1Char('/') + value.field;
}

// A plain container for a page section, without margins of its own.
QWidget* makeSection(QWidget* parent, const char* objectName)
{
    auto* section = new QWidget(parent);
    section->setObjectName(QString::fromLatin1(objectName));
    auto* layout = new QVBoxLayout(section);
    layout->setContentsMargins(0, 0, 0, 0);
    return section;
}

void fillValuesTable(QTableWidget* table, const QList<model::RepairValue>& values)
{
    table->setRowCount(0);
    for (const model::RepairValue& v : values) {
        appendTableRow(table,
            {v.owner, locationOf(v.value), v.value.rowId, v.value.field,
                model::reasonName(v.value.reason)});
        table->item(table->rowCount() - 1, 4)->setToolTip(model::reasonDescription(v.value.reason));
    }
    fitTableColumns(table, 0);
}


} // namespace

RepairWizard::RepairWizard(const model::Target& target,
    const QString& databaseName,
    Prompter& prompter,
    FileChooser& files,
    QWidget* parent)
    : OperationWizard(model::OperationKind::Repair, target, databaseName, prompter, files, parent)
    , m_options(new RepairOptionsWizardPage(this))
{
    setObjectName(QStringLiteral("repairWizard"));
    setWindowTitle(tr("Repair — %1").arg(databaseName));
    setUpPages(m_options);

    // Preflight: what each candidate opens, per data key (the standard tab) and per location, and
    // what stays lost.
    QWidget* candidates = makeSection(this, "repairCandidatesSection");
    m_candidatesSummary = makeWrappedLabel(candidates, "repairCandidatesSummaryLabel");
    m_candidatesSummary->setTextFormat(Qt::RichText);
    m_candidatesTable = makeReadOnlyTable(candidates, "repairCandidatesTable",
        {tr("Candidate"), tr("Fingerprint"), tr("Data keys it opens"), tr("Values it opens")});
    candidates->layout()->addWidget(m_candidatesSummary);
    candidates->layout()->addWidget(m_candidatesTable);
    m_opensTable = makeReadOnlyTable(this, "repairOpensTable", {tr("Location")});
    m_lostTable = makeReadOnlyTable(this, "repairLostTable",
        {tr("Owner (re-enter it there)"), tr("Location"), tr("Row"), tr("Field"), tr("Reason")});
    preflightPage()->addDetailsTab(candidates, tr("Candidates"));
    preflightPage()->addDetailsTab(m_opensTable, tr("Who opens what"));
    preflightPage()->addDetailsTab(m_lostTable, tr("Lost values"));

    // Confirm: every value to be cleared, with its owner.
    QWidget* clearing = makeSection(this, "repairClearSection");
    m_clearLabel = makeWrappedLabel(clearing, "repairClearLabel");
    m_clearLabel->setTextFormat(Qt::RichText);
    m_clearTable = makeReadOnlyTable(clearing, "repairClearTable",
        {tr("Owner (re-enter it there)"), tr("Location"), tr("Row"), tr("Field"), tr("Reason")});
    clearing->layout()->addWidget(m_clearLabel);
    clearing->layout()->addWidget(m_clearTable);
    confirmPage()->addSection(clearing, 1);

    // Result: the repair's counts and the re-entry list.
    QWidget* reentry = makeSection(this, "repairResultSection");
    m_resultCounts = makeWrappedLabel(reentry, "repairCountsLabel");
    m_resultCounts->setTextFormat(Qt::RichText);
    m_reentryTable = makeReadOnlyTable(reentry, "reentryTable",
        {tr("Owner (re-enter it there)"), tr("Location"), tr("Row"), tr("Field"), tr("State")});
    m_exportReentry = new QPushButton(tr("Export Re-entry &List…"), reentry);
    m_exportReentry->setObjectName(QStringLiteral("exportReentryButton"));
    m_exportReentry->setAccessibleName(
        tr("Export the values to re-enter, with their owners, as CSV"));
    auto* reentryLayout = qobject_cast<QVBoxLayout*>(reentry->layout());
    reentryLayout->addWidget(m_resultCounts);
    reentryLayout->addWidget(m_reentryTable, 1);
    resultPage()->addSection(reentry, true);
    resultPage()->addExportButton(m_exportReentry);

    connect(this, &OperationWizard::preflightStarted, this, &RepairWizard::onPreflightStarted);
    connect(this, &OperationWizard::preflightFinished, this, &RepairWizard::onPreflightFinished);
    connect(this, &OperationWizard::runFinished, this, &RepairWizard::onRunFinished);
    connect(this, &QWizard::currentIdChanged, this, &RepairWizard::onPageChanged);
    connect(m_exportReentry, &QPushButton::clicked, this, &RepairWizard::exportReentryList);
}

QString RepairWizard::actionName() const
{
    return tr("Repair");
}

QString RepairWizard::introText() const
{
    return tr(
        "<p><b>Repair</b> recovers values that do not decrypt because of a key: a change of "
        "<tt>secret_key</tt> done halfway or in the wrong order, a database moved to a server with "
        "another key, <tt>data_keys</tt> rows lost in a migration.</p>"
        "<ol style=\"margin-left:-20px\">"
        "<li>On the next page you give <b>candidate keys</b>: typed, key files, or old "
        "<tt>grafana.ini</tt> / <tt>mosaicoo.ini</tt> files. A candidate counts for a data key "
        "only when the values under it decrypt to plausible text; a key is never accepted "
        "because a data key \"unwrapped\".</li>"
        "<li>Data keys found under a candidate are <b>re-wrapped</b> with the current key, "
        "legacy values found under one are <b>re-encrypted</b> with it (same format).</li>"
        "<li>Data keys that values need but that are missing are <b>restored</b> from a backup "
        "you name, inactive, once values here decrypt with them.</li>"
        "<li>Only if you tick it, values that <b>nothing</b> decrypts are <b>cleared</b>; each "
        "is listed with its owner (data source and org, contact point, user login, …) to be "
        "re-entered in the server's UI.</li>"
        "<li>Everything is verified with the current key at the end.</li></ol>"
        "<p>The preflight is a dry run: it shows what each candidate opens before anything is "
        "written. <b>Stop the servers first</b>: repair refuses while one writes.</p>");
}

bool RepairWizard::isDestructive() const
{
    return m_options->clearUnrecoverable() && (!m_preview || !m_preview->cleared.isEmpty());
}

int RepairWizard::nextId() const
{
    // The candidates come before the preflight, which is a dry run with them.
    switch (currentId()) {
    case IntroPageId:
        return OptionsPageId;
    case OptionsPageId:
        return PreflightPageId;
    case PreflightPageId:
        return isDryRun() ? ConfirmPageId : BackupPageId;
    default:
        return OperationWizard::nextId();
    }
}

model::RepairOptions RepairWizard::repairOptions() const
{
    model::RepairOptions options;
    static_cast<model::OperationOptions&>(options) = commonOptions();
    options.candidateKeys = m_options->candidateKeys();
    options.candidateSources = m_options->candidateSources();
    options.dataKeysFrom = m_options->dataKeysFrom();
    options.clearUnrecoverable = m_options->clearUnrecoverable();
    return options;
}

WizardJob<model::Result<model::Preflight>> RepairWizard::preflightJob() const
{
    model::RepairOptions options = repairOptions();
    options.dryRun = true;
    // A dry run past the wrong-key refusal: the preflight shows the refusal and the whole plan;
    // the run itself is forced only when the administrator ticks the override.
    options.force = true;
    const model::Target t = target();
    auto outcome = std::make_shared<Outcome>();
    m_preflightOutcome = outcome;
    return [t, options, outcome](model::JobContext* context) -> model::Result<model::Preflight> {
        auto result = model::runRepair(t, options, context);
        if (!result)
            return std::unexpected(result.error());
        model::Preflight preflight = toPreflight(*result, options.clearUnrecoverable);
        const QMutexLocker lock(&outcome->mutex);
        outcome->result = std::move(*result);
        return preflight;
    };
}

WizardJob<model::Result<model::OperationResult>> RepairWizard::runJob() const
{
    const model::RepairOptions options = repairOptions();
    const model::Target t = target();
    auto outcome = std::make_shared<Outcome>();
    m_runOutcome = outcome;
    return
        [t, options, outcome](model::JobContext* context) -> model::Result<model::OperationResult> {
            auto result = model::runRepair(t, options, context);
            if (!result)
                return std::unexpected(result.error());
            model::OperationResult operation = result->operation;
            for (QString& note : operation.notes)
                note = guiWording(note);
            const QMutexLocker lock(&outcome->mutex);
            outcome->result = std::move(*result);
            return operation;
        };
}

QByteArray RepairWizard::lastResultJson() const
{
    if (!m_result)
        return OperationWizard::lastResultJson();
    return QJsonDocument(model::repairToJson(*m_result)).toJson(QJsonDocument::Indented);
}

model::Preflight RepairWizard::toPreflight(const model::RepairResult& r, bool clearing)
{
    model::Preflight p;
    p.operation = r.operation.operation;
    for (const model::RepairLocation& l : r.locations) {
        model::LocationPlan plan;
        plan.table = l.table;
        plan.column = l.column;
        plan.present = true;
        const qint64 byCandidates
            = std::accumulate(l.openedByCandidate.cbegin(), l.openedByCandidate.cend(), qint64(0));
        plan.touched = byCandidates > 0 || (clearing && l.lost > 0);
        plan.values = l.values;
        plan.toChange = byCandidates;
        plan.unchanged = l.openedByCurrent;
        plan.willFail = l.lost;
        plan.envelope = l.envelope;
        plan.legacy = l.legacy;
        p.locations << plan;
        p.values += l.values;
        p.toChange += plan.toChange;
        p.unchanged += plan.unchanged;
        p.willFail += plan.willFail;
    }
    for (const model::DataKeyRepair& k : r.dataKeys) {
        model::DataKeyPlan plan;
        plan.id = k.id;
        plan.label = k.label;
        plan.provider = k.provider;
        plan.active = k.active;
        plan.references = k.references;
        if (k.foundUnder == QLatin1String("current"))
            plan.health = QStringLiteral("opens under the current key");
        else if (!k.foundUnder.isEmpty())
            plan.health = QStringLiteral("opens under %1").arg(k.foundUnder);
        else if (k.references == 0)
            plan.health = QStringLiteral("unreferenced: cannot be attributed");
        else
            plan.health = QStringLiteral("no key opens its values");
        if (k.fromBackup)
            plan.health += QStringLiteral(" (missing here, in the backup)");
        plan.action = k.action;
        p.dataKeys << plan;
    }
    for (const model::RepairValue& v : r.cleared)
        p.knownFailures << v.value;
    for (const model::RepairValue& v : r.remaining)
        p.knownFailures << v.value;
    const model::Preflight& engine = r.operation.preflight;
    p.liveness = engine.liveness;
    p.refused = engine.refused;
    p.refusal = guiWording(engine.refusal);
    for (const QString& note : r.operation.notes) {
        if (note != engine.liveness.message
            && note != QLatin1String("Forced past the wrong-key refusal."))
            p.warnings << guiWording(note);
    }
    if (clearing && p.refused)
        p.warnings.prepend(
            QStringLiteral("Clearing is ticked while the current key looks wrong: if it is, "
                           "clearing removes values that the right key opens. Add the right "
                           "key as a candidate instead."));
    if (clearing && !r.cleared.isEmpty())
        p.irreversible << RepairWizard::tr(
            "Cleared because nothing decrypts them: %1; each must be re-entered "
            "in the server's UI (each is listed with its owner before the run).")
                              .arg(countOf(r.cleared.size(), RepairWizard::tr("value"), RepairWizard::tr("values")));
    return p;
}

void RepairWizard::onPreflightStarted()
{
    m_preview.reset();
    m_candidatesSummary->clear();
    m_candidatesTable->setRowCount(0);
    m_opensTable->setRowCount(0);
    m_lostTable->setRowCount(0);
}

void RepairWizard::onPreflightFinished(bool ok)
{
    if (!ok || !m_preflightOutcome)
        return;
    {
        const QMutexLocker lock(&m_preflightOutcome->mutex);
        m_preview = m_preflightOutcome->result;
    }
    if (!m_preview)
        return;
    const model::RepairResult& r = *m_preview;
    const bool clearing = m_options->clearUnrecoverable();

    QStringList lines;
    lines << tr("Current secret key: fingerprint <tt>%1</tt>.").arg(r.currentFingerprint);
    lines << tr(
        "Data keys: <b>%1</b> to re-wrap, <b>%2</b> to restore from the backup. Legacy values: "
        "<b>%3</b> to re-encrypt.")
                 .arg(number(r.operation.dataKeysRewrapped), number(r.dataKeysRestored),
                     number(r.valuesReencrypted));
    const qint64 lost = r.cleared.size() + r.remaining.size();
    if (lost > 0)
        lines << (clearing ? tr("<b>%1</b> nothing decrypts: they will be <b>cleared</b>.")
                           : tr("<b>%1</b> nothing decrypts: they stay as they are (not cleared)."))
                     .arg(countOf(lost, tr("value"), tr("values")));
    else
        lines << tr("Every value decrypts under the current key or a candidate.");
    m_candidatesSummary->setText(lines.join(QStringLiteral("<br>")));

    for (const model::CandidateOutcome& c : r.candidates) {
        appendTableRow(m_candidatesTable,
            {c.source, c.fingerprint,
                c.sameAsCurrent ? tr("the current key") : c.dataKeys.join(QStringLiteral(", ")),
                c.values});
        if (c.dataKeys.isEmpty() && !c.sameAsCurrent)
            m_candidatesTable->item(m_candidatesTable->rowCount() - 1, 2)->setText(tr("none"));
    }
    fitTableColumns(m_candidatesTable, 2);

    // Per location: the current key, each candidate (by fingerprint), nothing.
    QStringList headers {tr("Location"), tr("Values"), tr("Current key")};
    for (const model::CandidateOutcome& c : r.candidates)
        headers << tr("%1 (%2)").arg(c.source, c.fingerprint.left(8));
    headers << (clearing ? tr("Nothing: cleared") : tr("Nothing: lost"));
    m_opensTable->setColumnCount(int(headers.size()));
    m_opensTable->setHorizontalHeaderLabels(headers);
    for (const model::RepairLocation& l : r.locations) {
        QList<QVariant> cells {l.table + QLatin1Char('.') + l.column, l.values, l.openedByCurrent};
        for (const qint64 n : l.openedByCandidate)
            cells << n;
        cells << l.lost;
        appendTableRow(m_opensTable, cells);
    }
    fitTableColumns(m_opensTable, 0);

    QList<model::RepairValue> lostValues = r.cleared;
    lostValues << r.remaining;
    fillValuesTable(m_lostTable, lostValues);
}

void RepairWizard::onRunFinished()
{
    m_result.reset();
    if (!m_runOutcome || !lastResult())
        return;
    const QMutexLocker lock(&m_runOutcome->mutex);
    m_result = m_runOutcome->result;
}

void RepairWizard::onPageChanged(int id)
{
    if (id == ConfirmPageId)
        showConfirmList();
    else if (id == ResultPageId)
        showResultSection();
}

void RepairWizard::showConfirmList()
{
    const bool clearing = m_options->clearUnrecoverable();
    const QList<model::RepairValue> values
        = m_preview && clearing ? m_preview->cleared : QList<model::RepairValue>();
    m_clearTable->parentWidget()->setVisible(clearing);
    if (!clearing)
        return;
    if (values.isEmpty()) {
        m_clearLabel->setText(
            tr("Clearing is ticked, but the preflight found no value that nothing "
               "decrypts: nothing will be cleared."));
        m_clearTable->hide();
        return;
    }
    m_clearLabel->setText((isDryRun()
            ? tr("<b>%1 would be cleared</b> (a dry run clears nothing). Each must then be "
                 "re-entered in the server's UI:")
            : tr("<b>%1 will be cleared.</b> Each must then be re-entered in the server's UI "
                 "(the result page exports this list):"))
                              .arg(countOf(values.size(), tr("value"), tr("values"))));
    fillValuesTable(m_clearTable, values);
    m_clearTable->show();
}

void RepairWizard::showResultSection()
{
    m_reentryTable->setRowCount(0);
    if (!m_result) {
        m_resultCounts->clear();
        m_exportReentry->setEnabled(false);
        return;
    }
    const model::RepairResult& r = *m_result;
    const bool dry = r.operation.dryRun;
    m_resultCounts->setText(tr(
        "Data keys re-wrapped: <b>%1</b> · restored: <b>%2</b> · values re-encrypted: <b>%3</b> · "
        "cleared: <b>%4</b> · remaining undecryptable: <b>%5</b>%6")
                                .arg(number(r.operation.dataKeysRewrapped),
                                    number(r.dataKeysRestored), number(r.valuesReencrypted),
                                    number(r.cleared.size()), number(r.remaining.size()),
                                    dry ? tr(" (dry run: what would be done)") : QString()));
    QSet<QString> listed;
    const auto add = [this, &listed](const model::RepairValue& v, const QString& state) {
        listed.insert(valueKey(v.value));
        appendTableRow(
            m_reentryTable, {v.owner, locationOf(v.value), v.value.rowId, v.value.field, state});
        m_reentryTable->item(m_reentryTable->rowCount() - 1, 4)
            ->setToolTip(model::reasonDescription(v.value.reason));
    };
    for (const model::RepairValue& v : r.cleared)
        add(v, dry ? tr("would be cleared: re-enter") : tr("cleared: re-enter"));
    for (const model::RepairValue& v : r.remaining)
        add(v, tr("undecryptable: re-enter or repair again"));
    // Rows a live writer changed meanwhile, refused writes: not values to re-enter, a re-run fixes
    // them.
    for (const model::ValueFailure& f : r.operation.failures) {
        if (!listed.contains(valueKey(f)))
            appendTableRow(m_reentryTable,
                {QString(), locationOf(f), f.rowId, f.field,
                    tr("not written (%1): run again").arg(model::reasonName(f.reason))});
    }
    fitTableColumns(m_reentryTable, 0);
    m_reentryTable->setVisible(m_reentryTable->rowCount() > 0);
    m_exportReentry->setEnabled(!r.cleared.isEmpty() || !r.remaining.isEmpty());
    // Finished, but not "without failures" for the administrator: cleared values are gone until
    // someone re-enters them.
    const model::OperationResult& op = r.operation;
    if (!dry && !r.cleared.isEmpty() && !op.canceled && !op.refused && op.unfinished.isEmpty() && op.failed == 0
        && op.verifyFailed == 0)
        resultPage()->showOutcome(
            tr("Finished. %1 cleared because nothing decrypts them: re-enter each in the server's UI "
               "(listed below; Export Re-entry List… saves the list).")
                .arg(countOf(r.cleared.size(), tr("value was"), tr("values were"))),
            true);
}

QByteArray RepairWizard::reentryCsv(const model::RepairResult& result)
{
    const auto field = [](const QString& text) { return ResultWizardPage::csvField(text); };
    QByteArray csv = "owner,location,row,field,state,reason\n";
    const auto add = [&](const model::RepairValue& v, const char* state) {
        csv += field(v.owner) + ',' + field(locationOf(v.value)) + ',' + field(v.value.rowId) + ','
            + field(v.value.field) + ',' + state + ',' + field(model::reasonName(v.value.reason))
            + '\n';
    };
    for (const model::RepairValue& v : result.cleared)
        add(v, result.operation.dryRun ? "would-be-cleared" : "cleared");
    for (const model::RepairValue& v : result.remaining)
        add(v, "undecryptable");
    return csv;
}

bool RepairWizard::exportReentryList()
{
    if (!m_result)
        return false;
    const QString path = fileChooser().chooseSaveFile(this, tr("Export the re-entry list as CSV"),
        QDir::home().filePath(QStringLiteral("repair-reentry.csv")), tr("CSV (*.csv)"));
    if (path.isEmpty())
        return false;
    QSaveFile file(path);
    bool ok = file.open(QIODevice::WriteOnly);
    if (ok) {
        file.write(reentryCsv(*m_result));
        ok = file.commit();
    }
    m_resultCounts->setText(m_resultCounts->text().section(QStringLiteral("<br>"), 0, 0)
        + QStringLiteral("<br>")
        + (ok ? tr("Exported to %1.").arg(path.toHtmlEscaped())
              : tr("Cannot write %1: %2")
                    .arg(path.toHtmlEscaped(), file.errorString().toHtmlEscaped())));
    return ok;
}

} // namespace mk::ui
