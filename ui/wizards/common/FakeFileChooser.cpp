#include "ui/wizards/common/FakeFileChooser.h"

namespace mk::ui {

QString FakeFileChooser::chooseSaveFile(QWidget*, const QString& title, const QString&, const QString&)
{
    m_titles.append(title);
    return m_files.isEmpty() ? QString() : m_files.dequeue();
}

QString FakeFileChooser::chooseOpenFile(QWidget*, const QString& title, const QString&, const QString&)
{
    m_titles.append(title);
    return m_files.isEmpty() ? QString() : m_files.dequeue();
}

} // namespace mk::ui
