"""Sequence benchmark: notebook 04's forecasting task with its baselines and its six networks, and the daily series
it replaced, each with the best network's MAE as a multiple of the best baseline's.

Hourly (notebook 04): JFK's temperature 6 hours after the last of 24 hours of weather at New York's three airports
(28 columns, cleaned by the notebook's ``hourly_weather``), the networks forecasting the change from the last hour;
train January-August 2013, validate September-October, test November-December.
Daily (notebook 04 before the hourly data came): Seattle's next-day maximum from the previous 14 days (six features);
train 2012-2013, validate 2014, test 2015.

Test MAE in deg C for persistence, seasonal naive, the linear model and each network (notebook 04's ``forecaster``
trained by its ``fit_forecaster``, early stopping on validation MAE), and seconds per epoch.
"""
from __future__ import annotations

import keras
import numpy as np

from course_utils import data, runtime, timeseries
from course_utils.lessons.time_series_lstm import FORECASTERS, fit_forecaster, forecaster, hourly_weather

from .results import make_row

UNITS = 32
HOURLY_WINDOW, HOURLY_HORIZON = 24, 6
DAILY_WINDOW, DAILY_HORIZON = 14, 1


def _compare(dataset: str, xs, ys, parts, to_degrees, baselines: dict, truth, window: int, epochs: int,
             patience: int) -> list[dict]:
    """Rows for the baselines' forecasts, each network trained on (xs, ys), and the best network / best baseline.
    ``to_degrees`` turns a network's scaled output on the test windows into degrees."""
    train, val, test = parts
    n_train = int(train.sum())

    def row(model: str, epochs_run: int, seconds: float, forecast) -> dict:
        return make_row("rnn", model, dataset, n_train, epochs_run, seconds, "test_mae_degC", timeseries.mae(forecast, truth))

    rows = [row(name, 0, 0, forecast) for name, forecast in baselines.items()]
    for kind in FORECASTERS:
        keras.utils.set_random_seed(0)
        model = forecaster(kind, window, xs.shape[-1], UNITS)
        history = fit_forecaster(model, xs[train], ys[train], xs[val], ys[val], epochs=epochs, patience=patience)
        rows.append(row(kind, len(history.epoch), history.seconds_per_epoch, to_degrees(model.predict(xs[test], verbose=0)[:, 0])))
        print(f"{dataset} {kind}: {rows[-1]['value']:.3f} deg C after {len(history.epoch)} epochs", flush=True)
    best_baseline = min(rows[:len(baselines)], key=lambda r: r["value"])
    best_network = min(rows[len(baselines):], key=lambda r: r["value"])
    rows.append(make_row("rnn", "best network / best baseline", dataset, n_train, 0, 0,
                         f"mae_ratio ({best_network['model']} / {best_baseline['model']})",
                         best_network["value"] / best_baseline["value"]))
    return rows


def hourly_rows(epochs: int, patience: int) -> list[dict]:
    """Notebook 04's task on the hourly New York weather."""
    weather = hourly_weather(data.load("nyc_weather"))
    target = weather["JFK_temp"].to_numpy()
    x, y, positions = timeseries.forecast_windows(weather.to_numpy(), target, HOURLY_WINDOW, HOURLY_HORIZON)
    train, val, test = timeseries.split_by_date(weather.index[positions], "2013-09-01", "2013-11-01")
    last_seen = target[positions - HOURLY_HORIZON]
    change_scaler = timeseries.Scaler.fit((y - last_seen)[train])
    xs = timeseries.Scaler.fit(weather[weather.index < "2013-09-01"]).transform(x).astype("float32")
    ys = change_scaler.transform(y - last_seen).astype("float32")

    def to_degrees(scaled_change: np.ndarray) -> np.ndarray:
        return last_seen[test] + change_scaler.inverse(scaled_change)

    baselines = {"persistence": timeseries.persistence(target, positions[test], HOURLY_HORIZON),
                 "seasonal naive (24 hours)": timeseries.seasonal_naive(target, positions[test], 24),
                 "linear (least squares)": to_degrees(timeseries.linear_forecast(xs[train], ys[train], xs[test]))}
    return _compare("nyc_weather", xs, ys, (train, val, test), to_degrees, baselines, y[test], HOURLY_WINDOW, epochs, patience)


def daily_rows(epochs: int, patience: int) -> list[dict]:
    """The daily task notebook 04 taught before: Seattle's next-day maximum temperature."""
    weather = data.load("seattle_weather")
    features = timeseries.weather_features(weather)
    target = weather["temp_max"].to_numpy()
    x, y, positions = timeseries.forecast_windows(features.to_numpy(), target, DAILY_WINDOW, DAILY_HORIZON)
    train, val, test = timeseries.split_by_date(weather.index[positions], "2014", "2015")
    target_scaler = timeseries.Scaler.fit(y[train])
    xs = timeseries.Scaler.fit(features[weather.index < "2014"]).transform(x).astype("float32")
    ys = target_scaler.transform(y).astype("float32")
    baselines = {"persistence": timeseries.persistence(target, positions[test], DAILY_HORIZON),
                 "seasonal naive (365 days)": timeseries.seasonal_naive(target, positions[test], 365),
                 "linear (least squares)": target_scaler.inverse(timeseries.linear_forecast(xs[train], ys[train], xs[test]))}
    return _compare("seattle_weather", xs, ys, (train, val, test), target_scaler.inverse, baselines, y[test],
                    DAILY_WINDOW, epochs, patience)


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    epochs, patience = profile.pick(ci=2, lite=150, full=150), profile.pick(ci=2, lite=15, full=15)
    return hourly_rows(epochs, patience) + daily_rows(epochs, patience)
