"""
### Pobieranie lotów — `flights_ingest` (zajęcia 03)

Jeden przebieg = jeden miesiąc 2013 roku (interwał danych: miesiąc kalendarzowy w czasie
Nowego Jorku). DAG nadrabia zaległe miesiące (`catchup=True`), więc po włączeniu wykona
styczeń…grudzień po kolei.

1. `reference_tables` — samoloty, lotniska i przewoźnicy (tabele słownikowe);
2. `monthly_tables` — loty i pogoda z miesiąca przebiegu: walidacja, złe wiersze do
   kwarantanny z powodem, partycja `raw/<tabela>/month=RRRR-MM/` z manifestem.

Który miesiąc: parametr `month` (`RRRR-MM`), a bez niego — w przebiegu z harmonogramu —
miesiąc jego interwału danych. Przebieg ręczny **musi** mieć `month`; miesiąc spoza danych
(2013) jest odrzucany (reguła wspólna dla DAG-ów kursu: `kurs/dag_tasks.py`).
Źródło wybiera parametr `source` albo zmienna `MLOPS_INGEST_SOURCE`: `package`
(domyślnie, offline), `file:///folder` lub `https://…/`. Zły plik lub za dużo złych
wierszy kończy zadanie **bez ponowień**; błędy sieci są ponawiane.

Produkuje zasób `raw_flights` (w `extra` manifest lotów z miesiąca): DAG-i z harmonogramem
zależnym od danych startują, gdy pojawi się nowy miesiąc.
"""

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, task

from kurs.dag_tasks import fail_without_retry, month_param, run_month
from kurs.months import LOCAL_TZ
from kurs.repository import data_dir
from zajecia_03_airflow_ingest.assets import RAW_FLIGHTS

SETTINGS_PARAMS = ("source", "max_bad_share")


def _config(params):
    from zajecia_03_airflow_ingest.config import load_config

    # Params hold the run's configuration too; only the declared settings go on.
    return load_config(data_dir(), {name: params.get(name) for name in SETTINGS_PARAMS})


# BEGIN SOLUTION: DAG z README: interwał miesiąca, catchup, ponowienia, zasób
@dag(
    dag_id="flights_ingest",
    schedule=CronDataIntervalTimetable("0 0 1 * *", timezone=LOCAL_TZ),
    start_date=pendulum.datetime(2013, 1, 1, tz=LOCAL_TZ),
    end_date=pendulum.datetime(2013, 12, 1, tz=LOCAL_TZ),
    catchup=True,
    max_active_runs=3,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1)},
    params={
        "month": month_param(),
        "source": Param(
            None, type=["null", "string"], description="package, file:///… albo https://…/"
        ),
        "max_bad_share": Param(None, type=["null", "number"], minimum=0, maximum=1),
    },
    tags=["zajecia_03", "ingest"],
    doc_md=__doc__,
)
def flights_ingest():
    # The pipeline's modules (pandas, pyarrow) are imported inside the tasks: Airflow
    # parses this file again and again in fresh processes, and must do it fast.
    @task
    def reference_tables(params=None) -> dict:
        from zajecia_03_airflow_ingest import ingest

        with fail_without_retry(*ingest.PERMANENT_ERRORS):
            return ingest.ingest_reference(_config(params))

    @task(outlets=[RAW_FLIGHTS])
    def monthly_tables(dag_run=None, params=None, outlet_events=None) -> dict:
        from zajecia_03_airflow_ingest import ingest

        month = run_month(params, dag_run)
        with fail_without_retry(*ingest.PERMANENT_ERRORS):
            manifests = ingest.ingest_month(month, _config(params))
        outlet_events[RAW_FLIGHTS].extra = manifests["flights"]
        return manifests

    reference_tables() >> monthly_tables()


flights_ingest()
# END SOLUTION
