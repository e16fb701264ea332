#pragma once

#include "ui/wizards/common/FileChooser.h"

#include <QQueue>
#include <QStringList>

namespace mk::ui {

// FileChooser for tests: paths come from one queue for both kinds of picker (empty queue:
// cancelled). Titles are recorded.
class FakeFileChooser final : public FileChooser
{
public:
    void queueFile(const QString& path) { m_files.enqueue(path); }
    const QStringList& titles() const { return m_titles; }

    QString chooseSaveFile(QWidget* parent,
                           const QString& title,
                           const QString& suggestedPath,
                           const QString& filter) override;
    QString chooseOpenFile(QWidget* parent,
                           const QString& title,
                           const QString& directory,
                           const QString& filter) override;

private:
    QQueue<QString> m_files;
    QStringList m_titles;
};

} // namespace mk::ui
