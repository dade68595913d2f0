#!/usr/bin/env bash
# Release archives, the way .github/workflows/release.yml makes them (and tests/integration/dist.rs
# checks them). Nothing here reaches the network or publishes anything.
#
#   scripts/dist.sh extras SSOX DIR
#       DIR/ssox.1 and DIR/completions/{ssox.bash,_ssox,ssox.fish,_ssox.ps1}, printed by SSOX (any
#       ssox that runs on this machine: the pages do not depend on the target).
#   scripts/dist.sh pack TARGET BINARY EXTRAS OUT
#       OUT/ssox-vVERSION-TARGET.tar.gz (.zip for Windows targets), one top-level folder of the same
#       name holding the binary, README.md, LICENSE, ssox.1 and completions/; and beside it
#       ARCHIVE.sha256 in `sha256sum` format (`sha256sum -c` checks it).
#   scripts/dist.sh formula SUMS_DIR
#       packaging/homebrew/ssox.rb with the version and the macOS/Linux archives' sums filled in
#       from SUMS_DIR/*.sha256, on stdout.
#
# VERSION is Cargo.toml's package version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

die() { echo "dist.sh: $*" >&2; exit 1; }

version() {
  sed -n 's/^version = "\([^"]*\)"$/\1/p' "$root/Cargo.toml" | head -n 1
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}

extras() {
  local ssox="$1" dir="$2"
  mkdir -p "$dir/completions"
  "$ssox" man >"$dir/ssox.1"
  "$ssox" completions bash >"$dir/completions/ssox.bash"
  "$ssox" completions zsh >"$dir/completions/_ssox"
  "$ssox" completions fish >"$dir/completions/ssox.fish"
  "$ssox" completions powershell >"$dir/completions/_ssox.ps1"
}

pack() {
  local target="$1" binary="$2" extras="$3" out="$4"
  [ -f "$binary" ] || die "no binary at $binary (build it with: cargo build --release --locked --target $target)"
  [ -f "$extras/ssox.1" ] || die "no man page in $extras (make it with: scripts/dist.sh extras SSOX $extras)"
  local name exe=""
  name="ssox-v$(version)-$target"
  case "$target" in *windows*) exe=".exe" ;; esac
  local stage
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/$name" "$out"
  cp "$binary" "$stage/$name/ssox$exe"
  chmod 755 "$stage/$name/ssox$exe"
  cp "$root/README.md" "$root/LICENSE" "$extras/ssox.1" "$stage/$name/"
  cp -R "$extras/completions" "$stage/$name/"
  local out_abs archive
  out_abs="$(cd "$out" && pwd)"
  if [ -n "$exe" ]; then
    archive="$name.zip"
    rm -f "$out_abs/$archive"
    if command -v zip >/dev/null 2>&1; then
      (cd "$stage" && zip -qr "$out_abs/$archive" "$name")
    else
      (cd "$stage" && 7z a -tzip -bso0 "$out_abs/$archive" "$name")
    fi
  else
    archive="$name.tar.gz"
    tar -C "$stage" -czf "$out_abs/$archive" "$name"
  fi
  (cd "$out_abs" && sha256 "$archive" >"$archive.sha256")
  echo "$out_abs/$archive"
}

formula() {
  local sums="$1" v text
  v="$(version)"
  text="$(cat "$root/packaging/homebrew/ssox.rb")"
  text="${text//@VERSION@/$v}"
  for target in aarch64-apple-darwin x86_64-apple-darwin aarch64-unknown-linux-musl x86_64-unknown-linux-musl; do
    local file="$sums/ssox-v$v-$target.tar.gz.sha256"
    [ -f "$file" ] || die "no $file"
    local sum
    sum="$(cut -d ' ' -f 1 "$file")"
    text="${text//@SHA256_$target@/$sum}"
  done
  local left
  left="$(grep -oE '@(VERSION|SHA256_[a-z0-9_-]+)@' <<<"$text" | head -n 1 || true)"
  [ -z "$left" ] || die "packaging/homebrew/ssox.rb: $left is not filled in"
  printf '%s\n' "$text"
}

case "${1:-}" in
  extras) [ $# -eq 3 ] || die "usage: scripts/dist.sh extras SSOX DIR"; extras "$2" "$3" ;;
  pack) [ $# -eq 5 ] || die "usage: scripts/dist.sh pack TARGET BINARY EXTRAS OUT"; pack "$2" "$3" "$4" "$5" ;;
  formula) [ $# -eq 2 ] || die "usage: scripts/dist.sh formula SUMS_DIR"; formula "$2" ;;
  *) die "usage: scripts/dist.sh extras|pack|formula ... (see the top of this file)" ;;
esac
