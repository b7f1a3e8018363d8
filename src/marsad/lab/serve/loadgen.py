"""The load generator of ``marsad bench serve``: a separate process that fires a planned
mix of requests at a server on loopback with N concurrent clients, bounded in count and
time, and prints one JSON object with latencies and status codes per kind of request.

    python -m marsad.lab.serve.loadgen PLAN.json

PLAN: {"base": "http://127.0.0.1:PORT", "requests": 2000, "concurrency": 8,
       "seconds": 120, "warmup": 40, "urls": [["kind", "/path?query"], ...]}

``requests`` 0 (or less) means no count limit: the run lasts ``seconds``. Each client
sends its next request as soon as the previous one is answered (a closed loop, no think
time), so latency includes the wait behind the other clients' requests.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit

import httpx


def _loopback_only(base: str) -> None:
    host = urlsplit(base).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"loadgen: refusing to load {host!r}: loopback addresses only")


def run(plan: dict) -> dict:
    """Run ``plan``; the answer holds, per kind, every latency (seconds) and the count of
    each status code (0: no answer), and ``series``: [seconds since start, latency] of
    every request in completion order (for latency over time)."""
    base = plan["base"].rstrip("/")
    _loopback_only(base)
    urls = [tuple(u) for u in plan["urls"]]
    total = int(plan.get("requests", 2000))
    if total <= 0:
        total = sys.maxsize
    conc = max(1, int(plan.get("concurrency", 8)))
    deadline_s = float(plan.get("seconds", 120))
    lock = threading.Lock()
    counter = {"next": 0}
    lat: dict[str, list[float]] = defaultdict(list)
    status: dict[int, int] = defaultdict(int)
    by_kind: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    series: list[tuple[float, float]] = []
    errors: list[str] = []

    with httpx.Client(base_url=base, timeout=30, trust_env=False) as warm:
        for kind, path in urls[: int(plan.get("warmup", 40))]:
            warm.get(path)

    t_start = time.perf_counter()
    deadline = t_start + deadline_s

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30, trust_env=False) as client:
            while True:
                with lock:
                    i = counter["next"]
                    counter["next"] += 1
                if i >= total or time.perf_counter() > deadline:
                    return
                kind, path = urls[i % len(urls)]
                t0 = time.perf_counter()
                try:
                    r = client.get(path)
                    r.read()
                    code = r.status_code
                    if code != 200 and len(errors) < 20:
                        with lock:
                            errors.append(f"{path}: HTTP {code}")
                except httpx.HTTPError as exc:
                    code = 0
                    with lock:
                        errors.append(f"{path}: {type(exc).__name__}")
                t1 = time.perf_counter()
                with lock:
                    lat[kind].append(t1 - t0)
                    status[code] += 1
                    by_kind[kind][code] += 1
                    series.append((round(t1 - t_start, 3), round(t1 - t0, 5)))

    threads = [threading.Thread(target=worker) for _ in range(conc)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t_start
    return {"elapsed": elapsed, "latencies": dict(lat), "status": dict(status),
            "status_by_kind": {k: dict(v) for k, v in by_kind.items()}, "series": series,
            "errors": errors[:20], "concurrency": conc}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    with open(args[0], encoding="utf-8") as f:
        plan = json.load(f)
    print(json.dumps(run(plan)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
