#include "model/config/FileReader.h"

#include <QFile>
#include <QFileInfo>

namespace mk::config {

Result<QByteArray> readUserFile(const QString& path, const QString& what)
{
    const QFileInfo info(path);
    if (!info.exists())
        return fail(ErrorCode::FileNotFound, QStringLiteral("%1 not found: %2").arg(what, path));
    if (info.isDir())
        return fail(ErrorCode::Unreadable, QStringLiteral("%1 %2 is a directory, not a file").arg(what, path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Unreadable, QStringLiteral("cannot read %1 %2: %3").arg(what, path, file.errorString()));
    return file.readAll();
}

} // namespace mk::config
