#pragma once

#include "model/items/SecretRow.h"

#include <QColor>
#include <QIcon>

namespace mk::model {

// Small painted status icons and highlight colours for the item models (no icon theme needed,
// readable on light and dark palettes: translucent backgrounds, saturated icon fills).
class StatusIcons
{
public:
    enum class Kind
    {
        Ok,
        NotChecked,
        Failed,
        Warning,
    };
    static QIcon icon(Kind kind);
    static QIcon icon(SecretStatus status);
    static QColor failedBackground();  // translucent red
    static QColor warningBackground(); // translucent amber
};

} // namespace mk::model
