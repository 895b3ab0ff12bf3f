#!/usr/bin/env bash
# Packaging as a user meets it: build the sdist and the wheel, `twine check` them, check
# what they contain, install the wheel (not the checkout) into a fresh venv, and from
# there run `asyncfactories demo` and a pytest run that loads the plugin by its entry point.
#   bash .ci/wheel.sh            (everything happens in a temporary directory, removed after)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
unset PYTHONPATH  # the venvs must see the installed wheel, never the checkout

work=$(mktemp -d /tmp/asyncfactories-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "-- build (sdist, then the wheel from the sdist)"
python3 -m venv "$work/tools"
"$work/tools/bin/pip" install -q build twine
"$work/tools/bin/python" -m build --outdir "$work/dist" "$root" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
ls -l "$work/dist"
"$work/tools/bin/twine" check --strict "$work/dist"/*

echo "-- contents"
"$work/tools/bin/python" - "$work/dist" <<'EOF'
import pathlib, sys, tarfile, zipfile

dist = pathlib.Path(sys.argv[1])
(wheel,) = dist.glob("*.whl")
(sdist,) = dist.glob("*.tar.gz")
in_wheel = set(zipfile.ZipFile(wheel).namelist())
with tarfile.open(sdist) as archive:
    top = archive.getnames()[0].split("/")[0]
    in_sdist = {name.removeprefix(top + "/") for name in archive.getnames()}
    has_dir = lambda d: any(n.startswith(d + "/") for n in in_sdist)  # noqa: E731
checks = {
    "wheel: asyncfactories/py.typed": "asyncfactories/py.typed" in in_wheel,
    "wheel: asyncfactories/pytest_plugin.py": "asyncfactories/pytest_plugin.py" in in_wheel,
    "wheel: asyncfactories/examples/agents/models.py": "asyncfactories/examples/agents/models.py" in in_wheel,
    "wheel: asyncfactories/examples/agents/factories.py": "asyncfactories/examples/agents/factories.py" in in_wheel,
    "wheel: no tests/ or benchmarks/": not any(n.startswith(("tests/", "benchmarks/")) for n in in_wheel),
    "sdist: pyproject.toml, README.md": {"pyproject.toml", "README.md"} <= in_sdist,
    "sdist: asyncfactories/py.typed": "asyncfactories/py.typed" in in_sdist,
    "sdist: tests/": has_dir("tests"),
}
license_files = sorted(n for n in in_sdist if n.startswith(("LICENSE", "LICENCE", "COPYING")))
checkout_has_license = any(any(pathlib.Path(".").glob(p)) for p in ("LICENSE*", "LICENCE*", "COPYING*"))
checks["sdist: LICENSE (if the checkout has one)"] = bool(license_files) or not checkout_has_license
meta = next(n for n in in_wheel if n.endswith(".dist-info/entry_points.txt"))
entry_points = zipfile.ZipFile(wheel).read(meta).decode()
checks["wheel: console script asyncfactories = asyncfactories._cli:main"] = (
    "asyncfactories = asyncfactories._cli:main" in entry_points
)
checks["wheel: pytest11 entry point asyncfactories.pytest_plugin"] = (
    "[pytest11]" in entry_points and "asyncfactories = asyncfactories.pytest_plugin" in entry_points
)
for name, ok in checks.items():
    print(("ok  " if ok else "FAIL") + " " + name)
print(f"{wheel.name}: {len(in_wheel)} files; {sdist.name}: {len(in_sdist)} entries"
      + (f", {', '.join(license_files)}" if license_files else ", no LICENSE in the checkout"))
sys.exit(0 if all(checks.values()) else 1)
EOF

echo "-- install the wheel into a fresh venv"
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$work/venv/bin/pip" install -q "$work/dist"/*.whl pytest pytest-asyncio
mkdir "$work/user"
cd "$work/user"  # an empty directory: nothing of the checkout is importable from here
"$py" - <<EOF
import asyncfactories, asyncfactories.pytest_plugin
where = asyncfactories.__file__
print("asyncfactories", asyncfactories.__version__, "from", where)
assert where.startswith("$work/venv/"), "imported from outside the venv"
EOF

echo "-- asyncfactories demo (from the venv)"
"$work/venv/bin/asyncfactories" demo >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; exit 1; }
tail -n 12 "$work/demo.log"

echo "-- pytest loads the plugin by its entry point"
"$work/venv/bin/pytest" -VV 2>&1 | tee "$work/version.log"
grep -q "asyncfactories-[0-9.]* at $work/venv/" "$work/version.log" || { echo "plugin not registered from the venv"; exit 1; }
"$work/venv/bin/pytest" --fixtures -p no:cacheprovider >"$work/fixtures.log" 2>&1 || true
grep -q "^factories_session" "$work/fixtures.log" || { cat "$work/fixtures.log"; exit 1; }
echo "pytest --fixtures lists: $(grep -oE '^factories_[a-z]+' "$work/fixtures.log" | sort -u | tr '\n' ' ')"
cat >pytest.ini <<'EOF'
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
factories_metadata = asyncfactories.examples.agents.models:Base
EOF
cat >test_wheel.py <<'EOF'
from asyncfactories.examples.agents import AgentFactory


async def test_agent_from_the_wheel(factories_session):
    agent = await AgentFactory.create()
    assert agent.id is not None
EOF
"$work/venv/bin/pytest" -q -p no:cacheprovider test_wheel.py
