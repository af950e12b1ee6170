#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu):
# the course's grader with its pinned environment, the same one `make grade` uses.
set -euo pipefail

apt-get update
# The project needs Python >= 3.11; Gradescope's Ubuntu 22.04 image has 3.10 as python3.
apt-get install -y --no-install-recommends python3.11 python3.11-venv make git ca-certificates
make -C /autograder/source/repo setup PYTHON=python3.11
