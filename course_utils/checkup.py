"""Is this environment ready for the course? Plain-word findings for notebook 00 and for admins.

    >>> from course_utils import checkup
    >>> findings = checkup.run()   # what it finds depends on the machine  # doctest: +SKIP
    ok    Python           3.11.7
    ok    keras            3.15.1 (the course pins ==3.15.*)
    ...
    note  device           no GPU: profile `lite` (no GPU found); the notebooks run, training ones take a few minutes each. ...
    ...

Each finding is ``ok`` (nothing to do), ``note`` (works, but read it) or ``fix`` (the course will not run
as taught until you act; the message says what to do). ``python -m course_utils.checkup`` prints the same.
"""
from __future__ import annotations

import importlib.metadata as metadata
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LEVELS = ("ok", "note", "fix")
INSTALL = ("run `make setup` in the course folder (or `pip install -e '.[cpu]'`), then restart the kernel; "
           "on a JupyterHub, tell the admin")


@dataclass(frozen=True)
class Finding:
    """One thing checked: its level (ok, note, fix), what it is about, and what it means for you."""

    level: str
    topic: str
    message: str

    def __str__(self) -> str:
        return f"{self.level:5} {self.topic:16} {self.message}"


def python_version(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Finding:
    """Python 3.10-3.13 run the course; 3.11 is what it is tested on.

    >>> python_version((3, 9)).level
    'fix'
    """
    text = ".".join(map(str, version))
    if not (3, 10) <= version[:2] < (3, 14):
        return Finding("fix", "Python", f"{text}: the course needs Python 3.10 to 3.13 (tested on 3.11); "
                                        "ask for a newer kernel or create the environment from environment.yml")
    return Finding("ok", "Python", text if version[:2] == (3, 11) else f"{text} (the course is tested on 3.11)")


def _requirements() -> list[str]:
    """The pins of the installed course_utils, without the extras (TensorFlow is checked on its own)."""
    return [r for r in metadata.requires("course_utils") or [] if "extra ==" not in r]


def package(requirement: str) -> Finding:
    """Is ``requirement`` (``name==1.2.*``) installed in a matching version?

    >>> package("surely-not-a-package==1.0.*").level
    'fix'
    """
    from packaging.requirements import Requirement

    wanted = Requirement(requirement)
    try:
        installed = metadata.version(wanted.name)
    except metadata.PackageNotFoundError:
        return Finding("fix", wanted.name, f"not installed; {INSTALL}")
    if not wanted.specifier.contains(installed, prereleases=True):
        return Finding("fix", wanted.name, f"{installed} installed, the course needs {wanted.specifier}; {INSTALL}")
    return Finding("ok", wanted.name, f"{installed} (the course pins {wanted.specifier})")


def packages() -> list[Finding]:
    """Every pinned package, and TensorFlow from whichever extra (cpu or gpu) installed it."""
    try:
        pins = _requirements()
    except metadata.PackageNotFoundError:
        return [Finding("fix", "course_utils", f"imported from a folder but not installed; {INSTALL}")]
    return [package(r) for r in pins] + [package("tensorflow==2.21.*" if _has("tensorflow") else "tensorflow-cpu==2.21.*")]


def _has(distribution: str) -> bool:
    try:
        metadata.version(distribution)
        return True
    except metadata.PackageNotFoundError:
        return False


def device() -> Finding:
    """GPU or not, and which profile that gives."""
    from . import runtime

    gpus = runtime._gpu_names()
    chosen = runtime.profile()
    if gpus:
        return Finding("ok", "device", f"{len(gpus)} GPU(s) ({', '.join(gpus)}): profile `{chosen.name}` ({chosen.reason})")
    return Finding("note", "device", f"no GPU: profile `{chosen.name}` ({chosen.reason}); the notebooks run, training "
                                     "ones take a few minutes each. Expected a GPU? Start a GPU server on the hub.")


def dataset(name: str) -> Finding:
    """Where dataset ``name`` will come from, without downloading anything."""
    from . import data

    entry = data.REGISTRY[name]
    try:
        files = data.locate(name, allow_download=False)
    except data.DataUnavailableError as error:
        for copy in entry.same_data_in:  # the same data in other files (MNIST as Keras' mnist.npz), as load() takes it
            try:
                return _found(name, data.locate(copy, allow_download=False))
            except data.DataUnavailableError:
                pass
        if isinstance(error, data.ChecksumError):
            return Finding("fix", name, f"a copy is corrupt and is not used: {str(error).splitlines()[1].strip()}")
        if entry.fallback:
            return Finding("note", name, f"not on this machine: downloaded on first use where there is internet, else "
                                         f"the notebooks use {entry.fallback} (real, smaller). Admins: "
                                         f"`python -m course_utils.data fetch {name} --to DIR`, then COURSE_DATA_DIR=DIR")
        if any(f.url for f in entry.files):
            return Finding("note", name, f"not on this machine yet; downloaded to {data.cache_dir() / name} on first use "
                                         "(needs internet; checked by sha256)")
        return Finding("fix", name, f"missing and cannot be downloaded; {INSTALL}")
    return _found(name, files)


def _found(name: str, files: dict) -> Finding:
    return Finding("ok", name, f"found in {', '.join(sorted({str(p.parent) for p in files.values()}))}")


def datasets() -> list[Finding]:
    """One finding per registered dataset."""
    from . import data

    copies = {copy for entry in data.REGISTRY.values() for copy in entry.same_data_in}
    return [dataset(name) for name in data.available() if name not in copies]


def cache() -> Finding:
    """Can this user write the cache that downloads go to?"""
    from . import data

    folder = data.cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        return Finding("fix", "cache", f"cannot write {folder} ({type(error).__name__}); set COURSE_CACHE_DIR to a "
                                       "folder you own, e.g. `export COURSE_CACHE_DIR=~/course-cache`")
    return Finding("ok", "cache", f"{folder} is writable")


def shared_folder() -> Finding | None:
    """The hub's shared data folder, when ``COURSE_DATA_DIR`` names one (read only is fine)."""
    if not os.environ.get("COURSE_DATA_DIR"):
        return None
    folder = Path(os.environ["COURSE_DATA_DIR"])
    if not folder.is_dir() or not os.access(folder, os.R_OK | os.X_OK):
        return Finding("fix", "shared data", f"COURSE_DATA_DIR={folder} is not a folder you can read; ask the admin "
                                             "or unset COURSE_DATA_DIR")
    return Finding("ok", "shared data", f"{folder} is readable" + ("" if os.access(folder, os.W_OK) else " (read only, as it should be)"))


def run(show: bool = True) -> list[Finding]:
    """Check everything, print one line per finding and a verdict, and return the findings."""
    findings = [python_version(), *packages(), device(), cache()]
    findings += [f for f in [shared_folder()] if f] + datasets()
    if show:
        print("\n".join(map(str, findings)))
        to_fix = [f.topic for f in findings if f.level == "fix"]
        print(f"\n{len(to_fix)} thing(s) to fix first: {', '.join(to_fix)}" if to_fix
              else "\nAll set: nothing to fix. Notes above, if any, are for information.")
    return findings


if __name__ == "__main__":
    sys.exit(1 if any(f.level == "fix" for f in run()) else 0)
