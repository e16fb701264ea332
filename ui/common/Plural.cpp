#include "ui/common/Plural.h"

#include <QLocale>

namespace mk::ui {

QString countOf(qint64 n, const QString& singular, const QString& plural)
{
    return QLocale().toString(n) + QLatin1Char(' ') + (n == 1 ? singular : plural);
}

} // namespace mk::ui
