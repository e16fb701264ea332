#include "tests/support/TestData.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace mk::test {

QString sharedDir()
{
    const QByteArray fromEnv = qgetenv("MK_SHARED_DIR");
    if (!fromEnv.isEmpty())
        return QString::fromLocal8Bit(fromEnv);
#ifdef MK_SHARED_DIR
    return QStringLiteral(MK_SHARED_DIR);
#else
    return QDir::current().absoluteFilePath(QStringLiteral("../shared"));
#endif
}

QString vectorsFile()
{
    return sharedDir() + QStringLiteral("/vectors/grafana-kat.json");
}

QString realFixturesDir()
{
    return sharedDir() + QStringLiteral("/fixtures/real");
}

QString syntheticFixturesDir()
{
    return sharedDir() + QStringLiteral("/fixtures/synthetic");
}

static QStringList databasesIn(const QString& dir)
{
    QStringList result;
    const QDir d(dir);
    for (const QString& name : d.entryList({QStringLiteral("*.db")}, QDir::Files, QDir::Name))
        result << d.absoluteFilePath(name);
    return result;
}

QStringList realFixtureDatabases()
{
    return databasesIn(realFixturesDir());
}

QStringList syntheticFixtureDatabases()
{
    return databasesIn(syntheticFixturesDir());
}

QStringList expectedLines(const QString& databasePath)
{
    QFile f(databasePath + QStringLiteral(".expected.tsv"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList lines;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (!line.isEmpty())
            lines << QString::fromUtf8(line);
    }
    return lines;
}

QString copyFixture(const QString& databasePath, const QString& dir)
{
    const QString target = QDir(dir).absoluteFilePath(QFileInfo(databasePath).fileName());
    QFile::remove(target);
    if (!QFile::copy(databasePath, target))
        return {};
    QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    return target;
}

} // namespace mk::test
