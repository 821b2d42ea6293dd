#!/usr/bin/env bash
# Install what a build step needs, once. Usage: tools/deps.sh arm|node|clang|gdb|qemu
# As root, missing Debian packages are installed with apt-get; otherwise (or
# with TD_DEPS_NO_INSTALL=1) the script names the package to install and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkg() {            # need_pkg PACKAGE COMMAND-THAT-PROVES-IT
  local pkg=$1; shift
  if "$@" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ -z "${TD_DEPS_NO_INSTALL:-}" ]; then
    echo "deps: installing Debian package $pkg"
    if ! apt-get install -y -qq "$pkg" >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      apt-get install -y -qq "$pkg" >/dev/null || {
        echo "deps: error: apt-get could not install $pkg" >&2; exit 1; }
    fi
    "$@" >/dev/null 2>&1 || { echo "deps: error: $pkg installed but '$*' still fails" >&2; exit 1; }
  else
    echo "deps: error: missing Debian package '$pkg' (needed for: $*)." >&2
    echo "deps: install it with: sudo apt-get install $pkg" >&2
    exit 1
  fi
}

case "${1:-}" in
  arm)
    # CROSS (the Makefile's prefix) may name another arm-none-eabi toolchain.
    gcc=${CROSS:-arm-none-eabi-}gcc
    need_pkg gcc-arm-none-eabi "$gcc" --version
    # The toolchain must target the Cortex-M0+ (Thumb v6-M) and carry its libgcc.
    lib=$("$gcc" -mcpu=cortex-m0plus -mthumb -print-libgcc-file-name)
    [ -f "$lib" ] || { echo "deps: error: $gcc has no libgcc for cortex-m0plus ($lib)" >&2; exit 1; }
    ;;
  node)
    command -v node >/dev/null || need_pkg nodejs node --version
    command -v npm >/dev/null || need_pkg npm npm --version
    if [ -f sim/package-lock.json ]; then
      stamp=sim/node_modules/.tandem-stamp
      if [ ! -f "$stamp" ] || [ sim/package-lock.json -nt "$stamp" ]; then
        echo "deps: npm ci (emulator packages)"
        (cd sim && npm ci --no-audit --no-fund --loglevel=error) || {
          echo "deps: error: 'npm ci' in sim/ failed" >&2; exit 1; }
        touch "$stamp"
      fi
    fi
    ;;
  qemu)
    # QEMU's mps2-an521 board (two Cortex-M33 cores) for the 'an521' suite.
    need_pkg qemu-system-arm qemu-system-arm --version
    ;;
  clang)
    need_pkg clang clang --version
    need_pkg libclang-rt-14-dev test -f "$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
    need_pkg llvm llvm-cov --version
    ;;
  gdb)
    # GDB for the ARM target, with Python (tools/gdb/tandem.py): make debug, the 'gdb' suite
    need_pkg gdb-multiarch gdb-multiarch --batch -nx -ex 'python print(1)'
    ;;
  *)
    echo "usage: tools/deps.sh arm|node|clang|gdb|qemu" >&2; exit 2 ;;
esac
