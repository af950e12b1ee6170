"""Parse a DAG folder with Airflow's DagBag; write the DAG ids and import errors as JSON.

Run inside the sandbox by the ``dag_import`` check (importing a DAG file runs its code):
``python dag_import.py DAG_FOLDER RESULT_JSON``, with the Airflow environment the check
sets (a temporary ``AIRFLOW_HOME``).
"""

import json
import sys
from pathlib import Path

from airflow.dag_processing.dagbag import DagBag


def main() -> None:
    folder, result = Path(sys.argv[1]), Path(sys.argv[2])
    bag = DagBag(dag_folder=str(folder))
    errors = {str(Path(name).relative_to(folder)): text for name, text in bag.import_errors.items()}
    result.write_text(json.dumps({"dags": sorted(bag.dags), "errors": errors}), encoding="utf-8")


if __name__ == "__main__":
    main()
