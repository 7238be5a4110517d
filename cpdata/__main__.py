"""Command line: ``python -m cpdata <command>``. See ``cpdata.cli``."""

from cpdata.cli import main

raise SystemExit(main())
