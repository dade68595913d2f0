#!/usr/bin/env python3
"""Start-up benchmark: every no-network command of ssox against the floor, side by side.

Usage: python3 benches/bench.py [--profile PROFILE] [--runs N] [--no-build] [--no-callgrind]

The floor is a do-nothing Rust binary (benches/floor.rs, the `floor` example) built with the same
profile and flags as ssox. Each row runs the floor and the command alternately (interleaved pairs,
so both see the same load on a shared machine) and reports the median of the per-pair ratios, the
medians in ms, peak memory (GNU time's maximum resident set size) and, with valgrind, the instructions
the whole process executes (callgrind: repeatable whatever else the machine is doing). `ssox pick`
is timed from spawn to its first frame in a pseudo-terminal against fzf on the same lines (the
`ssox list` table), alternately; its target is half of fzf's time. Needs python3; valgrind and fzf
are optional (their columns or row are then skipped with a note).
"""
import argparse
import os
import pty
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_config  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (label, profiles, args, runs factor, target ratio, target instructions, target peak MiB)
ROWS = [
    ("ssox use NAME", 2000, ["use", "{name}", "--shell", "bash"], 1, 1.5, 1.0e6, None),
    ("ssox use NAME", 10000, ["use", "{name}", "--shell", "bash"], 1, 2.0, None, None),
    # What a `cd` into a trusted .ssox.toml tree costs the shell (the directory hook); no target
    # of its own: it is `use` plus the file and its trust record.
    ("ssox hook (cd)", 2000, ["hook", "--shell", "bash"], 1, None, None, None),
    ("ssox --version", 0, ["--version"], 1, 1.2, None, None),
    ("ssox list --names", 10000, ["list", "--names"], 1, 3.0, None, None),
    ("ssox list", 10000, ["list"], 0.5, 6.0, None, None),
    ("ssox list --json", 10000, ["list", "--json"], 0.5, 10.0, None, 15),
]


def build(profile):
    # Two runs: built together, the example's dev-dependencies would change ssox's features.
    for what in (["--bin", "ssox"], ["--example", "floor"]):
        subprocess.run(["cargo", "build", "--quiet", "--profile", profile, *what], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    out = os.path.join(target, profile)
    return os.path.join(out, "ssox"), os.path.join(out, "examples", "floor")


def run_once(argv, env):
    """Spawn argv with stdout/stderr on /dev/null; return (seconds, exit status)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    t = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    dt = time.perf_counter() - t
    os.close(devnull)
    return dt, os.waitstatus_to_exitcode(status)


def peak_mib(argv, env):
    """Peak resident memory in MiB, by GNU time (not wait4's ru_maxrss: a child spawned with
    vfork counts this Python process's memory as its own)."""
    if not os.path.exists("/usr/bin/time"):
        return None
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, check=False)
    return int(out.stderr.split()[-1]) / 1024


def instructions(argv, env):
    """Instructions the whole process executes (loader included), by callgrind."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    m = re.search(r"Collected : (\d+)", out.stderr)
    return int(m.group(1)) if m else None


def side_by_side(floor, argv, env, pairs):
    """Interleaved runs (after warm-up): medians and the median of per-pair ratios."""
    for _ in range(3):
        run_once(floor, env)
        run_once(argv, env)
    f, c, ratios = [], [], []
    for i in range(pairs):
        # Alternate which goes first so neither always follows the other.
        if i % 2:
            tf, _ = run_once(floor, env)
            tc, code = run_once(argv, env)
        else:
            tc, code = run_once(argv, env)
            tf, _ = run_once(floor, env)
        if code != 0:
            sys.exit(f"{' '.join(argv)} exited with {code}")
        f.append(tf)
        c.append(tc)
        ratios.append(tc / tf)
    return statistics.median(f), statistics.median(c), statistics.median(ratios)


ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\x1b[=>78]")


def first_frame(argv, env, marker, stdin_path=None):
    """Spawn argv in a 120x40 pty (its controlling terminal); seconds until `marker` is on it."""
    import fcntl
    import struct
    import termios
    t = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            if stdin_path:
                i = os.open(stdin_path, os.O_RDONLY)
                os.dup2(i, 0)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen, dt = b"", None
    deadline = t + 20
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if marker in ANSI.sub(b"", seen[-4096:]):
            dt = time.perf_counter() - t
            break
    os.write(fd, b"\x1b")
    end = time.perf_counter() + 5
    while time.perf_counter() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        try:
            if r and not os.read(fd, 65536):
                break
        except OSError:
            break
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            pid = 0
            break
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    os.close(fd)
    if dt is None:
        sys.exit(f"no first frame from {argv[0]} (wanted {marker!r}); got {ANSI.sub(b'', seen)[-300:]!r}")
    return dt


def fmt_n(n):
    return "-" if n is None else f"{n / 1e6:.2f}M"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", default="release", help="cargo profile to build (default release)")
    ap.add_argument("--runs", type=int, default=40, help="pairs per row (default 40)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already built")
    ap.add_argument("--no-callgrind", action="store_true", help="skip instruction counts")
    args = ap.parse_args()

    if args.no_build:
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
        ssox = os.path.join(target, args.profile, "ssox")
        floor = os.path.join(target, args.profile, "examples", "floor")
    else:
        ssox, floor = build(args.profile)
    callgrind = not args.no_callgrind and shutil.which("valgrind")
    size = os.path.getsize(ssox)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(f"ssox {ssox} ({size / 2**20:.1f} MiB, profile {args.profile}); load average {load}; "
          f"{args.runs} interleaved pairs per row")

    tmp = tempfile.mkdtemp(prefix="ssox-bench-")
    homes = {}
    try:
        for n in sorted({r[1] for r in ROWS} | {10000}):
            home = os.path.join(tmp, f"home{n}")
            name = gen_config.write(home, n) if n else None
            if not n:
                os.makedirs(home)
            homes[n] = (home, name)

        def env_of(home):
            return {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "LANG": "C.UTF-8", "TERM": "xterm", "XDG_STATE_HOME": os.path.join(home, "state")}

        head = (f"{'command':<20} {'profiles':>8} {'floor ms':>9} {'ms':>8} {'× floor':>8} "
                f"{'instr.':>8} {'peak MiB':>8}   target")
        print(head)
        print("-" * len(head))
        misses = 0
        for label, n, argv, factor, t_ratio, t_ins, t_mib in ROWS:
            home, name = homes[n]
            env = env_of(home)
            full = [ssox] + [a.format(name=name) for a in argv]
            here = os.getcwd()
            if argv[0] == "hook":
                os.chdir(trusted_dir(ssox, home, name, env))
            try:
                f, c, ratio = side_by_side([floor], full, env, max(5, int(args.runs * factor)))
                ins = instructions(full, env) if callgrind else None
                mib = peak_mib(full, env)
            finally:
                os.chdir(here)
            ok = (t_ratio is None or ratio <= t_ratio) and (
                t_ins is None or ins is None or ins <= t_ins) and (
                t_mib is None or mib is None or mib <= t_mib)
            misses += not ok
            target = "-" if t_ratio is None else f"≤ {t_ratio:g}× floor"
            if t_ins:
                target += f", ≤ {t_ins / 1e6:g}M instr."
            if t_mib:
                target += f", ≤ {t_mib} MiB"
            verdict = "" if t_ratio is None else ("ok" if ok else "MISSED")
            print(f"{label:<20} {n or '-':>8} {f * 1e3:9.2f} {c * 1e3:8.2f} {ratio:7.2f}× "
                  f"{fmt_n(ins):>8} {'-' if mib is None else f'{mib:.1f}':>8}   {target} {verdict}")
        if callgrind:
            env = env_of(homes[0][0])
            mib = peak_mib([floor], env)
            print(f"{'(the floor itself)':<20} {'':>8} {'':>9} {'':>8} {'':>8} "
                  f"{fmt_n(instructions([floor], env)):>8} {'-' if mib is None else f'{mib:.1f}':>8}")

        misses += pick_row(ssox, homes[10000][0], env_of(homes[10000][0]), tmp, args.runs)
        print(f"{misses} target(s) missed" if misses else "every target met")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def trusted_dir(ssox, home, name, env):
    """A directory under `home` whose trusted .ssox.toml names `name`: where the hook switches."""
    d = os.path.join(home, "proj")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, ".ssox.toml"), "w") as f:
        f.write(f'profile = "{name}"\n')
    subprocess.run([ssox, "allow", d], env=env, check=True, stderr=subprocess.DEVNULL)
    return d


def pick_row(ssox, home, env, tmp, runs):
    """`ssox pick` spawn to first frame against fzf on the same lines, alternately."""
    fzf = shutil.which("fzf")
    if not fzf:
        print("ssox pick: skipped (needs fzf on PATH: apt-get install fzf)")
        return 0
    lines = os.path.join(tmp, "lines.txt")
    with open(lines, "wb") as f:
        subprocess.run([ssox, "list"], env=env, stdout=f, check=True)
    marker = b"10000/10000"
    pick = [ssox, "pick"]
    fzf_argv = [fzf, "--header-lines=1"]
    fzf_env = dict(env, FZF_DEFAULT_OPTS="")
    pairs = max(5, runs // 2)
    for _ in range(2):
        first_frame(pick, env, marker)
        first_frame(fzf_argv, fzf_env, marker, lines)
    s, z, ratios = [], [], []
    for i in range(pairs):
        if i % 2:
            a = first_frame(fzf_argv, fzf_env, marker, lines)
            b = first_frame(pick, env, marker)
        else:
            b = first_frame(pick, env, marker)
            a = first_frame(fzf_argv, fzf_env, marker, lines)
        s.append(b)
        z.append(a)
        ratios.append(b / a)
    ratio = statistics.median(ratios)
    ok = ratio <= 0.5
    print(f"{'ssox pick':<20} {10000:>8}   spawn to first frame in a pty: {statistics.median(s) * 1e3:.1f} ms, "
          f"fzf {statistics.median(z) * 1e3:.1f} ms on the same lines: {ratio:.2f}× fzf   "
          f"target ≤ 0.5× fzf {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    main()
