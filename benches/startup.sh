#!/usr/bin/env bash
# Startup benchmark (issues 2 and 5): ssox's no-network commands against a do-nothing Rust binary
# (the floor) and the AWS CLI from PyPI, side by side in one hyperfine run per config size, so the
# ratios are meaningful on a shared, noisy machine. Usage: benches/startup.sh [SIZES...]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100 2000 10000}")
[ $# -gt 0 ] || sizes=(100 2000 10000)
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

out=target/bench
mkdir -p "$out"
cargo build --release --quiet
rustc -C opt-level=3 -C strip=symbols -o "$out/floor" benches/floor.rs
if [ ! -x "$out/venv/bin/aws" ]; then
  python3 -m venv "$out/venv"
  "$out/venv/bin/pip" install -q --disable-pip-version-check awscli
fi
ssox=$PWD/target/release/ssox
aws=$PWD/$out/venv/bin/aws

for n in "${sizes[@]}"; do
  home=$(mktemp -d)
  name=$(python3 benches/gen_config.py "$home" "$n")
  echo "== $n profiles ($(wc -c <"$home/.aws/config") bytes), profile $name"
  runs=(--runs 40)
  env -i HOME="$home" PATH="$PATH" AWS_PROFILE="$name" hyperfine -N --warmup 5 "${runs[@]}" \
    --export-json "$out/startup-$n.json" \
    -n floor "$PWD/$out/floor" \
    -n "ssox use" "$ssox use $name --shell bash" \
    -n "ssox list --names" "$ssox list --names" \
    -n "ssox status --prompt" "$ssox status --prompt" \
    -n "aws configure get" "$aws configure get region --profile $name" >/dev/null
  python3 - "$out/startup-$n.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
floor = r["floor"]["median"]
use = r["ssox use"]["median"]
print(f"{'command':24} {'median ms':>10} {'x floor':>9}")
for name, x in r.items():
    print(f"{name:24} {x['median']*1000:10.2f} {x['median']/floor:9.2f}")
print(f"aws configure get / ssox use: {r['aws configure get']['median']/use:.0f}x")
PY
  # Instruction counts are repeatable whatever else the machine does (valgrind is optional).
  if command -v valgrind >/dev/null; then
    count() {
      env -i HOME="$home" PATH="$PATH" AWS_PROFILE="$name" valgrind --tool=callgrind \
        --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'
    }
    f=$(count "$PWD/$out/floor")
    printf '%-24s %12s %9s\n' "instructions" "count" "x floor"
    printf '%-24s %12s %9s\n' floor "$f" 1.00
    for c in "use $name --shell bash" "list --names" "status --prompt"; do
      # shellcheck disable=SC2086
      n_ins=$(count "$ssox" $c)
      printf "%-24s %12s %9.2f\n" "ssox ${c%% *}" "$n_ins" "$(python3 -c "print($n_ins / $f)")"
    done
  fi
  rm -rf "$home"
done
