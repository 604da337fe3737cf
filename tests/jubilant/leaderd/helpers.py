"""Where leaderd's example charms are."""

import pathlib

EXAMPLES = pathlib.Path(__file__).resolve().parents[3] / "examples"


def example(name: str) -> str:
    return str(EXAMPLES / name)
