#include "ui/wizards/common/DialogFileChooser.h"

#include <QFileDialog>

namespace mk::ui {

QString DialogFileChooser::chooseSaveFile(QWidget* parent,
                                          const QString& title,
                                          const QString& suggestedPath,
                                          const QString& filter)
{
    return QFileDialog::getSaveFileName(parent, title, suggestedPath, filter);
}

} // namespace mk::ui
