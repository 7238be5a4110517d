"""Command line: ``python -m cpdata <command>``. See ``cpdata.ops.cli``."""

from cpdata.ops.cli import main

raise SystemExit(main())
