#pragma once

#include "model/ops/CensusJob.h"
#include "model/ops/VerifyJob.h"

#include <QWidget>

class QFormLayout;
class QGridLayout;
class QLabel;
class QTableWidget;

namespace mk::ui {

class HealthTile;
class InstancesSection;
class ValuesChart;

// Where the database is, its schema era, the KEK provider and algorithm, health tiles and two
// small charts (values per data key, per format), then the per-location census.
class OverviewPane : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewPane(QWidget* parent = nullptr);

    void clear();
    void setLoading(const QString& databaseName);
    void setCensus(const model::CensusResult& census, const QString& secretKeyOrigin);
    void setVerifyResult(const model::VerifyResult& result);
    void setError(const QString& message);

    HealthTile* tile(const QString& objectName) const;
    InstancesSection* instancesSection() const { return m_instances; }

    // Tiles per row for a pane this wide: all six, or two rows of three (or three of two) in a
    // narrow window rather than a sideways scroll.
    static int tileColumnsFor(int width);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void setSecretsManager(const model::GsmCensus& gsm);
    void layOutTiles(int columns);
    QLabel* m_title;
    QLabel* m_subtitle;
    QLabel* m_location;
    QLabel* m_driver;
    QLabel* m_schema;
    QLabel* m_keyOrigin;
    QLabel* m_provider;
    QLabel* m_algorithm;
    QLabel* m_envelope;
    QLabel* m_cacheTtl;
    // The secrets-manager store (secret_* tables).
    QLabel* m_gsmStore;
    QLabel* m_gsmValues;
    QLabel* m_gsmKeys;
    QLabel* m_gsmNamespaces;
    QFormLayout* m_gsmForm = nullptr;
    HealthTile* m_valuesTile;
    HealthTile* m_envelopeTile;
    HealthTile* m_legacyTile;
    HealthTile* m_undecryptableTile;
    HealthTile* m_orphanedTile;
    HealthTile* m_unusedTile;
    QList<HealthTile*> m_tiles;
    QGridLayout* m_tilesLayout = nullptr;
    int m_tileColumns = 0;
    ValuesChart* m_perKeyChart;
    ValuesChart* m_perFormatChart;
    QTableWidget* m_locations;
    InstancesSection* m_instances;
    qint64 m_structuralProblems = 0;
};

} // namespace mk::ui
