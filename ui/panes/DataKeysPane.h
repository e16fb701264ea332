#pragma once

#include "model/ops/CensusJob.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace mk::model {
class DataKeysTableModel;
}

namespace mk::ui {

// The data keys of both stores (data_keys and the secrets manager's secret_data_key) with their
// references and unwrap status; unused keys and ids that values name but the key table lacks stand
// out. A Store filter shows one store; "Show values" asks the secrets pane to filter on one key.
class DataKeysPane : public QWidget
{
    Q_OBJECT

public:
    explicit DataKeysPane(QWidget* parent = nullptr);
    ~DataKeysPane() override;

    void clear();
    void setCensus(const model::CensusResult& census);
    void setMissingKeys(const QList<QPair<QString, qint64>>& missing);
    // Data key id -> the preflight's health ("suspect" keys are shown in red, not green).
    void setKeyHealth(const QHash<QString, QString>& health);

    model::DataKeysTableModel* model() const { return m_model; }
    QComboBox* storeFilter() const { return m_storeCombo; }
    QTableView* view() const { return m_view; }

signals:
    void showValuesRequested(const QString& dataKeyId);
    void rotateRequested();
    void reEncryptDataKeysRequested();

private:
    void updateSummary();
    void applyStoreFilter();
    void updateActions();

    model::DataKeysTableModel* m_model;
    QComboBox* m_storeCombo;
    QTableView* m_view;
    QLabel* m_summary;
    QPushButton* m_showValuesButton;
    QPushButton* m_rotateButton;
    QPushButton* m_reEncryptDataKeysButton;
    bool m_haveCensus = false;
};

} // namespace mk::ui
