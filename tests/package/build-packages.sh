#!/usr/bin/env bash
# Builds the Debian packages of a build tree with CPack: the setup of the package tests.
#   build-packages.sh BUILD_DIR CPACK
set -euo pipefail
build=$1 cpack=$2
rm -f "$build"/mosaicoo-keys*.deb # no package of an older version is left to be tested
cd "$build"
start=$SECONDS
"$cpack" --config CPackConfig.cmake -G DEB
ls -l "$build"/mosaicoo-keys*.deb
echo "packages built in $((SECONDS - start)) s"
