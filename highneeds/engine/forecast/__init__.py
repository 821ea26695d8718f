"""EHC plan forecasting: a cohort model by single year of age, calibrated from public data."""

from .cohort import Calibration, point_forecast, step_cohort
from .data import History, load_history
from .run import CSV_COLUMNS, backtest, forecast_public, verdict
from .uncertainty import calibrate, quantiles, simulate

__all__ = [
    "CSV_COLUMNS",
    "Calibration",
    "History",
    "backtest",
    "calibrate",
    "forecast_public",
    "load_history",
    "point_forecast",
    "quantiles",
    "simulate",
    "step_cohort",
    "verdict",
]
