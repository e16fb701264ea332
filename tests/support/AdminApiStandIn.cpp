// mk-admin-api-standin: a TEST STAND-IN for the HTTP Admin API of a running Grafana/Mosaicoo
// server (no such server can be installed on the test machines). It follows the server's
// documented API for the calls the console makes, and nothing more:
//
//   GET  /api/health                              no token; 200 {"commit","database":"ok","version"}
//   GET  /api/frontend/settings                   token; 200 {"buildInfo": {"version","commit","edition",...}}
//   GET  /api/datasources                         admin token; 200 [{"id","uid","orgId","name","type"}]
//   POST /api/admin/encryption/rotate-data-keys   admin token; 204 no body: deactivates every active
//                                                 data key in the database (the server's
//                                                 DisableDataKeys: active=false, updated=now) and
//                                                 flushes this instance's data-key cache
//   no/unknown token: 401 {"message":"Invalid API key", ...}; the viewer token on an admin route:
//   403 {"message":"Permission denied"}; unknown path or method: 404 {"message":"Not found"}.
//   The token comes as `Authorization: Bearer <token>`.
//
// One test hook, plainly outside the API: GET /stand-in/encrypt "encrypts a value" the way an
// instance chooses its data key: its cached key if it has one (even when the database has
// deactivated it meanwhile: the stale use a rotation through the API prevents), otherwise an
// active key of the database, which it then caches. 200 {"dataKeyId": id|null, "fromCache": bool,
// "activeInDatabase": bool}.
//
//   mk-admin-api-standin --db URL --token-file FILE [--viewer-token-file FILE] [--version V]
//                        [--tls-cert PEM --tls-key KEY]
//
// Listens on 127.0.0.1 (an ephemeral port) only, prints "listening PORT" and serves until SIGTERM
// or until its stdin (a pipe) is closed. Tokens are never printed.

#include "model/store/ConnectionSpec.h"
#include "model/store/DataKeyRow.h"
#include "model/store/Database.h"

#include <QCoreApplication>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

#include <unistd.h>

using namespace mk;

namespace {

struct Options
{
    QString db;
    QString tokenFile;
    QString viewerTokenFile;
    QString version = QStringLiteral("11.5.2");
    QString tlsCert;
    QString tlsKey;
};

struct Response
{
    int status = 200;
    QByteArray body;
};

QByteArray reasonPhrase(int status)
{
    static const QHash<int, QByteArray> reasons{{200, "OK"}, {204, "No Content"}, {400, "Bad Request"},
                                                {401, "Unauthorized"}, {403, "Forbidden"},
                                                {404, "Not Found"}, {500, "Internal Server Error"}};
    return reasons.value(status, "Status");
}

Response json(int status, const QJsonValue& value)
{
    return {status, value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                    : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)};
}

QByteArray readToken(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
}

class StandIn
{
public:
    StandIn(store::Database db, Options options)
        : m_db(std::move(db))
        , m_options(std::move(options))
        , m_adminToken(readToken(m_options.tokenFile))
        , m_viewerToken(m_options.viewerTokenFile.isEmpty() ? QByteArray() : readToken(m_options.viewerTokenFile))
    {
    }

    bool hasToken() const { return !m_adminToken.isEmpty(); }

    Response handle(const QByteArray& method, const QByteArray& path, const QHash<QByteArray, QByteArray>& headers)
    {
        if (path == "/api/health" && method == "GET")
            return json(200, QJsonObject{{QStringLiteral("commit"), QStringLiteral("stand-in")},
                                         {QStringLiteral("database"), QStringLiteral("ok")},
                                         {QStringLiteral("version"), m_options.version}});
        if (path == "/stand-in/encrypt" && method == "GET")
            return encrypt();
        const bool known = (path == "/api/frontend/settings" && method == "GET")
                           || (path == "/api/datasources" && method == "GET")
                           || (path == "/api/admin/encryption/rotate-data-keys" && method == "POST");
        if (!known)
            return json(404, QJsonObject{{QStringLiteral("message"), QStringLiteral("Not found")}});
        const QByteArray authorization = headers.value("authorization");
        const QByteArray token = authorization.startsWith("Bearer ") ? authorization.mid(7).trimmed() : QByteArray();
        const bool admin = !token.isEmpty() && token == m_adminToken;
        const bool viewer = !token.isEmpty() && !m_viewerToken.isEmpty() && token == m_viewerToken;
        if (!admin && !viewer)
            return json(401, QJsonObject{{QStringLiteral("extra"), QJsonValue()},
                                         {QStringLiteral("message"), QStringLiteral("Invalid API key")},
                                         {QStringLiteral("messageId"), QStringLiteral("api-key.invalid")},
                                         {QStringLiteral("statusCode"), 401},
                                         {QStringLiteral("traceID"), QString()}});
        if (path == "/api/frontend/settings")
            return json(200, QJsonObject{{QStringLiteral("buildInfo"),
                                          QJsonObject{{QStringLiteral("version"), m_options.version},
                                                      {QStringLiteral("commit"), QStringLiteral("stand-in")},
                                                      {QStringLiteral("edition"), QStringLiteral("Open Source")},
                                                      {QStringLiteral("env"), QStringLiteral("production")}}}});
        if (!admin)
            return json(403, QJsonObject{{QStringLiteral("message"), QStringLiteral("Permission denied")}});
        if (path == "/api/datasources")
            return dataSources();
        return rotate();
    }

private:
    Response dataSources()
    {
        QSqlQuery q(QSqlDatabase::database(m_db.connectionName(), false));
        QJsonArray array;
        if (!q.exec(QStringLiteral("SELECT id, uid, org_id, name, type FROM data_source ORDER BY id")))
            return json(500, QJsonObject{{QStringLiteral("message"), QStringLiteral("Failed to query datasources")}});
        while (q.next()) {
            array.append(QJsonObject{{QStringLiteral("id"), q.value(0).toLongLong()},
                                     {QStringLiteral("uid"), q.value(1).toString()},
                                     {QStringLiteral("orgId"), q.value(2).toLongLong()},
                                     {QStringLiteral("name"), q.value(3).toString()},
                                     {QStringLiteral("type"), q.value(4).toString()}});
        }
        return json(200, array);
    }

    Response rotate()
    {
        auto changed = store::deactivateAllDataKeys(m_db);
        if (!changed)
            return json(500, QJsonObject{{QStringLiteral("message"), QStringLiteral("Failed to rotate data keys")}});
        m_cachedKeyId.reset(); // the server's dataKeyCache.flush()
        return {204, {}};
    }

    Response encrypt()
    {
        auto keys = store::loadDataKeys(m_db);
        if (!keys)
            return json(500, QJsonObject{{QStringLiteral("message"), keys.error().detail}});
        bool fromCache = m_cachedKeyId.has_value();
        if (!fromCache) {
            for (const store::DataKeyRow& row : std::as_const(*keys)) {
                if (row.active) {
                    m_cachedKeyId = row.id;
                    break;
                }
            }
        }
        bool active = false;
        for (const store::DataKeyRow& row : std::as_const(*keys))
            active = active || (m_cachedKeyId && row.id == *m_cachedKeyId && row.active);
        return json(200, QJsonObject{{QStringLiteral("dataKeyId"), m_cachedKeyId ? QJsonValue(*m_cachedKeyId) : QJsonValue()},
                                     {QStringLiteral("fromCache"), fromCache},
                                     {QStringLiteral("activeInDatabase"), active}});
    }

    store::Database m_db;
    Options m_options;
    QByteArray m_adminToken;
    QByteArray m_viewerToken;
    std::optional<QString> m_cachedKeyId;
};

// One HTTP/1.1 exchange per connection (Connection: close).
void serve(QTcpSocket* socket, StandIn& standIn)
{
    auto buffer = std::make_shared<QByteArray>();
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, buffer, &standIn] {
        buffer->append(socket->readAll());
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer->left(end).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        QHash<QByteArray, QByteArray> headers;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
        }
        const qsizetype length = headers.value("content-length", "0").toLongLong();
        if (buffer->size() < end + 4 + length)
            return;
        QByteArray path = requestLine.value(1);
        if (const qsizetype query = path.indexOf('?'); query >= 0)
            path.truncate(query);
        const Response response = standIn.handle(requestLine.value(0), path, headers);
        QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
        if (response.status != 204)
            out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(response.body.size()) + "\r\n";
        out += "Connection: close\r\n\r\n";
        if (response.status != 204)
            out += response.body;
        socket->write(out);
        socket->disconnectFromHost();
        buffer->clear();
    });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

volatile std::sig_atomic_t s_stop = 0;
extern "C" void onStop(int)
{
    s_stop = 1;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    Options options;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        const QString& a = args.at(i);
        const QString& v = args.at(i + 1);
        if (a == QLatin1String("--db"))
            options.db = v;
        else if (a == QLatin1String("--token-file"))
            options.tokenFile = v;
        else if (a == QLatin1String("--viewer-token-file"))
            options.viewerTokenFile = v;
        else if (a == QLatin1String("--version"))
            options.version = v;
        else if (a == QLatin1String("--tls-cert"))
            options.tlsCert = v;
        else if (a == QLatin1String("--tls-key"))
            options.tlsKey = v;
        else {
            std::fprintf(stderr, "mk-admin-api-standin: unknown argument %s\n", qPrintable(a));
            return 2;
        }
    }
    auto spec = store::ConnectionSpec::fromUrl(options.db);
    if (!spec) {
        std::fprintf(stderr, "mk-admin-api-standin: %s\n", qPrintable(spec.error().detail));
        return 2;
    }
    spec->readOnly = false;
    auto db = store::Database::open(*spec);
    if (!db) {
        std::fprintf(stderr, "mk-admin-api-standin: cannot open the database: %s\n", qPrintable(db.error().detail));
        return 2;
    }
    StandIn standIn(std::move(*db), options);
    if (!standIn.hasToken()) {
        std::fprintf(stderr, "mk-admin-api-standin: --token-file is missing or empty\n");
        return 2;
    }

    std::unique_ptr<QTcpServer> server;
    if (!options.tlsCert.isEmpty()) {
        auto tls = std::make_unique<QSslServer>();
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificateChain(QSslCertificate::fromPath(options.tlsCert));
        QFile keyFile(options.tlsKey);
        if (!keyFile.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "mk-admin-api-standin: cannot read the TLS key\n");
            return 2;
        }
        config.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        tls->setSslConfiguration(config);
        QObject::connect(tls.get(), &QSslServer::pendingConnectionAvailable, tls.get(), [&] {
            while (QTcpSocket* socket = server->nextPendingConnection())
                serve(socket, standIn);
        });
        server = std::move(tls);
    } else {
        server = std::make_unique<QTcpServer>();
        QObject::connect(server.get(), &QTcpServer::newConnection, server.get(), [&] {
            while (QTcpSocket* socket = server->nextPendingConnection())
                serve(socket, standIn);
        });
    }
    if (!server->listen(QHostAddress::LocalHost, 0)) {
        std::fprintf(stderr, "mk-admin-api-standin: listen failed: %s\n", qPrintable(server->errorString()));
        return 2;
    }
    std::signal(SIGTERM, onStop);
    std::signal(SIGINT, onStop);
    // Stops when stdin closes (the test's QProcess) or on a signal.
    QSocketNotifier stdinNotifier(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&stdinNotifier, &QSocketNotifier::activated, &app, [&] {
        char byte = 0;
        if (::read(STDIN_FILENO, &byte, 1) <= 0)
            app.quit();
    });
    QTimer* poll = new QTimer(&app);
    QObject::connect(poll, &QTimer::timeout, &app, [&] {
        if (s_stop)
            app.quit();
    });
    poll->start(100);
    std::printf("listening %d\n", server->serverPort());
    std::fflush(stdout);
    return app.exec();
}
