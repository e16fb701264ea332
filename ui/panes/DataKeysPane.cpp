#include "ui/panes/DataKeysPane.h"

#include "model/items/DataKeysTableModel.h"
#include "model/items/SecretQuery.h"
#include "ui/common/TableViews.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMap>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace mk::ui {

namespace {
// "2": the Store column was added; widths saved for the older columns do not apply.
const auto kHeaderKey = QStringLiteral("dataKeysPane/headerState2");
}

DataKeysPane::DataKeysPane(QWidget* parent)
    : QWidget(parent)
    , m_model(new model::DataKeysTableModel(this))
    , m_storeCombo(new QComboBox(this))
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
    // Id fits a secrets-manager uid (36 characters), Label a legacy one; Created ends at 1024 px.
    setUpReadOnlyTable(m_view, {290, 110, 210, 95, 90, 55, 150, 150, 85, 120}, kHeaderKey);

    m_storeCombo->setObjectName(QStringLiteral("dataKeysStoreFilterCombo"));
    m_storeCombo->setAccessibleName(tr("Store filter"));
    m_storeCombo->setToolTip(tr("Show the data keys of one store: the legacy data_keys table or the "
                                "secrets manager's secret_data_key"));
    m_storeCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_storeCombo->addItem(tr("All stores"), QString());
    m_storeCombo->addItem(tr("Legacy"), QString::fromLatin1(model::kStoreLegacy));
    m_storeCombo->addItem(tr("Secrets manager"), QString::fromLatin1(model::kStoreSecretsManager));
    auto* storeLabel = new QLabel(tr("Sto&re:"), this);
    storeLabel->setObjectName(QStringLiteral("dataKeysStoreFilterLabel"));
    storeLabel->setBuddy(m_storeCombo);
    auto* top = new QHBoxLayout;
    top->addWidget(storeLabel);
    top->addWidget(m_storeCombo);
    top->addStretch(1);

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
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    layout->addLayout(bottom);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DataKeysPane::updateActions);
    connect(m_showValuesButton, &QPushButton::clicked, this, [this] {
        const QString id = m_model->idAt(m_view->currentIndex().row());
        if (!id.isEmpty())
            emit showValuesRequested(id);
    });
    connect(m_storeCombo, &QComboBox::currentIndexChanged, this, &DataKeysPane::applyStoreFilter);
    // Rows come and go with the census and the secrets index: hide them again as they arrive.
    connect(m_model, &QAbstractItemModel::modelReset, this, &DataKeysPane::applyStoreFilter);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &DataKeysPane::applyStoreFilter);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &DataKeysPane::applyStoreFilter);
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
    // Uids secrets-manager values name but secret_data_key lacks (the legacy ones come from the
    // secrets index through setMissingKeys).
    QMap<QString, qint64> missing;
    for (const model::GsmValueInfo& value : census.secretsManager.valueList) {
        if (value.problem == model::FailureReason::MissingDataKey && !value.dataKeyId.isEmpty())
            ++missing[value.dataKeyId];
    }
    QList<QPair<QString, qint64>> gsmMissing;
    for (auto it = missing.cbegin(); it != missing.cend(); ++it)
        gsmMissing.append({it.key(), it.value()});
    m_model->setSecretsManagerMissingKeys(gsmMissing);
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

void DataKeysPane::applyStoreFilter()
{
    const QString store = m_storeCombo->currentData().toString();
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString rowStore = m_model->index(row, 0).data(model::DataKeysTableModel::StoreRole).toString();
        m_view->setRowHidden(row, !store.isEmpty() && rowStore != store);
    }
    const QModelIndex current = m_view->currentIndex();
    if (current.isValid() && m_view->isRowHidden(current.row()))
        m_view->setCurrentIndex({});
    updateSummary();
    updateActions();
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
    int shown = 0;
    for (int row = 0; row < m_model->rowCount(); ++row)
        shown += m_view->isRowHidden(row) ? 0 : 1;
    if (shown < m_model->rowCount())
        parts.append(tr("%1 shown (%2)").arg(shown).arg(m_storeCombo->currentText()));
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
