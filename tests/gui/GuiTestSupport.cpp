#include "tests/gui/GuiTestSupport.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

namespace mk::test {

bool triggerAction(QWidget* root, const QString& name)
{
    auto* action = root->findChild<QAction*>(name);
    if (!action) {
        qWarning("action %s not found", qPrintable(name));
        return false;
    }
    if (!action->isEnabled()) {
        qWarning("action %s is disabled", qPrintable(name));
        return false;
    }
    action->trigger();
    return true;
}

void clickIndex(QAbstractItemView* view, const QModelIndex& index)
{
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier,
                      view->visualRect(index).center());
}

void isolateApplication(const QString& name)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MosaicooTest"));
    QCoreApplication::setApplicationName(name);
}

void failOnThreadingWarnings()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("does not belong to the calling thread")));
    QTest::failOnWarning(
        QRegularExpression(QStringLiteral("Cannot create children for a parent that is in a different thread")));
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QSqlDatabasePrivate::")));
    QTest::failOnWarning(QRegularExpression(QStringLiteral("QSqlQuery::")));
    QTest::failOnWarning(QRegularExpression(QStringLiteral("Timers cannot be")));
}

} // namespace mk::test
