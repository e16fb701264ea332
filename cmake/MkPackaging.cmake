# Debian packages with CPack: `cmake --build build --target package` (or `bash cmake/dev.sh
# package`, which also runs the package tests and lintian) writes into build/
#   mosaicoo-keys-cli_<version>_<arch>.deb  component `cli`: the command-line tool, its man page,
#                                           bash completion; QtCore/QtSql/OpenSSL, no QtGui
#   mosaicoo-keys_<version>_<arch>.deb      component `gui`: the desktop console, .desktop file,
#                                           icon, man page, completion, user guide; depends on
#                                           mosaicoo-keys-cli of the same version
# Two packages because a server or jump host needs the CLI without the X11, Mesa/OpenGL, font and
# input libraries behind QtGui and QtWidgets (README, "Install the package").
# Depends: what dpkg-shlibdeps computes from the binaries (CPACK_DEBIAN_PACKAGE_SHLIBDEPS) plus
# the Qt plugins that are loaded at run time and so are invisible to it: the SQL drivers (SQLite,
# PostgreSQL, MySQL/MariaDB) for the CLI, the SVG icon engine for the GUI's icon.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mosaicoo-keys)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR Mosaicoo)
# Each package's Description comes whole from CPACK_DEBIAN_<COMPONENT>_DESCRIPTION (first line: the
# synopsis); an empty summary keeps CPack from putting the project's DESCRIPTION in front of both.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGE_CONTACT "Mosaicoo Key Console dev <dev@mosaicoo.example>")
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON) # RelWithDebInfo binaries: the packages carry stripped copies
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cli gui)
set(CPACK_COMPONENT_GUI_DEPENDS cli)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON) # gui: Depends mosaicoo-keys-cli (= version)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)       # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME mosaicoo-keys-cli)
set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6sql6-psql, libqt6sql6-mysql")
set(CPACK_DEBIAN_CLI_PACKAGE_SUGGESTS "softhsm2")
set(CPACK_DEBIAN_CLI_DESCRIPTION
    "command-line tool for the encrypted secrets of Mosaicoo and Grafana
mosaicoo-keys-cli shows every encrypted secret and data key of a Mosaicoo or
Grafana database (SQLite, PostgreSQL, MySQL/MariaDB) with its health, decrypts
every value to find the ones that fail, and runs the administrator's operations
safely: re-encrypt to envelope encryption, roll back to legacy encryption,
re-wrap the data keys with a new secret key or a PKCS#11 HSM key, rotate, back
up and restore. Opening a database never writes to it.

This package has no graphical dependencies, for servers and jump hosts. The
desktop console is in the package mosaicoo-keys.")

set(CPACK_DEBIAN_GUI_PACKAGE_NAME mosaicoo-keys)
set(CPACK_DEBIAN_GUI_PACKAGE_DEPENDS "libqt6svg6")
set(CPACK_DEBIAN_GUI_DESCRIPTION
    "desktop console for the encrypted secrets of Mosaicoo and Grafana
The Mosaicoo Key Console shows every encrypted secret and data key of a
Mosaicoo or Grafana database (SQLite, PostgreSQL, MySQL/MariaDB) with its
health, and runs re-encryption, rollback, re-wrapping of the data keys, a
change of the secret key and rotation as wizards with a preflight, a backup,
a dry run and a report of every failed row. Opening a database never writes
to it.

The command-line tool, in the package mosaicoo-keys-cli, comes with it.")

include(CPack)
