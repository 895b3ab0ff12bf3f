"""Throughput benchmarks of asyncfactories against the floor, the insert limits and its peers.

Run ``python -m benchmarks --help``; tables are rebuilt from the JSON results
with ``python -m benchmarks.report``.
"""
