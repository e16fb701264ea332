#pragma once

#include "model/ModelError.h"
#include "model/Target.h"

#include <QString>

namespace mk::model {

// Opens the target's database read-only once (schema and data keys read, nothing written) to
// tell a connection dialog whether it works. Returns the display name. Run it off the GUI thread.
[[nodiscard]] Result<QString> probeTarget(const Target& target);

// Display name of the target's database (never a password).
QString targetDisplayName(const Target& target);

} // namespace mk::model
