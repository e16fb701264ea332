#include "tests/gui/GuiTestSupport.h"

#include "model/ActivityLog.h"
#include "ui/main/MainWindow.h"

#include <QAbstractButton>
#include <QCoreApplication>
#include <QGroupBox>
#include <QLabel>
#include <QMap>
#include <QMenuBar>
#include <QTabBar>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

namespace mk::test {

std::unique_ptr<ui::MainWindow> showMainWindow(ui::Prompter& prompter, const QString& activityLog, ui::FileChooser* files)
{
    auto window = std::make_unique<ui::MainWindow>(prompter, model::ActivityLog(activityLog));
    if (files)
        window->setFileChooser(files);
    window->resize(1280, 800);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return nullptr;
    return window;
}

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

namespace {

// The letter after the first single '&' ("&&" is a literal ampersand), lower case; null if none.
QChar mnemonicOf(const QString& text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != QLatin1Char('&'))
            continue;
        if (text.at(i + 1) == QLatin1Char('&')) {
            ++i;
            continue;
        }
        return text.at(i + 1).toLower();
    }
    return {};
}

QStringList clashesOf(const QList<QString>& texts)
{
    QMap<QChar, QStringList> byKey;
    for (const QString& text : texts) {
        const QChar key = mnemonicOf(text);
        if (!key.isNull())
            byKey[key] << text;
    }
    QStringList out;
    for (auto it = byKey.cbegin(); it != byKey.cend(); ++it) {
        if (it.value().size() > 1)
            out << QStringLiteral("Alt+%1: %2").arg(it.key().toUpper(), it.value().join(QStringLiteral(", ")));
    }
    return out;
}

} // namespace

QStringList mnemonicClashes(QWidget* root)
{
    QWidget* window = root->window();
    QList<QString> texts;
    const QList<QWidget*> widgets = window->findChildren<QWidget*>();
    for (QWidget* widget : widgets) {
        if (widget->window() != window || !widget->isVisibleTo(window))
            continue;
        if (auto* button = qobject_cast<QAbstractButton*>(widget))
            texts << button->text();
        else if (auto* label = qobject_cast<QLabel*>(widget); label && label->buddy())
            texts << label->text();
        else if (auto* box = qobject_cast<QGroupBox*>(widget); box && box->isCheckable())
            texts << box->title();
        else if (auto* tabs = qobject_cast<QTabBar*>(widget)) {
            for (int i = 0; i < tabs->count(); ++i)
                texts << tabs->tabText(i);
        } else if (auto* bar = qobject_cast<QMenuBar*>(widget)) {
            for (QAction* action : bar->actions()) {
                if (action->isVisible())
                    texts << action->text();
            }
        }
    }
    return clashesOf(texts);
}

QStringList menuMnemonicClashes(QMenu* menu)
{
    QList<QString> texts;
    QStringList out;
    for (QAction* action : menu->actions()) {
        if (!action->isVisible() || action->isSeparator())
            continue;
        texts << action->text();
    }
    for (QMenu* sub : menu->findChildren<QMenu*>(Qt::FindDirectChildrenOnly)) {
        if (menu->actions().contains(sub->menuAction()))
            out << menuMnemonicClashes(sub);
    }
    QStringList own = clashesOf(texts);
    for (QString& line : own)
        line.prepend(menu->title().remove(QLatin1Char('&')) + QStringLiteral(" menu, "));
    return own + out;
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
