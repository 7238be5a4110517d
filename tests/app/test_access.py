"""Who may change the data. On the page: uploading, mapping and undoing are offered only to the
analyst role (sign-in not configured, not signed in, a wrong password, signed in but not an
analyst: none of them). On the command line: ``load`` and ``undo`` refuse (exit 77) unless the user
can write the data folder. Secrets never reach the logs or the page.

As root, chmod does not stop a write, so the real read-only test makes the folder immutable
(``chattr +i``, which stops root too) where the file system allows it, and skips with a reason where
it does not; the rule is also tested with ``os.access`` answering no, which runs everywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cpdata.core.datafolder import DataFolder
from cpdata.ops import cli
from cpdata.uploads import ingest, uploads
from tests.app.test_app import APP, open_page
from tests.app.test_upload_page import GOOD, PASSWORD

HASH = hashlib.sha256(PASSWORD.encode()).hexdigest()
OIDC = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "cookie-secret-value-1"}}


def _folder_hash(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != uploads.LOCK):
        h.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return h.hexdigest()


def _one_live_upload(root: Path) -> str:
    return uploads.apply(DataFolder(root), ingest.prepare(DataFolder(root), GOOD, "good.csv"), GOOD, "setup")["id"]


def _page(secrets: dict, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in secrets.items():
        at.secrets[k] = v
    if user is not None:
        at.user = user
    return open_page(at.run(), "upload")


def _changes_offered(at: AppTest) -> list[str]:
    """Every control on the page that could change the data."""
    labels = [b.label for b in at.button if b.label in ("Apply this upload", "Undo this upload")]
    labels += [s.label for s in at.selectbox if s.key == "undo_target" or str(s.key).startswith(("map_", "ees_"))]
    return labels + [f"uploader {u.label}" for u in at.file_uploader]


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].set_value(name)
    at.text_input[1].set_value(password)
    return at.button[0].click().run()


@pytest.mark.parametrize(
    ("case", "secrets", "user", "password"),
    [
        ("no sign-in configured", {}, None, None),
        ("password configured, not signed in", {"analysts": {"password_sha256": HASH}}, None, None),
        ("wrong password", {"analysts": {"password_sha256": HASH}}, None, "guess"),
        ("right password, no name", {"analysts": {"password_sha256": HASH}}, None, ""),
        (
            "single sign-on, not signed in",
            {**OIDC, "analysts": {"emails": ["ana@council.gov.uk"]}},
            {"is_logged_in": False},
            None,
        ),
        (
            "signed in, not an analyst",
            {**OIDC, "analysts": {"emails": ["ana@council.gov.uk"]}},
            {"is_logged_in": True, "email": "eve@council.gov.uk"},
            None,
        ),
    ],
)
def test_no_upload_mapping_or_undo_without_the_analyst_role(data_copy, case, secrets, user, password):
    _one_live_upload(data_copy)  # so there is something an undo control could offer
    before = _folder_hash(data_copy)
    at = _page(secrets, user)
    if password is not None:
        at = _sign_in(at, "" if case.endswith("no name") else "Eve", password or PASSWORD)
    assert not at.exception, [e.value for e in at.exception]
    assert _changes_offered(at) == [], case
    assert _folder_hash(data_copy) == before


def test_the_analyst_role_does_get_the_controls(data_copy):
    """The same checks see the controls once the role is held (so the tests above can fail)."""
    _one_live_upload(data_copy)
    secrets = {**OIDC, "analysts": {"emails": ["ana@council.gov.uk"]}}
    at = _page(secrets, {"is_logged_in": True, "email": "Ana@Council.gov.uk"})
    assert "uploader File to upload" in _changes_offered(at) and "Undo this upload" in _changes_offered(at)
    at = _sign_in(_page({"analysts": {"password_sha256": HASH}}), "Ana", PASSWORD)
    assert "Undo this upload" in _changes_offered(at)


# The command line: load and undo need write access to the data folder.


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """The data folder, really unwritable for this user: chmod, or as root the immutable attribute."""
    paths = [str(folder), str(folder / "manifest.json"), str(folder / "extracts")]
    if os.geteuid() != 0:
        for p in paths:
            os.chmod(p, os.stat(p).st_mode & ~0o222)
        restore = ["chmod", "u+w", *paths]
    elif shutil.which("chattr") and subprocess.run(["chattr", "+i", *paths], check=False).returncode == 0:
        restore = ["chattr", "-i", *paths]
    else:
        subprocess.run(["chattr", "-i", *paths], check=False, capture_output=True)
        pytest.skip("running as root where chattr +i is not available: only the simulated check runs")
    try:
        yield
    finally:
        subprocess.run(restore, check=True)


def test_cli_load_and_undo_refuse_when_the_data_folder_is_not_writable(data_copy, tmp_path, capsys):
    upload_id = _one_live_upload(data_copy)
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD.replace(b"97.5", b"98"))
    before = _folder_hash(data_copy)
    with _read_only(data_copy):
        assert not os.access(data_copy, os.W_OK)
        assert cli.main(["load", str(good)]) == cli.EXIT_NOT_ALLOWED
        assert cli.main(["undo", upload_id]) == cli.EXIT_NOT_ALLOWED
        err = capsys.readouterr().err
        assert err.count("cannot write") == 2 and "Nothing was changed" in err and "Traceback" not in err
        assert cli.main(["check", str(good)]) == 0 and cli.main(["history"]) == 0  # reading needs no write access
    assert _folder_hash(data_copy) == before
    assert cli.main(["undo", upload_id]) == 0  # writable again: the same command works


def test_cli_rule_with_os_access_answering_no(data_copy, tmp_path, monkeypatch, capsys):
    """The rule itself, wherever the tests run (as root too): os.access says no, nothing changes."""
    upload_id = _one_live_upload(data_copy)
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD.replace(b"97.5", b"98"))
    before = _folder_hash(data_copy)
    real_access = os.access

    def access(path, mode, *a, **k):
        inside = os.path.realpath(path).startswith(os.path.realpath(data_copy))
        return False if inside and mode & os.W_OK else real_access(path, mode, *a, **k)

    monkeypatch.setattr(os, "access", access)
    assert cli.main(["load", str(good)]) == cli.EXIT_NOT_ALLOWED
    assert cli.main(["undo", upload_id]) == cli.EXIT_NOT_ALLOWED
    assert cli.main(["check-store", "--repair"]) == cli.EXIT_NOT_ALLOWED
    assert "cannot write" in capsys.readouterr().err
    assert _folder_hash(data_copy) == before
    assert cli.main(["check", str(good)]) == 0 and cli.main(["history"]) == 0
    with pytest.raises(uploads.UploadRefused, match="not writable"):  # and the library refuses too
        uploads.undo(DataFolder(data_copy), upload_id, "someone")
    monkeypatch.setattr(os, "access", real_access)
    assert cli.main(["load", str(good)]) == 0 and cli.main(["undo", upload_id]) == 0


# Secrets never reach logs, errors or the page.


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log record at DEBUG, Streamlit's own loggers (which do not propagate) included."""
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(n) for n in list(logging.root.manager.loggerDict) if n.startswith("streamlit")]
    old = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(caplog.handler)
        lg.setLevel(logging.DEBUG)
    yield caplog
    for lg, level in old:
        lg.removeHandler(caplog.handler)
        lg.setLevel(level)


def _page_text(at: AppTest) -> str:
    parts, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        if getattr(node, "proto", None) is not None:
            parts.append(str(node.proto))
        stack.extend(getattr(node, "children", {}).values())
    return "\n".join(parts)


def test_secrets_never_reach_logs_errors_or_the_page(data_copy, every_log, capfd, monkeypatch):
    from cpdata.figures import views

    client_secret = "client-secret-value-2"
    secrets = {
        "analysts": {"password_sha256": HASH},
        "auth": {"client_secret": client_secret, "cookie_secret": "cookie-secret-value-1"},
    }

    def leaky(*args, **kwargs):  # an error that carries a secret, as a misconfigured sign-in's might
        raise RuntimeError(f"provider refused client_secret={client_secret} for hash {HASH}")

    monkeypatch.setattr(views, "indicator_views", leaky)
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in secrets.items():
        at.secrets[k] = v
    at.run()  # the overview page fails: a plain message with a reference
    assert any("reference" in e.value for e in at.error), [e.value for e in at.error]
    pages = [_page_text(at)]
    at = _sign_in(open_page(at, "upload"), "Eve", "guess")  # a failed login
    pages.append(_page_text(at))
    at = _sign_in(at, "Ana", PASSWORD)  # a good one, then a bad file
    at.file_uploader[0].set_value(("bad.csv", b"indicator_id,area_code,period,value\nnope,x,y,z\n", "text/csv")).run()
    assert any("Nothing has been changed" in e.value for e in at.error)
    pages.append(_page_text(at))
    assert "Page failed, reference" in every_log.text  # the error was logged ...

    logs = every_log.text + "".join(capfd.readouterr())
    for secret in (PASSWORD, HASH, client_secret, "cookie-secret-value-1"):
        assert secret not in logs, secret  # ... without the secrets it carried
        for text in pages:
            assert secret not in text, secret
