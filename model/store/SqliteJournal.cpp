#include "model/store/SqliteJournal.h"

#include <QFile>

namespace mk::store {

bool hasHotJournal(const QString& databasePath)
{
    QFile journal(databasePath + QStringLiteral("-journal"));
    if (!journal.open(QIODevice::ReadOnly))
        return false;
    char first = 0;
    return journal.getChar(&first) && first != 0;
}

} // namespace mk::store
