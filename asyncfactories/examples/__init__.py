"""Worked examples shipped with asyncfactories: models and factories you can read and run."""
