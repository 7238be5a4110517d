"""Several dashboard processes on one data folder behind nginx: ``python -m cpdata serve --workers 2``.

One Streamlit process uses one core for its scripts (Python's GIL), so a server with more cores carries
more people with more processes. Each worker is ``python -m cpdata run`` (``streamlit run dashboard.py``)
as ``launch.server_command`` starts it, on a loopback port, all on the same ``CPDATA_DIR``; nginx (Debian's
package) listens on the public port and proxies HTTP and Streamlit's websocket to them.

Sticky sessions: a Streamlit session lives in one process (its websocket, the files a user has uploaded,
the CSVs behind its download buttons), so every request of a browser must reach the same worker. nginx
picks a worker for a browser's first request (``split_clients``, evenly) and sets a cookie naming it;
later requests, the websocket included, follow the cookie. (``--sticky ip`` uses ``ip_hash`` instead:
simpler, but every browser behind one office's NAT lands on the same worker.)

All workers share one cookie secret (made per start, or ``STREAMLIT_SERVER_COOKIE_SECRET``), so a cookie
one worker signed is good on the others. What one worker writes (an upload, an undo) the others see on
their next run: each run reads the data folder's manifest and keys its caches on its hash.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cpdata.core import config
from cpdata.core.datafolder import DataFolder
from cpdata.ops import launch

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
COOKIE = "cpdata_worker"
UPLOAD_LIMIT_MB = 60  # above the dashboard's own 50 MB limit, which gives the plain message

TEMPLATE = """# Written by python -m cpdata serve; see deploy/README.md. One nginx in front of {n} dashboard workers.
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    # Which worker served each request (the test of the set-up reads it; operators can too).
    log_format worker '$remote_addr [$time_local] "$request" $status $upstream_addr $cookie_{cookie_name}';
    access_log {run}/access.log worker;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    client_max_body_size {limit}m;

    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
{upstreams}
{choice}
    server {{
        listen {address}:{port};
        location / {{
            proxy_pass http://{target};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1d;  # a websocket stays open while the tab is
            proxy_buffering off;
{cookie}        }}
    }}
}}
"""


def nginx_config(ports: Sequence[int], listen: tuple[str, int], run_dir: Path, sticky: str = "cookie") -> str:
    """nginx's configuration for these worker ports (a pure function, so tests can read what it says)."""
    names = [f"worker{i + 1}" for i in range(len(ports))]
    if sticky == "ip":
        servers = "".join(f"        server 127.0.0.1:{p};\n" for p in ports)
        upstreams = f"    upstream dashboard {{\n        ip_hash;\n{servers}    }}\n"
        return _config(ports, listen, run_dir, upstreams, choice="", target="dashboard", cookie="")
    upstreams = "".join(f"    upstream {n} {{ server 127.0.0.1:{p}; }}\n" for n, p in zip(names, ports, strict=True))
    share = 100 / len(ports)
    # Each line of split_clients is its own share; "*" takes what is left.
    splits = "".join(f"        {share:.2f}% {n};\n" for n in names[:-1]) + f"        * {names[-1]};\n"
    known = "".join(f"        {n} {n};\n" for n in names)
    choice = (
        f'    split_clients "$remote_addr$msec$connection" $new_worker {{\n{splits}    }}\n'
        f"    map $cookie_{COOKIE} $worker {{\n{known}        default $new_worker;\n    }}\n"
    )
    cookie = f'            add_header Set-Cookie "{COOKIE}=$worker; Path=/; HttpOnly; SameSite=Lax" always;\n'
    return _config(ports, listen, run_dir, upstreams, choice=choice, target="$worker", cookie=cookie)


def _config(
    ports: Sequence[int], listen: tuple[str, int], run_dir: Path, upstreams: str, choice: str, target: str, cookie: str
) -> str:
    """TEMPLATE filled in: the parts both stickiness modes share, and the three they choose."""
    address, port = listen
    return TEMPLATE.format(
        cookie_name=COOKIE,
        n=len(ports),
        run=run_dir,
        limit=UPLOAD_LIMIT_MB,
        upstreams=upstreams,
        choice=choice,
        address=address,
        port=port,
        target=target,
        cookie=cookie,
    )


def _healthy(port: int) -> bool:
    return launch.healthy(f"http://127.0.0.1:{port}")


@dataclass
class Cluster:
    """The running workers and nginx; ``stop()`` ends them all (only the processes it started)."""

    url: str
    run_dir: Path
    workers: list[subprocess.Popen] = field(default_factory=list)
    worker_ports: list[int] = field(default_factory=list)
    nginx: subprocess.Popen | None = None

    def stop(self) -> None:
        procs = ([self.nginx] if self.nginx else []) + self.workers
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)


def start(
    workers: int = 2,
    port: int = 8501,
    address: str = "127.0.0.1",
    data_dir: Path | None = None,
    run_dir: Path | None = None,
    sticky: str = "cookie",
    extra: Sequence[str] = (),
    log=None,
    timeout: float = 180.0,
) -> Cluster:
    """Start the workers, wait until each answers its health check, then start nginx in front of them."""
    if not Path(NGINX).exists():
        raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx)")
    run_dir = Path(run_dir or tempfile.mkdtemp(prefix="cpdata-serve-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["CPDATA_DIR"] = str(DataFolder.of(data_dir).root)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    cluster = Cluster(url=f"http://{address}:{port}", run_dir=run_dir)
    try:
        for _ in range(workers):
            p = launch.free_port()
            cmd = launch.server_command(p, extra)
            out = log or subprocess.DEVNULL
            cluster.workers.append(
                subprocess.Popen(cmd, cwd=config.REPO_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
            )
            cluster.worker_ports.append(p)
        t0 = time.monotonic()
        while not all(_healthy(p) for p in cluster.worker_ports):
            dead = [w for w in cluster.workers if w.poll() is not None]
            if dead:
                raise RuntimeError(f"a worker exited with {dead[0].returncode}")
            if time.monotonic() - t0 > timeout:
                raise RuntimeError("the workers did not start in time")
            time.sleep(0.1)
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_config(cluster.worker_ports, (address, port), run_dir, sticky), encoding="utf-8")
        cluster.nginx = subprocess.Popen(
            [NGINX, "-p", str(run_dir), "-c", str(conf)], stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        while not _up(cluster.url):
            if cluster.nginx.poll() is not None:
                err = (run_dir / "error.log").read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"nginx exited with {cluster.nginx.returncode}: {err}")
            if time.monotonic() - t0 > timeout:
                raise RuntimeError("nginx did not start in time")
            time.sleep(0.05)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main(args) -> int:
    """``python -m cpdata serve``: runs until interrupted (Ctrl-C or SIGTERM stop nginx and every worker)."""
    cluster = start(
        workers=args.workers,
        port=args.port,
        address=args.address,
        run_dir=Path(args.run_dir) if args.run_dir else None,
        sticky=args.sticky,
        extra=args.streamlit_args,
    )
    print(
        f"Serving {config.data_dir()} at {cluster.url} with {args.workers} workers "
        f"(ports {', '.join(map(str, cluster.worker_ports))}; nginx files in {cluster.run_dir}). Ctrl-C stops.",
        flush=True,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while all(w.poll() is None for w in cluster.workers) and cluster.nginx and cluster.nginx.poll() is None:
            time.sleep(1)
        print("A worker or nginx stopped; stopping the rest.", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        cluster.stop()
