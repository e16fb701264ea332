#include "ui/panes/OverviewPane.h"

#include "model/ops/ValueRecord.h"
#include "ui/panes/HealthTile.h"
#include "ui/panes/ValuesChart.h"
#include "ui/common/GuiWording.h"
#include "ui/common/InstancesSection.h"
#include "ui/common/Plural.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mk::ui {

namespace {

constexpr int kContentMargin = 16;
constexpr int kTileSpacing = 10;

QLabel* valueLabel(QWidget* parent, const char* objectName)
{
    auto* label = new QLabel(QStringLiteral("—"), parent);
    label->setObjectName(QString::fromLatin1(objectName));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

} // namespace

OverviewPane::OverviewPane(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("overviewPane"));
    setAccessibleName(tr("Overview"));

    auto* content = new QWidget;
    content->setObjectName(QStringLiteral("overviewContent"));

    m_title = new QLabel(tr("No database open"), content);
    m_title->setObjectName(QStringLiteral("overviewTitleLabel"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_subtitle = new QLabel(tr("Open a database with File ▸ Open database… (Ctrl+O)."), content);
    m_subtitle->setObjectName(QStringLiteral("overviewSubtitleLabel"));
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_subtitle->setWordWrap(true); // an error message can be long

    auto* dbGroup = new QGroupBox(tr("Database"), content);
    auto* dbForm = new QFormLayout(dbGroup);
    m_location = valueLabel(dbGroup, "locationValueLabel");
    m_driver = valueLabel(dbGroup, "driverValueLabel");
    m_schema = valueLabel(dbGroup, "schemaValueLabel");
    m_keyOrigin = valueLabel(dbGroup, "keyOriginValueLabel");
    dbForm->addRow(tr("Location:"), m_location);
    dbForm->addRow(tr("Driver:"), m_driver);
    dbForm->addRow(tr("Schema:"), m_schema);
    dbForm->addRow(tr("Secret key:"), m_keyOrigin);

    auto* encGroup = new QGroupBox(tr("Encryption"), content);
    auto* encForm = new QFormLayout(encGroup);
    m_provider = valueLabel(encGroup, "providerValueLabel");
    m_algorithm = valueLabel(encGroup, "algorithmValueLabel");
    m_envelope = valueLabel(encGroup, "envelopeValueLabel");
    m_cacheTtl = valueLabel(encGroup, "cacheTtlValueLabel");
    encForm->addRow(tr("KEK provider:"), m_provider);
    encForm->addRow(tr("Algorithm:"), m_algorithm);
    encForm->addRow(tr("Envelope encryption:"), m_envelope);
    encForm->addRow(tr("Data-key cache TTL:"), m_cacheTtl);

    auto* gsmGroup = new QGroupBox(tr("Secrets manager (secret_* tables)"), content);
    gsmGroup->setObjectName(QStringLiteral("secretsManagerGroup"));
    auto* gsmForm = new QFormLayout(gsmGroup);
    m_gsmForm = gsmForm;
    m_gsmStore = valueLabel(gsmGroup, "gsmStoreValueLabel");
    m_gsmValues = valueLabel(gsmGroup, "gsmValuesValueLabel");
    m_gsmKeys = valueLabel(gsmGroup, "gsmDataKeysValueLabel");
    m_gsmNamespaces = valueLabel(gsmGroup, "gsmNamespacesValueLabel");
    gsmForm->addRow(tr("Store:"), m_gsmStore);
    gsmForm->addRow(tr("Values:"), m_gsmValues);
    gsmForm->addRow(tr("Data keys per provider:"), m_gsmKeys);
    gsmForm->addRow(tr("Namespaces:"), m_gsmNamespaces);

    auto* infoRow = new QHBoxLayout;
    infoRow->addWidget(dbGroup, 3);
    infoRow->addWidget(encGroup, 2);

    const auto makeTile = [content](const QString& caption, const char* name) {
        auto* tile = new HealthTile(caption, content);
        tile->setObjectName(QString::fromLatin1(name));
        return tile;
    };
    m_valuesTile = makeTile(tr("Values"), "valuesTile");
    m_envelopeTile = makeTile(tr("Envelope"), "envelopeTile");
    m_legacyTile = makeTile(tr("Legacy"), "legacyTile");
    m_undecryptableTile = makeTile(tr("Undecryptable"), "undecryptableTile");
    m_orphanedTile = makeTile(tr("Orphaned references"), "orphanedTile");
    m_unusedTile = makeTile(tr("Unused data keys"), "unusedKeysTile");
    auto* tiles = new QGridLayout;
    tiles->setSpacing(kTileSpacing);
    m_tilesLayout = tiles;
    m_tiles = {m_valuesTile, m_envelopeTile, m_legacyTile, m_undecryptableTile, m_orphanedTile, m_unusedTile};
    layOutTiles(int(m_tiles.size()));

    m_perKeyChart = new ValuesChart(tr("Values per data key"), content);
    m_perKeyChart->setObjectName(QStringLiteral("perKeyChart"));
    m_perFormatChart = new ValuesChart(tr("Values per format"), content);
    m_perFormatChart->setObjectName(QStringLiteral("perFormatChart"));
    m_perFormatChart->setAccent(QColor(0x8e, 0x5c, 0xd9));
    auto* charts = new QHBoxLayout;
    charts->setSpacing(10);
    charts->addWidget(m_perKeyChart, 1, Qt::AlignTop);
    charts->addWidget(m_perFormatChart, 1, Qt::AlignTop);

    m_locations = new QTableWidget(0, 8, content);
    m_locations->setObjectName(QStringLiteral("locationsTable"));
    m_locations->setAccessibleName(tr("Secret locations"));
    m_locations->setHorizontalHeaderLabels({tr("Location"), tr("Rows"), tr("Values"), tr("Empty"),
                                            tr("Legacy"), tr("Envelope"), tr("Orphaned"),
                                            tr("Malformed")});
    m_locations->verticalHeader()->hide();
    m_locations->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_locations->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_locations->setAlternatingRowColors(true);
    m_locations->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 8; ++c)
        m_locations->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_locations->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_locations->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_instances = new InstancesSection(content);
    auto* locationsTitle = new QLabel(tr("Secret locations"), content);
    QFont sectionFont = locationsTitle->font();
    sectionFont.setWeight(QFont::DemiBold);
    locationsTitle->setFont(sectionFont);

    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(kContentMargin, 14, kContentMargin, 16);
    layout->setSpacing(12);
    auto* titleBox = new QVBoxLayout;
    titleBox->setSpacing(2);
    titleBox->addWidget(m_title);
    titleBox->addWidget(m_subtitle);
    layout->addLayout(titleBox);
    layout->addLayout(infoRow);
    layout->addWidget(gsmGroup);
    layout->addLayout(tiles);
    layout->addLayout(charts);
    layout->addWidget(locationsTitle);
    layout->addWidget(m_locations);
    layout->addWidget(m_instances);
    layout->addStretch(1);

    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("overviewScrollArea"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    clear();
}

int OverviewPane::tileColumnsFor(int width)
{
    // The content's side margins and a vertical scroll bar's worth of room.
    const int available = width - 2 * kContentMargin - 20;
    for (const int columns : {6, 3, 2}) {
        if (columns * HealthTile::kMinimumWidth + (columns - 1) * kTileSpacing <= available)
            return columns;
    }
    return 2;
}

void OverviewPane::layOutTiles(int columns)
{
    if (columns == m_tileColumns)
        return;
    m_tileColumns = columns;
    for (HealthTile* t : std::as_const(m_tiles))
        m_tilesLayout->removeWidget(t);
    for (int i = 0; i < m_tiles.size(); ++i)
        m_tilesLayout->addWidget(m_tiles.at(i), i / columns, i % columns);
    for (int c = 0; c < 6; ++c)
        m_tilesLayout->setColumnStretch(c, c < columns ? 1 : 0);
}

void OverviewPane::resizeEvent(QResizeEvent* event)
{
    layOutTiles(tileColumnsFor(width()));
    QWidget::resizeEvent(event);
}

HealthTile* OverviewPane::tile(const QString& objectName) const
{
    return findChild<HealthTile*>(objectName);
}

void OverviewPane::clear()
{
    m_title->setText(tr("No database open"));
    m_subtitle->setText(tr("Open a database with File ▸ Open database… (Ctrl+O)."));
    for (QLabel* label : {m_location, m_driver, m_schema, m_keyOrigin, m_provider, m_algorithm,
                          m_envelope, m_cacheTtl, m_gsmStore, m_gsmValues, m_gsmKeys, m_gsmNamespaces})
        label->setText(QStringLiteral("—"));
    for (HealthTile* tile : findChildren<HealthTile*>())
        tile->setValue(QStringLiteral("—"), HealthTile::Tone::Neutral);
    m_perKeyChart->setEntries({});
    m_perFormatChart->setEntries({});
    m_locations->setRowCount(0);
    m_instances->clear();
    m_structuralProblems = 0;
}

void OverviewPane::setLoading(const QString& databaseName)
{
    clear();
    m_title->setText(databaseName);
    m_subtitle->setText(tr("Reading the census…"));
}

void OverviewPane::setError(const QString& message)
{
    m_subtitle->setText(message);
}

void OverviewPane::setSecretsManager(const model::GsmCensus& gsm)
{
    // Without the store one line says so; the empty rows would only take the room of the tiles.
    for (QLabel* label : {m_gsmValues, m_gsmKeys, m_gsmNamespaces})
        m_gsmForm->setRowVisible(label, gsm.present);
    if (!gsm.present) {
        m_gsmStore->setText(tr("not present (no secret_* tables)"));
        for (QLabel* label : {m_gsmValues, m_gsmKeys, m_gsmNamespaces})
            label->clear();
        return;
    }
    const QString layout = gsm.dataKeyIdColumn ? tr("key id in data_key_id (Grafana ≥ 12.3)")
                                               : tr("key id prefix #id# (Grafana ≤ 12.2)");
    const QString provider = gsm.currentProviderConfigured
                                 ? tr("current provider %1").arg(gsm.encryptionProvider)
                                 : tr("current provider %1 is NOT configured").arg(gsm.encryptionProvider);
    m_gsmStore->setText(layout + QStringLiteral("; ") + provider);
    QString values = gsm.values == 1 ? tr("1 value") : tr("%1 values").arg(gsm.values);
    if (gsm.externalValues > 0)
        values += QStringLiteral(", ") + tr("%1 more kept by an external keeper").arg(gsm.externalValues);
    if (gsm.orphaned + gsm.malformed > 0)
        values += QStringLiteral(", ") + tr("%1 without a usable data key").arg(gsm.orphaned + gsm.malformed);
    m_gsmValues->setText(values);
    QStringList keys;
    for (auto it = gsm.dataKeysPerProvider.cbegin(); it != gsm.dataKeysPerProvider.cend(); ++it)
        keys << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
    m_gsmKeys->setText(keys.isEmpty() ? tr("none") : keys.join(QStringLiteral(", ")));
    QStringList namespaces;
    for (auto it = gsm.valuesPerNamespace.cbegin(); it != gsm.valuesPerNamespace.cend(); ++it)
        namespaces << QStringLiteral("%1 (%2)").arg(it.key()).arg(it.value());
    m_gsmNamespaces->setText(namespaces.isEmpty() ? tr("none") : namespaces.join(QStringLiteral(", ")));
}

void OverviewPane::setCensus(const model::CensusResult& census, const QString& secretKeyOrigin)
{
    setSecretsManager(census.secretsManager);
    using Tone = HealthTile::Tone;
    const model::CensusTotals& t = census.totals;
    const int presentLocations = int(std::count_if(census.locations.cbegin(), census.locations.cend(),
                                                   [](const model::LocationCensus& l) {
                                                       return l.present && l.values > 0;
                                                   }));
    QString title = census.location;
    if (census.driver == QLatin1String("sqlite"))
        title = QFileInfo(census.location.startsWith(QLatin1String("sqlite:")) ? census.location.mid(7)
                                                                              : census.location)
                    .fileName();
    m_title->setText(title);
    m_subtitle->setText(tr("%1 in %2 · %3")
                            .arg(countOf(t.values, tr("value"), tr("values")),
                                 countOf(presentLocations, tr("location"), tr("locations")),
                                 countOf(census.dataKeys.size(), tr("data key"), tr("data keys"))));
    m_location->setText(census.location);
    m_driver->setText(census.driver);
    m_schema->setText(census.schema.isEmpty() ? tr("unknown") : census.schema);
    m_keyOrigin->setText(census.defaultSecretKey
                             ? tr("the public default (SW2YcwTIb9zpOOhoPsMm) — change it")
                             : guiWording(secretKeyOrigin));
    m_instances->setLiveness(census.liveness, census.dataSourceUids);
    m_provider->setText(census.encryptionProvider);
    m_algorithm->setText(census.algorithm);
    m_envelope->setText(census.envelopeEncryption ? tr("on") : tr("off (disableEnvelopeEncryption)"));
    m_cacheTtl->setText(tr("%1 s").arg(census.dataKeysCacheTtlSeconds));

    m_valuesTile->setValue(number(t.values), Tone::Neutral, tr("non-empty encrypted values"));
    m_envelopeTile->setValue(number(t.envelope), Tone::Good, tr("under data keys"));
    m_legacyTile->setValue(number(t.legacy), t.legacy > 0 ? Tone::Warning : Tone::Good,
                           t.legacy > 0 ? tr("directly under the secret key") : tr("none"));
    m_structuralProblems = t.orphaned + t.malformed;
    m_undecryptableTile->setValue(number(m_structuralProblems),
                                  m_structuralProblems > 0 ? Tone::Bad : Tone::Neutral,
                                  tr("found without decrypting; run Verify to check all"));
    m_orphanedTile->setValue(number(t.orphaned), t.orphaned > 0 ? Tone::Bad : Tone::Good,
                             tr("values naming a missing data key"));
    m_unusedTile->setValue(number(t.unusedDataKeys), t.unusedDataKeys > 0 ? Tone::Warning : Tone::Good,
                           tr("referenced by no value"));

    QList<QPair<QString, qint64>> perKey;
    for (const model::DataKeyInfo& key : census.dataKeys) {
        const QString label = key.label.isEmpty() ? key.id : key.label;
        perKey.append({label, key.references});
    }
    if (t.legacy > 0)
        perKey.append({tr("(secret key, legacy)"), t.legacy});
    m_perKeyChart->setEntries(perKey);

    QList<QPair<QString, qint64>> perFormat;
    for (const auto& [token, count] : census.valuesPerFormat) {
        QString label = token;
        for (model::ValueFormat f : {model::ValueFormat::LegacyCfb, model::ValueFormat::LegacyCfbPrefixed,
                                     model::ValueFormat::LegacyGcm, model::ValueFormat::EnvelopeCfb,
                                     model::ValueFormat::EnvelopeCfbPrefixed,
                                     model::ValueFormat::EnvelopeGcm, model::ValueFormat::Malformed}) {
            if (model::formatToken(f) == token)
                label = model::formatLabel(f);
        }
        perFormat.append({label, count});
    }
    m_perFormatChart->setEntries(perFormat);

    m_locations->setRowCount(0);
    for (const model::LocationCensus& l : census.locations) {
        if (!l.present)
            continue;
        const int row = m_locations->rowCount();
        m_locations->insertRow(row);
        m_locations->setItem(row, 0, new QTableWidgetItem(l.table + QLatin1Char('.') + l.column));
        const qint64 cells[] = {l.rows, l.values, l.empty, l.legacy, l.envelope, l.orphaned, l.malformed};
        for (int c = 0; c < 7; ++c) {
            auto* item = new QTableWidgetItem(number(cells[c]));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_locations->setItem(row, c + 1, item);
        }
    }
    m_locations->setMinimumHeight(m_locations->horizontalHeader()->height()
                                  + m_locations->rowCount() * m_locations->verticalHeader()->defaultSectionSize()
                                  + 4);
}

void OverviewPane::setVerifyResult(const model::VerifyResult& result)
{
    using Tone = HealthTile::Tone;
    if (result.canceled)
        return;
    m_undecryptableTile->setValue(number(result.failed), result.failed > 0 ? Tone::Bad : Tone::Good,
                                  tr("verified: %1 of %2 decrypt")
                                      .arg(number(result.ok), number(result.checked)));
}

} // namespace mk::ui
