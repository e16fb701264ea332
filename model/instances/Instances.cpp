#include "model/instances/Instances.h"

#include "model/ModelLog.h"

#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>
#include <QSettings>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QUrl>

namespace mk::model {

namespace {

QSettings consoleSettings()
{
    return QSettings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("Mosaicoo"),
                     QStringLiteral("mosaicoo-keys"));
}

struct Reply
{
    InstanceState state = InstanceState::Failed;
    int httpStatus = 0;
    QByteArray body;
    QString detail;
};

// One request, waited for on the calling (worker or CLI) thread. The caller is never the GUI
// thread: jobs run on a pool thread, so this local loop blocks nothing the user sees.
class ApiClient
{
public:
    explicit ApiClient(const InstanceTargets& targets)
        : m_targets(targets)
    {
        m_manager.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy); // never resend the token
        if (!targets.caFile.isEmpty()) {
            m_ssl = QSslConfiguration::defaultConfiguration();
            m_ssl.setCaCertificates(QSslCertificate::fromPath(targets.caFile, QSsl::Pem));
            m_ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        }
    }

    Reply call(const QString& baseUrl, const QString& path, bool post)
    {
        QUrl url(baseUrl);
        url.setPath(url.path().endsWith(QLatin1Char('/')) ? url.path().chopped(1) + path : url.path() + path);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + m_targets.token);
        request.setRawHeader("Accept", "application/json");
        request.setTransferTimeout(m_targets.timeoutMs);
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        if (!m_targets.caFile.isEmpty())
            request.setSslConfiguration(m_ssl);
        QNetworkReply* reply = post ? m_manager.post(request, QByteArray()) : m_manager.get(request);
        QList<QSslError> sslErrors;
        QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                         [&sslErrors](const QList<QSslError>& errors) { sslErrors = errors; });
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        Reply result;
        result.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
        const QNetworkReply::NetworkError error = reply->error();
        if (!sslErrors.isEmpty()) {
            result.state = InstanceState::TlsError;
            result.detail = sslErrors.first().errorString();
        } else if (result.httpStatus == 401) {
            result.state = InstanceState::Unauthorized;
            result.detail = QStringLiteral("401: the API token was refused");
        } else if (result.httpStatus == 403) {
            result.state = InstanceState::Forbidden;
            result.detail = QStringLiteral("403: the token lacks server-admin rights");
        } else if (result.httpStatus >= 200 && result.httpStatus < 300) {
            result.state = InstanceState::Ok;
        } else if (error == QNetworkReply::ConnectionRefusedError || error == QNetworkReply::HostNotFoundError
                   || error == QNetworkReply::RemoteHostClosedError
                   || error == QNetworkReply::NetworkSessionFailedError) {
            result.state = InstanceState::Down;
            result.detail = reply->errorString();
        } else if (error == QNetworkReply::OperationCanceledError || error == QNetworkReply::TimeoutError) {
            result.state = InstanceState::Timeout;
            result.detail = QStringLiteral("no answer within %1 ms").arg(m_targets.timeoutMs);
        } else if (error == QNetworkReply::SslHandshakeFailedError) {
            result.state = InstanceState::TlsError;
            result.detail = reply->errorString();
        } else {
            result.state = InstanceState::Failed;
            const QString message = QJsonDocument::fromJson(result.body).object().value(QStringLiteral("message")).toString();
            result.detail = result.httpStatus > 0
                                ? QStringLiteral("HTTP %1%2").arg(result.httpStatus).arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message)
                                : reply->errorString();
        }
        reply->deleteLater();
        qCInfo(lcModel).noquote() << (post ? "POST" : "GET") << url.toDisplayString(QUrl::RemoveUserInfo)
                                  << "->" << instanceStateName(result.state) << result.httpStatus;
        return result;
    }

private:
    const InstanceTargets& m_targets;
    QNetworkAccessManager m_manager;
    QSslConfiguration m_ssl;
};

} // namespace

QString consoleSettingsPath()
{
    return consoleSettings().fileName();
}

QString instanceStateName(InstanceState state)
{
    switch (state) {
    case InstanceState::Ok:
        return QStringLiteral("ok");
    case InstanceState::Down:
        return QStringLiteral("down");
    case InstanceState::Unauthorized:
        return QStringLiteral("unauthorized");
    case InstanceState::Forbidden:
        return QStringLiteral("forbidden");
    case InstanceState::TlsError:
        return QStringLiteral("tls-error");
    case InstanceState::Timeout:
        return QStringLiteral("timeout");
    case InstanceState::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

Result<InstanceTargets> resolveInstances(const InstanceRequest& request)
{
    InstanceTargets targets;
    QString tokenFile = request.tokenFile;
    targets.caFile = request.caFile;
    targets.urls = request.urls;
    if (request.useSettings) {
        QSettings settings = consoleSettings();
        if (targets.urls.isEmpty())
            targets.urls = settings.value(QStringLiteral("console/instances")).toStringList();
        if (tokenFile.isEmpty())
            tokenFile = settings.value(QStringLiteral("console/api_token_file")).toString();
        if (targets.caFile.isEmpty())
            targets.caFile = settings.value(QStringLiteral("console/instance_ca")).toString();
    }
    QStringList cleaned;
    for (const QString& raw : std::as_const(targets.urls)) {
        const QString text = raw.trimmed();
        if (text.isEmpty())
            continue;
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return fail(ErrorKind::Usage, QStringLiteral("--instance %1: not an http(s) URL with a host").arg(text));
        if (!url.userInfo().isEmpty())
            return fail(ErrorKind::Usage, QStringLiteral("--instance %1: credentials in the URL are refused; "
                                                         "use --api-token-file")
                                              .arg(url.toDisplayString(QUrl::RemoveUserInfo)));
        cleaned << url.toString(QUrl::StripTrailingSlash);
    }
    targets.urls = cleaned;
    if (targets.urls.isEmpty())
        return targets;
    if (tokenFile.isEmpty())
        return fail(ErrorKind::Usage, QStringLiteral("instances need --api-token-file FILE (a service-account "
                                                     "token with server-admin rights)"));
    QFile file(tokenFile);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorKind::Config, QStringLiteral("--api-token-file %1: %2").arg(tokenFile, file.errorString()));
    if (file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup))
        qCWarning(lcModel).noquote() << "the API token file" << tokenFile << "is readable by other users";
    targets.token = file.readAll().trimmed();
    if (targets.token.isEmpty() || targets.token.contains('\n'))
        return fail(ErrorKind::Config, QStringLiteral("--api-token-file %1: expected one token").arg(tokenFile));
    if (!targets.caFile.isEmpty() && QSslCertificate::fromPath(targets.caFile, QSsl::Pem).isEmpty())
        return fail(ErrorKind::Config,
                    QStringLiteral("--instance-ca %1: no PEM certificate could be read").arg(targets.caFile));
    return targets;
}

QList<InstanceStatus> probeInstances(const InstanceTargets& targets, const QStringList& databaseUids)
{
    ApiClient client(targets);
    QList<InstanceStatus> statuses;
    for (const QString& url : targets.urls) {
        InstanceStatus status;
        status.url = url;
        // /api/health needs no token: it tells "up" apart from "token refused".
        const Reply health = client.call(url, QStringLiteral("/api/health"), false);
        status.httpStatus = health.httpStatus;
        if (health.state != InstanceState::Ok) {
            status.state = health.state;
            status.detail = health.detail;
            statuses << status;
            continue;
        }
        const QJsonObject h = QJsonDocument::fromJson(health.body).object();
        status.version = h.value(QStringLiteral("version")).toString();
        status.commit = h.value(QStringLiteral("commit")).toString();
        status.databaseHealth = h.value(QStringLiteral("database")).toString();
        const Reply settings = client.call(url, QStringLiteral("/api/frontend/settings"), false);
        status.state = settings.state;
        status.httpStatus = settings.httpStatus;
        status.detail = settings.detail;
        if (settings.state == InstanceState::Ok) {
            const QJsonObject build = QJsonDocument::fromJson(settings.body).object().value(QStringLiteral("buildInfo")).toObject();
            if (status.version.isEmpty())
                status.version = build.value(QStringLiteral("version")).toString();
            status.edition = build.value(QStringLiteral("edition")).toString();
        }
        if (settings.state == InstanceState::Ok && !databaseUids.isEmpty()) {
            const Reply sources = client.call(url, QStringLiteral("/api/datasources"), false);
            if (sources.state == InstanceState::Ok) {
                QSet<QString> apiUids;
                for (const QJsonValue& v : QJsonDocument::fromJson(sources.body).array())
                    apiUids.insert(v.toObject().value(QStringLiteral("uid")).toString());
                const QSet<QString> dbUids(databaseUids.cbegin(), databaseUids.cend());
                status.sameDatabase = apiUids == dbUids;
                status.sameDatabaseDetail = *status.sameDatabase
                                                ? QStringLiteral("the same %1 data sources").arg(dbUids.size())
                                                : QStringLiteral("%1 data sources through the API, %2 in the database, %3 in common")
                                                      .arg(apiUids.size())
                                                      .arg(dbUids.size())
                                                      .arg(QSet<QString>(apiUids).intersect(dbUids).size());
            } else {
                status.sameDatabaseDetail = QStringLiteral("data sources not listed: %1").arg(sources.detail);
            }
        }
        statuses << status;
    }
    return statuses;
}

QList<InstanceCall> rotateDataKeysViaApi(const InstanceTargets& targets)
{
    ApiClient client(targets);
    QList<InstanceCall> calls;
    for (const QString& url : targets.urls) {
        const Reply reply = client.call(url, QStringLiteral("/api/admin/encryption/rotate-data-keys"), true);
        InstanceCall call;
        call.url = url;
        call.state = reply.state;
        call.httpStatus = reply.httpStatus;
        call.detail = reply.detail;
        call.atMs = QDateTime::currentMSecsSinceEpoch();
        calls << call;
    }
    return calls;
}

} // namespace mk::model
