#!/usr/bin/env bash
# The static Linux binary: build ssox for x86_64-unknown-linux-musl, check that it is static, and
# run the integration tests' main flows with it instead of cargo's glibc build (the harness takes
# the binary from SSOX_TEST_BIN). Not part of .ci/run (it builds every dependency a second time).
#
#   scripts/musl-smoke.sh            the main flows (below)
#   scripts/musl-smoke.sh ''         every integration test
#   scripts/musl-smoke.sh serve::    any test filter
#
# Needs the rustup target and Debian's musl-tools (ring's C code is built with musl-gcc); both
# are installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-musl

if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
if ! command -v musl-gcc >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq musl-tools >/dev/null
fi

cargo build --locked --target "$target"
bin="$PWD/target/$target/debug/ssox"
if ldd "$bin" 2>&1 | grep -q "statically linked"; then
  echo "musl-smoke: $bin is static"
else
  echo "musl-smoke: $bin is not a static binary: $(ldd "$bin" 2>&1 | tr '\n' ' ')" >&2
  exit 1
fi

# The main flows: configure and sync from nothing, device-code and PKCE login, use/list/pick in
# real shells and a pty, status and token refresh, creds/exec/whoami/console, serve, logout,
# doctor, man and completions.
flows=(configure:: sync:: login:: login_pkce:: switching:: use_list:: pick:: shells:: tokens::
  creds:: exec:: whoami:: console:: serve:: chains:: doctor:: man_page::)
if [ $# -gt 0 ]; then
  flows=("$@")
fi
SSOX_TEST_BIN="$bin" cargo test --locked --test integration -- "${flows[@]}"
