"""Shared fixtures: the personas every test speaks of.

Framtidens innkreving is "our" programme; the outsider has a role only in another one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.db import transaction
from django.test import Client
from django.utils import translation

from nytte.core.choices import Role
from nytte.core.models import Programme
from tests import query_counts
from tests.dbtemplate import from_template
from tests.demo_snapshot import Snapshot, restore, take
from tests.factories import MembershipFactory, ProgrammeFactory, UserFactory
from tests.permissions import Access

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """Tests hash passwords with MD5: PBKDF2's million rounds cost a third of a second per
    user, and the tests are not about password storage. Every xdist worker runs this too.

    Emptying the database between transactional tests (``flush``) empties the append-only
    records too: only there are their triggers told to let it (``core.records``)."""
    from django.contrib.auth.hashers import get_hashers
    from django.db.backends.base.operations import BaseDatabaseOperations

    from nytte.core.records import purge_allowed

    settings.PASSWORD_HASHERS = FAST_HASHERS
    get_hashers.cache_clear()
    # The register cache in memory, per worker: files in the data directory would be shared
    # by the xdist workers' databases, whose primary keys and versions repeat.
    settings.CACHES = {
        **settings.CACHES,
        "register": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    # Primary keys are reused between tests: a saved harmonisation index must not outlive
    # its test (tests of saving set a temporary directory).
    settings.NYTTE_SIMILARITY_DIR = None
    # A test database is thrown away: PostgreSQL need not wait for each commit to reach the
    # disk (transactional and browser tests commit often), which left the workers idle.
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()

    flush = BaseDatabaseOperations.execute_sql_flush

    def flush_with_records(self, sql_list):
        with purge_allowed(self.connection.alias):
            flush(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = flush_with_records


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
) -> Iterator[None]:
    """pytest-django's database setup, but xdist workers copy one migrated template per run
    instead of each running the migrations (``tests/dbtemplate.py``)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    verbosity = request.config.option.verbose
    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    worker = getattr(request.config, "workerinput", None)
    shared = worker is not None and django_db_use_migrations and not keepdb
    with (
        django_db_blocker.unblock(),
        from_template(
            tmp_path_factory.getbasetemp().parent,
            worker["workerid"],
            int(worker["workercount"]),
            verbosity,
        )
        if shared
        else nullcontext(),
    ):
        databases = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keepdb,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            _end_other_sessions()
            try:
                teardown_databases(databases, verbosity=verbosity)
            except Exception as error:  # as pytest-django: a warning, not a failed test
                request.node.warn(
                    pytest.PytestWarning(f"Error when trying to teardown test databases: {error!r}")
                )


def _end_other_sessions() -> None:
    """End the sessions a test's thread left open on a PostgreSQL test database (a live
    server's, say), which would keep it from being dropped."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


# A browser test takes about twenty times as long as another test (measured: 9 s and 0.4 s).
BROWSER_WEIGHT = 20


def pytest_collection_modifyitems(config, items):
    """Longest modules first: xdist hands out whole modules (``--dist loadfile``) in this
    order (``--no-loadscope-reorder``), so the run ends on short ones and no worker waits
    idle while another finishes a long browser module. A module's weight is its number of
    tests, a browser test counting as ``BROWSER_WEIGHT``; the sort is stable."""
    weights: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        weight = BROWSER_WEIGHT if item.get_closest_marker("browser") else 1
        weights[module] = weights.get(module, 0) + weight
    items.sort(key=lambda item: -weights[item.nodeid.split("::")[0]])


def pytest_sessionfinish(session):
    query_counts.write_measured()


@pytest.fixture
def pinned_queries(request) -> query_counts.PinnedQueries:
    """``with pinned_queries("name"):`` checks the block's query count against the count
    pinned in the test's app's query_counts.json (see tests/query_counts.py)."""
    return query_counts.for_test_module(request.path)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached aggregates must not leak between tests (primary keys are reused)."""
    cache.clear()
    caches["register"].clear()


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Framtidens innkreving", slug="framtidens-innkreving")


@pytest.fixture
def other_programme(db):
    return ProgrammeFactory(name="Starte og drive bedrift", slug="starte-og-drive-bedrift")


def _member(programme, role, username):
    user = UserFactory(username=username)
    MembershipFactory(user=user, programme=programme, role=role)
    return user


@pytest.fixture
def facilitator(programme):
    return _member(programme, Role.FACILITATOR, "fasilitator")


@pytest.fixture
def owner(programme):
    return _member(programme, Role.OWNER, "eier")


@pytest.fixture
def contributor(programme):
    return _member(programme, Role.CONTRIBUTOR, "bidragsyter")


@pytest.fixture
def forum_member(programme):
    return _member(programme, Role.FORUM_MEMBER, "forum")


@pytest.fixture
def viewer(programme):
    return _member(programme, Role.VIEWER, "leser")


@pytest.fixture
def programme_admin(programme):
    return _member(programme, Role.PROGRAMME_ADMIN, "programadmin")


@pytest.fixture
def outsider(other_programme):
    return _member(other_programme, Role.PROGRAMME_ADMIN, "utenforstaende")


@pytest.fixture
def english():
    """Run a test in English, for assertions on message texts."""
    with translation.override("en"):
        yield


@pytest.fixture
def site_in_english(settings):
    """The whole site in English for a module that asserts English texts: pages requested
    without a language cookie, and messages made outside a request (commands, services)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client_for():
    """A logged-in test client for a user, optionally with the UI in another language."""

    def make(user, language: str | None = None) -> Client:
        client = Client()
        client.force_login(user)
        if language:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return make


@pytest.fixture
def access(request, client_for) -> Access:
    """Request an address as personas and compare statuses (see tests/permissions.py)."""
    return Access(request, client_for)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> Snapshot:
    """The whole demo, loaded once per process in a transaction rolled back at once; its rows
    are copied in where a module or test asks (``tests/demo_snapshot.py``)."""
    from nytte.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        snapshot = take()
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture(scope="module")
def demo_loaded(demo_snapshot, django_db_blocker) -> Iterator[None]:
    """The whole demo for the module that asks, in a transaction rolled back at the end; each
    test runs in a savepoint inside it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            restore(demo_snapshot)
            yield
            transaction.set_rollback(True)
        ContentType.objects.clear_cache()


@pytest.fixture
def framtidens(demo_loaded, db) -> Programme:
    return Programme.objects.get(slug="framtidens-innkreving")
