"""
### Trening modelu — `flights_train` (zajęcia 05)

Uruchamiany ręcznie (albo przez `make run`) dla okna treningowego — domyślnie styczeń…czerwiec
2013 (parametry `train_start`, `train_end`).

1. `train` — model główny (HistGradientBoosting) i punkty odniesienia (DummyClassifier,
   regresja logistyczna), każdy w jednym `Pipeline` scikit-learn; podział czasowy:
   ostatni miesiąc okna to walidacja; próg decyzyjny według KPI; model końcowy uczony na
   całym oknie; test wsteczny na późniejszych miesiącach, jeśli ich cechy istnieją;
2. `quality_gate` — model musi pokonać najlepszy punkt odniesienia o `min_auc_gain` ROC AUC,
   inaczej przebieg kończy się błędem i nic nie trafia do rejestru;
3. `register` — nowa, niezmienna wersja w rejestrze (skops, metadane, karta modelu); alias
   `staging`, a przy pierwszym modelu także `production`.

Produkuje zasób `flight_delay_model` (w `extra` wersja i metryki).
"""

import pendulum
from airflow.sdk import Param, dag, task
from airflow.sdk.exceptions import AirflowFailException

from zajecia_02_eda.data import LOCAL_TZ
from zajecia_03_airflow_ingest.config import data_dir
from zajecia_03_airflow_ingest.dag_params import month_param
from zajecia_03_airflow_ingest.partitions import PartitionError
from zajecia_05_model.assets import MODEL
from zajecia_05_model.config import load_config
from zajecia_05_model.pipeline import (
    QualityGateFailed,
    check_quality_gate,
    register_candidate,
    train_candidate,
)
from zajecia_05_model.registry import Registry


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
        settings = {name: params.get(name) for name in ("train_start", "train_end", "min_auc_gain")}
        try:
            config = load_config(settings)
            return train_candidate(config, data_dir(), run_id.replace(":", "_").replace("+", "_"))
        except (ValueError, PartitionError) as error:
            raise AirflowFailException(str(error)) from error

    @task
    def quality_gate(summary: dict) -> dict:
        try:
            check_quality_gate(summary)
        except QualityGateFailed as error:
            raise AirflowFailException(str(error)) from error
        return summary

    @task(outlets=[MODEL])
    def register(summary: dict, outlet_events=None) -> str:
        registry = Registry(data_dir())
        version = register_candidate(summary["candidate"], registry)
        outlet_events[MODEL].extra = {"version": version, **summary}
        return version

    register(quality_gate(train()))


flights_train()
