"""
### Monitorowanie modelu — `flights_monitor` (zajęcia 06)

Uruchamia się sam, gdy `flights_preprocess` zapisze cechy nowego miesiąca (zasób
`flight_features`), albo ręcznie z parametrem `month`. Monitoruje tylko miesiące **po**
oknie treningowym modelu produkcyjnego.

1. `months` — miesiące do sprawdzenia;
2. `monitor` — dla każdego miesiąca: dryf cech (PSI, KS, chi², braki) i predykcji względem
   danych treningowych, jakość (ROC AUC, PR AUC, kalibracja) względem karty modelu, status
   ok / warning / alert z progów w `monitoring.yaml`; raport HTML i `summary.json` w
   `monitoring/month=RRRR-MM/`;
3. `raise_alert` — przy statusie `alert` emituje zasób `model_alert` (na niego może czekać
   ponowny trening); bez alertu zadanie jest pomijane i zdarzenia nie ma.

Parametr `labels_available=false` symuluje miesiąc, którego wyników jeszcze nie znamy:
wtedy status wynika tylko z dryfu i nie może być alertem.
"""

import pendulum
from airflow.sdk import Param, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from kurs.dag_tasks import fail_without_retry, month_param, run_month
from kurs.months import LOCAL_TZ
from kurs.repository import data_dir
from zajecia_04_preprocessing.assets import FEATURES
from zajecia_06_monitoring.assets import MODEL_ALERT


# The monitoring code (scikit-learn, scipy, matplotlib) is imported inside the tasks: Airflow parses
# this file again and again in fresh processes, and must do it fast.
# BEGIN SOLUTION: DAG z README: schedule=[FEATURES], months → monitor → raise_alert
@dag(
    dag_id="flights_monitor",
    schedule=[FEATURES],
    start_date=pendulum.datetime(2013, 1, 1, tz=LOCAL_TZ),
    catchup=False,
    params={
        "month": month_param(
            "RRRR-MM; puste = miesiące ze zdarzeń zasobu (przebieg ręczny: wymagany)"
        ),
        "labels_available": Param(True, type="boolean", description="czy znamy już wyniki lotów"),
    },
    tags=["zajecia_06", "monitoring"],
    doc_md=__doc__,
)
def flights_monitor():
    @task
    def months(params=None, dag_run=None, triggering_asset_events=None) -> list[str]:
        from zajecia_05_model.metadata import MetadataError
        from zajecia_05_model.registry import RegistryError
        from zajecia_06_monitoring.monitor import months_to_monitor

        month = run_month(params, dag_run, required=False)
        events = [] if month else list(triggering_asset_events[FEATURES])
        with fail_without_retry(ValueError, RegistryError, MetadataError):
            chosen = months_to_monitor(month, events, data_dir())
        if not chosen:
            raise AirflowSkipException(
                "nowe miesiące należą do okna treningowego: nic do monitorowania"
            )
        return chosen

    @task(map_index_template="{{ task.op_kwargs['month'] }}")
    def monitor(month: str, params=None) -> dict:
        from zajecia_03_airflow_ingest.partitions import PartitionError
        from zajecia_05_model.metadata import MetadataError
        from zajecia_05_model.registry import RegistryError
        from zajecia_06_monitoring.monitor import monitor_and_report

        with fail_without_retry(PartitionError, RegistryError, MetadataError):
            return monitor_and_report(month, data_dir(), bool(params["labels_available"]))

    # all_done: a month that failed must not hide an alert found in another month.
    @task(outlets=[MODEL_ALERT], trigger_rule="all_done")
    def raise_alert(summaries: list[dict], outlet_events=None) -> dict:
        from zajecia_06_monitoring.monitor import alert

        extra = alert([summary for summary in summaries if summary])
        if extra is None:
            raise AirflowSkipException("brak alertu")
        outlet_events[MODEL_ALERT].extra = extra
        return extra

    raise_alert(monitor.expand(month=months()))


flights_monitor()
# END SOLUTION
