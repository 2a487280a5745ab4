"""Every python block of the README runs as pasted into a file in the checkout."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{n}" for n in range(len(BLOCKS))])
def test_readme_python_block_runs(block: str, tmp_path: Path) -> None:
    shutil.copytree(REPO / "golden", tmp_path / "golden")  # a copy: the blocks write files where they run
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr


def test_readme_python_blocks_pass_mypy_strict(tmp_path: Path) -> None:
    for number, block in enumerate(BLOCKS):
        (tmp_path / f"block{number}.py").write_text(block, encoding="utf-8")
    # MYPYPATH: the checkout's cleanews (an editable install hides it from mypy); silent: its own code is checked by
    # test_types.py, here only the examples, as a user's strict project would see them.
    command = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--ignore-missing-imports", "--no-incremental",
               *sorted(str(path) for path in tmp_path.glob("block*.py"))]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600, env={**os.environ, "MYPYPATH": str(REPO)})
    assert result.returncode == 0, result.stdout + result.stderr
