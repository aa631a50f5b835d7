"""The conftest.py that nbval needs to check the course's notebooks anywhere: ``make release`` puts it beside the
instructor notebooks, and the repository's own conftest.py uses it too.

    pytest --nbval-lax --nbval-current-env release/instructor
"""
import os

os.environ.setdefault("COURSE_PROFILE", "ci")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ start-up lines carry time stamps


def count_checked_cells(items) -> None:
    """nbval treats a cell without an execution count as never run and refuses stored outputs there.
    The notebooks keep no execution counts (clean diffs, one rule for every cell), so the checked
    cells get one here, in memory, when nbval collects them."""
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is not None and cell.get("outputs") and cell.get("execution_count") is None:
            cell["execution_count"] = 1


def pytest_collection_modifyitems(items):
    count_checked_cells(items)
