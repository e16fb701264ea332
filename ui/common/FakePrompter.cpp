#include "ui/common/FakePrompter.h"

namespace mk::ui {

bool FakePrompter::confirm(QWidget*, const QString& title, const QString& text, const QString&)
{
    m_questions.append(title + QLatin1Char('\n') + text);
    return m_confirms.isEmpty() ? false : m_confirms.dequeue();
}

QString FakePrompter::chooseOpenFile(QWidget*, const QString& title, const QString&, const QString&)
{
    m_questions.append(title);
    return m_files.isEmpty() ? QString() : m_files.dequeue();
}

} // namespace mk::ui
