#include "model/config/ConfigLog.h"

Q_LOGGING_CATEGORY(lcConfig, "mk.config", QtInfoMsg)
