"""The clinic's branding, kept in the hw home's ``config.json`` (owner-only).

Keys: ``clinic.name``, ``clinic.logo`` (a PNG or JPEG, copied into the home),
``clinic.accent`` (a colour), ``clinic.footer`` (address, phone) and ``paper``
(A4 or Letter). Every value is checked before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from hwcore.clinician import CONFIG_KEY as CLINICIAN_KEY
from hwcore.clinician import check_clinician
from hwcore.domain import HwError, InvalidValueError
from hwcore.printing.colours import parse_colour
from hwcore.printing.files import write_private
from hwcore.valueclass import Value

CONFIG_FILE = "config.json"
LOGO_STEM = "clinic-logo"
MAX_LOGO_BYTES = 5 * 1024 * 1024
MAX_NAME = 120
MAX_FOOTER = 400
PAPERS = {"a4": "A4", "letter": "Letter"}
DEFAULT_ACCENT = "#2a6f97"

KEYS: dict[str, str] = {
    "clinic.name": "the clinic's name, printed at the top of every page",
    "clinic.logo": "a PNG or JPEG file, copied into the hw home",
    "clinic.accent": "the accent colour: #RRGGBB or a CSS colour name",
    "clinic.footer": "a footer line: address, phone",
    "paper": "A4 or Letter",
    "clinician.id": "who records and reads here (HW_CLINICIAN overrides it; default: your login)",
}
"""Every configuration key and what it holds."""


class ConfigError(HwError):
    """The configuration file cannot be read or written (clear, content-free)."""


@attrs.frozen(repr=False, eq=False)
class Branding(Value):
    """The clinic's branding as the printouts use it."""

    clinic_name: str = ""
    logo: Path | None = None
    """The logo copied into the home (None: no logo)."""
    accent: str = DEFAULT_ACCENT
    """'#rrggbb'."""
    footer: str = ""
    paper: str = "A4"
    """'A4' or 'Letter'."""

    @property
    def logo_bytes(self) -> bytes | None:
        """The logo file's content, or None when there is none (or it vanished)."""
        if self.logo is None:
            return None
        try:
            return self.logo.read_bytes()
        except OSError:
            return None

    @property
    def logo_name(self) -> str:
        """The logo's file name inside the PDF ('logo.png' or 'logo.jpg')."""
        return "logo" + (self.logo.suffix if self.logo is not None else ".png")


def config_path(home: Path) -> Path:
    """The configuration file in the hw home."""
    return Path(home) / CONFIG_FILE


def read_config(home: Path) -> dict[str, str]:
    """The stored configuration (empty when there is none yet)."""
    path = config_path(home)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as e:
        msg = f"cannot read the configuration {str(path)!r}: {e.strerror}"
        raise ConfigError(msg) from None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        msg = f"the configuration {str(path)!r} is not valid JSON: fix or delete it"
        raise ConfigError(msg) from None
    if not isinstance(data, dict):
        msg = f"the configuration {str(path)!r} is not a JSON object: fix or delete it"
        raise ConfigError(msg)
    return {str(k): str(v) for k, v in data.items() if k in KEYS and v is not None}


def _write_config(home: Path, data: dict[str, str]) -> None:
    text = json.dumps(dict(sorted(data.items())), indent=2, ensure_ascii=False) + "\n"
    write_private(config_path(home), text.encode("utf-8"))


def check_key(key: str) -> str:
    """The key if it is a known configuration key.

    Raises:
        InvalidValueError: an unknown key (the message lists the known ones).
    """
    name = str(key).strip().lower()
    if name not in KEYS:
        raise InvalidValueError("config key", key, list(KEYS))
    return name


def _single_line(key: str, value: str, limit: int) -> str:
    text = " ".join(str(value).split())
    if not text:
        raise InvalidValueError(key, value, "a non-empty text (use 'unset' to remove it)")
    if len(text) > limit:
        raise InvalidValueError(key, f"{text[:20]}...", f"at most {limit} characters")
    return text


def image_kind(data: bytes) -> str | None:
    """'.png' or '.jpg' from the file's magic bytes, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    return None


def _store_logo(home: Path, source: str) -> str:
    path = Path(source).expanduser()
    allowed = "an existing PNG or JPEG file"
    if not path.is_file():
        raise InvalidValueError("clinic.logo", source, f"{allowed} (no such file)")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InvalidValueError("clinic.logo", source, f"{allowed} ({e.strerror})") from None
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidValueError("clinic.logo", source, f"{allowed} of at most 5 MB")
    suffix = image_kind(data)
    if suffix is None:
        raise InvalidValueError("clinic.logo", source, f"{allowed} (not a PNG or JPEG image)")
    target = Path(home) / f"{LOGO_STEM}{suffix}"
    write_private(target, data)
    for other in (".png", ".jpg"):
        if other != suffix:
            (Path(home) / f"{LOGO_STEM}{other}").unlink(missing_ok=True)
    return target.name


def normalize_value(home: Path, key: str, value: str) -> str:
    """The value as it will be stored, after checking it (copies a logo into the home)."""
    if key == "clinic.name":
        return _single_line(key, value, MAX_NAME)
    if key == "clinic.footer":
        return _single_line(key, value, MAX_FOOTER)
    if key == "clinic.accent":
        return parse_colour(value, key)
    if key == CLINICIAN_KEY:
        return check_clinician(value, key)
    if key == "paper":
        paper = PAPERS.get(str(value).strip().lower())
        if paper is None:
            raise InvalidValueError("paper", value, list(PAPERS.values()))
        return paper
    return _store_logo(home, value)


def set_value(home: Path, key: str, value: str) -> str:
    """Check and store one configuration value; returns the value as stored.

    Raises:
        InvalidValueError: unknown key, missing logo file, not a colour...
    """
    name = check_key(key)
    data = read_config(home)
    data[name] = normalize_value(Path(home), name, value)
    _write_config(home, data)
    return display_value(home, name, data[name])


def unset_value(home: Path, key: str) -> bool:
    """Remove one configuration value (True when there was one)."""
    name = check_key(key)
    data = read_config(home)
    if name not in data:
        return False
    old = data.pop(name)
    _write_config(home, data)
    if name == "clinic.logo":
        (Path(home) / old).unlink(missing_ok=True)
    return True


def display_value(home: Path, key: str, stored: str) -> str:
    """The value as shown to the user (the logo as its full path in the home)."""
    if key == "clinic.logo":
        return str(Path(home) / stored)
    return stored


def get_value(home: Path, key: str) -> str | None:
    """One configuration value (None when unset)."""
    name = check_key(key)
    stored = read_config(home).get(name)
    return None if stored is None else display_value(home, name, stored)


def list_values(home: Path) -> dict[str, str | None]:
    """Every configuration key with its value (None when unset), in a fixed order."""
    data = read_config(home)
    return {key: (display_value(home, key, data[key]) if key in data else None) for key in KEYS}


def load_branding(home: Path | None) -> Branding:
    """The branding from the home's configuration (defaults when unset or no home)."""
    if home is None:
        return Branding()
    data = read_config(home)
    logo = None
    if "clinic.logo" in data:
        candidate = Path(home) / Path(data["clinic.logo"]).name
        if candidate.is_file():
            logo = candidate
    accent = DEFAULT_ACCENT
    if "clinic.accent" in data:
        try:
            accent = parse_colour(data["clinic.accent"])
        except InvalidValueError:
            accent = DEFAULT_ACCENT
    return Branding(
        clinic_name=data.get("clinic.name", ""),
        logo=logo,
        accent=accent,
        footer=data.get("clinic.footer", ""),
        paper=PAPERS.get(data.get("paper", "A4").lower(), "A4"),
    )
