"""The committed locks match pyproject.toml: uv.lock records the requirements it was
resolved from, and requirements.lock (what the image installs) is exported from it.
After changing dependencies, `make lock` writes both again."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[1]
FIX = (
    "pyproject.toml and the lock disagree: run `make lock` and commit uv.lock and requirements.lock"
)

Key = tuple[str, frozenset[str], str, str]


def _key(name: str, extras: object, specifier: str, marker: str) -> Key:
    return (canonicalize_name(name), frozenset(map(str, extras or ())), specifier, marker)


def _specifier(text: str) -> str:
    return ",".join(sorted(str(s) for s in Requirement(f"x{text}").specifier))


def _pyproject_requirements() -> set[Key]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = set()
    groups = [("", project["dependencies"])]
    groups += [(f"extra == '{n}'", d) for n, d in project["optional-dependencies"].items()]
    for marker, lines in groups:
        for line in lines:
            req = Requirement(line)
            found.add(_key(req.name, req.extras, _specifier(str(req.specifier)), marker))
    return found


def _lock() -> dict[str, object]:
    return tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def _locked_project(lock: dict[str, object]) -> dict[str, object]:
    packages = lock["package"]
    assert isinstance(packages, list)
    return next(p for p in packages if p["name"] == "cms")


def test_uv_lock_was_resolved_from_the_current_pyproject() -> None:
    metadata = _locked_project(_lock())["metadata"]
    assert isinstance(metadata, dict)
    locked = {
        _key(r["name"], r.get("extras"), _specifier(r.get("specifier", "")), r.get("marker", ""))
        for r in metadata["requires-dist"]
    }

    assert locked == _pyproject_requirements(), FIX


def test_requirements_lock_pins_what_uv_lock_holds_with_hashes() -> None:
    lock = _lock()
    packages = lock["package"]
    assert isinstance(packages, list)
    versions = {canonicalize_name(p["name"]): p["version"] for p in packages}
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", text, flags=re.MULTILINE))

    assert pins, "requirements.lock pins nothing"
    assert {canonicalize_name(n): v for n, v in pins.items()} == {
        canonicalize_name(n): versions[canonicalize_name(n)] for n in pins
    }, FIX
    # Every runtime dependency is there, each with a hash (pip's --require-hashes).
    runtime = {k[0] for k in _pyproject_requirements() if not k[3]}
    assert runtime <= {canonicalize_name(n) for n in pins}, FIX
    blocks = re.split(r"^(?=\S)", text, flags=re.MULTILINE)
    assert all("--hash=sha256:" in b for b in blocks if "==" in b)


def test_uv_agrees_the_lock_is_current() -> None:
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert uv is not None, "uv is a dev dependency: `make .venv/.installed`"
    result = subprocess.run(
        [uv, "lock", "--check", "--offline"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, f"{FIX}\n{result.stderr[-2000:]}"
