#include "tests/gui/WizardTestSupport.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTabBar>
#include <QTest>
#include <QWizard>

namespace mk::test {

namespace {

QAbstractButton* forwardButton(ui::OperationWizard* wizard)
{
    QWizardPage* page = wizard->currentPage();
    if (!page)
        return nullptr;
    QAbstractButton* commit = wizard->button(QWizard::CommitButton);
    if (commit->isVisible())
        return commit;
    QAbstractButton* next = wizard->button(QWizard::NextButton);
    if (next->isVisible())
        return next;
    return wizard->button(QWizard::FinishButton);
}

} // namespace

bool canGoForward(ui::OperationWizard* wizard)
{
    QAbstractButton* button = forwardButton(wizard);
    return button && button->isVisible() && button->isEnabled();
}

bool clickForward(ui::OperationWizard* wizard)
{
    QAbstractButton* button = forwardButton(wizard);
    if (!button || !button->isVisible() || !button->isEnabled()) {
        qWarning("forward button of page %d not available", wizard->currentId());
        return false;
    }
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

bool clickChild(QWidget* root, const QString& objectName)
{
    auto* button = root->findChild<QAbstractButton*>(objectName);
    if (!button || !button->isVisible() || !button->isEnabled()) {
        qWarning("%s missing, hidden or disabled", qPrintable(objectName));
        return false;
    }
    QTest::mouseClick(button, Qt::LeftButton, Qt::NoModifier, QPoint(8, button->height() / 2));
    return true;
}

QStringList widgetsWithoutObjectName(QWidget* root)
{
    QStringList missing;
    for (QWidget* w : root->findChildren<QWidget*>()) {
        const bool interactive = qobject_cast<QAbstractButton*>(w) || qobject_cast<QLineEdit*>(w)
                                 || qobject_cast<QComboBox*>(w) || qobject_cast<QPlainTextEdit*>(w)
                                 || qobject_cast<QAbstractSpinBox*>(w);
        if (!interactive || !w->objectName().isEmpty())
            continue;
        const QLatin1String cls(w->metaObject()->className());
        if (cls == QLatin1String("QTableCornerButton") || cls == QLatin1String("QLineEditIconButton")
            || qobject_cast<QTabBar*>(w->parentWidget()) || w->objectName().startsWith(QLatin1String("qt_")))
            continue;
        if (qobject_cast<QLineEdit*>(w) && qobject_cast<QComboBox*>(w->parentWidget()))
            continue;
        if (w->parentWidget() && QLatin1String(w->parentWidget()->metaObject()->className()) == QLatin1String("MessageBanner"))
            continue;
        missing << QStringLiteral("%1 in %2").arg(QLatin1String(w->metaObject()->className()),
                                                  w->parentWidget() ? w->parentWidget()->objectName() : QString());
    }
    return missing;
}

} // namespace mk::test
