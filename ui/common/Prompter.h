#pragma once

#include <QString>

class QWidget;

namespace mk::ui {

// Modal questions and file pickers, injected so that tests can answer them (FakePrompter).
class Prompter
{
public:
    virtual ~Prompter() = default;

    // true when the user accepts.
    virtual bool confirm(QWidget* parent,
                         const QString& title,
                         const QString& text,
                         const QString& acceptLabel) = 0;
    // Empty when cancelled.
    virtual QString chooseOpenFile(QWidget* parent,
                                   const QString& title,
                                   const QString& directory,
                                   const QString& filter) = 0;

protected:
    Prompter() = default;
    Prompter(const Prompter&) = default;
    Prompter& operator=(const Prompter&) = default;
};

} // namespace mk::ui
