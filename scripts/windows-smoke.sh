#!/usr/bin/env bash
# ssox on Windows, checked from Linux: build ssox.exe for x86_64-pc-windows-gnu (Debian's mingw-w64
# links it) and run it under wine against the tests' loopback fake of AWS (examples/fake_aws.rs,
# run natively): --version, man, list, use NAME --shell powershell, use NAME (PowerShell is the
# default there), creds --format powershell, exec with a child's exit code, the picker in wine's
# console, and serve answering a request, with a config and a cached token in wine's
# %USERPROFILE%\.aws (wine sets USERPROFILE itself). Each output is compared with what the Linux
# build prints with HOME at the same folder. Then the library's unit tests, built for Windows,
# run under wine. Not part of .ci/run.
#
# Needs the rustup target, gcc-mingw-w64-x86-64 and wine (installed when missing). The wine
# prefix is target/wine (made on the first run, which takes a minute). Debian 12's wine 8.0 has
# no bcryptprimitives.dll, whose ProcessPrng Rust's std calls for random numbers: the script
# builds a stand-in (RtlGenRandom) with mingw into the prefix; Windows 10 and later have it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target"
fi
need=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null 2>&1 || need+=(wine wine64)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --locked --target "$target"
cargo build --locked --bin ssox --example fake_aws
exe="$PWD/target/$target/debug/ssox.exe"
linux="$PWD/target/debug/ssox"

own_prefix="$PWD/target/wine"
export WINEPREFIX="${WINEPREFIX:-$own_prefix}" WINEDEBUG=-all
[ -d "$WINEPREFIX" ] || wineboot -i >/dev/null 2>&1
shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ ! -e "$shim" ]; then
  src="$(mktemp -d)"
  cat >"$src/shim.c" <<'C'
#include <windows.h>
BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
C
  x86_64-w64-mingw32-gcc -shared -O2 -o "$shim" "$src/shim.c" -ladvapi32
  rm -rf "$src"
fi

# Wine's %USERPROFILE% as a Linux path: the HOME of the Linux runs too.
profile_win="$(wine cmd /c 'echo %USERPROFILE%' | tr -d '\r')"
home="$(winepath -u "$profile_win" | sed 's:/$::')"
if [ -e "$home/.aws" ]; then
  if [ "$WINEPREFIX" = "$own_prefix" ]; then
    rm -rf "$home/.aws"
  else
    echo "windows-smoke: $home/.aws exists in WINEPREFIX=$WINEPREFIX; move it away first" >&2
    exit 1
  fi
fi

work="$(mktemp -d)"
fake_in="$work/fake.in"
mkfifo "$fake_in"
cleanup() {
  exec 3>&- 2>/dev/null || true
  rm -rf "$work" "$home/.aws"
}
trap cleanup EXIT

# The fake serves until its stdin (the FIFO, held open on fd 3) closes.
token="windows-smoke-token"
target/debug/examples/fake_aws "$token" <"$fake_in" >"$work/fake.url" 2>"$work/fake.log" &
exec 3>"$fake_in"
for _ in $(seq 100); do [ -s "$work/fake.url" ] && break; sleep 0.1; done
url="$(head -n 1 "$work/fake.url")"
[ -n "$url" ] || { echo "windows-smoke: the fake did not start" >&2; cat "$work/fake.log" >&2; exit 1; }

mkdir -p "$home/.aws/sso/cache"
cat >"$home/.aws/config" <<'EOF'
[sso-session my_sso_session]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile blog_admin]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1

[profile blog_ro]
sso_session = my_sso_session
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
region = eu-west-1
EOF
cache="$(printf %s my_sso_session | sha1sum | cut -d ' ' -f 1).json"
expires="$(date -u -d '+8 hours' +%Y-%m-%dT%H:%M:%SZ)"
printf '{"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "us-east-1", "accessToken": "%s", "expiresAt": "%s"}' \
  "$token" "$expires" >"$home/.aws/sso/cache/$cache"

fail=0
# ssox (the Linux build, or ssox.exe under wine) pointed at the fake; no other AWS_*, no SHELL.
run() {
  local which="$1"
  shift
  local -a envs=(-i PATH="$PATH" HOME="$home" WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all
    AWS_ENDPOINT_URL_SSO_OIDC="$url" AWS_ENDPOINT_URL_SSO="$url" AWS_ENDPOINT_URL_STS="$url"
    NO_COLOR=1)
  if [ "$which" = windows ]; then
    env "${envs[@]}" wine "$exe" "$@"
  else
    env "${envs[@]}" "$linux" "$@"
  fi
}

# `check NAME LINUX_ARGS -- WINDOWS_ARGS`: ssox.exe under wine must exit as the Linux build does
# and print the same stdout (creds: the same lines up to the values, which the fake makes anew
# each time).
check() {
  local name="$1" lin_rc=0 win_rc=0
  shift
  local -a lin=() win=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do lin+=("$1"); shift; done
  if [ $# -gt 0 ]; then shift; win=("$@"); else win=("${lin[@]}"); fi
  # Windows first: its creds fetch the role credentials (and write the role cache the AWS CLI
  # shares), which the Linux run then reads.
  run windows "${win[@]}" >"$work/win.out" 2>"$work/win.err" || win_rc=$?
  run linux "${lin[@]}" >"$work/lin.out" 2>"$work/lin.err" || lin_rc=$?
  for f in lin win; do
    if [ "$name" = creds ]; then
      sed -E "s/= '[^']*';/= '…';/" "$work/$f.out" >"$work/$f.cmp"
    else
      cp "$work/$f.out" "$work/$f.cmp"
    fi
  done
  if [ "$lin_rc" = "$win_rc" ] && [ -s "$work/win.out" ] && cmp -s "$work/lin.cmp" "$work/win.cmp"; then
    echo "ok    $name (exit $win_rc, $(wc -l <"$work/win.out") lines of stdout as on Linux)"
  else
    echo "FAIL  $name: exit $win_rc (Linux $lin_rc)"
    diff -u "$work/lin.cmp" "$work/win.cmp" | head -n 20 || true
    sed 's/^/  stderr: /' "$work/win.err" | head -n 10
    fail=1
  fi
}

check version --version
check man man
check list list
check "use --shell powershell" use blog_admin --shell powershell
check "use (PowerShell by default)" use blog_admin --shell powershell -- use blog_admin
check creds creds blog_admin --format powershell
# exec runs the child and exits with its code (cmd.exe under wine).
win_rc=0
run windows exec blog_admin -- cmd /c exit 7 >"$work/exec.out" 2>"$work/exec.err" || win_rc=$?
if [ "$win_rc" = 7 ]; then
  echo "ok    exec (the child's exit code 7)"
else
  echo "FAIL  exec: exit $win_rc, want 7"
  sed 's/^/  stderr: /' "$work/exec.err" | head -n 10
  fail=1
fi

# The picker in a console (wine's, on a pseudo-terminal): raw keys filter the menu, Enter picks
# and prints PowerShell (the default there). Not checked: Ctrl-C, which wine's console does not
# deliver as a key event ("ReadConsoleInput returned no events"; with the terminal's ISIG on,
# the terminal's SIGINT ends wine instead).
cat >"$work/pick.py" <<'PY'
import codecs, os, pty, select, sys, time
exe, keys, want_code, want_text = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    os.environ.pop("SHELL", None)
    os.execvp("wine", ["wine", exe, "pick"])
out = b""
def read(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return
            if not data:
                return
            out += data
read(8)
for key in codecs.decode(keys, "unicode_escape").split("|"):
    os.write(fd, key.encode())
    read(2)
_, status = os.waitpid(pid, 0)
read(1)
code = os.waitstatus_to_exitcode(status)
text = out.decode("utf-8", "replace").replace("\r", "")
if code == int(want_code) and want_text in text:
    sys.exit(0)
print(f"exit {code} (want {want_code}); {want_text!r} not in:\n{text[-1500:]}")
sys.exit(1)
PY
pick() {
  local name="$1"
  shift
  if python3 "$work/pick.py" "$exe" "$@" >"$work/pick.out" 2>&1; then
    echo "ok    $name"
  else
    echo "FAIL  $name:"
    sed 's/^/  /' "$work/pick.out" | tail -n 20
    fail=1
  fi
}
pick "pick (type ro, Enter: blog_ro in PowerShell)" 'ro|\r' 0 "\$Env:AWS_PROFILE = 'blog_ro';"

# serve: prints the container variables, detaches stdout, and answers an SDK's request with the
# role's credentials (its stop on Ctrl-C cannot be sent under wine: wineserver -k ends it).
run windows serve --profile blog_admin --print-env >"$work/serve.env" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 100); do grep -q '^AWS_DEFAULT_REGION=' "$work/serve.env" 2>/dev/null && break; sleep 0.1; done
uri="$(sed -n 's/^AWS_CONTAINER_CREDENTIALS_FULL_URI=//p' "$work/serve.env")"
auth="$(sed -n 's/^AWS_CONTAINER_AUTHORIZATION_TOKEN=//p' "$work/serve.env")"
answer="$(curl -s --max-time 10 -H "Authorization: $auth" "$uri" || true)"
if printf %s "$answer" | grep -q '"AccessKeyId"'; then
  echo "ok    serve (answered $uri with credentials)"
else
  echo "FAIL  serve: no credentials from '$uri'"
  sed 's/^/  stderr: /' "$work/serve.err" | head -n 10
  fail=1
fi
wineserver -k 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true

# The unit tests of the library, built for Windows and run under wine (the Unix-only ones are
# compiled out).
if CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine cargo test --locked --target "$target" --lib \
  >"$work/unit.log" 2>&1; then
  echo "ok    unit tests: $(grep -E '^test result' "$work/unit.log")"
else
  echo "FAIL  unit tests under wine:"
  grep -E '^test .* FAILED|panicked|left:|right:|^error' "$work/unit.log" | head -n 20
  fail=1
fi

exec 3>&-
wait
sed 's/^/fake: /' "$work/fake.log"
# One fetch of role credentials, by ssox.exe; the rest came from the role cache it wrote.
if ! grep -qx "fake_aws: requests: GetRoleCredentials" "$work/fake.log"; then
  echo "FAIL  role cache: ssox.exe should have fetched the role credentials once"
  fail=1
fi
if [ "$fail" = 0 ]; then
  echo "windows-smoke: all passed"
else
  echo "windows-smoke: failures above" >&2
  exit 1
fi
