"""
### Trening modelu — `flights_train` (zajęcia 05)

Uruchamiany ręcznie (albo przez `make run`) dla okna treningowego — domyślnie styczeń…czerwiec
2013 (parametry `train_start`, `train_end`).

1. `train` — model główny (HistGradientBoosting) i punkty odniesienia (DummyClassifier,
   regresja logistyczna), każdy w jednym `Pipeline` scikit-learn; podział czasowy:
   ostatni miesiąc okna to walidacja; próg decyzyjny według KPI; model końcowy uczony na
   całym oknie; test wsteczny na późniejszych miesiącach, jeśli ich cechy istnieją;
2. `quality_gate` — model musi pokonać najlepszy punkt odniesienia o `min_auc_gain` ROC AUC,
   inaczej przebieg kończy się błędem i nic nie trafia do rejestru (powód zostaje jako
   znacznik `refusal_reason` przebiegu w MLflow);
3. `register` — nowa, niezmienna wersja w rejestrze (skops, metadane, karta modelu); alias
   `staging`, a przy pierwszym modelu także `production`; przebieg w MLflow dostaje
   znacznik `registry_version`.

Każdy trening to przebieg w MLflow (eksperyment `flights_train`: parametry, metryki,
dane, karta modelu i wykresy) — `make mlflow` pokazuje je obok siebie.

Produkuje zasób `flight_delay_model` (w `extra` wersja i metryki).
"""

import pendulum
from airflow.sdk import Param, dag, task

from kurs.dag_tasks import fail_without_retry, month_param, param_month
from kurs.months import LOCAL_TZ
from kurs.repository import data_dir
from zajecia_05_model.assets import MODEL

SETTINGS_PARAMS = ("train_start", "train_end", "min_auc_gain")


# scikit-learn, skops and the registry are imported inside the tasks: Airflow parses this file again
# and again in fresh processes, and must do it fast.
# BEGIN SOLUTION: DAG z README: train → quality_gate → register, parametry okna
@dag(
    dag_id="flights_train",
    schedule=None,
    start_date=pendulum.datetime(2013, 1, 1, tz=LOCAL_TZ),
    catchup=False,
    params={
        "train_start": month_param("pierwszy miesiąc okna (domyślnie 2013-01)"),
        "train_end": month_param("ostatni miesiąc okna = walidacja (domyślnie 2013-06)"),
        "min_auc_gain": Param(
            None, type=["null", "number"], minimum=0, description="wymagana przewaga ROC AUC"
        ),
    },
    tags=["zajecia_05", "training"],
    doc_md=__doc__,
)
def flights_train():
    @task
    def train(params=None, run_id=None) -> dict:
        from zajecia_03_airflow_ingest.partitions import PartitionError
        from zajecia_05_model.candidate import train_candidate
        from zajecia_05_model.config import load_config

        for name in ("train_start", "train_end"):
            param_month(params, name)  # a month outside the data is refused, naming the param
        with fail_without_retry(ValueError, PartitionError):
            config = load_config({name: params.get(name) for name in SETTINGS_PARAMS})
            name = run_id.replace(":", "_").replace("+", "_")
            return train_candidate(config, data_dir(), name)

    @task
    def quality_gate(summary: dict) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from zajecia_05_model.candidate import (
            QualityGateFailed,
            candidate_metadata,
            check_quality_gate,
        )
        from zajecia_05_model.tracking_store import tag_run

        try:
            check_quality_gate(candidate_metadata(summary["candidate"]))
        except QualityGateFailed as error:  # a retry cannot change the metrics
            tag_run(data_dir(), summary["tracking_run_id"], {"refusal_reason": str(error)})
            raise AirflowFailException(f"{error}. Model nie został zarejestrowany.") from error
        return summary

    @task(outlets=[MODEL])
    def register(summary: dict, outlet_events=None) -> str:
        from zajecia_05_model.candidate import register_candidate
        from zajecia_05_model.registry import Registry

        version = register_candidate(summary["candidate"], Registry(data_dir()))
        outlet_events[MODEL].extra = {"version": version, **summary}
        return version

    register(quality_gate(train()))


flights_train()
# END SOLUTION
