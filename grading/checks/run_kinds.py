"""The run-mode check kinds: the behaviours the grader checks by executing the student's
deliverables in a sandbox (``--run``), named here with their parameters so that the
rubric is validated whole.

Their execution belongs to the run mode, not to this static grader: a static grading
lists every run-mode check as not evaluated ("nie oceniono") with its points outside the
total, and never as passed.
"""

from grading.checks.base import run_check

# The student's own tests of a class folder, judged from a report the grader owns.
run_check("student_tests", required=("folder",))
# Notebooks executed from scratch in a fresh kernel.
run_check("notebook_fresh_run", required=("notebook", "timeout"))
# Airflow: DagBag import, a dag.test() run for a period, the same period run twice.
run_check("dag_import", required=("dag",))
run_check("dag_run", required=("dag", "month"))
run_check("dag_rerun_identical", required=("dag", "month"))
# Ingest against the grader's own HTTP server; quarantine of bad rows; the quality gate.
run_check("ingest_http", required=("command",))
run_check("quarantine", required=("command",))
run_check("quality_gate_fails", required=("command",))
# The model registry: metadata, the training gate, a tampered model, the commands.
run_check("registry_metadata", required=("command",))
run_check("training_gate_fails", required=("command",))
run_check("tampered_model_refused", required=("command",))
run_check("registry_commands", required=("commands",))
# Monitoring of a shifted period; retraining's comparison and promotion.
run_check("monitor_shifted", required=("dag", "asset"))
run_check("retrain_comparison", required=("dag",))
run_check("retrain_promotion", required=("dag",))
# The API started with the student's command: contract, hostile input, OpenAPI,
# metrics, a model swap under load.
run_check("api_contract", required=("api", "command"))
run_check("api_hostile", required=("api", "command"))
run_check("api_openapi", required=("api", "command"))
run_check("api_metrics", required=("api", "command"))
run_check("api_swap_under_load", required=("api", "command", "promote"))
# The final report's numbers against the artifacts of the runs.
run_check("report_numbers", required=("report",))
