#include "model/ActivityLog.h"

#include "model/ModelLog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QStandardPaths>

namespace mk::model {

ActivityLog::ActivityLog(QString filePath)
    : m_filePath(std::move(filePath))
{
}

QString ActivityLog::defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("activity.jsonl"));
}

Result<void> ActivityLog::append(const ActivityEntry& entry) const
{
    const QFileInfo info(m_filePath);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(ErrorKind::Failed,
                    QStringLiteral("Cannot create the folder %1").arg(info.absolutePath()));
    QFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return fail(ErrorKind::Failed,
                    QStringLiteral("Cannot write %1: %2").arg(m_filePath, file.errorString()));
    QByteArray line = QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact);
    line.append('\n');
    if (file.write(line) != line.size())
        return fail(ErrorKind::Failed,
                    QStringLiteral("Cannot write %1: %2").arg(m_filePath, file.errorString()));
    return {};
}

QList<ActivityEntry> ActivityLog::read(int maxEntries) const
{
    QList<ActivityEntry> entries;
    QFile file(m_filePath);
    if (!file.open(QIODevice::ReadOnly))
        return entries;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            qCWarning(lcModel) << "activity log: skipping an unreadable line in" << m_filePath;
            continue;
        }
        entries.append(ActivityEntry::fromJson(doc.object()));
        if (maxEntries > 0 && entries.size() > maxEntries)
            entries.removeFirst();
    }
    return entries;
}

} // namespace mk::model
