"""The pytest plugin, exercised in real pytest runs (pytester, in a subprocess)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import postgres_url

MODELS = """
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from asyncfactories import AsyncFactory, Faker, Sequence


class Base(DeclarativeBase):
    pass


class BlogPost(Base):
    __tablename__ = "blog_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(50), unique=True)


class BlogPostFactory(AsyncFactory[BlogPost]):
    title = Faker("sentence")
    slug = Sequence(lambda n: f"post-{n}")
"""

INI = """
[pytest]
asyncio_mode = {mode}
asyncio_default_fixture_loop_scope = function
factories_metadata = blogmodels:Base
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A throwaway project with a model, a factory and the ini pointing at its Base."""
    pytester.makepyfile(blogmodels=MODELS)
    pytester.makefile(".ini", pytest=INI.format(mode="strict"))
    pytester.syspathinsert()
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_a_test_body_is_just_create_on_the_default_database(project: pytest.Pytester) -> None:
    """With no URL, factories_session is an in-memory SQLite database with the tables."""
    project.makepyfile(
        test_blog="""
        import pytest
        from blogmodels import BlogPostFactory

        @pytest.mark.asyncio
        async def test_post(factories_session):
            post = await BlogPostFactory.create()
            assert post.id is not None
            assert str(factories_session.bind.engine.url) == "sqlite+aiosqlite://"
        """
    )
    run(project).assert_outcomes(passed=1)


LEAK_TEST = """
import pytest
from sqlalchemy import func, select
from blogmodels import BlogPost, BlogPostFactory

@pytest.mark.asyncio
@pytest.mark.parametrize("i", range(1000))
async def test_commits_never_leak(factories_session, i):
    await BlogPostFactory.create()
    await factories_session.commit()
    assert await factories_session.scalar(select(func.count()).select_from(BlogPost)) == 1
"""


def test_thousand_committing_tests_leak_no_row_on_sqlite(project: pytest.Pytester) -> None:
    """Each of 1,000 tests commits a row and still sees only its own."""
    project.makepyfile(test_leak=LEAK_TEST)
    run(project).assert_outcomes(passed=1000)


def test_thousand_committing_tests_leak_no_row_on_postgresql(project: pytest.Pytester) -> None:
    """The same on PostgreSQL, chosen with --factories-url."""
    project.makepyfile(test_leak=LEAK_TEST)
    run(project, f"--factories-url={postgres_url()}").assert_outcomes(passed=1000)


def test_url_comes_from_ini_or_environment(
    project: pytest.Pytester, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The ini key factories_url and the env ASYNCFACTORIES_URL choose the database."""
    db_file = tmp_path_factory.mktemp("db") / "ini.sqlite3"
    project.makepyfile(
        test_url="""
        import os
        import pytest
        from blogmodels import BlogPostFactory

        @pytest.mark.asyncio
        async def test_url(factories_session):
            await BlogPostFactory.create()
            assert str(factories_session.bind.engine.url) == os.environ["EXPECTED_URL"]
        """
    )
    project.makefile(
        ".ini",
        pytest=INI.format(mode="strict") + f"factories_url = sqlite+aiosqlite:///{db_file}\n",
    )
    project._monkeypatch.setenv("EXPECTED_URL", f"sqlite+aiosqlite:///{db_file}")
    run(project).assert_outcomes(passed=1)
    env_file = db_file.with_name("env.sqlite3")
    project.makefile(".ini", pytest=INI.format(mode="strict"))
    project._monkeypatch.setenv("ASYNCFACTORIES_URL", f"sqlite+aiosqlite:///{env_file}")
    project._monkeypatch.setenv("EXPECTED_URL", f"sqlite+aiosqlite:///{env_file}")
    run(project).assert_outcomes(passed=1)


def test_metadata_can_come_from_an_overriding_fixture(pytester: pytest.Pytester) -> None:
    """Without the ini key, a factories_metadata fixture chooses the tables."""
    pytester.makepyfile(blogmodels=MODELS)
    pytester.syspathinsert()
    pytester.makefile(
        ".ini",
        pytest="[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
    )
    pytester.makeconftest(
        """
        import pytest
        from blogmodels import Base

        @pytest.fixture(scope="session")
        def factories_metadata():
            return Base.metadata
        """
    )
    pytester.makepyfile(
        test_meta="""
        from blogmodels import BlogPostFactory

        async def test_auto_mode(factories_session):
            assert (await BlogPostFactory.create()).id
        """
    )
    run(pytester).assert_outcomes(passed=1)


SEEDED = """
import pytest
from asyncfactories import Faker, AsyncFactory
from blogmodels import BlogPostFactory

@pytest.mark.asyncio
async def test_value(factories_session):
    post = await BlogPostFactory.create()
    print("TITLE=" + post.title)
    assert {fail}
"""


def test_seed_is_in_the_header_and_in_a_failure_report(project: pytest.Pytester) -> None:
    """The header says asyncfactories: seed=N; a failing test's report repeats it with the flag."""
    project.makepyfile(test_seed=SEEDED.format(fail="False"))
    result = run(project)
    result.assert_outcomes(failed=1)
    header = re.search(r"asyncfactories: seed=(\d+)", result.stdout.str())
    assert header is not None
    seed = header.group(1)
    result.stdout.fnmatch_lines([f"*seed={seed}; reproduce with --factories-seed {seed}*"])


def test_rerunning_with_the_printed_seed_reproduces_the_data(project: pytest.Pytester) -> None:
    """--factories-seed N gives the same values; another seed gives others."""
    project.makepyfile(test_seed=SEEDED.format(fail="True"))

    def title(*args: str) -> str:
        output = run(project, "-s", *args).stdout.str()
        return re.search(r"TITLE=(.*)", output).group(1)  # type: ignore[union-attr]

    assert title("--factories-seed=4242") == title("--factories-seed=4242")
    assert title("--factories-seed=4242") != title("--factories-seed=4243")


def test_a_test_alone_gets_the_data_it_gets_in_the_suite(project: pytest.Pytester) -> None:
    """The per-test seed depends on the node id, not on the tests that ran before."""
    project.makepyfile(
        test_order="""
        import pytest
        from blogmodels import BlogPostFactory

        @pytest.mark.asyncio
        async def test_first(factories_session):
            await BlogPostFactory.create_batch(3)

        @pytest.mark.asyncio
        async def test_second(factories_session):
            post = await BlogPostFactory.create()
            print(f"DATA={post.title}|{post.slug}")
        """
    )
    suite = run(project, "-s", "--factories-seed=7").stdout.str()
    alone = run(project, "-s", "--factories-seed=7", "test_order.py::test_second").stdout.str()
    assert re.search(r"DATA=.*", suite).group(0) == re.search(r"DATA=.*", alone).group(0)  # type: ignore[union-attr]


def test_register_gives_pytest_factoryboy_names(project: pytest.Pytester) -> None:
    """register(BlogPostFactory) gives blog_post_factory and blog_post; a name renames the instance."""
    project.makepyfile(
        test_register="""
        import pytest
        from asyncfactories.pytest_plugin import register
        from blogmodels import BlogPost, BlogPostFactory

        blog_post_factory, blog_post = register(BlogPostFactory)
        _, featured_post = register(BlogPostFactory, "featured_post")

        @pytest.mark.asyncio
        async def test_names(blog_post_factory, blog_post, featured_post):
            assert blog_post_factory is BlogPostFactory
            assert isinstance(blog_post, BlogPost) and blog_post.id is not None
            assert featured_post.id != blog_post.id
        """
    )
    run(project).assert_outcomes(passed=1)


def test_anyio_tests_get_the_session_too(project: pytest.Pytester) -> None:
    """Under anyio's plugin (asyncio backend) the fixtures work the same."""
    project.makepyfile(
        test_anyio="""
        import pytest
        from blogmodels import BlogPostFactory

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        async def test_with_anyio(factories_session):
            assert (await BlogPostFactory.create()).id
        """
    )
    run(project).assert_outcomes(passed=1)
    run(project, "-p", "no:asyncio").assert_outcomes(passed=1)


def test_anyio_tests_get_the_session_under_asyncio_auto_mode(project: pytest.Pytester) -> None:
    """pytest-asyncio in auto mode runs the fixtures in another context: create() still finds it."""
    project.makefile(".ini", pytest=INI.format(mode="auto"))
    project.makepyfile(
        test_anyio_auto="""
        import pytest
        from blogmodels import BlogPostFactory

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        async def test_with_anyio(factories_session):
            post = await BlogPostFactory.create()
            assert post.id
            assert post in factories_session

        async def test_after_it_nothing_is_bound(factories_engine):
            from asyncfactories import NoSessionError
            with pytest.raises(NoSessionError):
                await BlogPostFactory.create()
        """
    )
    run(project).assert_outcomes(passed=2)


def test_xdist_workers_get_a_database_each_on_postgresql(project: pytest.Pytester) -> None:
    """With -n 2 on PostgreSQL every worker creates, uses and drops its own database."""
    project.makepyfile(
        test_xdist="""
        import os
        import pytest
        from sqlalchemy import func, select
        from blogmodels import BlogPost, BlogPostFactory

        @pytest.mark.asyncio
        @pytest.mark.parametrize("i", range(40))
        async def test_worker_db(factories_session, i):
            await BlogPostFactory.create_batch(5)
            await factories_session.commit()
            name = factories_session.bind.engine.url.database
            assert name.endswith(os.environ["PYTEST_XDIST_WORKER"])
            assert await factories_session.scalar(select(func.count()).select_from(BlogPost)) == 5
        """
    )
    url = postgres_url()
    run(project, "-n", "2", f"--factories-url={url}").assert_outcomes(passed=40)
