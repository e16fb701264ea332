#pragma once

#include "model/config/ConfigError.h"
#include "model/config/MosaicooConfig.h"

#include <QByteArrayView>
#include <QProcessEnvironment>
#include <QString>

namespace mk::config {

// Reads a Grafana/Mosaicoo ini file the way the server does (pkg/setting/setting.go):
//  1. parse with go-ini rules (IniFile); if the Grafana home (see grafanaHomePath) holds
//     conf/defaults.ini and that is not the file itself, it is parsed first and the given file is
//     merged over it, skipping empty values (loadSpecifiedConfigFile). loadConfig only.
//  2. env overrides: GF_<SECTION>_<KEY> (envKeyFor) replaces a value when non-empty. As in Grafana
//     this covers every key of defaults.ini (here: every setting this reader knows) and every key
//     present in the file (KMS sections, individual feature toggles).
//  3. expansion ($__env{}, ${}, $__file{}; ValueExpander) of the values this reader uses; an
//     override value is expanded too. Other sections are not expanded, so an unrelated broken
//     `$__file{}` does not block opening the database.
//  4. empty values mean "use the default" (go-ini MustString), except secret_key.
// Name matching is case-insensitive (go-ini's is not); a case-only match adds a warning.
[[nodiscard]] Result<MosaicooConfig> loadConfig(const QString& iniPath, const QProcessEnvironment& env);

// Same on text already in memory; `iniPath` (may be empty: current directory) only anchors the
// home/data/sqlite paths. No defaults.ini layering.
[[nodiscard]] Result<MosaicooConfig> parseConfig(QByteArrayView text, const QString& iniPath,
                                                 const QProcessEnvironment& env);

// Grafana's EnvKey: "GF_" + upper(section with '.' and '-' -> '_') + "_" + upper(key with '.' -> '_').
// (Grafana leaves '-' in key names alone.)
QString envKeyFor(const QString& section, const QString& key);

// Parent of the ini's folder when that folder is called `conf`, otherwise the ini's folder.
QString grafanaHomePath(const QString& iniPath);

} // namespace mk::config
