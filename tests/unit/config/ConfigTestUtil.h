#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>

namespace mk::config::test {

// Writes `data` to `path`, creating folders; returns the path.
inline QString writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(data);
    return path;
}

// Builds an environment from "NAME=value" pairs (empty environment otherwise).
inline QProcessEnvironment envOf(const QStringList& pairs)
{
    QProcessEnvironment env;
    for (const auto& p : pairs) {
        const qsizetype eq = p.indexOf(QLatin1Char('='));
        env.insert(p.left(eq), p.mid(eq + 1));
    }
    return env;
}

QObject* makeIniFileTest();
QObject* makeValueExpanderTest();
QObject* makeConfigLoaderTest();
QObject* makeSecretKeySourceTest();
QObject* makeSecretsManagerConfigTest();

} // namespace mk::config::test
