"""The distribution: its name, its licence, what it declares, and what it must never bring in."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

TELEMETRY_PACKAGES = {
    # PyMuPDF 2 pulls it in; it queues Microsoft telemetry under ~/.cache/Microsoft.
    "onnxruntime": "Microsoft telemetry",
    "onnxruntime-gpu": "Microsoft telemetry",
    "onnxruntime-directml": "Microsoft telemetry",
    "onnxruntime-openvino": "Microsoft telemetry",
    # Error-reporting and product-analytics clients: they send data to a server.
    "sentry-sdk": "error reports to a server",
    "posthog": "product analytics",
    "mixpanel": "product analytics",
    "segment-analytics-python": "product analytics",
    "analytics-python": "product analytics",
    "amplitude-analytics": "product analytics",
    "scarf-sdk": "install analytics",
}
"""Packages that send or queue telemetry: none may be installed with hw (spec section 6).

The list is short and documented in docs/adr/0005-licences-and-extras.md; add a
package here when a dependency is found to bring one in.
"""


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    assert match, requirement
    return _normalise(match.group(0))


def test_no_telemetry_sending_package_is_installed() -> None:
    installed = {_normalise(d.metadata["Name"]) for d in metadata.distributions()}
    found = sorted(
        f"{name} ({why})" for name, why in TELEMETRY_PACKAGES.items() if name in installed
    )
    assert not found, f"telemetry-sending packages installed: {found}"


def test_the_distribution_name_is_not_the_unrelated_pypi_hw() -> None:
    assert PYPROJECT["project"]["name"] == "hw-planner"
    assert PYPROJECT["project"]["scripts"] == {"hw": "hwcli.main:main"}
    assert metadata.distribution("hw-planner").metadata["Name"] == "hw-planner"


def test_the_licence_file_is_mit_and_shipped() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_the_agpl_pdf_stack_is_only_in_the_print_extra() -> None:
    core = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = PYPROJECT["project"]["optional-dependencies"]
    printing = {_requirement_name(r) for r in extras["print"]}
    # Babel (BSD-3-Clause) dates the handout in the client's language (ADR 0005).
    assert printing == {"markdown-pdf", "pymupdf", "babel"}
    assert not core & printing
    # PyMuPDF 2 brings onnxruntime (telemetry): held below 2.
    assert any(r.replace(" ", "").endswith("<2") for r in extras["print"] if "pymupdf" in r)


def _imported_top_level_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "src").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return names


def test_every_directly_imported_package_is_declared() -> None:
    own = {"hwcore", "hwcli", "hwtui", "__future__"}
    third_party = {
        name for name in _imported_top_level_names() - own if name not in sys.stdlib_module_names
    }
    declared = {_requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for name, requirements in PYPROJECT["project"]["optional-dependencies"].items():
        if name != "dev":
            declared |= {_requirement_name(r) for r in requirements}
    providers = metadata.packages_distributions()
    undeclared = sorted(
        f"{name} (from {', '.join(providers.get(name, ['?']))})"
        for name in third_party
        if not {_normalise(d) for d in providers.get(name, [])} & declared
    )
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
    assert "pymupdf" in third_party  # the check sees imports inside functions too


def test_the_install_command_fits_how_hw_was_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from hwcore.extras import MissingExtraError, install_command

    monkeypatch.setattr(sys, "prefix", "/home/t/.local/share/pipx/venvs/hw-planner")
    assert install_command("print") == "pipx install --force 'hw-planner[print]'"
    monkeypatch.setattr(sys, "prefix", "/home/t/project/.venv")
    assert install_command("postgres") == "pip install 'hw-planner[postgres]'"
    assert str(MissingExtraError("crypto")) == (
        "encryption at rest needs cryptography: install it with pip install 'hw-planner[crypto]'"
    )
