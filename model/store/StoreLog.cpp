#include "model/store/StoreLog.h"

Q_LOGGING_CATEGORY(lcStore, "mk.store", QtInfoMsg)
