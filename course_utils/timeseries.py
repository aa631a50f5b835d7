"""Time series to supervised examples: windows, a chronological split, scaling, and the baselines
every learned forecaster has to beat.

    >>> rolling_windows(np.arange(1, 15), size=7, step=2)[:, [0, -1]]
    array([[ 1,  7],
           [ 3,  9],
           [ 5, 11],
           [ 7, 13]])
    >>> x, y, where = forecast_windows(np.arange(1, 15), np.arange(1, 15), window=7, step=2)
    >>> y
    array([ 8, 10, 12, 14])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def rolling_windows(values: np.ndarray, size: int, step: int = 1) -> np.ndarray:
    """Every ``size`` consecutive values, starting every ``step`` values: shape (windows, size, ...).

    The windows are read-only views into ``values`` (no copy).
    """
    values = np.asarray(values)
    if not 1 <= size <= len(values):
        raise ValueError(f"window size {size} does not fit a series of {len(values)} values; use 1 <= size <= {len(values)}.")
    if step < 1:
        raise ValueError(f"step must be a positive number of values, got {step}.")
    views = np.moveaxis(np.lib.stride_tricks.sliding_window_view(values, size, axis=0), -1, 1)
    return views[::step]


def forecast_windows(features: np.ndarray, target: np.ndarray, window: int, horizon: int = 1,
                     step: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs ``features[t - window + 1 .. t]`` and the target ``horizon`` steps after t.

    Returns ``(x, y, positions)``: x of shape (examples, window, features...), y the targets and
    ``positions`` the index of each target in the series (to date it or split by time).
    """
    features, target = np.asarray(features), np.asarray(target)
    if len(features) != len(target):
        raise ValueError(f"features have {len(features)} rows but the target {len(target)}; they must be the same series.")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 step ahead, got {horizon}.")
    if window + horizon > len(target):
        raise ValueError(f"window {window} + horizon {horizon} is longer than the series ({len(target)} values).")
    positions = np.arange(window + horizon - 1, len(target), step)
    starts = positions - (window + horizon - 1)
    x = rolling_windows(features, window)[starts]
    return x, target[positions], positions


def split_by_date(dates: pd.DatetimeIndex, *boundaries: str) -> list[np.ndarray]:
    """Boolean masks for consecutive periods: before the first boundary, between each pair, after the last.

    >>> days = pd.date_range("2013-12-30", periods=4)
    >>> [m.tolist() for m in split_by_date(days, "2014")]
    [[True, True, False, False], [False, False, True, True]]
    """
    dates = pd.DatetimeIndex(dates)
    cuts = [pd.Timestamp(b) for b in boundaries]
    if dates.tz is not None:  # "2014" on a UTC series means 2014-01-01 00:00 UTC
        cuts = [c.tz_localize(dates.tz) if c.tz is None else c for c in cuts]
    inside = [np.ones(len(dates), bool), *[np.asarray(dates >= c) for c in cuts], np.zeros(len(dates), bool)]
    return [after_lo & ~after_hi for after_lo, after_hi in zip(inside[:-1], inside[1:])]


@dataclass(frozen=True)
class Scaler:
    """Standardise with statistics of the training data only: (x - mean) / std, per feature.

    >>> s = Scaler.fit(np.array([[0.0], [2.0]]))
    >>> s.transform(np.array([[4.0]])), s.inverse(np.array([[3.0]]))
    (array([[3.]]), array([[4.]]))
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, train: np.ndarray) -> "Scaler":
        train = np.asarray(train, dtype=float)
        std = train.std(axis=0)
        return cls(train.mean(axis=0), np.where(std > 0, std, 1.0))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x) - self.mean) / self.std

    def inverse(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x) * self.std + self.mean


def day_of_year_features(index: pd.DatetimeIndex) -> pd.DataFrame:
    """Where in the year each day is, as a point on a circle: sin and cos of 2 pi day / 365.25.

    31 December and 1 January end up next to each other, which a plain day number would not do.
    """
    angle = 2 * np.pi * index.day_of_year.to_numpy() / 365.25
    return pd.DataFrame({"year_sin": np.sin(angle), "year_cos": np.cos(angle)}, index=index)


def weather_features(weather: pd.DataFrame) -> pd.DataFrame:
    """The course's inputs for forecasting Seattle's daily weather: the four measured columns and the
    day of the year (``data.load("seattle_weather")`` gives the frame)."""
    measured = weather[["precipitation", "temp_max", "temp_min", "wind"]].astype(float)
    return measured.join(day_of_year_features(weather.index))


def persistence(target: np.ndarray, positions: np.ndarray, horizon: int = 1) -> np.ndarray:
    """Naive forecast: the last value seen, ``horizon`` steps before each target."""
    return np.asarray(target)[np.asarray(positions) - horizon]


def seasonal_naive(target: np.ndarray, positions: np.ndarray, season: int) -> np.ndarray:
    """Seasonal naive forecast: the value one season (e.g. 365 days) before each target."""
    positions = np.asarray(positions)
    if positions.min() < season:
        raise ValueError(f"a target at position {positions.min()} has no value one season ({season}) before it.")
    return np.asarray(target)[positions - season]


def linear_forecast(x_train: np.ndarray, y_train: np.ndarray, x: np.ndarray, ridge: float = 1.0) -> np.ndarray:
    """A linear model on the flattened windows (least squares with a small ridge penalty), then its
    forecasts for ``x``. Fit once, exactly, no randomness: the strongest classical baseline."""
    def design(windows):
        flat = np.asarray(windows, dtype=float).reshape(len(windows), -1)
        return np.hstack([flat, np.ones((len(flat), 1))])

    a = design(x_train)
    penalty = ridge * np.eye(a.shape[1])
    penalty[-1, -1] = 0.0  # the intercept is not shrunk
    weights = np.linalg.solve(a.T @ a + penalty, a.T @ np.asarray(y_train, dtype=float))
    return design(x) @ weights


def mae(forecast: np.ndarray, truth: np.ndarray) -> float:
    """Mean absolute error, in the units of the series."""
    return float(np.mean(np.abs(np.asarray(forecast, dtype=float) - np.asarray(truth, dtype=float))))
