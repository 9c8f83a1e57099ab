"""Run the mlkit command line: ``python -m mlkit``."""

from mlkit._cli import main

raise SystemExit(main())
