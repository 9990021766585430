"""Fixtures for the sandbox tests: an ``api`` helper bound to a fresh sandbox without the App rate limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cio_desktop.sandbox import ThreadedSandbox
from tests.fixtures.sandbox import MakeSandbox
from tests.sandbox.helpers import Api


@pytest.fixture
def sb(make_sandbox: MakeSandbox) -> ThreadedSandbox:
    """A plain-HTTP sandbox with a small demo (60 random people) and no App rate limit."""
    return make_sandbox(rate_limit=None, people=60)


@pytest.fixture
def api(sb: ThreadedSandbox) -> Iterator[Api]:
    client = Api(sb)
    yield client
    client.close()
