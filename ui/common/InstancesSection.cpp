#include "ui/common/InstancesSection.h"

#include "ui/common/Plural.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace mk::ui {

namespace {

enum Column
{
    Url,
    State,
    Version,
    SameDatabase,
    Detail,
    ColumnCount
};

} // namespace

InstancesSection::InstancesSection(QWidget* parent)
    : QGroupBox(tr("Live installation"), parent)
    , m_liveness(new QLabel(this))
    , m_hint(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_check(new QPushButton(tr("Check &instances"), this))
{
    setObjectName(QStringLiteral("instancesSection"));
    m_liveness->setObjectName(QStringLiteral("livenessValueLabel"));
    m_liveness->setWordWrap(true);
    m_liveness->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hint->setObjectName(QStringLiteral("instancesHintLabel"));
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_table->setObjectName(QStringLiteral("instancesTable"));
    m_table->setAccessibleName(tr("Instances"));
    m_table->setHorizontalHeaderLabels({tr("Instance"), tr("State"), tr("Version"), tr("Same database"), tr("Detail")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(Detail, QHeaderView::Stretch);
    for (int c = Url; c < Detail; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_check->setObjectName(QStringLiteral("checkInstancesButton"));

    auto* row = new QHBoxLayout;
    row->addWidget(m_hint, 1);
    row->addWidget(m_check);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_liveness);
    layout->addLayout(row);
    layout->addWidget(m_table);

    connect(m_check, &QPushButton::clicked, this, &InstancesSection::checkConfiguredInstances);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &InstancesSection::onChecked);
    clear();
}

InstancesSection::~InstancesSection()
{
    m_watcher.waitForFinished();
}

void InstancesSection::clear()
{
    m_liveness->setText(tr("Servers: not checked yet."));
    m_hint->setText(tr("Instances come from [console] instances in %1.").arg(model::consoleSettingsPath()));
    m_table->setRowCount(0);
    m_table->hide();
    m_dataSourceUids.clear();
}

void InstancesSection::setLiveness(const model::Liveness& liveness, const QStringList& dataSourceUids)
{
    m_dataSourceUids = dataSourceUids;
    if (!liveness.checked)
        m_liveness->setText(tr("Servers: the evidence tables could not be read."));
    else if (liveness.suspected)
        m_liveness->setText(tr("<b>A server seems to be running:</b> %1. Rollback and the change of the "
                               "secret key refuse until the servers are stopped.")
                                .arg(model::livenessSentence(liveness).toHtmlEscaped()));
    else if (liveness.lastWriteSecondsAgo >= 0)
        m_liveness->setText(tr("Servers: no write of a running server for %1.")
                                .arg(countOf(liveness.lastWriteSecondsAgo, tr("second"), tr("seconds"))));
    else
        m_liveness->setText(tr("Servers: no trace of a running server."));
}

void InstancesSection::setLivenessVisible(bool visible)
{
    m_liveness->setVisible(visible);
}

void InstancesSection::checkConfiguredInstances()
{
    auto targets = model::resolveInstances(model::InstanceRequest{});
    if (!targets) {
        m_hint->setText(targets.error().message);
        return;
    }
    if (targets->urls.isEmpty()) {
        m_hint->setText(tr("No instance configured: set [console] instances and api_token_file in %1.")
                            .arg(model::consoleSettingsPath()));
        return;
    }
    checkInstances(*targets);
}

void InstancesSection::checkInstances(const model::InstanceTargets& targets)
{
    if (m_watcher.isRunning())
        return;
    m_check->setEnabled(false);
    m_hint->setText(tr("Asking %1…").arg(countOf(targets.urls.size(), tr("instance"), tr("instances"))));
    m_watcher.setFuture(QtConcurrent::run(
        [targets, uids = m_dataSourceUids] { return model::probeInstances(targets, uids); }));
}

void InstancesSection::onChecked()
{
    m_check->setEnabled(true);
    const QList<model::InstanceStatus> statuses = m_watcher.result();
    m_table->setRowCount(int(statuses.size()));
    int ok = 0;
    for (int r = 0; r < statuses.size(); ++r) {
        const model::InstanceStatus& s = statuses.at(r);
        ok += s.state == model::InstanceState::Ok ? 1 : 0;
        const QString same = !s.sameDatabase ? tr("unknown") : *s.sameDatabase ? tr("yes") : tr("NO");
        const QStringList cells{s.url, model::instanceStateName(s.state), s.version, same,
                                s.sameDatabaseDetail.isEmpty() ? s.detail : s.sameDatabaseDetail};
        for (int c = 0; c < ColumnCount; ++c)
            m_table->setItem(r, c, new QTableWidgetItem(cells.at(c)));
    }
    m_table->setVisible(!statuses.isEmpty());
    m_answered = ok;
    m_hint->setText(tr("%1 of %2 answered.").arg(ok).arg(countOf(statuses.size(), tr("instance"), tr("instances"))));
    emit instancesChecked();
}

} // namespace mk::ui
