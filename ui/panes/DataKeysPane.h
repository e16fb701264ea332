#pragma once

#include "model/ops/CensusJob.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace mk::model {
class DataKeysTableModel;
}

namespace mk::ui {

// The data keys with their references and unwrap status; unused keys and ids that values name but
// data_keys lacks stand out. "Show values" asks the secrets pane to filter on one key.
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
    QTableView* view() const { return m_view; }

signals:
    void showValuesRequested(const QString& dataKeyId);
    void rotateRequested();
    void reEncryptDataKeysRequested();

private:
    void updateSummary();
    void updateActions();

    model::DataKeysTableModel* m_model;
    QTableView* m_view;
    QLabel* m_summary;
    QPushButton* m_showValuesButton;
    QPushButton* m_rotateButton;
    QPushButton* m_reEncryptDataKeysButton;
    bool m_haveCensus = false;
};

} // namespace mk::ui
