#include "ui/UiLog.h"

Q_LOGGING_CATEGORY(lcUi, "mk.ui", QtInfoMsg)
