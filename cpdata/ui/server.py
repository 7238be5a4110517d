"""Start the dashboard's Streamlit server in this process: ``python -m cpdata run`` (or ``python -m cpdata.ui.server``).

The same server as ``streamlit run dashboard.py``, with one difference a committee would notice. Streamlit
decides, when a server's first session begins, whether the app uses its legacy ``pages/`` folder router: a
folder called ``pages/`` beside the main script (ours is, by the layout the project was asked for) makes it
route that first session's first run itself, before ``dashboard.py``'s ``st.navigation`` has registered the
pledge pages, so the first person to follow a deep link (``/barnet-dreams`` in an agenda) gets a "Page not
found" dialog over the right page. Every later session is routed by ``dashboard.py``. Saying so before the
server starts means the first session is routed like every other one.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from cpdata.core import config

DASHBOARD = config.REPO_DIR / "dashboard.py"


def main(argv: Sequence[str] = ()) -> int:
    """``streamlit run dashboard.py [options]``, routed by ``st.navigation`` from the first session on.

    ``argv`` are ``streamlit run``'s own options (``--server.port 8502``, ...)."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli as streamlit_cli

    PagesManager.uses_pages_directory = False  # what dashboard.py's st.navigation sets on every run
    try:
        streamlit_cli.main(["run", str(DASHBOARD), *argv], prog_name="streamlit")
    except SystemExit as done:  # click ends its commands by raising SystemExit
        return int(done.code or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
