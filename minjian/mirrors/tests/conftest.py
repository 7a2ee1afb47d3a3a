from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from minjian.mirrors.tests.instances import RelayedSource, SourceInstance


@pytest.fixture
def source(tmp_path: Path) -> Iterator[SourceInstance]:
    """Another Minjian instance, serving, on loopback; stopped at the end."""
    instance = SourceInstance(tmp_path)
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture
def relayed(source: SourceInstance) -> Iterator[RelayedSource]:
    """The source through a relay that can change its record's pages and lists the
    addresses asked."""
    relay = RelayedSource(source.url)
    try:
        yield relay
    finally:
        relay.close()
