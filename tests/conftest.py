from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "golden"


@pytest.fixture
def golden() -> Path:
    return GOLDEN
