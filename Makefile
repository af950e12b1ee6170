# The two commands of the quick start, `make run` and `make test`, set up the
# environment themselves: a fresh machine needs only Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Keep equal to the uv pin in pyproject.toml (a test checks it).
UV_VERSION := 0.13.9

.DEFAULT_GOAL := help
.PHONY: help setup run test lint format lab airflow mlflow wrk chromium postgres nginx bench bench-run grade clean

help:
	@echo "make run    - cały pipeline kursu (zajęcia po kolei) na wbudowanych danych"
	@echo "make test   - ruff + wszystkie testy z pokryciem"
	@echo "make lab    - JupyterLab z jądrem projektu"
	@echo "make airflow - Airflow lokalnie (http://127.0.0.1:8080) z DAG-ami repozytorium"
	@echo "make mlflow - MLflow: przebiegi treningu obok siebie (http://127.0.0.1:5000)"
	@echo "make grade  - ocena repozytoriów (domyślnie tego): make grade REPOS='a b' OUT=wyniki [RUN=1] [SIMILARITY=1]"
	@echo "make bench  - pomiary wydajności (pipeline'y, API przez wrk; wymaga make run)"
	@echo "make bench-run - pomiar trybu --run narzędzia oceniania (ok. 55 minut)"
	@echo "make format - formatowanie kodu (ruff)"
# BEGIN SOLUTION NO PROMPT
	@echo "make starter DEST=folder - repozytorium startowe dla studentów (szkielety zamiast rozwiązań)"
	@echo "make gradescope - paczka autogradera Gradescope (data/gradescope/autograder.zip)"
# END SOLUTION
	@echo "make clean  - usuwa .venv i wygenerowane dane (data/)"

$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Potrzebny Python >= 3.11 (teraz: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

# Re-sync whenever the lock, the project metadata or this command changes; --frozen
# installs exactly what uv.lock pins and fails instead of re-resolving. --compile-bytecode
# writes every package's .pyc once: where PYTHONDONTWRITEBYTECODE is set (containers, CI)
# nothing caches them, and each new process (an Airflow run, a gunicorn server, a kernel,
# a grader sandbox) would compile Airflow, pandas and scikit-learn again, about 10 s each.
$(VENV)/.synced: uv.lock pyproject.toml Makefile | $(BIN)/uv
	$(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python
	@touch $@

# reveal.js for the slides of class 10: a JavaScript package, so not in uv.lock; pinned
# and checked against the npm registry's integrity by the module that installs it.
$(VENV)/.reveal: zajecia_10_prezentacja/reveal.py | $(VENV)/.synced
	$(BIN)/python -m zajecia_10_prezentacja.reveal
	@touch $@

setup: $(VENV)/.synced $(VENV)/.reveal

run: setup
	$(BIN)/python -m kurs

# The coverage threshold is the whole course's: it applies here, where every test runs,
# not to `pytest zajecia_NN_...` on one class. One pytest worker per core (pytest-xdist):
# every test has its own data folder, Airflow home and free ports, so they run side by side.
# One OpenMP thread each: OpenMP threads waiting for a core taken by the other worker spin,
# and HistGradientBoosting then trains 2-3 times slower than with a single thread.
# --dist worksteal: a worker that runs out of tests takes queued ones from the other, so no
# minutes-long test waits in one worker's queue while the other idles; the slow test files
# start first (kurs/testing/order.py).
test: setup chromium postgres nginx
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	OMP_NUM_THREADS=1 $(BIN)/pytest -n auto --dist worksteal --cov \
		--cov-report=term-missing:skip-covered --cov-fail-under=95

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Course machines are often containers where everyone is root; Jupyter refuses root
# unless told that it is meant.
lab: setup
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root)

airflow: setup
	$(BIN)/python -m kurs.airflow_local

# MLflow's UI over the training runs in $MLOPS_DATA_DIR/mlflow (data/mlflow); PORT=5001 where
# 5000 is taken (macOS gives it to AirPlay).
mlflow: setup
	$(BIN)/python -m zajecia_05_model.mlflow_ui $(if $(PORT),--port $(PORT))

# wrk, the HTTP load generator of the API benchmark, from Debian's packages (as root, or
# through sudo when there is one).
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
wrk:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }

# Chromium and its ChromeDriver, for the browser tests: the API's HTML form (class 07)
# and the slides (class 10).
chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-driver; }

# nginx, for the test of the API's reverse proxy (class 08): nginx itself checks the
# proxy's configuration and runs it in front of two replicas on 127.0.0.1.
nginx:
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx; }

# PostgreSQL from Debian's packages: the end-to-end test of the scheduler (class 04) starts
# a throw-away cluster of it as Airflow's metadata database (kurs/testing/postgres.py).
# Debian keeps its programs out of PATH, in /usr/lib/postgresql/<version>/bin.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql; }

# kurs.bench first: `make run` twice on a new data folder, the time of every stage; the
# class benchmarks after it read the data folder that `make run` fills.
bench: setup wrk
	$(BIN)/python -m kurs.bench
	$(BIN)/python -m zajecia_04_preprocessing.bench
	$(BIN)/python -m zajecia_05_model.bench
	$(BIN)/python -m zajecia_06_monitoring.bench
	$(BIN)/python -m zajecia_07_docker.bench
	$(BIN)/python -m grading.bench

# The run mode grades this repository whole (tens of minutes): apart from `make bench`.
bench-run: setup chromium
	$(BIN)/python -m grading.bench_run

# The grader (grading/README.md): this repository by default, or REPOS="path…"; OUT=folder
# writes every output (JSON, Markdown, results.json, gradebook.csv); JOBS=N in parallel.
REPOS ?= .
JOBS ?= 1
grade: setup
	$(BIN)/kurs-grade $(REPOS) --jobs $(JOBS)$(if $(OUT), --out $(OUT))$(if $(DEADLINES), --deadlines $(DEADLINES))$(if $(OVERRIDES), --overrides $(OVERRIDES))$(if $(RUN), --run)$(if $(SIMILARITY), --similarity)

# BEGIN SOLUTION NO PROMPT
.PHONY: starter gradescope
# The student repository (kurs/starter/): DEST must not exist or be empty. The folder is
# asked for before the environment is set up, which takes minutes on a fresh clone.
starter:
	@test -n "$(DEST)" || { echo "Podaj folder docelowy: make starter DEST=../mlops-student"; exit 2; }
	@$(MAKE) --no-print-directory setup
	$(BIN)/python -m kurs.starter "$(DEST)"

# The grader as a Gradescope autograder (grading/gradescope/): the zip to upload.
gradescope: setup
	$(BIN)/python -m grading.gradescope.build data/gradescope/autograder.zip
# END SOLUTION

clean:
	rm -rf $(VENV) data
