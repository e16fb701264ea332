#pragma once

#include <QAbstractItemView>
#include <QAction>
#include <QMenu>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>

namespace mk::ui {
class FileChooser;
class MainWindow;
class Prompter;
} // namespace mk::ui

namespace mk::test {

// A main window as the tests use it: the activity log at `activityLog`, the fake file chooser (if
// any), 1280x800, shown and exposed; nullptr when it could not be shown.
std::unique_ptr<ui::MainWindow> showMainWindow(ui::Prompter& prompter, const QString& activityLog,
                                               ui::FileChooser* files = nullptr);

// Finds a QAction by objectName under `root`, checks it exists and is enabled, and triggers it.
bool triggerAction(QWidget* root, const QString& name);
// scrollTo + click at visualRect().center() on the viewport.
void clickIndex(QAbstractItemView* view, const QModelIndex& index);
// Isolated settings and standard paths for one test binary.
void isolateApplication(const QString& name);
// Fails the test on the cross-thread SQL / QObject warnings of house-style.md.
void failOnThreadingWarnings();

// Mnemonics (&-shortcuts) that clash in the window of `root`: visible buttons, labels with a buddy,
// checkable group boxes, tab bars and menu-bar titles. One "Alt+X: text, text" line per clash.
QStringList mnemonicClashes(QWidget* root);
// The same for the items of one menu (and, recursively, its submenus).
QStringList menuMnemonicClashes(QMenu* menu);

} // namespace mk::test
