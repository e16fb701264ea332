#pragma once

#include <QDialog>
#include <QList>

class QAction;
class QTableWidget;

namespace mk::ui {

// Help ▸ Keyboard Shortcuts: every action of the window that has a shortcut, read from the actions
// themselves so that the list cannot drift from what the keys do.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT

public:
    ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);

    QTableWidget* table() const { return m_table; }

private:
    QTableWidget* m_table;
};

} // namespace mk::ui
