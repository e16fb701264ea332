#pragma once

#include <QAbstractItemView>
#include <QAction>
#include <QString>
#include <QWidget>

namespace mk::test {

// Finds a QAction by objectName under `root`, checks it exists and is enabled, and triggers it.
bool triggerAction(QWidget* root, const QString& name);
// scrollTo + click at visualRect().center() on the viewport.
void clickIndex(QAbstractItemView* view, const QModelIndex& index);
// Isolated settings and standard paths for one test binary.
void isolateApplication(const QString& name);
// Fails the test on the cross-thread SQL / QObject warnings of house-style.md.
void failOnThreadingWarnings();

} // namespace mk::test
