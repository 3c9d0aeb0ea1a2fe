"""The web workspace under a team's load: browsing and uploading clients against a real server.

    .venv/bin/python benchmarks/web_load.py [--seconds 60] [--browsers 50] [--uploaders 5]
                                            [--think 2.5] [--workers N] [--reuse DIR] [--profile]

1. The demo archive (the bundled footage, reposts, reports and incidents, as `corroborate demo`
   builds them) is built in a temporary folder, or once in `--reuse DIR` and copied from there
   for each run, so every run starts from the same archive. One account per client is added
   (browsers are viewers, analysts and reviewers in turn; uploaders are analysts).
2. A real `corroborate serve` (uvicorn) is started in its own process on a free local port, and
   every client logs in through the login form, keeping its own session cookie.
3. For `--seconds`, `--browsers` clients browse as a person does (each starts at a random
   moment within the first pause, then a page, then a pause of up to 2 x `--think` seconds;
   0 for a closed loop that starts all at once): the grid `/`, the grid's thumbnails, item
   pages, keyframes, `/api/items`, `/api/items/{id}`, and the incident pages when the server
   has them (read from `/api/openapi.json`). `--uploaders` clients upload real media with
   `PUT /api/uploads?name=...` (raw body, the session's `X-CSRF-Token`): half are new stills (a
   sample photograph with a unique trailer, so each is a new item through the whole ingest),
   half re-uploads of a demo clip (a new sighting). A server without that endpoint (404/405)
   is said so and uploads are skipped.
4. Printed: requests per second, p50/p95/p99 latency and errors per kind, the reference (a
   static file served by the same server, measured in the same run: the floor of any request),
   the server's peak memory (VmHWM from /proc) and CPU time, and PASS/FAIL against the target:
   p95 under 300 ms for every page kind and no errors. With `--profile`, or when a page kind
   misses the target, one request of the slowest kind is profiled in-process (cProfile through
   FastAPI's TestClient over a copy of the archive) and its SQL statements are counted.

With `--scenario map` the archive is instead one of `--incidents` generated incidents spread
over Ukraine (`corroborate.samples.incidents`, each size built once in `--reuse DIR`), and the
browsing clients use the map as a person does: clusters for random viewports and zooms
(`/api/map/clusters`), the list beside the map (`/map/list`), the timeline by day, week or month
(`/api/timeline`) and the tally (`/api/tally`), each with random filters (types, lowest status,
a period, a region, a perpetrator) half of the time. Targets: map queries p95 under 150 ms,
timeline and tally under 300 ms, no errors. Every size of `--incidents` (default 10000,100000)
runs in turn and the figures are printed side by side, so the growth is visible.

Traffic goes only to 127.0.0.1, and the run stops by itself after `--seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import html
import io
import os
import pstats
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
PASSWORD = "load-test-password"
TARGET_P95_MS = 300.0
REFERENCE = "static file (reference)"
BROWSER_ROLES = ("viewer", "analyst", "reviewer")
UPLOAD_KIND = "upload"
OPENAPI = "/api/openapi.json"


# -- the archive ---------------------------------------------------------------------------
def build_demo(directory: Path) -> None:
    """The demo archive as `corroborate demo` leaves it: footage, reposts, reports, incidents."""
    from corroborate.incidents.demo import build_demo_incidents
    from corroborate.samples.demo import build_demo_archive

    demo = build_demo_archive(directory)
    items = [
        demo.item_id(n)
        for n in ("bakhmut-surrender-drone.mp4", "field-strike-drone.mp4", "treeline-drone.mp4")
    ]
    build_demo_incidents(demo.archive, items, "alice", "bob")
    demo.archive.close()


def add_accounts(directory: Path, browsers: int, uploaders: int) -> list[tuple[str, str]]:
    """(name, role) of one account per client, added where missing."""
    from corroborate import accounts
    from corroborate.storage.archive import Archive

    wanted = [(f"browse-{i:02d}", BROWSER_ROLES[i % len(BROWSER_ROLES)]) for i in range(browsers)]
    wanted += [(f"upload-{i:02d}", "analyst") for i in range(uploaders)]
    archive = Archive.open(directory)
    try:
        known = {u.name for u in accounts.list_users(archive, by="load-test")}
        for name, role in wanted:
            if name not in known:
                accounts.add_user(archive, name, role=role, password=PASSWORD, by="load-test")
    finally:
        archive.close()
    return wanted


def prepare(args: argparse.Namespace, work: Path) -> Path:
    """The archive this run serves (a fresh copy when `--reuse` names a built one)."""
    target = work / "archive"
    started = time.perf_counter()
    if args.reuse:
        template = Path(args.reuse)
        if not (template / "archive.json").exists():
            print(f"building the demo archive in {template} (kept for later runs)...", flush=True)
            build_demo(template)
        add_accounts(template, args.browsers, args.uploaders)
        shutil.copytree(template, target)
    else:
        print(f"building the demo archive in {target}...", flush=True)
        build_demo(target)
        add_accounts(target, args.browsers, args.uploaders)
    print(f"  archive ready in {time.perf_counter() - started:.1f} s", flush=True)
    return target


def upload_inputs(work: Path) -> tuple[bytes, list[Path]]:
    """A sample photograph (made unique per upload) and the demo clips to re-upload."""
    from corroborate.samples import render_still

    still = render_still(work / "upload-still.jpg", "coffee", seed=3)
    clips = (
        sorted((work / "archive-inputs").glob("*.mp4"))
        if (work / "archive-inputs").exists()
        else []
    )
    if not clips:
        from corroborate.samples import render_flight

        clips = [render_flight(work / "upload-clip.mp4", "grass", seconds=4, seed=7)]
    return still.read_bytes(), clips


# -- the server ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(archive: Path, port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    """`corroborate serve` in its own process (its VmHWM is then the server's alone)."""
    paths = [str(HERE.parent / "src"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "corroborate",
            "serve",
            "--archive",
            str(archive),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (`serve --workers N`: the workers)."""
    found = [pid]
    for child in _children(pid):
        found.extend(process_tree(child))
    return found


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return out


def reset_peak(pid: int) -> bool:
    """Reset the VmHWM of the server's processes to their current RSS (5 > clear_refs)."""
    try:
        for each in process_tree(pid):
            Path(f"/proc/{each}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM and VmRSS in bytes and CPU milliseconds (user + system), summed over the server's
    processes (with workers, the sum of their peaks: an upper bound of the peak together)."""
    out: dict[str, int] = {"VmHWM": 0, "VmRSS": 0, "cpu_ms": 0}
    for each in process_tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] += int(value.split()[0]) * 1024
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out["cpu_ms"] += (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")
    return out


# -- the clients ---------------------------------------------------------------------------
@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, str] = field(default_factory=dict)  # kind: the first error seen
    after_login: dict[str, int] = field(default_factory=dict)  # the server, once all logged in
    server: dict[str, int] = field(default_factory=dict)  # the server over the load window
    alone: Stats | None = None  # each kind requested alone before the load (the reference)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        self.latencies[kind].append(seconds)
        if error is not None:
            self.errors[kind] += 1
            self.samples.setdefault(kind, error)


async def login(client: httpx.AsyncClient, name: str) -> str:
    """Log in through the form; the session's CSRF token, read from the next page."""
    page = await client.get("/login")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    if page.status_code != 200 or not found:
        raise SystemExit(f"/login answered {page.status_code} without a CSRF field")
    done = await client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf": found.group(1), "next": "/"},
    )
    if done.status_code != 303:
        raise SystemExit(f"logging in {name} failed: {done.status_code} {done.text[:200]}")
    grid = await client.get("/")
    token = re.search(r'name="csrf" value="([^"]+)"', grid.text)
    return token.group(1) if token else ""


async def timed(
    client: httpx.AsyncClient, stats: Stats, kind: str, method: str, url: str, **kw: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)
        await response.aread()
    except httpx.HTTPError as exc:
        stats.record(kind, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        return None
    error = None if response.status_code < 400 else f"{response.status_code} {response.text[:160]}"
    stats.record(kind, time.perf_counter() - started, error)
    return response


@dataclass
class Site:
    """What the server has to browse: item ids, keyframe URLs, incident refs, its routes."""

    items: list[str]
    keyframes: list[str]
    thumbnails: list[str]  # as the grid shows them (a browser fetches each)
    incidents: list[str]
    has_incident_pages: bool
    has_uploads: bool
    static: str


async def discover(client: httpx.AsyncClient, *, pages: bool = True) -> Site:
    """What there is to browse; with `pages=False` (the map scenario) only the static file."""
    if not pages:
        grid = await client.get("/map")
        found = re.search(r'(?:href|src)="(/static/[^"]+)"', grid.text)
        return Site([], [], [], [], False, False, found.group(1) if found else OPENAPI)
    spec = (await client.get("/api/openapi.json")).json()
    paths = set(spec.get("paths", {}))
    items = [i["id"] for i in (await client.get("/api/items")).json()["items"]]
    keyframes: list[str] = []
    for item in items:
        detail = (await client.get(f"/api/items/{item}")).json()
        found = detail.get("item", detail).get("keyframes") or []
        keyframes += [f"/items/{item}/keyframes/{n}" for n in range(len(found))]
    has_incidents = (
        "/incidents/{ref}" in paths or (await client.get("/incidents")).status_code == 200
    )
    incidents: list[str] = []
    if has_incidents:
        listing = await client.get("/api/incidents")
        if listing.status_code == 200:
            body = listing.json()
            rows = body.get("incidents", body) if isinstance(body, dict) else body
            incidents = [str(r["id"]) for r in rows if isinstance(r, dict) and "id" in r]
        else:
            page = await client.get("/incidents")
            incidents = sorted(set(re.findall(r'href="/incidents/(INC-\d+)"', page.text)))
    probe = await client.request("PUT", "/api/uploads?name=probe.jpg", content=b"")
    has_uploads = probe.status_code not in (404, 405)  # an empty body: refused, nothing kept
    grid = await client.get("/")
    static = re.search(r'(?:href|src)="(/static/[^"]+)"', grid.text)
    thumbnails = sorted(
        {
            html.unescape(src.group(1))
            for tag in re.findall(r"<img\b[^>]*>", grid.text)
            if 'data-testid="thumb"' in tag and (src := re.search(r'src="([^"]+)"', tag))
        }
    )
    return Site(
        items,
        keyframes,
        thumbnails,
        incidents,
        has_incidents,
        has_uploads,
        static.group(1) if static else "/api/openapi.json",
    )


WEIGHTS = (
    ("grid /", 3),
    ("item page", 4),
    ("keyframe", 4),
    ("thumbnail", 6),
    ("/api/items", 2),
    ("/api/items/{id}", 2),
    ("incident list", 1),
    ("incident page", 2),
    (REFERENCE, 1),
)


def kinds_of(site: Site) -> list[str]:
    """The page kinds this server has, each as often as people open it."""
    missing = {
        "keyframe": not site.keyframes,
        "thumbnail": not site.thumbnails,
        "incident list": not site.has_incident_pages,
        "incident page": not site.incidents,
    }
    return [k for k, w in WEIGHTS if not missing.get(k) for _ in range(w)]


def url_of(kind: str, site: Site, rng: random.Random) -> str:
    return {
        "grid /": lambda: "/",
        "item page": lambda: f"/items/{rng.choice(site.items)}",
        "keyframe": lambda: rng.choice(site.keyframes),
        "thumbnail": lambda: rng.choice(site.thumbnails),
        "/api/items": lambda: "/api/items",
        "/api/items/{id}": lambda: f"/api/items/{rng.choice(site.items)}",
        "incident list": lambda: "/incidents",
        "incident page": lambda: f"/incidents/{rng.choice(site.incidents)}",
        REFERENCE: lambda: site.static,
    }[kind]()


@dataclass
class Mix:
    """What the browsing clients ask for: kinds weighted as people open them, a URL for each,
    and the p95 target of each kind (ms; none: the workspace's one target)."""

    kinds: list[str]
    url: Callable[[str, random.Random], str]
    targets: dict[str, float] | None = None


def workspace_mix(site: Site) -> Mix:
    return Mix(kinds_of(site), lambda kind, rng: url_of(kind, site, rng))


async def baseline(client: httpx.AsyncClient, mix: Mix, rounds: int = 5) -> Stats:
    """Each kind alone, one request at a time: the latency with no other client (reference)."""
    stats = Stats()
    rng = random.Random(1)
    for kind in dict.fromkeys(mix.kinds):
        for _ in range(rounds):
            await timed(client, stats, kind, "GET", mix.url(kind, rng))
    return stats


async def browse(
    client: httpx.AsyncClient,
    mix: Mix,
    stats: Stats,
    until: float,
    think: float,
    rng: random.Random,
) -> None:
    await asyncio.sleep(rng.uniform(0, 2 * think))  # people arrive at their own moments
    while time.monotonic() < until:
        kind = rng.choice(mix.kinds)
        await timed(client, stats, kind, "GET", mix.url(kind, rng))
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def upload(
    client: httpx.AsyncClient,
    csrf: str,
    still: bytes,
    clips: list[Path],
    stats: Stats,
    until: float,
    think: float,
    rng: random.Random,
    who: str,
) -> None:
    n = 0
    await asyncio.sleep(rng.uniform(0, 2 * think))
    while time.monotonic() < until:
        n += 1
        if n % 2:
            name = f"{who}-{n}.jpg"
            # bytes after the JPEG end marker are ignored by decoders: a new file, a new item
            body = still + f"load test {who} {n} {time.time_ns()}".encode()
        else:
            clip = rng.choice(clips)
            name = clip.name
            body = clip.read_bytes()
        await timed(
            client,
            stats,
            UPLOAD_KIND,
            "PUT",
            "/api/uploads",
            params={"name": name},
            content=body,
            headers={"X-CSRF-Token": csrf, "Content-Type": "application/octet-stream"},
        )
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))


async def run_load(
    pid: int,
    args: argparse.Namespace,
    base: str,
    accounts_made: list[tuple[str, str]],
    still: bytes,
    clips: list[Path],
    make_mix: Callable[[Site], Mix] = workspace_mix,
) -> tuple[Stats, Site, float, Mix]:
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    timeout = httpx.Timeout(60.0)
    clients = [
        httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) for _ in accounts_made
    ]
    try:
        started = time.perf_counter()
        tokens = []
        for chunk in range(0, len(clients), 10):  # logging in is argon2: a few at a time
            tokens += await asyncio.gather(
                *(
                    login(c, name)
                    for c, (name, _r) in zip(
                        clients[chunk : chunk + 10], accounts_made[chunk : chunk + 10], strict=True
                    )
                )
            )
        print(
            f"  {len(clients)} accounts logged in in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        site = await discover(clients[0], pages=make_mix is workspace_mix)
        print(
            f"  browsing {len(site.items)} items, {len(site.keyframes)} keyframes, "
            f"{len(site.thumbnails)} thumbnails, "
            f"{len(site.incidents)} incidents "
            f"(incident pages: {'yes' if site.has_incident_pages else 'no'})",
            flush=True,
        )
        if args.uploaders and not site.has_uploads and make_mix is workspace_mix:
            print(
                "  note: the server has no PUT /api/uploads (404/405): uploads are skipped",
                flush=True,
            )
        mix = make_mix(site)
        cpu_alone = proc_status(pid)["cpu_ms"]
        alone = await baseline(clients[0], mix)
        alone.server = {"cpu_ms": proc_status(pid)["cpu_ms"] - cpu_alone}
        stats = Stats()
        stats.alone = alone
        rng = random.Random(13)
        until = time.monotonic() + args.seconds
        tasks = [
            browse(c, mix, stats, until, args.think, random.Random(rng.random()))
            for c, (name, _r) in zip(clients, accounts_made, strict=True)
            if name.startswith("browse-")
        ]
        if site.has_uploads:
            tasks += [
                upload(
                    c, t, still, clips, stats, until, args.think, random.Random(rng.random()), name
                )
                for c, t, (name, _r) in zip(clients, tokens, accounts_made, strict=True)
                if name.startswith("upload-")
            ]
        stats.after_login = proc_status(pid)
        reset_peak(pid)  # from here on, VmHWM is the peak under browsing and uploading
        before = proc_status(pid)
        began = time.perf_counter()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
        stats.server = proc_status(pid)
        stats.server["cpu_ms"] -= before["cpu_ms"]
        return stats, site, elapsed, mix
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


# -- the map scenario ----------------------------------------------------------------------
MAP_WEIGHTS = (("map clusters", 6), ("map list", 3), ("timeline", 2), ("tally", 2), (REFERENCE, 1))
MAP_TARGETS = {"map clusters": 150.0, "map list": 150.0, "timeline": 300.0, "tally": 300.0}
UNITS = ("day", "week", "month")
TALLY_BY = ("type", "region", "month", "type,region", "perpetrator,victim", "status")


def build_incidents(directory: Path, size: int) -> None:
    """An archive of `size` generated incidents (as `benchmarks/map_scale.py` builds them)."""
    from corroborate.custody.setup import init_archive
    from corroborate.samples.incidents import generate_incidents

    made = init_archive(directory)
    try:
        generate_incidents(made, size, seed=1)
    finally:
        made.close()


def prepare_map(args: argparse.Namespace, work: Path, size: int) -> Path:
    """A fresh copy of the archive of `size` incidents (built once in `--reuse` when given)."""
    target = work / f"incidents-{size}"
    template = Path(args.reuse) / f"incidents-{size}" if args.reuse else target
    started = time.perf_counter()
    if not (template / "archive.json").exists():
        print(f"building {size:,} incidents in {template}...", flush=True)
        build_incidents(template, size)
    add_accounts(template, args.browsers, 0)
    if template != target:
        shutil.copytree(template, target)
    print(f"  archive of {size:,} incidents ready in {time.perf_counter() - started:.1f} s")
    return target


def map_mix(archive: Path, static: str) -> Mix:
    """The map, its list, the timeline and the tally, for random viewports and filters."""
    from urllib.parse import urlencode

    from corroborate.incidents.statuses import STATUS_FILTERS
    from corroborate.incidents.taxonomy import load_taxonomy
    from corroborate.samples.incidents import (
        DAYS,
        EAST,
        NORTH,
        PARTIES,
        REGIONS,
        SOUTH,
        START,
        WEST,
    )

    types = sorted(load_taxonomy(archive))

    def filters(rng: random.Random, period: bool = True) -> dict[str, str]:
        if rng.random() < 0.5:  # half the time, the map as it opens
            return {}
        chosen: dict[str, str] = {}
        if rng.random() < 0.5:
            chosen["type"] = ",".join(rng.sample(types, rng.randint(1, min(3, len(types)))))
        if rng.random() < 0.4:
            chosen["status"] = rng.choice(STATUS_FILTERS)
        if period and rng.random() < 0.5:  # a period dragged on the timeline
            first = START + timedelta(days=rng.randrange(DAYS))
            chosen["from"] = first.isoformat()
            chosen["to"] = (first + timedelta(days=rng.choice((7, 31, 92, 365)))).isoformat()
        if rng.random() < 0.2:
            chosen["region"] = rng.choice(REGIONS)
        if rng.random() < 0.2:
            chosen["perpetrator"] = rng.choice(PARTIES)
        return chosen

    def viewport(rng: random.Random) -> tuple[str, int]:
        zoom = rng.randint(5, 13)
        width = min(24.0, 1400 / 2**zoom)  # a 1,000-pixel-wide map: 256 pixels a tile
        height = width * 0.6
        lon = rng.uniform(WEST, EAST)
        lat = rng.uniform(SOUTH, NORTH)
        box = (lon - width / 2, lat - height / 2, lon + width / 2, lat + height / 2)
        return ",".join(f"{v:.5f}" for v in box), zoom

    def url(kind: str, rng: random.Random) -> str:
        if kind == "map clusters":
            bbox, zoom = viewport(rng)
            return "/api/map/clusters?" + urlencode({**filters(rng), "bbox": bbox, "zoom": zoom})
        if kind == "map list":
            return "/map/list?" + urlencode({**filters(rng), "bbox": viewport(rng)[0]})
        if kind == "timeline":  # the timeline is drawn without the period it brushes
            return "/api/timeline?" + urlencode(
                {**filters(rng, period=False), "unit": rng.choice(UNITS)}
            )
        if kind == "tally":
            asked = {k: v for k, v in filters(rng).items() if k in ("status", "from", "to")}
            return "/api/tally?" + urlencode({**asked, "by": rng.choice(TALLY_BY)})
        return static

    kinds = [k for k, w in MAP_WEIGHTS for _ in range(w)]
    return Mix(kinds, url, MAP_TARGETS)


def first_answer(base: str, timeout: float = 600) -> float:
    """Seconds until the map answers a first request (the server reads every incident once as
    it starts; a request in the meantime waits for it)."""
    started = time.perf_counter()
    httpx.get(f"{base}/api/openapi.json", timeout=timeout)
    return time.perf_counter() - started


def run_map(args: argparse.Namespace, work: Path) -> int:
    """Every size of `--incidents` in turn against its own server; figures side by side."""
    sizes = [int(n) for n in args.incidents.split(",") if n.strip()]
    summary: dict[int, tuple[Stats, float, float]] = {}
    ok_all = True
    for size in sizes:
        print(f"\n=== {size:,} incidents ===", flush=True)
        archive = prepare_map(args, work, size)
        made = [(n, r) for n, r in add_accounts(archive, args.browsers, 0)]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = work / f"server-{size}.log"
        server = start_server(archive, port, log, args.workers)
        try:
            started = time.perf_counter()
            wait_ready(base, server, log)
            ready = time.perf_counter() - started
            print(
                f"server pid {server.pid} at {base} ready in {ready:.1f} s; {args.browsers} "
                f"clients on the map for {args.seconds:.0f} s, think time up to "
                f"{2 * args.think:.1f} s",
                flush=True,
            )
            cpu_before = time.process_time()
            stats, _site, elapsed, mix = asyncio.run(
                run_load(
                    server.pid,
                    args,
                    base,
                    made,
                    b"",
                    [],
                    lambda site, a=archive: map_mix(a, site.static),
                )
            )
            ok, _slowest = report(stats, elapsed, time.process_time() - cpu_before, mix.targets)
            ok_all = ok_all and ok
            summary[size] = (stats, elapsed, ready)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if not args.keep:
            shutil.rmtree(archive, ignore_errors=True)
    print_growth(summary)
    return 0 if ok_all else 1


def _alone_errors(stats: Stats) -> int:
    return sum(stats.alone.errors.values()) if stats.alone else 0


def print_growth(summary: dict[int, tuple[Stats, float, float]]) -> None:
    """p95 per kind for each size, next to its target: how the map grows with the archive."""
    sizes = sorted(summary)
    print("\nmap scenario, p95 ms by number of incidents (target in the last column):")
    print(f"{'kind':<26}" + "".join(f"{n:>12,}" for n in sizes) + f"{'target':>10}")
    for kind in [k for k, _ in MAP_WEIGHTS]:
        cells = ""
        for n in sizes:
            values = summary[n][0].latencies.get(kind, [])
            cells += f"{percentile(values, 95) * 1000:>12.1f}" if values else f"{'-':>12}"
        target = MAP_TARGETS.get(kind)
        print(f"{kind:<26}{cells}{(f'{target:.0f}' if target else '-'):>10}")
    mib = 2**20
    rows = (
        ("errors", lambda st, _e, _r: f"{sum(st.errors.values()) + _alone_errors(st):>12}"),
        (
            "requests a second",
            lambda st, e, _r: f"{sum(map(len, st.latencies.values())) / e:>12.1f}",
        ),
        ("server peak RSS, MiB", lambda st, _e, _r: f"{st.server['VmHWM'] / mib:>12.0f}"),
        ("server start to ready, s", lambda _s, _e, r: f"{r:>12.1f}"),
    )
    for name, cell in rows:
        print(f"{name:<26}" + "".join(cell(*summary[n]) for n in sizes))


# -- the report ----------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def report(
    stats: Stats, elapsed: float, client_cpu: float, targets: dict[str, float] | None = None
) -> tuple[bool, str | None]:
    """Print the figures; PASS when every kind meets its p95 target (`targets`, ms; the
    workspace's one target otherwise) with no errors."""
    total = sum(len(v) for v in stats.latencies.values())
    print()
    print(
        f"{'kind':<26}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'errors':>8}{'alone p50':>11}"
    )
    worst: tuple[float, str] | None = None
    ok = True
    for kind in sorted(stats.latencies, key=lambda k: (k == REFERENCE, k == UPLOAD_KIND, k)):
        values = stats.latencies[kind]
        p50, p95, p99 = (percentile(values, q) * 1000 for q in (50, 95, 99))
        by_itself = stats.alone.latencies.get(kind) if stats.alone else None
        alone = f"{percentile(by_itself, 50) * 1000:.1f}" if by_itself else "-"
        print(
            f"{kind:<26}{len(values):>9}{len(values) / elapsed:>8.1f}{p50:>9.1f}{p95:>9.1f}"
            f"{p99:>9.1f}{max(values) * 1000:>9.1f}{stats.errors.get(kind, 0):>8}{alone:>11}"
        )
        if kind not in (REFERENCE, UPLOAD_KIND):
            if worst is None or p95 > worst[0]:
                worst = (p95, kind)
            if p95 >= (targets or {}).get(kind, TARGET_P95_MS):
                ok = False
    errors = sum(stats.errors.values())
    if stats.alone and stats.alone.errors:
        print(f"  errors when requested alone: {dict(stats.alone.errors)}")
        errors += sum(stats.alone.errors.values())
    print(f"{'all':<26}{total:>9}{total / elapsed:>8.1f}{'':>45}{errors:>8}")
    for kind, sample in stats.samples.items():
        print(f"  first {kind} error: {sample}")
    print()
    server, mib = stats.server, 2**20
    cpu_s = server["cpu_ms"] / 1000
    print(
        f"server under load: peak RSS (VmHWM) {server['VmHWM'] / mib:.0f} MiB, RSS at the end "
        f"{server['VmRSS'] / mib:.0f} MiB, CPU {cpu_s:.1f} s in {elapsed:.1f} s "
        f"({100 * cpu_s / elapsed:.0f}% of one core, {1000 * cpu_s / max(total, 1):.1f} ms a "
        f"request); load clients' CPU {client_cpu:.1f} s"
    )
    if stats.alone:
        n_alone = sum(len(v) for v in stats.alone.latencies.values())
        per = stats.alone.server["cpu_ms"] / max(n_alone, 1)
        print(
            f"server alone (one request at a time): {per:.1f} ms of CPU a request, so one "
            f"server process (one core: the GIL) serves at most ~{1000 / max(per, 0.1):.0f} "
            "requests a second of this mix"
        )
    print(
        f"server before the load: peak RSS {stats.after_login['VmHWM'] / mib:.0f} MiB while "
        f"the accounts logged in (argon2id holds 64 MiB per login in progress), "
        f"{stats.after_login['VmRSS'] / mib:.0f} MiB after"
    )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load} (other work shares it)")
    if errors:
        ok = False
    verdict = "PASS" if ok else "FAIL"
    shown = f"{worst[0]:.0f} ms ({worst[1]})" if worst else "none measured"
    wanted = (
        ", ".join(f"{k} {v:.0f} ms" for k, v in targets.items())
        if targets
        else f"{TARGET_P95_MS:.0f} ms for every page kind"
    )
    print(f"{verdict}: target p95 < {wanted}, and no errors; worst p95 {shown}, {errors} errors")
    return ok, worst[1] if worst else None


def profile_one(archive: Path, kind: str, site: Site, work: Path) -> None:
    """One request of `kind` through TestClient over a copy: where its time goes, and its SQL."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from corroborate.web import create_app

    copy = work / "profiled"
    shutil.copytree(archive, copy)
    app = create_app(copy)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_a: Any) -> None:
        statements.append(statement)

    for engine in (app.state.archive.reader, app.state.archive.writer):
        event.listen(engine, "before_cursor_execute", count)
    client = TestClient(app, base_url="http://testserver")
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    client.post(
        "/login",
        data={"name": "browse-00", "password": PASSWORD, "csrf": csrf.group(1), "next": "/"},
    )
    url = {
        "grid /": "/",
        "item page": f"/items/{site.items[len(site.items) // 2]}",
        "keyframe": site.keyframes[0] if site.keyframes else "/",
        "thumbnail": site.thumbnails[0] if site.thumbnails else "/",
        "/api/items": "/api/items",
        "/api/items/{id}": f"/api/items/{site.items[len(site.items) // 2]}",
        "incident list": "/incidents",
        "incident page": f"/incidents/{site.incidents[0]}" if site.incidents else "/incidents",
    }[kind]
    client.get(url)  # warm: templates compiled, caches filled
    statements.clear()
    # TestClient runs each request on threads it starts for it (its portal, the threadpool of
    # sync routes): a profiler is started in each new thread, and their figures are added up
    profilers: list[cProfile.Profile] = []

    def profile_this_thread(*_args: Any) -> None:
        sys.setprofile(None)
        profiler = cProfile.Profile(time.thread_time)  # CPU time: waiting threads cost nothing
        profilers.append(profiler)
        profiler.enable()

    threading.setprofile(profile_this_thread)
    started = time.perf_counter()
    try:
        response = client.get(url)
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    took = time.perf_counter() - started
    print()
    print(
        f"profile of one {kind} request ({url}): {response.status_code}, "
        f"{took * 1000:.0f} ms in-process (profiled, so slower), {len(statements)} SQL statements"
    )
    shapes: dict[str, int] = defaultdict(int)
    for statement in statements:
        shapes[" ".join(statement.split())[:110]] += 1
    for text, n in sorted(shapes.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {n:>4} x {text}")
    if not profilers:
        print("  (no thread was profiled)")
        app.state.archive.close()
        return
    merged = pstats.Stats(profilers[0])
    for profiler in profilers[1:]:
        merged.add(profiler)
    by_package: dict[str, float] = defaultdict(float)
    raw: dict[Any, Any] = merged.stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        by_package[_package(filename)] += tottime
    spent = sum(by_package.values()) or 1.0
    print(
        f"  {spent * 1000:.1f} ms of CPU on the threads that served it (profiled), by package: "
        + ", ".join(
            f"{name} {100 * t / spent:.0f}%"
            for name, t in sorted(by_package.items(), key=lambda kv: -kv[1])[:8]
        )
    )
    out = io.StringIO()
    merged.stream = out  # type: ignore[attr-defined]
    merged.sort_stats("tottime").print_stats(12)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if "ncalls" in ln), 0)
    print("\n".join(lines[start : start + 13]))
    app.state.archive.close()


def _package(filename: str) -> str:
    """Which package a profiled function belongs to (its top-level name, or the stdlib)."""
    if "/corroborate/" in filename:
        return "corroborate"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if filename.startswith("<") or filename == "~":
        return "C calls (sqlite, I/O, hashing)"
    return "stdlib"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="How long the load runs.")
    parser.add_argument("--browsers", type=int, default=50, help="Browsing clients.")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="Server processes (serve --workers).",
    )
    parser.add_argument("--uploaders", type=int, default=5, help="Uploading clients.")
    parser.add_argument(
        "--think",
        type=float,
        default=2.5,
        help="Mean pause between a client's requests (s): a person reading a page; 0.5 is the "
        "stress setting (a page a second each), 0 none.",
    )
    parser.add_argument(
        "--reuse", type=Path, help="Build the demo archive here once and copy it for each run."
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Profile the slowest page kind even when it meets the target.",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the run's temporary folder (its path is printed)."
    )
    parser.add_argument(
        "--scenario",
        choices=("workspace", "map"),
        default="workspace",
        help="workspace: the demo archive browsed and uploaded to; map: the map, timeline and "
        "tally over generated incidents.",
    )
    parser.add_argument(
        "--incidents",
        default="10000,100000",
        help="Map scenario: the archive sizes, comma-separated (each built once in --reuse).",
    )
    args = parser.parse_args()
    if args.browsers < 1 or args.uploaders < 0 or args.seconds <= 0 or args.think < 0:
        parser.error(
            "--browsers must be 1 or more, --uploaders 0 or more, --seconds and --think positive"
        )

    work = Path(tempfile.mkdtemp(prefix="corroborate-web-load-"))
    if args.scenario == "map":
        try:
            return run_map(args, work)
        finally:
            if args.keep:
                print(f"kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    server: subprocess.Popen[bytes] | None = None
    try:
        archive = prepare(args, work)
        if args.reuse and (Path(args.reuse).parent / f"{Path(args.reuse).name}-inputs").exists():
            shutil.copytree(
                Path(args.reuse).parent / f"{Path(args.reuse).name}-inputs", work / "archive-inputs"
            )
        made = add_accounts(archive, args.browsers, args.uploaders)
        still, clips = upload_inputs(work)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = work / "server.log"
        server = start_server(archive, port, log, args.workers)
        wait_ready(base, server, log)
        print(
            f"server pid {server.pid} at {base}; {args.browsers} browsing and "
            f"{args.uploaders} uploading clients for {args.seconds:.0f} s, "
            f"think time up to {2 * args.think:.1f} s",
            flush=True,
        )
        cpu_before = time.process_time()
        stats, site, elapsed, _mix = asyncio.run(
            run_load(server.pid, args, base, made, still, clips)
        )
        client_cpu = time.process_time() - cpu_before
        ok, slowest = report(stats, elapsed, client_cpu)
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        server = None
        if slowest and (args.profile or not ok):
            profile_one(archive, slowest, site, work)
        return 0 if ok else 1
    finally:
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
