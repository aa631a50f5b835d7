"""Sequence benchmark: notebook 04's forecasting task with its baselines and its six networks.

Seattle's daily maximum temperature, the next day from the previous 14 days of weather (six features);
train 2012-2013, validate 2014, test 2015. Test MAE in deg C for persistence, seasonal naive, the linear
model and each network (notebook 04's ``forecaster`` trained by its ``fit_forecaster``, early stopping on
validation MAE), seconds per
epoch, and the best network's MAE as a multiple of the best baseline's.
"""
from __future__ import annotations

import keras

from course_utils import data, runtime, timeseries
from course_utils.lessons.time_series_lstm import FORECASTERS, fit_forecaster, forecaster

from .results import make_row

WINDOW, HORIZON, UNITS = 14, 1, 32


def run() -> list[dict]:
    profile = runtime.setup(seed=42)
    epochs, patience = profile.pick(ci=2, lite=150, full=150), profile.pick(ci=2, lite=15, full=15)

    weather = data.load("seattle_weather")
    features = timeseries.weather_features(weather)
    target = weather["temp_max"].to_numpy()
    x, y, positions = timeseries.forecast_windows(features.to_numpy(), target, WINDOW, HORIZON)
    train, val, test = timeseries.split_by_date(weather.index[positions], "2014", "2015")
    target_scaler = timeseries.Scaler.fit(y[train])
    xs = timeseries.Scaler.fit(features[weather.index < "2014"]).transform(x).astype("float32")
    ys = target_scaler.transform(y).astype("float32")
    n_train = int(train.sum())

    def row(model: str, epochs_run: int, seconds: float, forecast) -> dict:
        return make_row("rnn", model, "seattle_weather", n_train, epochs_run, seconds, "test_mae_degC",
                        timeseries.mae(forecast, y[test]))

    rows = [row("persistence", 0, 0, timeseries.persistence(target, positions[test], HORIZON)),
            row("seasonal naive (365 days)", 0, 0, timeseries.seasonal_naive(target, positions[test], 365)),
            row("linear (least squares)", 0, 0,
                target_scaler.inverse(timeseries.linear_forecast(xs[train], ys[train], xs[test])))]
    n_baselines = len(rows)
    for kind in FORECASTERS:
        keras.utils.set_random_seed(0)
        model = forecaster(kind, WINDOW, xs.shape[-1], UNITS)
        history = fit_forecaster(model, xs[train], ys[train], xs[val], ys[val], epochs=epochs, patience=patience)
        forecast = target_scaler.inverse(model.predict(xs[test], verbose=0)[:, 0])
        rows.append(row(kind, len(history.epoch), history.seconds_per_epoch, forecast))
        print(f"{kind}: {rows[-1]['value']:.3f} deg C after {len(history.epoch)} epochs", flush=True)

    best_baseline = min(rows[:n_baselines], key=lambda r: r["value"])
    best_network = min(rows[n_baselines:], key=lambda r: r["value"])
    ratio = best_network["value"] / best_baseline["value"]
    rows.append(make_row("rnn", "best network / best baseline", "seattle_weather", n_train, 0, 0,
                         f"mae_ratio ({best_network['model']} / {best_baseline['model']})", ratio))
    return rows
