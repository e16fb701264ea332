#pragma once

#include "ui/common/Prompter.h"

namespace mk::ui {

// The production Prompter: QMessageBox questions and QFileDialog pickers.
class MessageBoxPrompter final : public Prompter
{
public:
    bool confirm(QWidget* parent,
                 const QString& title,
                 const QString& text,
                 const QString& acceptLabel) override;
    QString chooseOpenFile(QWidget* parent,
                           const QString& title,
                           const QString& directory,
                           const QString& filter) override;
};

} // namespace mk::ui
