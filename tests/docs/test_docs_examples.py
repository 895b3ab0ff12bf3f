"""Every code block of the documentation site runs, as the page shows it.

One test per page and backend runs the page's blocks in order (see
:mod:`tests.docs.snippets` for what each kind of block does): Python blocks
in one namespace per page, where ``engine`` and ``session`` are given as the
pages say (an engine on a fresh database with the sample domain's tables, and
``AsyncSession(engine, expire_on_commit=False)``); titled blocks as files of a
project directory that is also the working directory and on ``sys.path``;
``bash`` blocks in that directory, with ``$DATABASE_URL`` the same database.
SQLite pages use a database file; PostgreSQL pages get a database of their
own on the test server (``ASYNCFACTORIES_TEST_PG_URL``), dropped afterwards.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import json
import os
import re
import subprocess
import sys
import tomllib
import types
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

import asyncfactories
from asyncfactories._state import all_hierarchies
from asyncfactories.examples.agents.models import Base as AgentsBase
from tests.conftest import postgres_url
from tests.docs.snippets import Block, Page, match_lines, read_page

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))

#: Every block the tests do not run, as (page, reason): few, and each with its reason.
NOT_RUN: list[tuple[str, str]] = [
    ("benchmarks", "installs the bench extra and takes minutes"),
    ("getting-started", "installs the package into the current environment"),
    (
        "migrating-from-factory-boy",
        "factory_boy code, the starting point (factory_boy and a synchronous Session)",
    ),
]

_SUBPROCESS_ENV_DROPPED = (
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
    "PYTEST_CURRENT_TEST",
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "ASYNCFACTORIES_URL",
)


def _name(page: Path) -> str:
    """The page's name in test ids and in NOT_RUN: ``guide/sessions`` for docs/guide/sessions.md.

    Args:
        page: a Markdown file under docs/.

    Returns:
        Its path relative to docs/, without the suffix.
    """
    return page.relative_to(DOCS).with_suffix("").as_posix()


def _cases() -> Iterator[object]:
    """One test case per page and backend the page runs on, with a readable id.

    Yields:
        ``pytest.param(page, backend)`` with the id ``guide/sessions-postgresql``.
    """
    for page in PAGES:
        for backend in read_page(page).backends:
            yield pytest.param(page, backend, id=f"{_name(page)}-{backend}")


# -- the database a page runs against --------------------------------------------------


@contextlib.asynccontextmanager
async def _database(backend: str, page: Page, project: Path) -> AsyncIterator[str]:
    """A fresh database for one page run: a SQLite file, or a PostgreSQL database of its own.

    Args:
        backend: ``sqlite`` or ``postgresql``.
        page: the page, whose ``driver=`` option picks the PostgreSQL driver.
        project: the page's directory, where a SQLite file goes.

    Yields:
        The database URL.
    """
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{project / 'docs.sqlite3'}"
        return
    server = make_url(postgres_url())
    name = f"docs_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(
        server.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        driver = page.options.get("driver", "asyncpg")
        yield server.set(drivername=f"postgresql+{driver}", database=name).render_as_string(
            hide_password=False
        )
    finally:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


# -- running blocks ----------------------------------------------------------------------


async def _run_python(block: Block, namespace: dict[str, object]) -> str:
    """Run a Python block in the page's namespace; return what it printed.

    The code is compiled under the Markdown file's name with its line numbers,
    so a traceback points at the page. With ``raises=Name`` the block must
    raise an exception of that class (or a subclass), shown as Python shows
    the last line of a traceback.

    Args:
        block: a ``python`` block without a title.
        namespace: the page module's namespace, shared by the page's blocks.

    Returns:
        What the block printed, then its exception's line when ``raises=`` expects one.
    """
    code = compile(
        "\n" * (block.line - 1) + block.source,
        str(block.path),
        "exec",
        flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        dont_inherit=True,  # not this module's `from __future__ import annotations`
    )
    printed = io.StringIO()
    expected = block.options.get("raises")
    try:
        with contextlib.redirect_stdout(printed):
            result = eval(code, namespace)
            if inspect.isawaitable(result):
                await result
    except Exception as exc:
        if expected is None or expected not in {k.__name__ for k in type(exc).__mro__}:
            raise
        return printed.getvalue() + f"{type(exc).__name__}: {exc}\n"
    if expected is not None:
        pytest.fail(f"{block.where}: the block should raise {expected}, and it did not")
    return printed.getvalue()


def _subprocess_env(project: Path, url: str) -> dict[str, str]:
    """The environment of a page's shell commands: this checkout, and the page's database.

    ``python`` is this interpreter, the project directory and this checkout come
    first on ``PYTHONPATH``, ``$DATABASE_URL`` is the page's database, and this
    run's pytest-xdist and plugin variables are left out.

    Args:
        project: the page's project directory.
        url: the page's database URL.

    Returns:
        The variables for ``subprocess.run``.
    """
    env = {k: v for k, v in os.environ.items() if k not in _SUBPROCESS_ENV_DROPPED}
    bin_dir = project.parent / f"{project.name}-bin"
    bin_dir.mkdir(exist_ok=True)
    for name in ("python", "python3"):
        link = bin_dir / name
        if not link.exists():
            link.symlink_to(sys.executable)
    env["PATH"] = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), env["PATH"]])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(project), str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    env["DATABASE_URL"] = url
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["COLUMNS"] = "100"
    # This checkout's own test tooling, which no page's project uses: hypothesis alone
    # costs seconds of start-up per run, and pytest-benchmark warns under xdist.
    env["PYTEST_ADDOPTS"] = "-p no:hypothesispytest -p no:benchmark -p no:cacheprovider"
    return env


def _run_bash(block: Block, project: Path, env: dict[str, str]) -> str:
    """Run a bash block in the project directory, with ``bash -e -o pipefail``.

    Args:
        block: a ``bash`` block; ``exit=N`` says the exit code it must end with (0).
        project: the page's project directory, the working directory.
        env: the environment from :func:`_subprocess_env`.

    Returns:
        Its output, stderr merged into stdout as a terminal shows them.
    """
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block.source],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout
    expected = int(block.options.get("exit", "0"))
    if result.returncode != expected:
        pytest.fail(
            f"{block.where}: exit code {result.returncode}, the page expects {expected}\n{output}"
        )
    return output


def _write_file(block: Block, project: Path) -> None:
    """Write a titled block as the file its title names, inside the project directory.

    Args:
        block: a block with a ``title``.
        project: the page's project directory.
    """
    assert block.title is not None
    target = project / block.title
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(block.source, encoding="utf-8")


@contextlib.contextmanager
def _page_module(name: str, project: Path) -> Iterator[types.ModuleType]:
    """A module to run the page's Python in, importable under ``name`` while the page runs.

    The page's own modules (its titled files) are forgotten afterwards, so the
    next page's ``models.py`` is not this one's.

    Args:
        name: the module's name.
        project: the page's project directory, whose modules are forgotten at the end.

    Yields:
        The module, registered in ``sys.modules``.
    """
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        yield module
    finally:
        del sys.modules[name]
        for key, loaded in list(sys.modules.items()):
            origin = getattr(loaded, "__file__", None) or ""
            if origin.startswith(str(project)):
                del sys.modules[key]


async def run_page(page: Page, backend: str, project: Path) -> None:
    """Run every block of ``page`` meant for ``backend``, in order.

    Args:
        page: the parsed page.
        backend: ``sqlite`` or ``postgresql``.
        project: an empty directory: the page's files, its working directory.
    """
    for hierarchy in all_hierarchies():  # sequences start at 0, as in a fresh process
        hierarchy.reset()
    async with _database(backend, page, project) as url:
        engine: AsyncEngine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(AgentsBase.metadata.create_all)
            async with AsyncSession(engine, expire_on_commit=False) as session:
                name = "docs_" + re.sub(r"\W", "_", _name(page.path))
                with _page_module(name, project) as module:
                    module.__dict__.update(engine=engine, session=session)
                    await _run_blocks(page, backend, project, url, module.__dict__)
        finally:
            asyncfactories.set_fast_path(True)
            await engine.dispose()


async def _run_blocks(
    page: Page, backend: str, project: Path, url: str, namespace: dict[str, object]
) -> None:
    """Run the page's blocks for ``backend`` in order; check each output block.

    Args:
        page: the parsed page.
        backend: ``sqlite`` or ``postgresql``.
        project: the page's project directory.
        url: the page's database URL (``$DATABASE_URL`` of its shell blocks).
        namespace: the page module's namespace, where Python blocks run.
    """
    env = _subprocess_env(project, url)
    output: str | None = None
    checked = True  # whether the last Python or bash block ran, so its output can be checked
    for block in page.blocks:
        runs = block.not_run is None and backend in block.backends(page.backends)
        if block.title is None and block.language in ("python", "bash"):
            checked = runs
        if not runs or (block.language == "text" and not checked):
            continue
        if block.title is not None:
            _write_file(block, project)
        elif block.language == "python":
            output = await _run_python(block, namespace)
        elif block.language == "bash":
            output = _run_bash(block, project, env)
        elif block.language == "text" and "output" in block.options:
            if output is None:
                pytest.fail(f"{block.where}: an output block with no block before it to check")
            problem = match_lines(block.source, output)
            if problem is not None:
                pytest.fail(f"{block.where}: {problem}")


# -- the tests ---------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("path", "backend"), list(_cases()))
async def test_page_examples_run(
    path: Path, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every block of the page runs on the backend as written, and its outputs are as shown."""
    if backend == "postgresql":
        postgres_url()  # skip locally without a server; under CI a missing server fails
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    await run_page(read_page(path), backend, project)


def test_every_block_is_run_or_says_why_not() -> None:
    """A block is Python or bash (run), a file (titled), output (text), or marked not-run."""
    unknown = [
        block.where
        for page in PAGES
        for block in read_page(page).blocks
        if block.not_run is None
        and block.title is None
        and block.language not in ("python", "bash", "text")
    ]
    assert unknown == [], "blocks neither run, a file, output nor marked <!-- not-run: why -->"


def test_blocks_not_run_are_few_and_listed() -> None:
    """The blocks left out are exactly the ones listed in NOT_RUN, each with its reason."""
    found = [
        (_name(page), block.not_run)
        for page in PAGES
        for block in read_page(page).blocks
        if block.not_run is not None
    ]
    assert found == NOT_RUN
    assert len(NOT_RUN) <= 5, "not-run blocks are meant to be rare: make the block runnable"


def test_every_page_is_in_the_nav_or_deliberately_out() -> None:
    """mkdocs.yml's nav lists every page but those kept out of it (not_in_nav) on purpose."""
    config = (ROOT / "mkdocs.yml").read_text()
    nav = config.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
    in_nav = set(re.findall(r"^\s*- (?:[^:\n]+: )?(\S+\.md)$", nav, re.M))
    kept_out = (
        config.split("\nnot_in_nav: |\n", 1)[1].split("\n\n", 1)[0].split()
        if "\nnot_in_nav: |\n" in config
        else []
    )
    pages = {page.relative_to(DOCS).as_posix() for page in PAGES}
    assert pages - {pattern.strip("/") for pattern in kept_out} == in_nav


def test_the_install_extras_are_the_ones_pyproject_declares() -> None:
    """Getting started's table of extras names each extra's packages as pyproject.toml does."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    table = re.findall(
        r"^\| `(\w+)` \| ([^|]+) \|", (DOCS / "getting-started.md").read_text(), re.M
    )
    documented = {name: [p.strip() for p in packages.split(",")] for name, packages in table}
    declared = {
        name: [re.split(r"[\[<>=]", requirement)[0] for requirement in requirements]
        for name, requirements in extras.items()
    }
    assert documented == declared


# -- what the pages say, checked against the code ---------------------------------------


def _section(page: str, heading: str) -> str:
    """The text of a page under one of its second-level headings.

    Args:
        page: the page's path under docs/.
        heading: the heading line, ``## Meta options``.

    Returns:
        The text after that line, up to the next ``## `` heading.
    """
    text = (DOCS / page).read_text()
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def _python_blocks(page: str) -> str:
    """The Python code of a page, all blocks joined.

    Args:
        page: the page's path under docs/.

    Returns:
        The source of its ``python`` blocks, titled or not.
    """
    return "\n".join(b.source for b in read_page(DOCS / page).blocks if b.language == "python")


def test_the_fast_path_providers_listed_are_the_ones_compiled() -> None:
    """The fast generation page lists exactly the en_US providers with a compiled form."""
    from asyncfactories._fastfaker import compile_fast
    from asyncfactories._state import faker_for

    generator = faker_for("en_US")
    compiled = {
        name
        for name in dir(generator)
        if not name.startswith("_")
        and callable(getattr(generator, name, None))
        and compile_fast(name, "en_US", {}) is not None
    }
    listed = _section("guide/fast-generation.md", "## Providers on the fast path")
    paragraph = listed.split("\n\n")[1]
    assert set(re.findall(r"`(\w+)`", paragraph)) == compiled


def test_the_fast_path_timings_are_the_stored_results() -> None:
    """The timings table quotes benchmarks/results/faker_fastpath.json as it is."""
    results = json.loads((ROOT / "benchmarks/results/faker_fastpath.json").read_text())
    stored = {
        r["label"]: (
            f"{r['faker_us']['median']:.1f}",
            f"{r['fast_us']['median']:.2f}",
            f"{r['speedup']['median']:.0f}",
        )
        for r in results["results"]
    }
    table = _section("guide/fast-generation.md", "## What it saves")
    rows = re.findall(r"^\| `([^`]+)` \| ([\d.]+) \| ([\d.]+) \| (\d+) \|$", table, re.M)
    assert rows
    for label, *numbers in rows:
        assert stored[label] == tuple(numbers), label
    assert results["library"]["commit"].startswith(re.search(r"commit\s+`(\w+)`", table)[1])  # type: ignore[index]


def test_every_meta_option_is_documented() -> None:
    """The Meta options table has a row for every key the code accepts, aliases named."""
    from asyncfactories._build.options import _ALIASES, META_KEYS

    table = _section("guide/factories.md", "## Meta options")
    rows = set(re.findall(r"^\| `(\w+)` \|", table, re.M))
    assert rows == set(META_KEYS)
    for alias in _ALIASES:
        assert f"`{alias}`" in table, alias


def test_every_public_declaration_has_an_example() -> None:
    """Each public declaration and fuzzy class is used in a Python block of the declarations page."""
    declarations = [
        "Faker",
        "LazyFunction",
        "LazyAttribute",
        "Sequence",
        "SelfAttribute",
        "Iterator",
        "Maybe",
        "SKIP",
        "Trait",
        "SubFactory",
        "RelatedFactory",
        "RelatedFactoryList",
        "post_generation",
        "PostGenerationMethodCall",
        "Dict",
        "List",
        "LazyAttributeSequence",
        "ContainerAttribute",
        "Transformer",
        "lazy_attribute",
        "sequence",
        "lazy_attribute_sequence",
        "iterator",
        "container_attribute",
    ]
    code = _python_blocks("guide/declarations.md")
    fuzzy = [n for n in asyncfactories.fuzzy.__all__ if n != "BaseFuzzyAttribute"]
    missing = [
        name
        for name in [*declarations, *fuzzy, "BaseFuzzyAttribute"]
        if not re.search(rf"\b{name}\(|@{name}\b|\b{name}\b(?!\()", code)
    ]
    assert set(declarations) <= set(asyncfactories.__all__)
    assert missing == []


def test_the_api_reference_covers_the_public_names() -> None:
    """The reference pages render every name of asyncfactories.__all__, fuzzy and the plugin."""
    reference = (DOCS / "reference/asyncfactories.md").read_text()
    rendered = set(re.findall(r"^::: asyncfactories\.(\w+)$", reference, re.M))
    assert rendered == set(asyncfactories.__all__) - {"fuzzy", "__version__"}
    assert "`asyncfactories.__version__`" in reference
    fuzzy = (DOCS / "reference/fuzzy.md").read_text()
    assert set(re.findall(r"^        - (\w+)$", fuzzy, re.M)) == set(asyncfactories.fuzzy.__all__)
    plugin = (DOCS / "reference/pytest-plugin.md").read_text()
    from asyncfactories import pytest_plugin

    assert set(re.findall(r"^        - (\w+)$", plugin, re.M)) == set(pytest_plugin.__all__)


def test_the_migration_guide_rename_table_names_exist() -> None:
    """Every asyncfactories name in the migration guide's rename table is importable."""
    from asyncfactories import pytest_plugin

    table = _section("migrating-from-factory-boy.md", "## The rename table")
    for name in re.findall(r"`factory\.([A-Za-z_]+)", table):
        if name in {"alchemy", "django", "mogo", "mongoengine"}:
            continue
        assert hasattr(asyncfactories, name), name
    assert hasattr(pytest_plugin, "register")
    assert hasattr(pytest_plugin, "LazyFixture")
