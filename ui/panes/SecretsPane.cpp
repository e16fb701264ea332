#include "ui/panes/SecretsPane.h"

#include "model/PromiseJobContext.h"
#include "model/SecretRevealer.h"
#include "model/items/SecretQuery.h"
#include "model/items/SecretsTableModel.h"
#include "model/ops/CheckValuesJob.h"
#include "model/ops/FailureReason.h"
#include "model/ops/ValueRecord.h"
#include "ui/common/Plural.h"
#include "ui/common/Prompter.h"
#include "ui/common/TableViews.h"

#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace mk::ui {

namespace {

// "2": the Store column was added; widths saved for the older columns do not apply.
const auto kHeaderKey = QStringLiteral("secretsPane/headerState2");

QComboBox* filterCombo(QWidget* parent, const char* name, const QString& accessible)
{
    auto* combo = new QComboBox(parent);
    combo->setObjectName(QString::fromLatin1(name));
    combo->setAccessibleName(accessible);
    combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    combo->setMinimumContentsLength(10);
    return combo;
}

} // namespace

SecretsPane::SecretsPane(Prompter& prompter, QWidget* parent)
    : QWidget(parent)
    , m_prompter(prompter)
    , m_model(new model::SecretsTableModel(this))
    , m_searchEdit(new QLineEdit(this))
    , m_storeCombo(filterCombo(this, "storeFilterCombo", tr("Store filter")))
    , m_locationCombo(filterCombo(this, "locationFilterCombo", tr("Location filter")))
    , m_formatCombo(filterCombo(this, "formatFilterCombo", tr("Format filter")))
    , m_dataKeyCombo(filterCombo(this, "dataKeyFilterCombo", tr("Data key filter")))
    , m_statusCombo(filterCombo(this, "statusFilterCombo", tr("Status filter")))
    , m_clearFiltersButton(new QPushButton(tr("Clear"), this))
    , m_view(new QTableView(this))
    , m_countLabel(new QLabel(this))
    , m_revealButton(new QPushButton(tr("&Reveal…"), this))
    , m_reEncryptButton(new QPushButton(tr("Re-&encrypt…"), this))
    , m_verifyStartButton(new QPushButton(tr("Verify &all"), this))
    , m_verifyCancelButton(new QPushButton(tr("Cancel"), this))
    , m_verifyProgress(new QProgressBar(this))
    , m_verifyLabel(new QLabel(this))
    , m_revealPanel(new QWidget(this))
    , m_revealLabel(new QLabel(m_revealPanel))
    , m_revealedEdit(new QPlainTextEdit(m_revealPanel))
    , m_copyRevealButton(new QPushButton(tr("&Copy"), m_revealPanel))
    , m_hideRevealButton(new QPushButton(tr("H&ide"), m_revealPanel))
{
    setObjectName(QStringLiteral("secretsPane"));
    setAccessibleName(tr("Secrets"));
    m_model->setObjectName(QStringLiteral("secretsModel"));
    m_pool.setMaxThreadCount(2);

    m_searchEdit->setObjectName(QStringLiteral("searchEdit"));
    m_searchEdit->setAccessibleName(tr("Filter text"));
    m_searchEdit->setPlaceholderText(tr("Filter by location, owner, field, row or data key"));
    m_searchEdit->setClearButtonEnabled(true);
    m_clearFiltersButton->setObjectName(QStringLiteral("clearFiltersButton"));
    m_clearFiltersButton->setAccessibleName(tr("Clear filters"));

    m_view->setObjectName(QStringLiteral("secretsView"));
    m_view->setAccessibleName(tr("Encrypted values"));
    m_view->setModel(m_model);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    QHeaderView* header = m_view->horizontalHeader();
    header->setObjectName(QStringLiteral("secretsHeader"));
    header->setSectionsMovable(true);
    header->setSortIndicator(-1, Qt::AscendingOrder);
    // Widths that keep Status on screen in a 1024 px wide window (long texts are elided; the
    // tooltip and a wider column show them whole).
    setUpReadOnlyTable(m_view, {210, 110, 110, 150, 170, 105, 130, 150}, kHeaderKey);
    m_view->setSortingEnabled(true);

    m_countLabel->setObjectName(QStringLiteral("countLabel"));
    m_revealButton->setObjectName(QStringLiteral("revealButton"));
    m_revealButton->setAccessibleName(tr("Reveal the selected value"));
    m_revealButton->setToolTip(tr("Decrypt and show the selected value (asks first, hides after "
                                  "30 seconds, recorded in the activity log)"));
    m_reEncryptButton->setObjectName(QStringLiteral("reEncryptButton"));
    m_reEncryptButton->setAccessibleName(tr("Re-encrypt every value"));
    m_reEncryptButton->setToolTip(tr("Open the re-encrypt wizard: every value under today's data key"));
    m_verifyStartButton->setObjectName(QStringLiteral("verifyStartButton"));
    m_verifyStartButton->setAccessibleName(tr("Verify all values"));
    m_verifyStartButton->setToolTip(tr("Decrypt every value in the background and fill the Status "
                                       "column"));
    m_verifyCancelButton->setObjectName(QStringLiteral("verifyCancelButton"));
    m_verifyCancelButton->setAccessibleName(tr("Cancel verify"));
    m_verifyProgress->setObjectName(QStringLiteral("verifyProgressBar"));
    m_verifyProgress->setAccessibleName(tr("Verify progress"));
    m_verifyProgress->setMaximumWidth(240);
    m_verifyProgress->setTextVisible(true);
    m_verifyProgress->hide();
    m_verifyLabel->setObjectName(QStringLiteral("verifyStatusLabel"));

    auto* filters = new QHBoxLayout;
    filters->setSpacing(6);
    filters->addWidget(m_searchEdit, 3);
    filters->addWidget(m_storeCombo, 1);
    filters->addWidget(m_locationCombo, 1);
    filters->addWidget(m_formatCombo, 1);
    filters->addWidget(m_dataKeyCombo, 1);
    filters->addWidget(m_statusCombo, 1);
    filters->addWidget(m_clearFiltersButton);

    m_revealPanel->setObjectName(QStringLiteral("revealPanel"));
    m_revealLabel->setObjectName(QStringLiteral("revealLabel"));
    m_revealLabel->setWordWrap(true);
    m_revealedEdit->setObjectName(QStringLiteral("revealedValueEdit"));
    m_revealedEdit->setAccessibleName(tr("Revealed value"));
    m_revealedEdit->setReadOnly(true);
    m_revealedEdit->setUndoRedoEnabled(false);
    m_revealedEdit->setMaximumHeight(m_revealedEdit->fontMetrics().height() * 5 + 12);
    m_revealedEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_copyRevealButton->setObjectName(QStringLiteral("copyRevealedButton"));
    m_copyRevealButton->setAccessibleName(tr("Copy the revealed value"));
    m_copyRevealButton->setToolTip(tr("Copy the value to the clipboard; it is removed from the "
                                      "clipboard when the value hides"));
    m_hideRevealButton->setObjectName(QStringLiteral("hideRevealButton"));
    m_hideRevealButton->setAccessibleName(tr("Hide the revealed value"));
    auto* revealLayout = new QGridLayout(m_revealPanel);
    revealLayout->setContentsMargins(0, 0, 0, 0);
    revealLayout->addWidget(m_revealLabel, 0, 0);
    revealLayout->addWidget(m_copyRevealButton, 0, 1, Qt::AlignRight);
    revealLayout->addWidget(m_hideRevealButton, 0, 2, Qt::AlignRight);
    revealLayout->addWidget(m_revealedEdit, 1, 0, 1, 3);
    revealLayout->setColumnStretch(0, 1);
    m_revealPanel->hide();

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_countLabel, 1);
    bottom->addWidget(m_verifyLabel);
    bottom->addWidget(m_verifyProgress);
    bottom->addWidget(m_verifyCancelButton);
    bottom->addWidget(m_verifyStartButton);
    bottom->addSpacing(12);
    bottom->addWidget(m_revealButton);
    bottom->addWidget(m_reEncryptButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->addLayout(filters);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_revealPanel);
    layout->addLayout(bottom);

    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(250);
    m_revealTimer.setSingleShot(true);
    m_revealTimer.setInterval(kDefaultRevealTimeoutMs);
    m_revealTimer.setTimerType(Qt::PreciseTimer);
    m_revealTick.setInterval(250);
    connect(&m_revealTick, &QTimer::timeout, this, &SecretsPane::updateRevealCountdown);

    connect(&m_filterTimer, &QTimer::timeout, this, &SecretsPane::applyFilters);
    connect(m_searchEdit, &QLineEdit::textChanged, this, [this] { m_filterTimer.start(); });
    connect(m_searchEdit, &QLineEdit::returnPressed, this, &SecretsPane::applyFilters);
    m_storeCombo->setToolTip(tr("Show the values of one store: the legacy one (data_keys and the secret "
                                "columns) or Grafana's secrets manager (secret_* tables)"));
    m_storeCombo->setMinimumContentsLength(15); // "Secrets manager" whole at 1024 px
    m_storeCombo->addItem(tr("All stores"), QString());
    m_storeCombo->addItem(tr("Legacy"), QString::fromLatin1(model::kStoreLegacy));
    m_storeCombo->addItem(tr("Secrets manager"), QString::fromLatin1(model::kStoreSecretsManager));
    for (QComboBox* combo : {m_storeCombo, m_locationCombo, m_formatCombo, m_dataKeyCombo, m_statusCombo})
        connect(combo, &QComboBox::currentIndexChanged, this, &SecretsPane::applyFilters);
    connect(m_clearFiltersButton, &QPushButton::clicked, this, [this] {
        const QSignalBlocker b1(m_searchEdit), b2(m_locationCombo), b3(m_formatCombo),
            b4(m_dataKeyCombo), b5(m_statusCombo), b6(m_storeCombo);
        m_searchEdit->clear();
        for (QComboBox* combo : {m_storeCombo, m_locationCombo, m_formatCombo, m_dataKeyCombo, m_statusCombo})
            combo->setCurrentIndex(0);
        applyFilters();
    });
    connect(m_model, &model::SecretsTableModel::countChanged, this, &SecretsPane::updateCountLabel);
    connect(m_model, &model::SecretsTableModel::pageLoaded, this, &SecretsPane::updateCountLabel);
    connect(m_model, &model::SecretsTableModel::loadFailed, this, [this](const QString& message) {
        m_countLabel->setText(tr("Cannot list the values: %1").arg(message));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SecretsPane::updateActions);
    connect(m_view, &QTableView::doubleClicked, this, &SecretsPane::revealCurrent);
    connect(m_revealButton, &QPushButton::clicked, this, &SecretsPane::revealCurrent);
    connect(m_reEncryptButton, &QPushButton::clicked, this, &SecretsPane::reEncryptRequested);
    connect(m_copyRevealButton, &QPushButton::clicked, this, &SecretsPane::copyRevealed);
    connect(m_hideRevealButton, &QPushButton::clicked, this, &SecretsPane::hideRevealed);
    // Whatever reaches the clipboard while a value is shown (the Copy button, or a selection
    // copied from the value's field) is checked when the value hides.
    connect(QGuiApplication::clipboard(), &QClipboard::changed, this, [this](QClipboard::Mode mode) {
        if (!m_revealedValue.isEmpty() && !m_clipboardModes.contains(int(mode)))
            m_clipboardModes << int(mode);
    });
    connect(&m_revealTimer, &QTimer::timeout, this, &SecretsPane::hideRevealed);
    connect(m_verifyStartButton, &QPushButton::clicked, this, &SecretsPane::startVerify);
    connect(m_verifyCancelButton, &QPushButton::clicked, this, &SecretsPane::cancelVerify);
    connect(&m_verifyWatcher, &QFutureWatcherBase::progressRangeChanged, m_verifyProgress,
            &QProgressBar::setRange);
    connect(&m_verifyWatcher, &QFutureWatcherBase::progressValueChanged, m_verifyProgress,
            &QProgressBar::setValue);
    connect(&m_verifyWatcher, &QFutureWatcherBase::finished, this, &SecretsPane::onVerifyFinished);
    connect(&m_revealWatcher, &QFutureWatcherBase::finished, this, &SecretsPane::onRevealFinished);
    // The background check of the visible rows: after the rows on screen settle.
    m_visibleTimer.setSingleShot(true);
    m_visibleTimer.setInterval(300);
    connect(&m_visibleTimer, &QTimer::timeout, this, &SecretsPane::checkVisibleRows);
    connect(&m_visibleWatcher, &QFutureWatcherBase::finished, this, &SecretsPane::onVisibleCheckFinished);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, &SecretsPane::scheduleVisibleCheck);
    connect(m_model, &model::SecretsTableModel::pageLoaded, this, &SecretsPane::scheduleVisibleCheck);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SecretsPane::scheduleVisibleCheck);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &SecretsPane::scheduleVisibleCheck);

    clear();
}

SecretsPane::~SecretsPane()
{
    saveHeaderState(m_view, kHeaderKey);
    stopVisibleCheck(true);
    m_verifyWatcher.cancel();
    m_verifyWatcher.waitForFinished();
    m_revealWatcher.waitForFinished();
    wipeRevealed();
    if (m_target)
        m_target->secretKey.fill('\0');
}

void SecretsPane::clear()
{
    stopVisibleCheck(true);
    m_visibleTried.clear();
    if (m_verifyWatcher.isRunning()) {
        m_verifyWatcher.cancel();
        m_verifyWatcher.waitForFinished();
    }
    hideRevealed();
    if (m_target)
        m_target->secretKey.fill('\0');
    m_target.reset();
    m_model->clear();
    const QSignalBlocker b1(m_locationCombo), b2(m_formatCombo), b3(m_dataKeyCombo),
        b4(m_statusCombo);
    m_locationCombo->clear();
    m_locationCombo->addItem(tr("All locations"), QString());
    m_formatCombo->clear();
    m_formatCombo->addItem(tr("All formats"), QString());
    m_dataKeyCombo->clear();
    m_dataKeyCombo->addItem(tr("All data keys"), QString());
    m_statusCombo->clear();
    m_statusCombo->addItem(tr("Any status"), QString());
    m_statusCombo->addItem(tr("Not checked"), QString::fromLatin1(model::kStatusNotChecked));
    m_statusCombo->addItem(tr("Decrypts"), QString::fromLatin1(model::kStatusOk));
    m_statusCombo->addItem(tr("Failed (any reason)"), QString::fromLatin1(model::kStatusFailed));
    m_statusCombo->addItem(tr("Other keeper (no ciphertext here)"), QString::fromLatin1(model::kStatusExternal));
    using R = model::FailureReason;
    for (R reason : {R::MissingDataKey, R::DataKeyUnwrapFailed, R::ProviderUnavailable, R::BadBase64,
                     R::BadJson, R::BadEnvelope, R::Truncated, R::EmptyPayload,
                     R::UnsupportedAlgorithm, R::AuthenticationFailed, R::ImplausiblePlaintext}) {
        const QString name = model::reasonName(reason);
        if (m_statusCombo->findData(name) < 0)
            m_statusCombo->addItem(tr("Failed: %1").arg(name), name);
    }
    m_verifyProgress->hide();
    m_verifyLabel->clear();
    m_countLabel->setText(tr("No database open"));
    updateActions();
}

void SecretsPane::setTarget(const model::Target& target, const QString& databaseName)
{
    clear();
    m_target = target;
    m_databaseName = databaseName;
    m_model->load(target);
    updateActions();
}

void SecretsPane::setCensus(const model::CensusResult& census)
{
    const QSignalBlocker b1(m_locationCombo), b2(m_formatCombo), b3(m_dataKeyCombo);
    const QString location = m_locationCombo->currentData().toString();
    const QString format = m_formatCombo->currentData().toString();
    const QString key = m_dataKeyCombo->currentData().toString();
    while (m_locationCombo->count() > 1)
        m_locationCombo->removeItem(1);
    for (const model::LocationCensus& l : census.locations) {
        if (l.present && l.values > 0) {
            const QString name = l.table + QLatin1Char('.') + l.column;
            m_locationCombo->addItem(tr("%1 (%2)").arg(name).arg(l.values), name);
        }
    }
    if (census.secretsManager.externalValues > 0) {
        // Secure values of other keepers: listed, but no ciphertext in this database.
        const QString name = model::locationNameOf(model::gsmExternalLocationIndex());
        m_locationCombo->addItem(tr("%1 (%2, other keepers)").arg(name).arg(census.secretsManager.externalValues),
                                 name);
    }
    while (m_formatCombo->count() > 1)
        m_formatCombo->removeItem(1);
    using F = model::ValueFormat;
    for (F f : {F::LegacyCfb, F::LegacyCfbPrefixed, F::LegacyGcm, F::EnvelopeCfb,
                F::EnvelopeCfbPrefixed, F::EnvelopeGcm, F::Malformed})
        m_formatCombo->addItem(f == F::Malformed ? tr("malformed") : model::formatLabel(f),
                               model::formatToken(f));
    while (m_dataKeyCombo->count() > 1)
        m_dataKeyCombo->removeItem(1);
    for (const model::DataKeyInfo& k : census.dataKeys) {
        m_dataKeyCombo->addItem(k.label.isEmpty() ? k.id : tr("%1 (%2)").arg(k.id, k.label), k.id);
    }
    m_locationCombo->setCurrentIndex(std::max(0, m_locationCombo->findData(location)));
    m_formatCombo->setCurrentIndex(std::max(0, m_formatCombo->findData(format)));
    m_dataKeyCombo->setCurrentIndex(std::max(0, m_dataKeyCombo->findData(key)));
}

void SecretsPane::showDataKey(const QString& dataKeyId)
{
    int i = m_dataKeyCombo->findData(dataKeyId);
    if (i < 0) {
        m_dataKeyCombo->addItem(tr("%1 (missing)").arg(dataKeyId), dataKeyId);
        i = m_dataKeyCombo->count() - 1;
    }
    const QSignalBlocker b1(m_searchEdit), b2(m_locationCombo), b3(m_formatCombo), b4(m_statusCombo),
        b5(m_dataKeyCombo), b6(m_storeCombo);
    m_searchEdit->clear();
    m_storeCombo->setCurrentIndex(0);
    m_locationCombo->setCurrentIndex(0);
    m_formatCombo->setCurrentIndex(0);
    m_statusCombo->setCurrentIndex(0);
    m_dataKeyCombo->setCurrentIndex(i);
    applyFilters();
}

void SecretsPane::showStatus(const QString& statusToken)
{
    const int i = m_statusCombo->findData(statusToken);
    if (i >= 0)
        m_statusCombo->setCurrentIndex(i);
}

void SecretsPane::applyFilters()
{
    m_filterTimer.stop();
    model::SecretQuery query = m_model->query();
    query.text = m_searchEdit->text().trimmed();
    query.store = m_storeCombo->currentData().toString();
    query.location = m_locationCombo->currentData().toString();
    query.format = m_formatCombo->currentData().toString();
    query.dataKeyId = m_dataKeyCombo->currentData().toString();
    query.status = m_statusCombo->currentData().toString();
    m_model->setQuery(query);
}

void SecretsPane::updateCountLabel()
{
    if (!m_target) {
        m_countLabel->setText(tr("No database open"));
        return;
    }
    const QLocale locale;
    const int loaded = m_model->rowCount();
    // Secure values of other keepers are rows, but not values: status and verify do not count them.
    const int external = m_model->externalCount();
    const int count = m_model->totalCount() - external;
    const QString elsewhere = external == 0 ? QString()
                                            : external == 1 ? tr(" · 1 secure value of another keeper (no ciphertext here)")
                                                            : tr(" · %1 secure values of other keepers (no ciphertext here)")
                                                                  .arg(locale.toString(external));
    if (!m_model->isComplete()) {
        m_countLabel->setText(tr("%1+ values (reading…)").arg(locale.toString(count)));
    } else if (loaded < m_model->totalCount()) {
        m_countLabel->setText(tr("%1 values (%2 rows loaded; scroll for more)")
                                  .arg(locale.toString(count), locale.toString(loaded))
                              + elsewhere);
    } else {
        m_countLabel->setText((count == 1 ? tr("1 value") : tr("%1 values").arg(locale.toString(count))) + elsewhere);
    }
}

void SecretsPane::updateActions()
{
    const bool open = m_target.has_value();
    const bool running = m_verifyWatcher.isRunning();
    m_verifyStartButton->setEnabled(open && !running);
    m_reEncryptButton->setEnabled(open);
    m_verifyCancelButton->setEnabled(running);
    m_verifyCancelButton->setVisible(running);
    const std::optional<model::SecretRow> current = m_model->rowAt(m_view->currentIndex().row());
    // A secure value of another keeper has no ciphertext here: nothing to reveal.
    m_revealButton->setEnabled(open && current && current->status != model::SecretStatus::External
                               && !m_revealWatcher.isRunning());
}

void SecretsPane::setBackgroundCheck(bool enabled)
{
    m_backgroundCheck = enabled;
    if (enabled)
        scheduleVisibleCheck();
    else
        stopVisibleCheck(false);
}

void SecretsPane::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    scheduleVisibleCheck();
}

void SecretsPane::scheduleVisibleCheck()
{
    if (m_backgroundCheck && m_target && !m_verifyWatcher.isRunning())
        m_visibleTimer.start();
}

void SecretsPane::stopVisibleCheck(bool wait)
{
    m_visibleTimer.stop();
    m_visibleWatcher.cancel();
    if (wait)
        m_visibleWatcher.waitForFinished();
}

void SecretsPane::checkVisibleRows()
{
    if (!m_backgroundCheck || !m_target || m_verifyWatcher.isRunning() || !isVisible())
        return;
    if (m_visibleWatcher.isRunning()) {
        m_visibleTimer.start(); // again once it is done
        return;
    }
    const int rows = m_model->rowCount();
    if (rows == 0)
        return;
    const int first = qMax(0, m_view->rowAt(0));
    int last = m_view->rowAt(m_view->viewport()->height() - 1);
    if (last < 0)
        last = rows - 1;
    constexpr int kMaxRows = 100; // a screenful, even on a tall monitor
    QList<model::ValueAddress> addresses;
    for (int row = first; row <= last && addresses.size() < kMaxRows; ++row) {
        const std::optional<model::SecretRow> secret = m_model->rowAt(row);
        if (!secret || secret->status != model::SecretStatus::NotChecked || m_visibleTried.contains(secret->key()))
            continue;
        m_visibleTried.insert(secret->key());
        addresses << model::ValueAddress{secret->locationIndex, secret->rowId, secret->field};
    }
    if (addresses.isEmpty())
        return;
    auto job = [](QPromise<model::Result<QList<model::ValueOutcome>>>& promise, const model::Target& target,
                  const QList<model::ValueAddress>& wanted) {
        model::PromiseJobContext<model::Result<QList<model::ValueOutcome>>> context(promise);
        promise.addResult(model::checkValues(target, wanted, &context));
    };
    m_visibleWatcher.setFuture(QtConcurrent::run(&m_pool, job, *m_target, addresses));
}

void SecretsPane::onVisibleCheckFinished()
{
    if (m_visibleWatcher.isCanceled() || m_visibleWatcher.future().resultCount() == 0)
        return;
    const model::Result<QList<model::ValueOutcome>> result = m_visibleWatcher.result();
    if (!result)
        return; // Verify reports what cannot be read; the background check stays quiet
    if (!m_verifyWatcher.isRunning())
        m_model->applyOutcomes(*result);
    emit visibleRowsChecked(int(result->size()));
    scheduleVisibleCheck(); // more rows may have scrolled into view meanwhile
}

void SecretsPane::startVerify()
{
    if (!m_target || m_verifyWatcher.isRunning())
        return;
    stopVisibleCheck(false);
    model::SecretsTableModel* receiver = m_model;
    auto job = [receiver](QPromise<model::Result<model::VerifyResult>>& promise,
                          const model::Target& target) {
        model::PromiseJobContext<model::Result<model::VerifyResult>> context(promise);
        model::VerifyOptions options;
        options.observer = [receiver](const QList<model::ValueOutcome>& batch) {
            // The pane's destructor waits for this job, so the model outlives every event.
            QMetaObject::invokeMethod(
                receiver, [receiver, batch] { receiver->applyOutcomes(batch); },
                Qt::QueuedConnection);
        };
        promise.addResult(model::runVerify(target, options, &context));
    };
    m_verifyProgress->setRange(0, 0);
    m_verifyProgress->setValue(0);
    m_verifyProgress->show();
    m_verifyLabel->setText(tr("Verifying…"));
    m_verifyWatcher.setFuture(QtConcurrent::run(&m_pool, job, *m_target));
    updateActions();
    emit verifyStarted();
}

void SecretsPane::cancelVerify()
{
    if (!m_verifyWatcher.isRunning())
        return;
    m_verifyWatcher.cancel();
    m_verifyCancelButton->setEnabled(false);
    m_verifyLabel->setText(tr("Cancelling…"));
}

void SecretsPane::onVerifyFinished()
{
    m_verifyProgress->hide();
    model::ActivityEntry entry;
    entry.when = QDateTime::currentDateTimeUtc();
    entry.operation = QStringLiteral("verify");
    entry.database = m_databaseName;
    const bool canceled = m_verifyWatcher.isCanceled() || m_verifyWatcher.future().resultCount() == 0;
    if (canceled) {
        m_verifyLabel->setText(tr("Verify cancelled"));
        entry.outcome = QStringLiteral("canceled");
        updateActions();
        emit activity(entry);
        emit verifyCanceled();
        return;
    }
    const model::Result<model::VerifyResult> result = m_verifyWatcher.result();
    updateActions();
    if (!result) {
        m_verifyLabel->setText(tr("Verify failed: %1").arg(result.error().message));
        entry.outcome = QStringLiteral("failed");
        entry.detail = result.error().message;
        emit activity(entry);
        emit verifyFailed(result.error().message);
        return;
    }
    const QLocale locale;
    if (result->canceled) {
        m_verifyLabel->setText(tr("Verify cancelled"));
        entry.outcome = QStringLiteral("canceled");
    } else if (result->failed > 0) {
        m_verifyLabel->setText(tr("%1 of %2 do not decrypt")
                                   .arg(locale.toString(result->failed),
                                        countOf(result->checked, tr("value"), tr("values"))));
        entry.outcome = QStringLiteral("failed");
    } else {
        m_verifyLabel->setText(result->checked == 1 ? tr("The one value decrypts")
                                                    : tr("All %1 values decrypt").arg(locale.toString(result->checked)));
        entry.outcome = QStringLiteral("ok");
    }
    entry.counts.insert(QStringLiteral("checked"), double(result->checked));
    entry.counts.insert(QStringLiteral("ok"), double(result->ok));
    entry.counts.insert(QStringLiteral("failed"), double(result->failed));
    emit activity(entry);
    if (result->canceled)
        emit verifyCanceled();
    else
        emit verifyFinished(*result);
}

void SecretsPane::revealCurrent()
{
    if (!m_target || m_revealWatcher.isRunning())
        return;
    const QModelIndex index = m_view->currentIndex();
    const std::optional<model::SecretRow> row = m_model->rowAt(index.row());
    if (!row || row->status == model::SecretStatus::External)
        return;
    const QString place = tr("%1, row %2, field %3").arg(row->location, row->rowId, row->field);
    const bool ok = m_prompter.confirm(
        this, tr("Reveal Secret"),
        tr("Decrypt and show the value of %1?\n\nIt is shown for %2 seconds, then hidden again "
           "(and removed from the clipboard if you copy it). The reveal is recorded in the "
           "activity log (without the value).")
            .arg(place)
            .arg(m_revealTimer.interval() / 1000),
        tr("Reveal"));
    if (!ok)
        return;
    hideRevealed();
    m_revealPlace = place;
    const model::ValueAddress address{row->locationIndex, row->rowId, row->field};
    m_revealWatcher.setFuture(QtConcurrent::run(&m_pool, &model::revealSecret, *m_target, address));
    updateActions();
}

void SecretsPane::onRevealFinished()
{
    model::ActivityEntry entry;
    entry.when = QDateTime::currentDateTimeUtc();
    entry.operation = QStringLiteral("reveal");
    entry.database = m_databaseName;
    entry.detail = m_revealPlace;
    const bool have = m_revealWatcher.future().resultCount() > 0;
    if (!have) {
        updateActions();
        return;
    }
    model::Result<QString> result = m_revealWatcher.result();
    // Drop the plaintext stored in the future; the watcher reports the empty future as finished
    // again, which the resultCount() check above ignores.
    m_revealWatcher.setFuture(QFuture<model::Result<QString>>());
    updateActions();
    if (!result) {
        entry.outcome = QStringLiteral("failed");
        emit activity(entry);
        emit revealFailed(result.error().message);
        m_revealLabel->setText(tr("Cannot reveal %1: %2").arg(m_revealPlace, result.error().message));
        m_revealedEdit->clear();
        m_revealedEdit->hide();
        m_copyRevealButton->hide();
        m_revealPanel->show();
        m_revealTimer.start();
        return;
    }
    // The future no longer holds the value: the pane's member is its only reference, which
    // wipeRevealed() overwrites in place.
    m_revealedValue = std::move(*result);
    m_clipboardModes.clear();
    m_revealedEdit->setPlainText(m_revealedValue);
    m_revealedEdit->show();
    m_copyRevealButton->setText(tr("&Copy"));
    m_copyRevealButton->setEnabled(!m_revealedValue.isEmpty());
    m_copyRevealButton->show();
    m_revealPanel->show();
    m_revealTimer.start();
    m_revealTick.start();
    updateRevealCountdown();
    entry.outcome = QStringLiteral("shown");
    emit activity(entry);
    emit revealShown();
}

void SecretsPane::copyRevealed()
{
    if (m_revealedValue.isEmpty() || m_revealPanel->isHidden())
        return;
    QGuiApplication::clipboard()->setText(m_revealedValue);
    m_copyRevealButton->setText(tr("Copied"));
}

void SecretsPane::updateRevealCountdown()
{
    if (!m_revealTimer.isActive() || m_revealedEdit->isHidden()) {
        m_revealTick.stop();
        return;
    }
    // Whole seconds left, rounded up: "hides in 30 s" right after revealing, never "0 s".
    const int seconds = qBound(1, (m_revealTimer.remainingTime() + 999) / 1000, m_revealTimer.interval() / 1000);
    m_revealLabel->setText(tr("Plaintext of %1 — hides in %2 s (a copy on the clipboard is removed "
                              "then)")
                               .arg(m_revealPlace)
                               .arg(seconds));
}

void SecretsPane::hideRevealed()
{
    m_revealTimer.stop();
    m_revealTick.stop();
    const bool wasShown = !m_revealPanel->isHidden();
    wipeRevealed();
    m_revealPanel->hide();
    if (wasShown)
        emit revealHidden();
}

void SecretsPane::wipeRevealed()
{
    if (!m_revealedValue.isEmpty() && qGuiApp) {
        // Clearing emits QClipboard::changed, which would add to the list being read.
        const QList<int> modes = std::exchange(m_clipboardModes, {});
        QClipboard* clipboard = QGuiApplication::clipboard();
        for (const int m : modes) {
            const auto mode = QClipboard::Mode(m);
            bool ours = false;
            {
                const QString held = clipboard->text(mode); // released before the wipe below
                ours = !held.isEmpty() && m_revealedValue.contains(held);
            }
            if (ours)
                clipboard->clear(mode);
        }
    }
    m_clipboardModes.clear();
    m_revealedEdit->clear();
    // In place when no one else holds the string (the clipboard's copy is gone by now). Qt's text
    // document keeps its own buffer, which it frees without overwriting: the core-dump and ptrace
    // protections of main() cover that.
    m_revealedValue.fill(QChar(u'\0'));
    m_revealedValue.clear();
    m_copyRevealButton->setText(tr("&Copy"));
}

} // namespace mk::ui
