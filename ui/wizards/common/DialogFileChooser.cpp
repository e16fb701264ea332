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

QString DialogFileChooser::chooseOpenFile(QWidget* parent,
                                          const QString& title,
                                          const QString& directory,
                                          const QString& filter)
{
    return QFileDialog::getOpenFileName(parent, title, directory, filter);
}

} // namespace mk::ui
