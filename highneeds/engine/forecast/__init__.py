"""EHC plan forecasting: a cohort model by single year of age, calibrated from public data."""

from .cohort import Calibration, calibrate, point_forecast, quantiles, simulate, step_cohort
from .data import History, load_history
from .run import CSV_COLUMNS, backtest, forecast_public, verdict

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
