#!/usr/bin/env bash
# Installs the rednas binary into PREFIX/bin (default PREFIX: /usr/local).
#
#   scripts/install.sh [--no-build] [PREFIX]
#
# Builds in release mode (`swift build -c release --product rednas`) unless --no-build is given,
# then copies the binary with `install -m 755`. REDNAS_BINARY=path installs that binary instead of
# .build/release/rednas. The installed binary needs nothing from the repository: the standard
# search space is built in, and configs, data and run directories are wherever you point them.
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
if [ "${1:-}" = "--no-build" ]; then build=0; shift; fi
prefix="${1:-/usr/local}"
if [ "$build" -eq 1 ]; then swift build -c release --product rednas; fi
binary="${REDNAS_BINARY:-.build/release/rednas}"
if [ ! -x "$binary" ]; then
  echo "install.sh: $binary is not a built rednas binary (run without --no-build, or set REDNAS_BINARY)" >&2
  exit 1
fi
install -d "$prefix/bin"
install -m 755 "$binary" "$prefix/bin/rednas"
echo "installed $prefix/bin/rednas"
