from pathlib import Path

import pytest
from hypothesis import settings

# A long property run, on demand: pytest --hypothesis-profile=deep
settings.register_profile("deep", max_examples=5000)

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "golden"


@pytest.fixture
def golden() -> Path:
    return GOLDEN
