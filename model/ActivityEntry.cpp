#include "model/ActivityEntry.h"

namespace mk::model {

QJsonObject ActivityEntry::toJson() const
{
    QJsonObject numbers;
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
        if (it.value().isDouble()) // numbers only: nothing else may slip into the log
            numbers.insert(it.key(), it.value());
    }
    QJsonObject object;
    object.insert(QStringLiteral("when"), when.toUTC().toString(Qt::ISODateWithMs));
    object.insert(QStringLiteral("operation"), operation);
    object.insert(QStringLiteral("database"), database);
    object.insert(QStringLiteral("outcome"), outcome);
    if (!detail.isEmpty())
        object.insert(QStringLiteral("detail"), detail);
    if (!numbers.isEmpty())
        object.insert(QStringLiteral("counts"), numbers);
    return object;
}

ActivityEntry ActivityEntry::fromJson(const QJsonObject& object)
{
    ActivityEntry entry;
    entry.when = QDateTime::fromString(object.value(QStringLiteral("when")).toString(), Qt::ISODateWithMs);
    entry.operation = object.value(QStringLiteral("operation")).toString();
    entry.database = object.value(QStringLiteral("database")).toString();
    entry.outcome = object.value(QStringLiteral("outcome")).toString();
    entry.detail = object.value(QStringLiteral("detail")).toString();
    entry.counts = object.value(QStringLiteral("counts")).toObject();
    return entry;
}

} // namespace mk::model
