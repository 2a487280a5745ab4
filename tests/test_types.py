"""The package's own code type-checks, with the settings in pyproject.toml (the README's examples: test_readme.py)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_package_passes_mypy() -> None:
    command = [sys.executable, "-m", "mypy", "--no-incremental", "cleanews"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
