#pragma once

#include "model/ModelError.h"
#include "model/Target.h"

#include <QString>

namespace mk::model {

// Where one value sits: the secrets pane's row identity.
struct ValueAddress
{
    int locationIndex = -1;
    QString rowId;
    QString field;
};

// Decrypts exactly one value (for the GUI's explicit "Reveal"). Runs on a worker thread with its
// own read-only connection. The caller shows the result, never logs it, and drops it after the
// reveal timeout. Values that do not decrypt to UTF-8 text are reported as failures.
[[nodiscard]] Result<QString> revealSecret(const Target& target, const ValueAddress& address);

} // namespace mk::model
