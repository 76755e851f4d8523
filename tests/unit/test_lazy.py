"""hwcore's packages import their public names on first use, and say so for unknown ones."""

from __future__ import annotations

import subprocess
import sys

import pytest

import hwcore.application
import hwcore.planner
import hwcore.printing
import hwcore.readmodel


@pytest.mark.parametrize(
    "package", [hwcore.application, hwcore.readmodel, hwcore.printing, hwcore.planner]
)
def test_every_public_name_resolves_and_unknown_ones_say_which(package: object) -> None:
    names = getattr(package, "__all__")  # noqa: B009
    assert names
    for name in names:
        assert getattr(package, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        getattr(package, "no_such_name")  # noqa: B009


def test_importing_a_package_loads_none_of_its_heavy_modules() -> None:
    code = (
        "import sys, hwcore.application, hwcore.printing, hwcore.readmodel, hwcore.planner\n"
        "print(sorted(m for m in sys.modules if m.startswith(('eventsourcing', 'hwcore.domain',"
        " 'markdown_pdf', 'sqlite_utils'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_rebuilding_a_cached_planner_loads_neither_the_domain_nor_eventsourcing() -> None:
    code = (
        "import sys\n"
        "from hwcore.application import from_dict, Planner\n"
        "print(sorted(m for m in sys.modules if m.startswith(('eventsourcing', 'hwcore.domain'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_dto_module_still_exports_the_dtos_moved_to_records() -> None:
    """Embedders' ``from hwcore.application.dto import ...`` (named or *) keeps working."""
    import hwcore.application.dto as dto
    from hwcore.application import records

    namespace: dict[str, object] = {}
    exec("from hwcore.application.dto import *", namespace)  # noqa: S102 (the import under test)
    for name in ("HistoryEntry", "AuditEntry", "FieldChange", "ImportReport", "ClinicalRecordInfo"):
        assert namespace[name] is getattr(records, name)
        assert name in dir(dto)
    assert namespace["ClientInfo"] is dto.ClientInfo
