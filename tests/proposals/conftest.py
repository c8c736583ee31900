"""Programmes here start as ``core.services.programme_create`` makes them: with the
proposal pipeline's default criteria and qualification questions (``programme_created``)."""

import pytest

from nytte.proposals.defaults import programme_defaults_create


@pytest.fixture
def programme(programme):
    programme_defaults_create(programme=programme)
    return programme


@pytest.fixture
def other_programme(other_programme):
    programme_defaults_create(programme=other_programme)
    return other_programme
