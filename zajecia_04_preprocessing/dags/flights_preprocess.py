"""
### Przetwarzanie lotów — `flights_preprocess` (zajęcia 04)

Uruchamia się sam, gdy `flights_ingest` (zajęcia 03) zaktualizuje zasób `raw_flights`
(harmonogram zależny od danych), albo ręcznie z parametrem `month` (np. `2013-01`).

1. `months` — miesiące z parametru albo ze zdarzeń zasobu, które uruchomiły
   przebieg (kilka miesięcy pobranych naraz daje jeden przebieg z kilkoma miesiącami);
2. `build_month` — dla każdego miesiąca osobno (dynamiczne mapowanie zadań): czyszczenie,
   złączenia z pogodą i samolotami, cechy znane przed odlotem, zmienna celu, bramka
   jakości z raportem JSON + Markdown, partycja `features/flights/month=RRRR-MM/`.

Bramka jakości, która nie przechodzi, kończy zadanie **bez ponowień** (dane nie poprawią
się same); raport mówi, który próg przekroczono.

Produkuje zasób `flight_features` — jedno zdarzenie na miesiąc, w `extra` manifest.
"""

import pendulum
from airflow.sdk import dag, task

from kurs.dag_tasks import fail_without_retry, month_param, run_month
from kurs.months import LOCAL_TZ
from kurs.repository import data_dir
from zajecia_03_airflow_ingest.assets import RAW_FLIGHTS
from zajecia_04_preprocessing.assets import FEATURES


# BEGIN SOLUTION: DAG Airflow: schedule=[RAW_FLIGHTS], months → build_month
@dag(
    dag_id="flights_preprocess",
    schedule=[RAW_FLIGHTS],
    start_date=pendulum.datetime(2013, 1, 1, tz=LOCAL_TZ),
    catchup=False,
    params={
        "month": month_param(
            "RRRR-MM; puste = miesiące ze zdarzeń zasobu (przebieg ręczny: wymagany)"
        ),
    },
    tags=["zajecia_04", "preprocessing"],
    doc_md=__doc__,
)
def flights_preprocess():
    # The pipeline's modules (pandas, pyarrow) are imported inside the tasks: Airflow
    # parses this file again and again in fresh processes, and must do it fast.
    @task
    def months(params=None, dag_run=None, triggering_asset_events=None) -> list[str]:
        from zajecia_04_preprocessing.preprocess import months_to_process

        month = run_month(params, dag_run, required=False)
        events = [] if month else list(triggering_asset_events[RAW_FLIGHTS])
        with fail_without_retry(ValueError):
            return months_to_process(month, events)

    @task(outlets=[FEATURES], map_index_template="{{ task.op_kwargs['month'] }}")
    def build_month(month: str, outlet_events=None) -> dict:
        from zajecia_03_airflow_ingest.partitions import PartitionError
        from zajecia_04_preprocessing.preprocess import QualityGateFailed, preprocess_month

        with fail_without_retry(QualityGateFailed, PartitionError):
            manifest = preprocess_month(month, data_dir())
        outlet_events[FEATURES].extra = manifest
        return manifest

    build_month.expand(month=months())


flights_preprocess()
# END SOLUTION
