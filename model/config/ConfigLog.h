#pragma once

#include <QLoggingCategory>

// Log category of the config layer. Never log plaintexts, keys or key material.
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
