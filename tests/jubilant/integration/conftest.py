from __future__ import annotations

import pathlib
import tarfile
from collections.abc import Generator
from typing import cast

import pytest

import jubilant


def pytest_addoption(parser: pytest.OptionGroup):
    parser.addoption(
        '--keep-models',
        action='store_true',
        default=False,
        help='keep temporarily-created models',
    )


@pytest.fixture(scope='module')
def juju(request: pytest.FixtureRequest) -> Generator[jubilant.Juju]:
    """Module-scoped pytest fixture that creates a temporary model."""
    keep_models = cast(bool, request.config.getoption('--keep-models'))
    with jubilant.temp_model(keep=keep_models) as juju:
        yield juju
        if request.session.testsfailed:
            log = juju.debug_log(limit=1000)
            print(log, end='')


@pytest.fixture(scope='module')
def juju_version(juju: jubilant.Juju) -> jubilant.Version:
    """Module-scoped pytest fixture that returns the Juju CLI version."""
    return juju.version()


@pytest.fixture(scope='module')
def model2(request: pytest.FixtureRequest) -> Generator[jubilant.Juju]:
    """Module-scoped pytest fixture that creates a (second) temporary model."""
    keep_models = cast(bool, request.config.getoption('--keep-models'))
    with jubilant.temp_model(keep=keep_models) as juju:
        yield juju


@pytest.fixture
def empty_tar(tmp_path: pathlib.Path) -> Generator[str]:
    """Pytest fixture that creates an empty .tar file and returns its path."""
    path = str(tmp_path / 'empty.tar')
    with tarfile.open(path, 'w'):
        pass
    yield path
