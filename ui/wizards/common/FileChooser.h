#pragma once

#include <QString>

class QWidget;

namespace mk::ui {

// File pickers of the wizards (backup path, failure export, new secret key file; repair's candidate
// key and configuration files), injected so that tests answer them without a blocking dialog
// (FakeFileChooser).
class FileChooser
{
public:
    virtual ~FileChooser() = default;

    // Empty when cancelled.
    virtual QString chooseSaveFile(QWidget* parent,
                                   const QString& title,
                                   const QString& suggestedPath,
                                   const QString& filter) = 0;
    // An existing file to read; empty when cancelled.
    virtual QString chooseOpenFile(QWidget* parent,
                                   const QString& title,
                                   const QString& directory,
                                   const QString& filter) = 0;

protected:
    FileChooser() = default;
    FileChooser(const FileChooser&) = default;
    FileChooser& operator=(const FileChooser&) = default;
};

} // namespace mk::ui
