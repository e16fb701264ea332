#include "model/config/ConfigLocator.h"

#include <QDir>
#include <QFileInfo>

namespace mk::config {

QStringList ConfigLocator::candidateConfigFiles(const QString& dir)
{
    static const QStringList names{QStringLiteral("custom.ini"), QStringLiteral("grafana.ini"),
                                   QStringLiteral("mosaicoo.ini"), QStringLiteral("defaults.ini")};
    QStringList out;
    if (dir.isEmpty())
        return out;
    const QDir base(dir);
    for (const QString& folder : {base.absolutePath(), base.absoluteFilePath(QStringLiteral("conf"))}) {
        for (const QString& name : names) {
            const QFileInfo info(QDir(folder).filePath(name));
            if (!info.isFile())
                continue;
            const QString path = QDir::cleanPath(info.absoluteFilePath());
            if (!out.contains(path))
                out << path;
        }
    }
    return out;
}

} // namespace mk::config
