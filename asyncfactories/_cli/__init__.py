"""The ``asyncfactories`` command: ``main`` parses the command line, ``demo`` runs the sample domain."""

from asyncfactories._cli.main import main

__all__ = ("main",)
