"""``python -m asyncfactories``: the command line."""

from asyncfactories._cli import main

raise SystemExit(main())
