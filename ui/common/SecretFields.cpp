#include "ui/common/SecretFields.h"

#include <QLineEdit>
#include <QSignalBlocker>
#include <QString>

namespace mk::ui {

void wipeLineEdits(const QList<QLineEdit*>& edits)
{
    QList<QString> texts;
    texts.reserve(edits.size());
    for (QLineEdit* edit : edits) {
        if (!edit)
            continue;
        texts << edit->text(); // shares the edit's buffer
        const QSignalBlocker blocker(edit);
        edit->clear(); // the edit lets go of it (and of its undo history)
    }
    // Each fill() detaches while another copy still shares the buffer; the last one overwrites the
    // buffer itself.
    for (QString& text : texts)
        text.fill(QChar(u'\0'));
}

} // namespace mk::ui
