#pragma once

#include "model/ActivityEntry.h"
#include "model/ModelError.h"

#include <QList>
#include <QString>

namespace mk::model {

// The activity log: JSON lines in QStandardPaths::AppDataLocation/activity.jsonl. Appends are
// one write() of one line (safe against concurrent appenders of the same user). Unreadable lines
// are skipped on read. Entries carry no plaintexts and no keys (see ActivityEntry).
class ActivityLog
{
public:
    explicit ActivityLog(QString filePath = defaultPath());

    static QString defaultPath();
    const QString& filePath() const { return m_filePath; }

    [[nodiscard]] Result<void> append(const ActivityEntry& entry) const;
    // The newest `maxEntries` entries, oldest first.
    QList<ActivityEntry> read(int maxEntries = 1000) const;

private:
    QString m_filePath;
};

} // namespace mk::model
