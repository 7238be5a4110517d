"""``python -m cpdata run`` starts ``streamlit run dashboard.py`` with the legacy pages/ router off."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli as streamlit_cli

from cpdata.ops import cli, launch
from cpdata.ui import server


def test_the_server_starts_with_the_legacy_pages_router_off(monkeypatch):
    """Set before Streamlit's first session is made: that session is then routed by dashboard.py."""
    seen = {}

    def fake_main(args, prog_name):
        seen["args"], seen["uses_pages_directory"] = args, PagesManager.uses_pages_directory
        raise SystemExit(0)

    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)  # as in a new server process
    monkeypatch.setattr(streamlit_cli, "main", fake_main)
    assert server.main(["--server.port", "8502"]) == 0
    assert seen["uses_pages_directory"] is False
    assert seen["args"] == ["run", str(server.DASHBOARD), "--server.port", "8502"]


def test_launch_starts_the_dashboard_through_it_and_the_peer_with_plain_streamlit():
    assert launch.server_command(8501)[:3] == list(launch.DASHBOARD_COMMAND)
    assert launch.DASHBOARD_COMMAND[1:] == ("-m", "cpdata.ui.server")
    peer = launch.server_command(8501, script="bench/naive_peer.py")
    assert peer[1:5] == ["-m", "streamlit", "run", "bench/naive_peer.py"]
    older_checkout = launch.server_command(8501, plain=True)  # a before/after benchmark's base
    assert older_checkout[1:5] == ["-m", "streamlit", "run", "dashboard.py"]


def test_cpdata_run_passes_streamlit_options_through(monkeypatch):
    ran = {}
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: ran.setdefault("argv", argv))
    assert cli.main(["run", "--server.port", "8502", "--server.headless", "true"]) == 0
    assert ran["argv"] == [*launch.DASHBOARD_COMMAND, "--server.port", "8502", "--server.headless", "true"]


def test_other_commands_still_refuse_unknown_options():
    with pytest.raises(SystemExit):
        cli.main(["history", "--server.port", "8502"])
