#pragma once

#include <QLoggingCategory>

// Log category of the model layer. Never log plaintexts, keys or key material.
Q_DECLARE_LOGGING_CATEGORY(lcModel)
