#include "ui/main/ConnectionDialog.h"

#include "model/TargetProbe.h"
#include "ui/common/MessageBanner.h"
#include "ui/common/Prompter.h"
#include "ui/common/SecretFields.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace mk::ui {

namespace {

// A line edit with a button; the row passes focus (and its label's mnemonic) to the edit.
QWidget* fileRow(QWidget* parent, QLineEdit* edit, QPushButton* button)
{
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    layout->addWidget(button);
    row->setFocusProxy(edit);
    return row;
}

// A form label whose mnemonic focuses `buddy` (a row container cannot take the focus itself).
QLabel* buddyLabel(const QString& text, QWidget* buddy, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

// A page (or group) laid out as a form with wrapped notes below it. The notes are not form rows:
// QFormLayout gives a word-wrapped label the height of its narrow size hint, which left a gap of
// empty lines under every note (and squeezed the fields when it needed more).
struct NotedForm
{
    QFormLayout* form;
    QVBoxLayout* box;
};

NotedForm notedForm(QWidget* owner, bool margins)
{
    auto* box = new QVBoxLayout(owner);
    if (!margins)
        box->setContentsMargins(0, 0, 0, 0);
    auto* form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    box->addLayout(form);
    return {form, box};
}

void invalidateLayoutTree(QLayout* layout)
{
    layout->invalidate();
    for (int i = 0; i < layout->count(); ++i) {
        if (QLayout* sub = layout->itemAt(i)->layout())
            invalidateLayoutTree(sub);
    }
}

int defaultPort(int page)
{
    return page == ConnectionDialog::PostgresPage ? 5432 : page == ConnectionDialog::MysqlPage ? 3306 : 0;
}

} // namespace

ConnectionDialog::ConnectionDialog(Prompter& prompter, QWidget* parent)
    : QDialog(parent)
    , m_prompter(prompter)
    , m_recentCombo(new QComboBox(this))
    , m_sourceCombo(new QComboBox(this))
    , m_sourceStack(new QWidget(this))
    , m_sqlitePathEdit(new QLineEdit(this))
    , m_hostEdit(new QLineEdit(this))
    , m_portSpin(new QSpinBox(this))
    , m_databaseEdit(new QLineEdit(this))
    , m_userEdit(new QLineEdit(this))
    , m_dbPasswordEdit(new QLineEdit(this))
    , m_tlsCombo(new QComboBox(this))
    , m_caFileRow(nullptr)
    , m_caFileEdit(new QLineEdit(this))
    , m_serverHint(new QLabel(this))
    , m_configPathEdit(new QLineEdit(this))
    , m_keySourceCombo(new QComboBox(this))
    , m_keyFileRow(nullptr)
    , m_keyFileEdit(new QLineEdit(this))
    , m_secretKeyEdit(new QLineEdit(this))
    , m_keyHint(new QLabel(this))
    , m_banner(new MessageBanner(this))
    , m_openButton(new QPushButton(tr("&Open"), this))
    , m_cancelButton(new QPushButton(tr("Cancel"), this))
{
    setObjectName(QStringLiteral("connectionDialog"));
    setWindowTitle(tr("Open Database"));
    setAccessibleName(tr("Open database"));
    m_pool.setMaxThreadCount(1);

    m_recentCombo->setObjectName(QStringLiteral("recentCombo"));
    m_recentCombo->setAccessibleName(tr("Recent connections"));
    // Long server URLs must not widen the dialog: the combo elides them.
    m_recentCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_recentCombo->setMinimumContentsLength(24);
    m_sourceCombo->setObjectName(QStringLiteral("sourceCombo"));
    m_sourceCombo->setAccessibleName(tr("Database source"));
    m_sourceCombo->addItems({tr("SQLite database file"), tr("PostgreSQL server"),
                             tr("MySQL / MariaDB server"), tr("Configuration file (grafana.ini)")});
    m_sourceStack->setObjectName(QStringLiteral("sourceStack"));
    // Not a QStackedWidget: that is as tall as its tallest page (word-wrapped labels included),
    // which left an empty, server-page-sized hole under the one-line SQLite page.
    auto* stackLayout = new QVBoxLayout(m_sourceStack);
    stackLayout->setContentsMargins(0, 0, 0, 0);

    // SQLite page
    m_sqlitePathEdit->setObjectName(QStringLiteral("sqlitePathEdit"));
    m_sqlitePathEdit->setAccessibleName(tr("SQLite database file"));
    m_sqlitePathEdit->setPlaceholderText(tr("/var/lib/grafana/grafana.db"));
    auto* sqliteBrowse = new QPushButton(tr("Browse…"), this);
    sqliteBrowse->setObjectName(QStringLiteral("sqliteBrowseButton"));
    sqliteBrowse->setAccessibleName(tr("Browse for the SQLite file"));
    auto* sqlitePage = new QWidget(this);
    const NotedForm sqliteLayout = notedForm(sqlitePage, false);
    QFormLayout* sqliteForm = sqliteLayout.form;
    sqliteForm->addRow(buddyLabel(tr("&File:"), m_sqlitePathEdit, sqlitePage),
                       fileRow(sqlitePage, m_sqlitePathEdit, sqliteBrowse));
    auto* sqliteNote = new QLabel(tr("Opened read-only; nothing is written until you confirm an "
                                     "operation."),
                                  sqlitePage);
    sqliteNote->setWordWrap(true);
    sqliteNote->setForegroundRole(QPalette::PlaceholderText);
    sqliteNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    QList<std::pair<QVBoxLayout*, QLabel*>> notes{{sqliteLayout.box, sqliteNote}};
    stackLayout->addWidget(sqlitePage);
    m_sourcePages << sqlitePage;

    // Server page (shared by PostgreSQL and MySQL)
    m_hostEdit->setObjectName(QStringLiteral("hostEdit"));
    m_hostEdit->setAccessibleName(tr("Host"));
    m_hostEdit->setText(QStringLiteral("localhost"));
    m_portSpin->setObjectName(QStringLiteral("portSpin"));
    m_portSpin->setAccessibleName(tr("Port"));
    m_portSpin->setRange(0, 65535);
    m_portSpin->setSpecialValueText(tr("default"));
    m_portSpin->setValue(defaultPort(PostgresPage));
    m_databaseEdit->setObjectName(QStringLiteral("databaseEdit"));
    m_databaseEdit->setAccessibleName(tr("Database name"));
    m_databaseEdit->setText(QStringLiteral("grafana"));
    m_userEdit->setObjectName(QStringLiteral("userEdit"));
    m_userEdit->setAccessibleName(tr("User"));
    m_userEdit->setPlaceholderText(QStringLiteral("grafana"));
    m_dbPasswordEdit->setObjectName(QStringLiteral("dbPasswordEdit"));
    m_dbPasswordEdit->setAccessibleName(tr("Database password"));
    m_dbPasswordEdit->setEchoMode(QLineEdit::Password);
    m_tlsCombo->setObjectName(QStringLiteral("tlsCombo"));
    m_tlsCombo->setAccessibleName(tr("TLS mode"));
    m_tlsCombo->addItem(tr("disable — not encrypted"), QStringLiteral("disable"));
    m_tlsCombo->addItem(tr("require — encrypted, certificate not checked"), QStringLiteral("require"));
    m_tlsCombo->addItem(tr("verify-ca — encrypted, certificate signed by the CA"), QStringLiteral("verify-ca"));
    m_tlsCombo->addItem(tr("verify-full — as verify-ca, and the host name matches"),
                        QStringLiteral("verify-full"));
    m_tlsCombo->setCurrentIndex(m_tlsCombo->findData(QStringLiteral("require")));
    m_caFileEdit->setObjectName(QStringLiteral("caFileEdit"));
    m_caFileEdit->setAccessibleName(tr("CA certificate file"));
    m_caFileEdit->setPlaceholderText(tr("CA certificate (PEM) that signed the server's certificate"));
    auto* caBrowse = new QPushButton(tr("Bro&wse…"), this);
    caBrowse->setObjectName(QStringLiteral("caBrowseButton"));
    caBrowse->setAccessibleName(tr("Browse for the CA certificate file"));
    m_serverHint->setObjectName(QStringLiteral("serverHintLabel"));
    m_serverHint->setWordWrap(true);
    m_serverHint->setForegroundRole(QPalette::PlaceholderText);
    m_serverHint->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    auto* serverPage = new QWidget(this);
    const NotedForm serverLayout = notedForm(serverPage, false);
    QFormLayout* serverForm = serverLayout.form;
    auto* hostRow = new QWidget(serverPage);
    auto* hostLayout = new QHBoxLayout(hostRow);
    hostLayout->setContentsMargins(0, 0, 0, 0);
    hostLayout->addWidget(m_hostEdit, 1);
    auto* portLabel = new QLabel(tr("Po&rt:"), hostRow);
    portLabel->setBuddy(m_portSpin);
    hostLayout->addWidget(portLabel);
    hostLayout->addWidget(m_portSpin);
    hostRow->setFocusProxy(m_hostEdit);
    serverForm->addRow(buddyLabel(tr("&Host:"), m_hostEdit, serverPage), hostRow);
    serverForm->addRow(tr("&Database:"), m_databaseEdit);
    serverForm->addRow(tr("&User:"), m_userEdit);
    serverForm->addRow(tr("&Password:"), m_dbPasswordEdit);
    serverForm->addRow(tr("&TLS:"), m_tlsCombo);
    m_caFileRow = fileRow(serverPage, m_caFileEdit, caBrowse);
    serverForm->addRow(buddyLabel(tr("&CA file:"), m_caFileEdit, serverPage), m_caFileRow);
    notes.append({serverLayout.box, m_serverHint});
    stackLayout->addWidget(serverPage);
    m_sourcePages << serverPage;

    // Config page
    m_configPathEdit->setObjectName(QStringLiteral("configPathEdit"));
    m_configPathEdit->setAccessibleName(tr("Configuration file"));
    m_configPathEdit->setPlaceholderText(tr("/etc/grafana/grafana.ini"));
    auto* configBrowse = new QPushButton(tr("Browse…"), this);
    configBrowse->setObjectName(QStringLiteral("configBrowseButton"));
    configBrowse->setAccessibleName(tr("Browse for the configuration file"));
    auto* configPage = new QWidget(this);
    const NotedForm configLayout = notedForm(configPage, false);
    QFormLayout* configForm = configLayout.form;
    configForm->addRow(buddyLabel(tr("&Config:"), m_configPathEdit, configPage),
                       fileRow(configPage, m_configPathEdit, configBrowse));
    auto* configNote = new QLabel(tr("[database] and [security] are read with the server's rules, "
                                     "including GF_* environment overrides."),
                                  configPage);
    configNote->setWordWrap(true);
    configNote->setForegroundRole(QPalette::PlaceholderText);
    configNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    notes.append({configLayout.box, configNote});
    stackLayout->addWidget(configPage);
    m_sourcePages << configPage;

    // Secret key
    m_keySourceCombo->setObjectName(QStringLiteral("keySourceCombo"));
    m_keySourceCombo->setAccessibleName(tr("Secret key source"));
    m_keySourceCombo->addItems({tr("Environment, config file or public default"),
                                tr("Key file"), tr("Type the secret key")});
    m_keyFileEdit->setObjectName(QStringLiteral("keyFileEdit"));
    m_keyFileEdit->setAccessibleName(tr("Secret key file"));
    auto* keyBrowse = new QPushButton(tr("Browse…"), this);
    keyBrowse->setObjectName(QStringLiteral("keyFileBrowseButton"));
    keyBrowse->setAccessibleName(tr("Browse for the secret key file"));
    m_secretKeyEdit->setObjectName(QStringLiteral("secretKeyEdit"));
    m_secretKeyEdit->setAccessibleName(tr("Secret key"));
    m_secretKeyEdit->setEchoMode(QLineEdit::Password);
    m_secretKeyEdit->setPlaceholderText(tr("secret_key of grafana.ini"));
    m_keyHint->setObjectName(QStringLiteral("keyHintLabel"));
    m_keyHint->setWordWrap(true);
    m_keyHint->setForegroundRole(QPalette::PlaceholderText);
    m_keyHint->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    auto* keyGroup = new QGroupBox(tr("Secret key"), this);
    const NotedForm keyLayout = notedForm(keyGroup, true);
    QFormLayout* keyForm = keyLayout.form;
    keyForm->addRow(tr("Ke&y source:"), m_keySourceCombo);
    m_keyFileRow = fileRow(keyGroup, m_keyFileEdit, keyBrowse);
    keyForm->addRow(buddyLabel(tr("Key f&ile:"), m_keyFileEdit, keyGroup), m_keyFileRow);
    keyForm->addRow(tr("&Key:"), m_secretKeyEdit);
    notes.append({keyLayout.box, m_keyHint});

    auto* dbGroup = new QGroupBox(tr("Database"), this);
    // The pages sit below the form, not in a spanning form row: QFormLayout lays such a row out
    // at its size hint even when its wrapped notes need more height.
    const NotedForm dbGroupLayout = notedForm(dbGroup, true);
    QFormLayout* dbLayout = dbGroupLayout.form;
    dbLayout->addRow(tr("R&ecent:"), m_recentCombo);
    dbLayout->addRow(tr("&Source:"), m_sourceCombo);
    dbGroupLayout.box->addWidget(m_sourceStack);

    // One label column for all forms, so that fields line up across the pages and both groups.
    const QList<QFormLayout*> forms{dbLayout, sqliteForm, serverForm, configForm, keyForm};
    QList<QWidget*> labels;
    int labelWidth = 0;
    for (QFormLayout* form : forms) {
        for (int row = 0; row < form->rowCount(); ++row) {
            if (QLayoutItem* item = form->itemAt(row, QFormLayout::LabelRole); item && item->widget()) {
                labels << item->widget();
                labelWidth = std::max(labelWidth, item->widget()->sizeHint().width());
            }
        }
    }
    for (QWidget* label : std::as_const(labels))
        label->setMinimumWidth(labelWidth);
    // Notes start where the fields start.
    for (const auto& [box, note] : std::as_const(notes)) {
        auto* row = new QHBoxLayout;
        row->addSpacing(labelWidth + dbLayout->horizontalSpacing());
        row->addWidget(note, 1);
        box->addLayout(row);
    }

    m_banner->setObjectName(QStringLiteral("connectionBanner"));
    m_openButton->setObjectName(QStringLiteral("openButton"));
    m_openButton->setDefault(true);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(m_openButton, QDialogButtonBox::AcceptRole);
    buttons->addButton(m_cancelButton, QDialogButtonBox::RejectRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectionDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(dbGroup);
    layout->addWidget(keyGroup);
    layout->addWidget(m_banner);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(560);

    connect(m_sourceCombo, &QComboBox::currentIndexChanged, this, &ConnectionDialog::onSourceChanged);
    connect(m_tlsCombo, &QComboBox::currentIndexChanged, this, &ConnectionDialog::onTlsModeChanged);
    connect(m_keySourceCombo, &QComboBox::currentIndexChanged, this,
            &ConnectionDialog::onKeySourceChanged);
    connect(m_recentCombo, &QComboBox::activated, this, [this](int index) {
        const int i = m_recentCombo->itemData(index).toInt();
        if (i >= 0 && i < m_recent.size())
            applyRecent(m_recent.at(i));
    });
    connect(sqliteBrowse, &QPushButton::clicked, this, [this] {
        const QString path = browse(tr("Open SQLite Database"),
                                    tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"),
                                    m_sqlitePathEdit->text());
        if (!path.isEmpty())
            m_sqlitePathEdit->setText(path);
    });
    connect(configBrowse, &QPushButton::clicked, this, [this] {
        const QString path = browse(tr("Open Configuration"), tr("Ini files (*.ini);;All files (*)"),
                                    m_configPathEdit->text());
        if (!path.isEmpty())
            m_configPathEdit->setText(path);
    });
    connect(caBrowse, &QPushButton::clicked, this, [this] {
        const QString path = browse(tr("CA Certificate"),
                                    tr("Certificates (*.pem *.crt *.cer);;All files (*)"),
                                    m_caFileEdit->text());
        if (!path.isEmpty())
            m_caFileEdit->setText(path);
    });
    connect(keyBrowse, &QPushButton::clicked, this, [this] {
        const QString path = browse(tr("Secret Key File"), tr("All files (*)"), m_keyFileEdit->text());
        if (!path.isEmpty())
            m_keyFileEdit->setText(path);
    });
    connect(&m_probe, &QFutureWatcherBase::finished, this, &ConnectionDialog::onProbeFinished);

    // Keyboard order follows the form, page by page (hidden pages are skipped).
    const QList<QWidget*> tabOrder{m_recentCombo, m_sourceCombo, m_sqlitePathEdit, sqliteBrowse, m_hostEdit,
                                   m_portSpin, m_databaseEdit, m_userEdit, m_dbPasswordEdit, m_tlsCombo,
                                   m_caFileEdit, caBrowse, m_configPathEdit, configBrowse, m_keySourceCombo,
                                   m_keyFileEdit, keyBrowse, m_secretKeyEdit, m_openButton, m_cancelButton};
    for (qsizetype i = 1; i < tabOrder.size(); ++i)
        QWidget::setTabOrder(tabOrder.at(i - 1), tabOrder.at(i));

    setRecentConnections({});
    onSourceChanged(0);
    onTlsModeChanged(m_tlsCombo->currentIndex());
    onKeySourceChanged(0);
}

ConnectionDialog::~ConnectionDialog()
{
    m_probe.cancel();
    m_probe.waitForFinished();
    if (m_pending)
        m_pending->secretKey.fill('\0');
    if (m_target)
        m_target->secretKey.fill('\0'); // our copy; a caller's copy detaches and stays intact
    wipeLineEdits({m_secretKeyEdit, m_dbPasswordEdit});
}

QString ConnectionDialog::browse(const QString& title, const QString& filter, const QString& current)
{
    const QString dir = current.isEmpty() ? QString() : QFileInfo(current).absolutePath();
    return m_prompter.chooseOpenFile(this, title, dir, filter);
}

void ConnectionDialog::setPage(Page page)
{
    m_sourceCombo->setCurrentIndex(int(page));
}

void ConnectionDialog::setRecentConnections(const QList<RecentConnection>& recent)
{
    m_recent = recent;
    m_recentCombo->clear();
    if (recent.isEmpty()) {
        m_recentCombo->addItem(tr("(no recent connections)"), -1);
        m_recentCombo->setEnabled(false);
        return;
    }
    m_recentCombo->setEnabled(true);
    m_recentCombo->addItem(tr("Choose a recent connection…"), -1);
    for (int i = 0; i < recent.size(); ++i)
        m_recentCombo->addItem(recent.at(i).label(), i);
}

void ConnectionDialog::applyRecent(const RecentConnection& c)
{
    switch (c.kind) {
    case RecentConnection::Kind::Sqlite:
        setPage(SqlitePage);
        m_sqlitePathEdit->setText(c.path);
        break;
    case RecentConnection::Kind::Config:
        setPage(ConfigPage);
        m_configPathEdit->setText(c.path);
        break;
    case RecentConnection::Kind::Postgres:
    case RecentConnection::Kind::Mysql:
        setPage(c.kind == RecentConnection::Kind::Postgres ? PostgresPage : MysqlPage);
        m_hostEdit->setText(c.host);
        m_portSpin->setValue(c.port);
        m_databaseEdit->setText(c.database);
        m_userEdit->setText(c.user);
        wipeLineEdits({m_dbPasswordEdit});
        if (const int i = m_tlsCombo->findData(c.tlsMode); i >= 0)
            m_tlsCombo->setCurrentIndex(i);
        m_caFileEdit->setText(c.caFile);
        break;
    }
    m_keySourceCombo->setCurrentIndex(int(c.keySource));
    m_keyFileEdit->setText(c.keyFile);
    wipeLineEdits({m_secretKeyEdit});
}

void ConnectionDialog::onSourceChanged(int index)
{
    const int current = index == ConfigPage ? 2 : index == SqlitePage ? 0 : 1;
    for (qsizetype i = 0; i < m_sourcePages.size(); ++i)
        m_sourcePages.at(i)->setVisible(i == current);
    if (index == PostgresPage || index == MysqlPage) {
        // The other engine's default port (or none) follows the engine; a typed port stays.
        const int other = defaultPort(index == PostgresPage ? MysqlPage : PostgresPage);
        if (m_portSpin->value() == 0 || m_portSpin->value() == other)
            m_portSpin->setValue(defaultPort(index));
        m_serverHint->setText(index == MysqlPage
                                  ? tr("Opened read-only. For MySQL/MariaDB, “localhost” is the local "
                                       "Unix socket; use 127.0.0.1 for TCP.")
                                  : tr("Opened read-only; nothing is written until you confirm an "
                                       "operation."));
    }
    m_banner->hideMessage();
    fitHeight(true);
}

void ConnectionDialog::fitHeight(bool mayShrink)
{
    if (!isVisible())
        return;
    // Layouts (nested ones too) and layout items cache size hints until the posted layout
    // requests are handled: drop every cache now so that the height is right at once (page
    // shown, note or message text changed).
    const QList<QWidget*> children = findChildren<QWidget*>();
    for (QWidget* child : children) {
        if (child->layout())
            invalidateLayoutTree(child->layout());
        child->updateGeometry();
    }
    invalidateLayoutTree(layout());
    layout()->activate();
    int wanted = heightForWidth(width());
    if (wanted <= 0)
        wanted = sizeHint().height();
    resize(width(), mayShrink ? wanted : std::max(height(), wanted));
}

QSize ConnectionDialog::sizeHint() const
{
    QSize hint = QDialog::sizeHint();
    hint.setWidth(std::max(hint.width(), minimumWidth()));
    if (const int height = heightForWidth(hint.width()); height > 0)
        hint.setHeight(height);
    return hint;
}

void ConnectionDialog::onTlsModeChanged(int index)
{
    // A CA file means nothing without TLS.
    m_caFileRow->setEnabled(m_tlsCombo->itemData(index).toString() != QLatin1String("disable"));
}

void ConnectionDialog::onKeySourceChanged(int index)
{
    const auto source = RecentConnection::KeySource(index);
    m_keyFileRow->setEnabled(source == RecentConnection::KeySource::KeyFile);
    m_secretKeyEdit->setEnabled(source == RecentConnection::KeySource::Typed);
    switch (source) {
    case RecentConnection::KeySource::Automatic:
        m_keyHint->setText(tr("MOSAICOO_SECRET_KEY, GF_SECURITY_SECRET_KEY, the config file's "
                              "[security] secret_key, else the public default."));
        break;
    case RecentConnection::KeySource::KeyFile:
        m_keyHint->setText(tr("A file that holds only the secret key."));
        break;
    case RecentConnection::KeySource::Typed:
        m_keyHint->setText(tr("Used for this session only; never saved."));
        break;
    }
}

RecentConnection ConnectionDialog::connection() const
{
    RecentConnection c;
    switch (m_sourceCombo->currentIndex()) {
    case SqlitePage:
        c.kind = RecentConnection::Kind::Sqlite;
        c.path = QFileInfo(m_sqlitePathEdit->text().trimmed()).absoluteFilePath();
        break;
    case ConfigPage:
        c.kind = RecentConnection::Kind::Config;
        c.path = QFileInfo(m_configPathEdit->text().trimmed()).absoluteFilePath();
        break;
    default:
        c.kind = m_sourceCombo->currentIndex() == PostgresPage ? RecentConnection::Kind::Postgres
                                                               : RecentConnection::Kind::Mysql;
        c.host = m_hostEdit->text().trimmed();
        c.port = m_portSpin->value();
        c.database = m_databaseEdit->text().trimmed();
        c.user = m_userEdit->text().trimmed();
        c.tlsMode = m_tlsCombo->currentData().toString();
        if (m_caFileRow->isEnabled() && !m_caFileEdit->text().trimmed().isEmpty())
            c.caFile = QFileInfo(m_caFileEdit->text().trimmed()).absoluteFilePath();
        break;
    }
    c.keySource = RecentConnection::KeySource(m_keySourceCombo->currentIndex());
    if (c.keySource == RecentConnection::KeySource::KeyFile)
        c.keyFile = QFileInfo(m_keyFileEdit->text().trimmed()).absoluteFilePath();
    return c;
}

model::OpenRequest ConnectionDialog::buildRequest() const
{
    model::OpenRequest request;
    request.environment = m_environment;
    const int page = m_sourceCombo->currentIndex();
    if (page == SqlitePage) {
        const QString path = m_sqlitePathEdit->text().trimmed();
        if (!path.isEmpty())
            request.dbUrl = QStringLiteral("sqlite:") + path;
    } else if (page == ConfigPage) {
        request.configFile = m_configPathEdit->text().trimmed();
    } else {
        const QString scheme = page == PostgresPage ? QStringLiteral("postgres")
                                                    : QStringLiteral("mysql");
        QString url = scheme + QStringLiteral("://");
        const QString user = m_userEdit->text().trimmed();
        if (!user.isEmpty()) {
            url += QString::fromLatin1(QUrl::toPercentEncoding(user));
            if (!m_dbPasswordEdit->text().isEmpty())
                url += QLatin1Char(':')
                    + QString::fromLatin1(QUrl::toPercentEncoding(m_dbPasswordEdit->text()));
            url += QLatin1Char('@');
        }
        url += m_hostEdit->text().trimmed();
        if (m_portSpin->value() > 0)
            url += QLatin1Char(':') + QString::number(m_portSpin->value());
        url += QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(m_databaseEdit->text().trimmed()));
        url += QStringLiteral("?sslmode=") + m_tlsCombo->currentData().toString();
        const QString ca = m_caFileEdit->text().trimmed();
        if (m_caFileRow->isEnabled() && !ca.isEmpty())
            url += QStringLiteral("&sslrootcert=") + QString::fromLatin1(QUrl::toPercentEncoding(ca));
        request.dbUrl = url;
    }
    switch (RecentConnection::KeySource(m_keySourceCombo->currentIndex())) {
    case RecentConnection::KeySource::Automatic:
        break;
    case RecentConnection::KeySource::KeyFile:
        request.secretKeyFile = m_keyFileEdit->text().trimmed();
        break;
    case RecentConnection::KeySource::Typed:
        request.typedSecretKey = m_secretKeyEdit->text().toUtf8();
        break;
    }
    return request;
}

void ConnectionDialog::showError(const QString& message)
{
    m_banner->showMessage(message, MessageBanner::Type::Error);
    fitHeight(false); // room for the whole message, no squeezed fields
}

void ConnectionDialog::setBusy(bool busy)
{
    m_openButton->setEnabled(!busy);
    m_openButton->setText(busy ? tr("Opening…") : tr("&Open"));
    m_sourceCombo->setEnabled(!busy);
    m_sourceStack->setEnabled(!busy);
}

void ConnectionDialog::accept()
{
    if (m_probe.isRunning())
        return;
    const int page = m_sourceCombo->currentIndex();
    if (page == SqlitePage && m_sqlitePathEdit->text().trimmed().isEmpty()) {
        showError(tr("Choose the SQLite database file."));
        m_sqlitePathEdit->setFocus();
        return;
    }
    if (page == ConfigPage && m_configPathEdit->text().trimmed().isEmpty()) {
        showError(tr("Choose the configuration file."));
        m_configPathEdit->setFocus();
        return;
    }
    if ((page == PostgresPage || page == MysqlPage) && m_hostEdit->text().trimmed().isEmpty()) {
        showError(tr("Enter the database server's host name."));
        m_hostEdit->setFocus();
        return;
    }
    const auto keySource = RecentConnection::KeySource(m_keySourceCombo->currentIndex());
    if (keySource == RecentConnection::KeySource::KeyFile && m_keyFileEdit->text().trimmed().isEmpty()) {
        showError(tr("Choose the secret key file."));
        return;
    }
    if (keySource == RecentConnection::KeySource::Typed && m_secretKeyEdit->text().isEmpty()) {
        showError(tr("Type the secret key."));
        return;
    }

    model::OpenRequest request = buildRequest();
    auto resolved = model::resolveTarget(request);
    request.typedSecretKey.fill('\0');
    if (!resolved) {
        showError(resolved.error().message);
        return;
    }
    m_banner->showMessage(tr("Opening %1…").arg(model::targetDisplayName(*resolved)),
                          MessageBanner::Type::Information);
    fitHeight(false);
    m_pending = *resolved;
    setBusy(true);
    m_probe.setFuture(QtConcurrent::run(&m_pool, &model::probeTarget, *resolved));
}

void ConnectionDialog::onProbeFinished()
{
    setBusy(false);
    if (m_probe.isCanceled()) {
        m_pending.reset();
        return;
    }
    const model::Result<QString> result = m_probe.result();
    if (!result) {
        showError(result.error().message);
        m_pending.reset();
        emit probeFinished(false);
        return;
    }
    m_banner->hideMessage();
    m_target = std::move(m_pending);
    m_pending.reset();
    wipeLineEdits({m_secretKeyEdit, m_dbPasswordEdit});
    emit probeFinished(true);
    QDialog::accept();
}

void ConnectionDialog::reject()
{
    m_probe.cancel();
    QDialog::reject();
}

} // namespace mk::ui
