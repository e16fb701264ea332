#pragma once

#include "model/ModelError.h"
#include "model/Target.h"
#include "ui/main/RecentConnection.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QThreadPool>

#include <optional>

class QComboBox;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QLabel;

namespace mk::ui {

class MessageBanner;
class Prompter;

// Where to connect and which secret key to use. On "Open" it builds a model::OpenRequest, runs
// resolveTarget() (reads files only) and then probes the database off the GUI thread; errors are
// shown in the dialog's own banner. Accepted only when the database opened: target() is ready.
class ConnectionDialog : public QDialog
{
    Q_OBJECT

public:
    enum Page
    {
        SqlitePage,
        PostgresPage,
        MysqlPage,
        ConfigPage,
    };

    explicit ConnectionDialog(Prompter& prompter, QWidget* parent = nullptr);
    ~ConnectionDialog() override;

    void setPage(Page page);
    void setRecentConnections(const QList<RecentConnection>& recent);
    void applyRecent(const RecentConnection& connection);

    const std::optional<model::Target>& target() const { return m_target; }
    RecentConnection connection() const; // what to remember (no password, no key)
    model::OpenRequest buildRequest() const;
    // Environment handed to resolveTarget (tests isolate it).
    void setEnvironment(const QProcessEnvironment& environment) { m_environment = environment; }

signals:
    void probeFinished(bool ok);

public:
    void accept() override;
    void reject() override;
    // At least the minimum width, and as tall as the wrapped notes need at that width.
    QSize sizeHint() const override;

private:
    void onSourceChanged(int index);
    void onTlsModeChanged(int index);
    void onKeySourceChanged(int index);
    void onProbeFinished();
    void setBusy(bool busy);
    void showError(const QString& message);
    // Resizes to the height the contents need at the current width (growing only, unless mayShrink).
    void fitHeight(bool mayShrink);
    QString browse(const QString& title, const QString& filter, const QString& current);

    Prompter& m_prompter;
    QProcessEnvironment m_environment = QProcessEnvironment::systemEnvironment();
    QComboBox* m_recentCombo;
    QComboBox* m_sourceCombo;
    QWidget* m_sourceStack;        // holds the pages; only the current one is visible
    QList<QWidget*> m_sourcePages; // SQLite, server, config
    QLineEdit* m_sqlitePathEdit;
    QLineEdit* m_hostEdit;
    QSpinBox* m_portSpin;
    QLineEdit* m_databaseEdit;
    QLineEdit* m_userEdit;
    QLineEdit* m_dbPasswordEdit;
    QComboBox* m_tlsCombo;
    QWidget* m_caFileRow;
    QLineEdit* m_caFileEdit;
    QLabel* m_serverHint;
    QLineEdit* m_configPathEdit;
    QComboBox* m_keySourceCombo;
    QWidget* m_keyFileRow;
    QLineEdit* m_keyFileEdit;
    QLineEdit* m_secretKeyEdit;
    QLabel* m_keyHint;
    MessageBanner* m_banner;
    QPushButton* m_openButton;
    QPushButton* m_cancelButton;
    QList<RecentConnection> m_recent;

    QThreadPool m_pool;
    QFutureWatcher<model::Result<QString>> m_probe;
    std::optional<model::Target> m_pending;
    std::optional<model::Target> m_target;
};

} // namespace mk::ui
