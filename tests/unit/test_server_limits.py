"""The server refuses request bodies over the dashboard's own upload limit, from anyone."""

from __future__ import annotations

import json
import subprocess
import sys

from cpdata.core import config
from cpdata.ops import launch
from cpdata.uploads import readers

LIMIT_MB = readers.MAX_UPLOAD_BYTES // 2**20

READ = """
import json
from streamlit import config
config.get_config_options(force_reparse=True)
print(json.dumps({k: config.get_option(k) for k in ("server.maxUploadSize", "server.maxMessageSize")}))
"""


def test_a_server_started_in_the_repository_caps_uploads_and_messages_at_the_dashboards_limit():
    """Read as ``streamlit run`` reads it (its config.toml, from the folder it starts in)."""
    run = subprocess.run([sys.executable, "-c", READ], cwd=config.REPO_DIR, capture_output=True, text=True, check=True)
    options = json.loads(run.stdout.strip().splitlines()[-1])
    assert options == {"server.maxUploadSize": LIMIT_MB, "server.maxMessageSize": LIMIT_MB}, options
    assert LIMIT_MB == 50


def test_the_launch_command_does_not_lift_the_limits():
    command = " ".join(launch.server_command(8501))
    assert "maxUploadSize" not in command and "maxMessageSize" not in command
