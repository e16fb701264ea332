#pragma once

#include "ui/wizards/common/FileChooser.h"

namespace mk::ui {

// The real thing: QFileDialog::getSaveFileName / getOpenFileName.
class DialogFileChooser final : public FileChooser
{
public:
    QString chooseSaveFile(QWidget* parent,
                           const QString& title,
                           const QString& suggestedPath,
                           const QString& filter) override;
    QString chooseOpenFile(QWidget* parent,
                           const QString& title,
                           const QString& directory,
                           const QString& filter) override;
};

} // namespace mk::ui
