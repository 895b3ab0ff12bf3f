#!/usr/bin/env bash
# The suite's version-sensitive half against the oldest SQLAlchemy and Faker the
# package accepts (pyproject's floors). The main run has the newest (unpinned).
# What it covers: the write path and its private-API adapter (fidelity, test_write),
# the Faker fast path (which reads Faker's providers), declarations, the build stage
# (autofill reads column types) and compat. On SQLite: what differs between versions is
# SQLAlchemy's ORM internals and Faker's providers, which both backends share.
set -euo pipefail
cd "$(dirname "$0")/.."
sqlalchemy=$(python3 -c 'import re,tomllib; d=tomllib.load(open("pyproject.toml","rb"))["project"]["dependencies"]; print(next(re.search(r">=([\d.]+)", x).group(1) for x in d if x.startswith("sqlalchemy")))')
faker=$(python3 -c 'import re,tomllib; d=tomllib.load(open("pyproject.toml","rb"))["project"]["dependencies"]; print(next(re.search(r">=([\d.]+)", x).group(1) for x in d if x.startswith("faker")))')
venv=$(mktemp -d /tmp/asyncfactories-oldest.XXXXXX)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q -e ".[test]" "sqlalchemy[asyncio]==$sqlalchemy" "faker==$faker"
"$venv/bin/python" -c 'import sqlalchemy, faker; print("oldest: SQLAlchemy", sqlalchemy.__version__, "Faker", faker.VERSION)'
"$venv/bin/python" -m pytest -q -n 2 -p no:cacheprovider \
  tests/fidelity tests/test_write tests/test_fastfaker tests/test_declare tests/test_build tests/compat \
  -k "not postgresql"
