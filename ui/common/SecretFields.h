#pragma once

#include <QList>

class QLineEdit;

namespace mk::ui {

// Empties the line edits and overwrites the strings they held (in place once the last reference
// is reached: edits filled from one string share its buffer). Signals are blocked while clearing.
// Used for every field that may hold a key or a password once it is no longer needed.
void wipeLineEdits(const QList<QLineEdit*>& edits);

} // namespace mk::ui
