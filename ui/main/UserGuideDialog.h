#pragma once

#include <QDialog>

class QTextBrowser;

namespace mk::ui {

// The user guide (resources/help/user-guide.md, embedded in the program) in a QTextBrowser:
// works offline, non-modal, one instance per main window.
class UserGuideDialog : public QDialog
{
    Q_OBJECT

public:
    explicit UserGuideDialog(QWidget* parent = nullptr);

    QTextBrowser* browser() const { return m_browser; }

    // The guide's Markdown from the resources (empty if the resource is missing).
    static QString markdown();

private:
    QTextBrowser* m_browser;
};

} // namespace mk::ui
