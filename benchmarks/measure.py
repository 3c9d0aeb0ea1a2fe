"""Run a command and report its wall time and its *own* peak memory.

Why not `wait4`'s `ru_maxrss` on a child of the benchmark? On Linux, `exec` records the
resident high-water mark of the address space it replaces into the process's `maxrss`, and that
old address space is the benchmark's: a copy of it after `fork`, or the very same one after
`vfork`/`posix_spawn` (`CLONE_VM`). Checked on this machine (kernel 6.18, glibc 2.36): from a
parent holding 300 MB, `true` is reported at 307-310 MB through `subprocess.Popen`,
`os.posix_spawn` and `fork`+`exec` alike. So `posix_spawn` does not help.

What does: a *small launcher*, itself freshly exec'd, forks the command and reads its
`ru_maxrss`. The command then inherits only the launcher's few pages. The launcher is GNU
`/usr/bin/time` when installed (about 1 MB of floor), else a tiny `python -I -S` (about 6 MB).
The kernel's figure is exact, including the last millisecond before exit; for a command that
forks, it is the largest peak of any one process in its tree (the launcher's `wait4` folds in
each reaped descendant's peak).

Commands whose processes run side by side (worker pools) can use more than any one of them,
so a sampler also reads `VmRSS` of every process under the launcher from `/proc` every 20 ms
and keeps the largest sum seen at one instant. `peak_rss_bytes` is the larger of the two
figures. The sum counts shared pages (libraries, copy-on-write) once per process, so for a
pool it errs high, never low; a burst shorter than 20 ms in a pool may be missed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = "/usr/bin/time"
SAMPLE_S = 0.02

# Forks and execs argv[2:], waits, writes "maxrss_kb wall_s" to argv[1], exits with its status.
_LAUNCHER = """\
import os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    except OSError as exc:
        os.write(2, f"{cmd[0]}: {exc.strerror}\\n".encode())
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(out, "w") as f:
    f.write(f"{usage.ru_maxrss} {wall}\\n")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


@dataclass(frozen=True)
class Measured:
    """One run of one command: what it took and what it printed."""

    wall_s: float
    peak_rss_bytes: int  # max(peak_process_bytes, peak_tree_bytes)
    returncode: int
    stdout: bytes
    stderr: bytes
    peak_process_bytes: int  # kernel's exact peak of the largest single process in the tree
    peak_tree_bytes: int  # largest sampled sum of VmRSS over the tree at one instant
    method: str  # "gnu-time" or "python-launcher"
    killed: str | None = None  # "timeout" or "memory" when stopped by run()'s limits

    @property
    def peak_mb(self) -> float:
        return self.peak_rss_bytes / 2**20


class CommandFailed(RuntimeError):
    """The measured command exited non-zero (raised only when `check=True`)."""


def _gnu_time() -> str | None:
    """GNU time's path if it is installed and speaks `-f`/`-o` (BusyBox's does not)."""
    if not os.access(GNU_TIME, os.X_OK):
        return None
    probe = subprocess.run(
        [GNU_TIME, "-f", "%M", "-o", os.devnull, "true"], capture_output=True, check=False
    )
    return GNU_TIME if probe.returncode == 0 else None


def _launcher(report: Path, cmd: Sequence[str], method: str | None) -> tuple[list[str], str]:
    if method in (None, "gnu-time"):
        gnu = _gnu_time()
        if gnu:
            return [gnu, "-q", "-f", "%M", "-o", str(report), *cmd], "gnu-time"
        if method == "gnu-time":
            raise RuntimeError(f"{GNU_TIME} (GNU time) is not installed")
    return [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(report), *cmd], "python-launcher"


def _status_kb(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int] | None:
    """Direct children from /proc/PID/task/*/children (cheap); None where the kernel lacks it."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found: list[int] = []
    for tid in tasks:
        try:
            found.extend(
                int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
            )
        except FileNotFoundError:
            if not Path(f"/proc/{pid}/task/{tid}").exists():
                continue  # the thread ended
            return None  # CONFIG_PROC_CHILDREN is off
        except OSError:
            continue
    return found


def _descendants(root: int) -> list[int]:
    """Every live process under `root` (not `root` itself)."""
    found, todo = [], [root]
    while todo:
        kids = _children(todo.pop())
        if kids is None:
            return _descendants_by_scan(root)
        found.extend(kids)
        todo.extend(kids)
    return found


def _descendants_by_scan(root: int) -> list[int]:
    """The same from every process's parent id in /proc (slower: reads each /proc/N/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class _Sampler(threading.Thread):
    """Largest sum of VmRSS over the launcher's descendants seen at one instant; stops the
    whole process group when it passes `cap_kb` (a benchmark must not exhaust a shared box)."""

    def __init__(self, root: int, cap_kb: int | None) -> None:
        super().__init__(daemon=True)
        self.root, self.cap_kb, self.peak_kb = root, cap_kb, 0
        self.over_cap = False
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            total = sum(_status_kb(pid, "VmRSS:") for pid in _descendants(self.root))
            self.peak_kb = max(self.peak_kb, total)
            if self.cap_kb is not None and total > self.cap_kb:
                self.over_cap = True
                _kill_group(self.root)
                return
            self.done.wait(SAMPLE_S)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, 9)
    except ProcessLookupError:
        pass


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    stdin: bytes | None = None,
    check: bool = False,
    sample: bool = True,
    method: str | None = None,
    capture: bool = True,
    timeout_s: float | None = None,
    max_rss_bytes: int | None = None,
) -> Measured:
    """Run `cmd` to completion under a small launcher; its output is captured to temp files
    (no pipe to fill), or stdout goes to /dev/null with `capture=False`. `method` forces
    "gnu-time" or "python-launcher" (default: the first available). `sample=False` skips the
    /proc sampler for single-process commands. `timeout_s` and `max_rss_bytes` stop the
    command's whole process group (it runs in a session of its own) and say so in `killed`;
    the peak is then the sampler's."""
    argv = [os.fspath(c) for c in cmd]
    with tempfile.TemporaryDirectory(prefix="measure-") as tmp:
        report = Path(tmp, "report")
        full, used = _launcher(report, argv, method)
        with open(Path(tmp, "out"), "w+b") as out, open(Path(tmp, "err"), "w+b") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                full,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=out if capture else subprocess.DEVNULL,
                stderr=err,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,
            )
            cap_kb = max_rss_bytes // 1024 if max_rss_bytes is not None else None
            sampler = _Sampler(proc.pid, cap_kb)
            if sample or cap_kb is not None:
                sampler.start()
            if stdin is not None:
                assert proc.stdin is not None
                proc.stdin.write(stdin)
                proc.stdin.close()
            killed: str | None = None
            try:
                returncode = proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                killed = "timeout"
                _kill_group(proc.pid)
                returncode = proc.wait()
            except BaseException:  # Ctrl-C: its own session does not get the signal
                _kill_group(proc.pid)
                raise
            wall = time.perf_counter() - start
            sampler.done.set()
            if sampler.ident is not None:
                sampler.join()
            if sampler.over_cap:
                killed = "memory"
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        fields = report.read_text().split() if report.exists() else []
    if not fields and killed is None:
        raise RuntimeError(f"{argv[0]}: the launcher reported nothing: {stderr[-400:]!r}")
    process_bytes = int(fields[0]) * 1024 if fields else 0
    if used == "python-launcher" and fields:
        wall = float(fields[1])
    tree_bytes = sampler.peak_kb * 1024
    measured = Measured(
        wall_s=wall,
        peak_rss_bytes=max(process_bytes, tree_bytes),
        returncode=returncode,
        stdout=stdout,
        stderr=stderr,
        peak_process_bytes=process_bytes,
        peak_tree_bytes=tree_bytes,
        method=used,
        killed=killed,
    )
    if check and killed is not None:
        raise CommandFailed(f"{argv[0]} stopped ({killed})")
    if check and returncode != 0:
        raise CommandFailed(
            f"{argv[0]} exited {returncode}: {stderr.decode(errors='replace').strip()[-400:]}"
        )
    return measured


def best_of(
    n: int,
    cmd: Sequence[str | os.PathLike[str]],
    *,
    env: Mapping[str, str] | None = None,
    capture: bool = True,
    check: bool = True,
) -> Measured:
    """Run `cmd` n times; the fastest run, with the largest peak seen over all runs."""
    runs = [run(cmd, env=env, capture=capture, check=check) for _ in range(n)]
    fastest = min(runs, key=lambda m: m.wall_s)
    peak = max(runs, key=lambda m: m.peak_rss_bytes)
    return Measured(
        wall_s=fastest.wall_s,
        peak_rss_bytes=peak.peak_rss_bytes,
        returncode=max(r.returncode for r in runs),
        stdout=fastest.stdout,
        stderr=fastest.stderr,
        peak_process_bytes=peak.peak_process_bytes,
        peak_tree_bytes=peak.peak_tree_bytes,
        method=fastest.method,
    )


def references(path: Path, scratch: Path) -> list[tuple[str, list[str], bool]]:
    """(label, command, capture stdout) for what a user would reach for beside sha256sum on
    the same bytes: a faster hash (`openssl dgst -sha256`), a plain copy to the same filesystem
    (`scratch`) and a plain read (`cat` to /dev/null), the floor any hashing store pays, so
    that a ratio above 1.0 against a slow reference is not mistaken for headroom."""
    refs = [("sha256sum", ["sha256sum", str(path)], True)]
    if shutil.which("openssl"):
        refs.append(("openssl dgst -sha256", ["openssl", "dgst", "-sha256", str(path)], True))
    refs.append(("cp (same filesystem)", ["cp", str(path), str(scratch)], True))
    refs.append(("cat > /dev/null", ["cat", str(path)], False))
    return refs


def mb(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.0f}"
