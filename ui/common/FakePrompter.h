#pragma once

#include "ui/common/Prompter.h"

#include <QQueue>
#include <QStringList>

namespace mk::ui {

// Prompter for tests: answers come from queues (KeePassXC's setNextAnswer, without a global).
// An empty queue answers "no" / no file. Every question is recorded.
class FakePrompter final : public Prompter
{
public:
    void queueConfirm(bool answer) { m_confirms.enqueue(answer); }
    void queueFile(const QString& path) { m_files.enqueue(path); }

    const QStringList& questions() const { return m_questions; }

    bool confirm(QWidget* parent,
                 const QString& title,
                 const QString& text,
                 const QString& acceptLabel) override;
    QString chooseOpenFile(QWidget* parent,
                           const QString& title,
                           const QString& directory,
                           const QString& filter) override;

private:
    QQueue<bool> m_confirms;
    QQueue<QString> m_files;
    QStringList m_questions;
};

} // namespace mk::ui
