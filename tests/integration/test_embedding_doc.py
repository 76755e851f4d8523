"""docs/embedding.md runs as written: every ```python block, in order, in a fresh home.

The blocks are one session at the keyboard: they share one namespace, as a
reader typing them into a Python prompt would. They run with ``HW_HOME`` and
``HOME`` in a temporary folder (so ``~`` never reaches the real home) and
``HW_CLINICIAN`` set, in a temporary working directory; their
``tempfile.mkdtemp()`` folders are made in the test's own folder. docs/architecture.md
and README.md hold no Python block (their embedding statements are checked by
tests/integration/test_embedding_imports.py).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMBEDDING = ROOT / "docs" / "embedding.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def python_blocks(document: Path) -> list[str]:
    """The ```python blocks of a Markdown document, in order."""
    return _BLOCK.findall(document.read_text(encoding="utf-8"))


def run_blocks(blocks: list[str], name: str) -> dict[str, Any]:
    """Execute the blocks in order in one namespace; a failure names the block."""
    namespace: dict[str, Any] = {"__name__": "__embedding_doc__"}
    try:
        for number, block in enumerate(blocks, 1):
            first = block.strip().splitlines()[0]
            try:
                code = compile(block, f"{name} block {number}", "exec")
                exec(code, namespace)  # noqa: S102 - the document's own examples
            except Exception as e:
                pytest.fail(f"{name} block {number} ({first!r}) raised {e!r}", pytrace=False)
    finally:
        app = namespace.get("hw")
        close = getattr(app, "close", None)
        if callable(close):
            close()
    return namespace


@pytest.fixture
def doc_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh environment for the document: its own home, HOME and working directory."""
    home = tmp_path / "hw-home"
    for var in ("HW_DATABASE_URL", "HW_CIPHER_KEY", "HW_CASELOAD"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HW_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("HW_CLINICIAN", "dr.okafor")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    scratch = tmp_path / "tmp"  # the examples' tempfile.mkdtemp() folders
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return home


def test_the_document_has_examples() -> None:
    assert len(python_blocks(EMBEDDING)) >= 10


def test_every_example_runs_as_written(doc_home: Path, tmp_path: Path) -> None:
    namespace = run_blocks(python_blocks(EMBEDDING), "docs/embedding.md")
    # The examples' own home is a scratch folder, and it holds what they recorded.
    home = Path(namespace["home"])
    assert tmp_path in home.parents
    assert (home / "events.sqlite").is_file()
    assert not doc_home.exists()  # everything went through home=, nothing to HW_HOME


@pytest.mark.parametrize("page", ["README.md", "docs/architecture.md"])
def test_the_other_embedding_pages_hold_no_untested_example(page: str) -> None:
    # Their embedding statements are prose (checked by test_embedding_imports.py):
    # a Python example added there must be run here too.
    assert python_blocks(ROOT / page) == []
