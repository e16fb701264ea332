#pragma once

#include <QString>
#include <QStringList>

namespace mk::config {

// Helps the open dialog; never picks a config on its own.
class ConfigLocator
{
public:
    // Existing custom.ini, grafana.ini, mosaicoo.ini, defaults.ini (in that order) found in `dir`
    // and in `dir/conf`, as absolute paths without duplicates. Nothing is guessed beyond that.
    static QStringList candidateConfigFiles(const QString& dir);
};

} // namespace mk::config
