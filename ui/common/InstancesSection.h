#pragma once

#include "model/instances/Instances.h"
#include "model/ops/Liveness.h"

#include <QFutureWatcher>
#include <QGroupBox>
#include <QStringList>

class QLabel;
class QPushButton;
class QTableWidget;

namespace mk::ui {

// Overview section "Live installation" (issue #17): whether a server seems to write to the opened
// database (the census' liveness evidence), and the instances of the console's settings
// ([console] instances, api_token_file, instance_ca) with their state, version and whether they
// use this database; "Check instances" asks them on a worker thread.
class InstancesSection : public QGroupBox
{
    Q_OBJECT

public:
    explicit InstancesSection(QWidget* parent = nullptr);
    ~InstancesSection() override;

    void clear();
    void setLiveness(const model::Liveness& liveness, const QStringList& dataSourceUids);
    // Probes these instances (tests and callers that do not use the settings).
    void checkInstances(const model::InstanceTargets& targets);
    // Probes the instances of the console's settings; shows why when there are none.
    void checkConfiguredInstances();
    bool isChecking() const { return m_watcher.isRunning(); }
    void setLivenessVisible(bool visible);
    // Instances of the last check that answered / all of them.
    int answered() const { return m_answered; }

signals:
    void instancesChecked();

private:
    void onChecked();

    QLabel* m_liveness;
    QLabel* m_hint;
    QTableWidget* m_table;
    QPushButton* m_check;
    QStringList m_dataSourceUids;
    int m_answered = 0;
    QFutureWatcher<QList<model::InstanceStatus>> m_watcher;
};

} // namespace mk::ui
