"""Every notebook follows the course's shape: clean outputs, numbering, setup first, exercises, links."""
import importlib
import re
from pathlib import Path

import nbformat
import pytest

from course_utils.exercises import regions

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DECKS = sorted((ROOT / "slides").glob("*.ipynb"))
MARK = "NBVAL_CHECK_OUTPUT"


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.concerns("*")
def test_notebooks_are_numbered_in_order_and_listed_in_readme():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) for p in NOTEBOOKS)
    assert len(set(numbers)) == len(numbers) and numbers[0] in (0, 1)
    # the core series has no gaps; extras (08 on) may arrive before the middle of the series
    core = [n for n in numbers if n < 8]
    assert core == list(range(core[0], core[0] + len(core)))
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"(notebooks/{path.name})" in readme, f"README does not link {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS + DECKS, ids=lambda p: p.name)
def test_outputs_stripped_except_checked_cells(path):
    nbformat.validate(nbformat.read(path, as_version=4))
    for i, cell in enumerate(code_cells(path)):
        assert cell.execution_count is None, f"cell {i} has an execution count"
        assert "execution" not in cell.metadata, f"cell {i} keeps execution timestamps"
        assert all(o.get("execution_count") is None for o in cell.outputs), f"cell {i}"
        checked = MARK in cell.source
        if checked:
            assert cell.outputs, f"checked cell {i} has no stored output, so nbval checks nothing:\n{cell.source}"
            assert all(o.output_type in ("stream", "execute_result") for o in cell.outputs), f"cell {i}"
            assert all(o.get("name") != "stderr" for o in cell.outputs), f"cell {i} stored stderr"
        else:
            assert not cell.outputs, f"cell {i} keeps outputs but nbval does not check them:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_shape_of_a_lesson(path):
    nb = nbformat.read(path, as_version=4)
    header = nb.cells[0]
    assert header.cell_type == "markdown" and header.source.startswith(f"# {path.name[:2]} ")
    for part in ("You will learn", "Prerequisites", "Time"):
        assert part in header.source, part
    first_code = code_cells(path)[0].source
    assert "runtime.setup(" in first_code, "the first code cell must call course_utils.runtime.setup()"
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), "no cell tagged `parameters`"
    assert "Take-home" in nb.cells[-1].source
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata) == {"kernelspec", "language_info"}, "no saved widget state or other machine-specific metadata"


HINT_LINES = ["# {q}.hint()      # stuck? delete the # at the start of this line for a hint,",
              "# {q}.solution()  # or of this one for the solution once you have tried"]
KERAS = re.compile(r"\b(keras|layers|ops)\.|\btf\.data\b")


def exercises_of(path):
    """(name, heading cell, solution cell, check cell) for every exercise heading of a notebook."""
    cells = nbformat.read(path, as_version=4).cells
    found = []
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and "### Exercise" in cell.source:
            heading = regions.HEADING.match(cell.source)
            assert heading, f"cell {i}: an exercise starts its own cell with `### Exercise qN · Title`:\n{cell.source[:200]}"
            found.append((heading.group(1), cell, cells[i + 1], cells[i + 2]))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_one_shape(path):
    """Heading and statement, a solution cell marked for nbgrader, and a checked check cell offering hint and solution."""
    exercises = exercises_of(path)
    names = [name for name, *_ in exercises]
    assert len(names) >= 2 and names == [f"q{k}" for k in range(1, len(names) + 1)], f"exercises in order: {names}"
    for name, heading, solution, check in exercises:
        assert heading.source.count("\n") >= 1, f"{name}: the heading needs a statement under it"
        assert solution.cell_type == "code" and regions.solution_text(solution.source)
        marked = solution.metadata.get("nbgrader", {})
        assert marked.get("solution") is True and marked.get("grade") is False and marked.get("grade_id") == name, \
            f"run: python tools/release.py --mark {path}"
        lines = check.source.splitlines()
        assert lines[0] == f"# {MARK}" and re.fullmatch(rf"{name}\.check\(.+\)", lines[1]), check.source
        assert lines[2:] == [h.format(q=name) for h in HINT_LINES], f"{name}: the check cell offers hint and solution"
        stored = "".join(o.get("text", "") for o in check.outputs)
        assert stored.startswith("Correct!"), f"{name}: the notebook's solution does not pass its check: {stored}"
    sources = [c.source for c in code_cells(path)]
    assert sum(regions.BEGIN in s for s in sources) == sum(bool(regions.CHECK.search(s)) for s in sources) == len(names)
    module = importlib.import_module(f"course_utils.exercises.nb{path.name[:2]}")
    assert sorted(n for n in vars(module) if re.fullmatch(r"q\d+", n)) == sorted(names)
    assert f"from course_utils.exercises.nb{path.name[:2]} import {', '.join(names)}\n" in sources[0]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name >= "03"], ids=lambda p: p.name)
def test_students_write_keras(path):
    keras_solutions = [name for name, _, solution, _ in exercises_of(path) if KERAS.search(solution.source)]
    assert keras_solutions, "from notebook 03 on, at least one exercise asks for Keras code"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_header_gives_study_and_run_times_and_the_end_links_on(path):
    cells = nbformat.read(path, as_version=4).cells
    time_line = re.search(r"\*\*Time:\*\* about \d+ minutes to work through\. Run All takes \d+ s under `ci` and \d+ s "
                          r"under `lite`", cells[0].source.replace("\n", " "))
    assert time_line, "the header's **Time:** gives the study time, then the measured run times under ci and lite"
    following = re.search(r"\*\*Next:\*\*[\s\S]*?\]\((\d\d_[a-z0-9_]+\.ipynb)\)", cells[-1].source)
    assert following and (path.parent / following.group(1)).is_file(), "the last cell ends with a **Next:** link"
    later = [p.name for p in NOTEBOOKS if p.name > path.name]
    assert following.group(1) == (later[0] if later else NOTEBOOKS[0].name), (
        "the **Next:** link leads to the next notebook by number (the last one back to the first), the order README's "
        "table and the folder give; name other notebooks after it")


@pytest.mark.parametrize("path", NOTEBOOKS + DECKS, ids=lambda p: p.name)
def test_relative_links_resolve(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    for target in re.findall(r"\]\(([^)#:]+\.ipynb)\)", text):
        assert (path.parent / target).is_file(), f"broken link to {target}"


# What each deck must say where the source slides are wrong (../shared/SEED_ERRATA.md).
CORRECTIONS = {
    "01_cnns.ipynb": ["**(height, width, channels)**", "**cross-correlation**"],
    "02_sequence_models.ipynb": [r"c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t", "$W_f$", "0.42",
                                 "**largest singular value**"],
    "03_generative_models.ipynb": [r"\mathcal{N}(\mu, \sigma^2)", r"\text{reconstruction error} + D_{KL}",
                                   r"\log\sigma_j^2 - \mu_j^2 - \sigma_j^2", "$z \\sim p_z$",
                                   "**except D's input layer and G's output layer**", "swaps the two names"],
}


@pytest.mark.concerns(*(p.stem for p in DECKS))
def test_every_deck_is_known_and_there_are_three():
    assert [p.name for p in DECKS] == sorted(CORRECTIONS)


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name)
def test_shape_of_a_deck(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].source.startswith("# ") and nb.cells[0].metadata["slideshow"]["slide_type"] == "slide"
    assert set(nb.metadata) == {"kernelspec", "language_info", "rise"} and nb.metadata.kernelspec.name == "python3"
    # RISE: the white theme ships its fonts (the default, simple, fetches Google Fonts); no fixed width or height
    # (RISE's scaling breaks the notebook's layout in Chromium: slides/rise.css sizes the text with the window instead)
    assert nb.metadata.rise["theme"] == "white" and not {"width", "height"} & set(nb.metadata.rise)
    assert nb.metadata.rise["start_slideshow_at"] == "beginning" and nb.metadata.rise["scroll"] is False
    setup = code_cells(path)[0]
    assert "runtime.setup(" in setup.source and 'set_style("presentation")' in setup.source
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            assert cell.metadata.get("slideshow", {}).get("slide_type") == "slide", cell.source[:60]
        if cell.cell_type == "code" and "widgets." in cell.source and "import" not in cell.source:
            assert "live-only" in cell.metadata.get("tags", []), "widgets need a live kernel: tag the cell live-only"
    last_slide = [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "slide"][-1]
    assert last_slide.source.startswith("## Take-home")


# A speaker note: the minutes the slide takes, what to say, and a question for the room with the answer to expect.
SPEAKER_NOTE = re.compile(r"\*\*(\d+) min\.\*\* Say: \S.*^Ask: .+\? \(Expect: .+\)", re.S | re.M)


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name)
def test_every_slide_has_speaker_notes_with_its_timing(path):
    slides = []  # [the cell that starts a slide or sub-slide, its notes cells]
    for cell in nbformat.read(path, as_version=4).cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if kind in ("slide", "subslide"):
            slides.append((cell, []))
        elif kind == "notes":
            slides[-1][1].append(cell)
    minutes = 0
    for start, notes in slides:
        if "live-only" in start.metadata.get("tags", []):
            continue  # a widget to try live: the instructor talks over it
        assert len(notes) == 1, f"one notes cell per slide, {len(notes)} after: {start.source[:60]!r}"
        match = SPEAKER_NOTE.match(notes[0].source)
        assert match, f"notes need '**N min.** Say: ...' and 'Ask: ...? (Expect: ...)': {notes[0].source[:80]!r}"
        minutes += int(match.group(1))
    assert 40 <= minutes <= 75, f"{path.name} takes {minutes} minutes: a lecture slot is 40 to 75"
    assert f"about {minutes} minutes" in slides[0][1][0].source, "the title slide's notes give the deck's total time"


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name)
def test_decks_correct_the_source_slides(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    missing = [phrase for phrase in CORRECTIONS[path.name] if phrase not in text]
    assert not missing, f"{path.name} no longer says: {missing}"
