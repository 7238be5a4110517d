"""The deploy/ set-up: two dashboard workers on one data folder behind nginx (``cpdata.ops.serve``).

An analyst applies an upload in a browser whose requests nginx sends to worker 1; a second browser, sent
to worker 2, sees the new figure on its next page. nginx's access log (which names the worker of every
request) shows that each browser stayed on its own worker, websocket included. Skips when nginx is
not installed (apt-get install nginx; scripts/test.sh does), except under CI=true.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cpdata.ops import launch, serve

from .conftest import ARTIFACTS, VIEWPORT, App, data_and_secrets, pledge_path, unavailable
from .test_upload import assert_not_held, assert_shows
from .uploading import APPLY, applied_id, choose_file, open_upload, settled, sign_in, template_csv

DREAMS = pledge_path("barnet", "dreams")
INDICATOR = "cla_good_outstanding_school"  # a measure of Barnet's pledge 1 with no figures in the sample


@pytest.fixture(scope="module")
def cluster(playwright_api, tmp_path_factory) -> Iterator[serve.Cluster]:
    if not Path(serve.NGINX).exists():
        unavailable("nginx not found (apt-get install nginx)")
    root = tmp_path_factory.mktemp("deploy")
    data, secrets = data_and_secrets(root)
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "deploy.log").open("wb") as log:
        c = serve.start(
            workers=2,
            port=launch.free_port(),
            data_dir=data,
            run_dir=root / "run",
            extra=["--secrets.files", str(secrets)],
            log=log,
        )
        try:
            yield c
        finally:
            c.stop()


def _browser_on(browser, cluster: serve.Cluster, worker: int) -> App:
    """A browser whose cookie sends it to one worker (as nginx's own cookie would after its first visit)."""
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.add_cookies([{"name": serve.COOKIE, "value": f"worker{worker}", "url": cluster.url}])
    return App(cluster.url, ctx)


def _served_by(cluster: serve.Cluster, worker: str, path: str) -> set[str]:
    """The upstream addresses nginx logged for requests to ``path`` from browsers sent to ``worker``
    (a websocket is logged when it closes, a moment after its tab does)."""
    deadline = time.monotonic() + 15
    while True:
        lines = (cluster.run_dir / "access.log").read_text(encoding="utf-8").splitlines()
        found = {ln.split()[-2] for ln in lines if f" {path}" in ln and ln.endswith(f" {worker}")}
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_an_upload_through_one_worker_shows_through_the_other(cluster, browser, tmp_path):
    analyst, member = _browser_on(browser, cluster, 1), _browser_on(browser, cluster, 2)
    try:
        before = member.open(DREAMS)
        assert_not_held(before, INDICATOR)

        page = open_upload(analyst)
        sign_in(page)
        rows = [(INDICATOR, "2023/24", "81"), (INDICATOR, "2024/25", "87")]  # two years: a chart, not a lone dot
        choose_file(page, template_csv(tmp_path, "virtual_school.csv", rows))
        page.get_by_role("button", name=APPLY).click()
        applied_id(page, 2)
        settled(page)

        after = member.open(DREAMS)  # a new visit through nginx, on the worker that did not apply it
        assert_shows(after, INDICATOR, "Barnet, 2024/25", "87%")
    finally:
        analyst.context.close()
        member.context.close()
    one, two = (f"127.0.0.1:{p}" for p in cluster.worker_ports)
    assert _served_by(cluster, "worker1", "/_stcore/upload_file") == {one}
    assert _served_by(cluster, "worker1", "/_stcore/stream") == {one}
    assert _served_by(cluster, "worker2", "/_stcore/stream") == {two}
