"""leaderd's own jubilant suite: the example charms on a fresh model per module."""

import jubilant
import pytest


@pytest.fixture(scope="module")
def juju(request: pytest.FixtureRequest):
    with jubilant.temp_model() as juju:
        yield juju
        if request.session.testsfailed:
            print(juju.debug_log(limit=300), end="")
