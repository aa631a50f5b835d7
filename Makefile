# Everything a fresh machine needs, starting from Python 3.11 and pip.
#   make lab    create .venv, install, register the course kernel, open JupyterLab on notebooks/
#   make test   create or reuse .venv and run every test (CI runs this through .ci/run)
#   make test NB=06          the tests that concern one notebook or deck (several: NB="06 10", a deck: NB=slides/01)
#   make check               what executes no notebook and starts no server or browser (a couple of minutes)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := dl-course
STAMP  := $(VENV)/.installed
EXTRAS ?= cpu,dev,browser
# Extra arguments for JupyterLab, e.g. make lab LAB_ARGS="--no-browser --port 8890"; root (a container) needs --allow-root.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

# Worker processes for the tests (pytest-xdist; conftest.py hands each a whole unit, longest first). Three on two cores:
# the browser, the hub and kernels starting mostly wait, so a third worker computes meanwhile. JOBS=0: one process.
JOBS ?= 3
CHECK_JOBS ?= 2
NB_ARGS = $(foreach name,$(NB),--nb $(name))

.PHONY: setup lab test check bench export outputs release slides present hub grade collect clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]'
	@# nbgrader (the dev extra, for its command line) adds no menu or panel to a JupyterLab this environment serves,
	@# a student's on the hub included (README, For instructors). Without the dev extra there is nothing to turn off.
	-$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	-for part in formgrader validate_assignment assignment_list course_list; do \
	  $(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$part >/dev/null 2>&1; done
	touch $@

lab: setup
	$(BIN)/python -m ipykernel install --user --name $(KERNEL) --display-name "Deep learning course (Keras 3)"
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

test: setup
	COURSE_PROFILE=ci TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -m pytest -n $(JOBS) $(NB_ARGS) $(PYTEST_ARGS)

check: setup
	COURSE_PROFILE=ci TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -m pytest --check -n $(CHECK_JOBS) $(NB_ARGS) $(PYTEST_ARGS) tests

# Benchmarks print a table and update benchmarks/results.md and results.json (full profile unless set).
#   make bench            every benchmark
#   make bench BENCH=cnn  one of them
#   make bench BENCH=gpu  the headline numbers on all of MNIST, on one GPU in about 8 minutes (no rows without a GPU)
bench: setup
	COURSE_PROFILE=$${COURSE_PROFILE:-full} TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -m benchmarks.run $(BENCH)

# Grade a folder of submissions with the hidden tests (README, Grading), in bubblewrap:
#   make grade NB=02 SUBMISSIONS=submitted/   -> grades/02/grades.csv, feedback/<student>.html, summary.md
grade: setup
	$(BIN)/python -m grading $(NB) $(SUBMISSIONS) $(GRADE_ARGS)

# Copy notebook NB from every student's server on a JupyterHub into SUBMISSIONS/<student>/ (README, Grading), with an
# admin's token in JUPYTERHUB_API_TOKEN:  make collect NB=02 HUB=https://hub.example.org SUBMISSIONS=submitted/
collect: setup
	$(BIN)/python -m grading.collect $(NB) --hub $(HUB) --to $(SUBMISSIONS) $(COLLECT_ARGS)

# Rewrite course_utils/lessons/ from the notebooks' `#| export` cells and course_utils/exercises/solutions.py from their
# solution cells (after editing one; tests/test_lessons.py checks both).
export: setup
	$(BIN)/python tools/export_lessons.py

# Re-run the notebooks and decks under the ci profile and store the outputs of the checked cells only.
outputs: setup
	COURSE_PROFILE=ci TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python tools/store_checked_outputs.py notebooks/*.ipynb slides/*.ipynb

# Student notebooks (solutions replaced by stubs, outputs cleared) in release/student/, the repository's
# instructor notebooks in release/instructor/ (check them: .venv/bin/pytest --nbval-lax --nbval-current-env release/instructor),
# and the graded release in release/graded/: notebooks/ without solutions offered, and the package's wheel without
# solutions and with hints in words, to install in the students' environment.
release: setup
	$(BIN)/python tools/release.py

# The lecture decks in slides/ as HTML that opens offline: slides/html/NAME.slides.html (+ vendor/, needs npm), and
# each deck's PDF handout, slides/html/NAME.pdf (printed by Debian's chromium: apt-get install chromium).
slides: setup
	TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -m tools.build_slides

# Step through every deck in chromium, offline and in RISE, at 1280x720 and 1920x1080, and list every slide that does
# not fit the screen, shows an error or has no speaker notes (after editing a deck; tests/test_decks.py runs it too).
present: setup
	TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -m tools.present $(DECKS)

# A JupyterHub with the course on http://127.0.0.1:8000 for a trial on one machine (any user name, the printed
# password; FOR LOCAL TRIALS ONLY). Needs npm for the proxy. Options: make hub HUB_ARGS="--port 8010 --profile lite --release instructor"
hub: setup
	$(BIN)/python -m tools.hub $(HUB_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info release slides/html
