#include "ui/panes/DataKeysPane.h"

#include "model/items/DataKeysTableModel.h"
#include "ui/common/TableViews.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace mk::ui {

namespace {
const auto kHeaderKey = QStringLiteral("dataKeysPane/headerState");
}

DataKeysPane::DataKeysPane(QWidget* parent)
    : QWidget(parent)
    , m_model(new model::DataKeysTableModel(this))
    , m_view(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_showValuesButton(new QPushButton(tr("Sho&w values"), this))
    , m_rotateButton(new QPushButton(tr("Ro&tate…"), this))
    , m_reEncryptDataKeysButton(new QPushButton(tr("Re-encrypt &data keys…"), this))
{
    setObjectName(QStringLiteral("dataKeysPane"));
    setAccessibleName(tr("Data keys"));
    m_model->setObjectName(QStringLiteral("dataKeysModel"));
    m_view->setObjectName(QStringLiteral("dataKeysView"));
    m_view->setAccessibleName(tr("Data keys"));
    m_view->setModel(m_model);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    setUpReadOnlyTable(m_view, {215, 235, 105, 65, 60, 150, 150, 85, 120}, kHeaderKey);

    m_summary->setObjectName(QStringLiteral("dataKeysSummaryLabel"));
    m_summary->setWordWrap(true);
    m_showValuesButton->setObjectName(QStringLiteral("showValuesButton"));
    m_showValuesButton->setAccessibleName(tr("Show the values of the selected data key"));

    m_rotateButton->setObjectName(QStringLiteral("rotateButton"));
    m_rotateButton->setAccessibleName(tr("Rotate the data keys"));
    m_rotateButton->setToolTip(tr("Deactivate the active data keys (new ones are created on demand)"));
    m_reEncryptDataKeysButton->setObjectName(QStringLiteral("reEncryptDataKeysButton"));
    m_reEncryptDataKeysButton->setAccessibleName(tr("Re-encrypt the data keys"));
    m_reEncryptDataKeysButton->setToolTip(tr("Wrap every data key again (another KEK provider or a new "
                                             "secret key)"));

    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_summary, 1);
    bottom->addWidget(m_showValuesButton);
    bottom->addSpacing(12);
    bottom->addWidget(m_rotateButton);
    bottom->addWidget(m_reEncryptDataKeysButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->addWidget(m_view, 1);
    layout->addLayout(bottom);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DataKeysPane::updateActions);
    connect(m_showValuesButton, &QPushButton::clicked, this, [this] {
        const QString id = m_model->idAt(m_view->currentIndex().row());
        if (!id.isEmpty())
            emit showValuesRequested(id);
    });
    connect(m_rotateButton, &QPushButton::clicked, this, &DataKeysPane::rotateRequested);
    connect(m_reEncryptDataKeysButton, &QPushButton::clicked, this, &DataKeysPane::reEncryptDataKeysRequested);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const QString id = m_model->idAt(index.row());
        if (!id.isEmpty())
            emit showValuesRequested(id);
    });
    clear();
}

DataKeysPane::~DataKeysPane()
{
    saveHeaderState(m_view, kHeaderKey);
}

void DataKeysPane::clear()
{
    m_haveCensus = false;
    m_model->clear();
    updateSummary();
    updateActions();
}

void DataKeysPane::setCensus(const model::CensusResult& census)
{
    m_haveCensus = true;
    m_model->setDataKeys(census.dataKeys);
    updateSummary();
    updateActions();
}

void DataKeysPane::setMissingKeys(const QList<QPair<QString, qint64>>& missing)
{
    m_model->setMissingKeys(missing);
    updateSummary();
}

void DataKeysPane::setKeyHealth(const QHash<QString, QString>& health)
{
    m_model->setKeyHealth(health);
    updateSummary();
}

void DataKeysPane::updateSummary()
{
    const int keys = m_model->rowCount() - m_model->missingCount();
    if (m_model->rowCount() == 0) {
        m_summary->setText(tr("No data keys."));
        return;
    }
    QStringList parts;
    parts.append(keys == 1 ? tr("1 data key") : tr("%1 data keys").arg(keys));
    const int unused = m_model->unusedCount();
    if (unused > 0)
        parts.append(unused == 1 ? tr("1 unused (amber)") : tr("%1 unused (amber)").arg(unused));
    const int suspect = m_model->suspectCount();
    if (suspect > 0)
        parts.append(suspect == 1 ? tr("1 whose values do not decrypt (red)")
                                  : tr("%1 whose values do not decrypt (red)").arg(suspect));
    const int missing = m_model->missingCount();
    if (missing > 0)
        parts.append(missing == 1 ? tr("1 id referenced but missing (red)")
                                  : tr("%1 ids referenced but missing (red)").arg(missing));
    m_summary->setText(parts.join(QStringLiteral(" · ")));
}

void DataKeysPane::updateActions()
{
    m_rotateButton->setEnabled(m_haveCensus);
    m_reEncryptDataKeysButton->setEnabled(m_haveCensus);
    const QModelIndex current = m_view->currentIndex();
    m_showValuesButton->setEnabled(current.isValid()
                                   && m_model->data(current, model::DataKeysTableModel::ReferencesRole)
                                           .toLongLong()
                                       > 0);
}

} // namespace mk::ui
