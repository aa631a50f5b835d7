"""course_utils.timeseries: the lecture's windows exactly, a leak-free split and scaling, honest baselines."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils import data, timeseries


def test_e14_rolling_windows_of_1_to_14():
    values = np.arange(1, 15)
    windows = timeseries.rolling_windows(values, size=7, step=2)
    np.testing.assert_array_equal(windows, [np.arange(1, 8), np.arange(3, 10), np.arange(5, 12), np.arange(7, 14)])
    x, y, positions = timeseries.forecast_windows(values, values, window=7, step=2)
    np.testing.assert_array_equal(x, windows)
    np.testing.assert_array_equal(y, [8, 10, 12, 14])
    np.testing.assert_array_equal(positions, [7, 9, 11, 13])
    x_seq, y_seq = values.reshape(2, 7)  # the lecture's reshape variant
    np.testing.assert_array_equal(y_seq, np.arange(8, 15))


@given(n=st.integers(2, 60), window=st.integers(1, 20), horizon=st.integers(1, 5), step=st.integers(1, 4))
def test_forecast_windows_target_is_horizon_after_the_window(n, window, horizon, step):
    series = np.arange(n) * 10
    features = np.stack([series, -series], axis=1)
    if window + horizon > n:
        with pytest.raises(ValueError, match="longer than the series"):
            timeseries.forecast_windows(features, series, window, horizon, step)
        return
    x, y, positions = timeseries.forecast_windows(features, series, window, horizon, step)
    assert x.shape == (len(range(0, n - window - horizon + 1, step)), window, 2)
    np.testing.assert_array_equal(y, series[positions])
    np.testing.assert_array_equal(x[:, -1, 0], series[positions - horizon])  # last input is horizon steps before
    np.testing.assert_array_equal(x[:, 0, 1], -series[positions - horizon - window + 1])


def test_bad_windows_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="does not fit"):
        timeseries.rolling_windows(np.arange(5), 6)
    with pytest.raises(ValueError, match="step"):
        timeseries.rolling_windows(np.arange(5), 2, step=0)
    with pytest.raises(ValueError, match="same series"):
        timeseries.forecast_windows(np.arange(5), np.arange(4), 2)
    with pytest.raises(ValueError, match="horizon"):
        timeseries.forecast_windows(np.arange(5), np.arange(5), 2, horizon=0)


def test_split_by_date_is_chronological_and_complete():
    days = pd.date_range("2012-01-01", "2015-12-31")
    train, val, test = timeseries.split_by_date(days, "2014", "2015")
    assert (train.sum(), val.sum(), test.sum()) == (731, 365, 365)
    assert days[train].max() < days[val].min() and days[val].max() < days[test].min()
    assert (train | val | test).all() and not (train & val).any()


def test_split_by_date_reads_boundaries_on_a_utc_series_in_utc():
    hours = pd.date_range("2013-08-31 22:00", periods=4, freq="h", tz="UTC")
    before, after = timeseries.split_by_date(hours, "2013-09-01")
    assert before.tolist() == [True, True, False, False] and after.tolist() == [False, False, True, True]


def test_scaler_uses_only_what_it_was_fitted_on():
    train, future = np.array([[1.0, 5.0], [3.0, 5.0]]), np.array([[100.0, 7.0]])
    scaler = timeseries.Scaler.fit(train)
    np.testing.assert_allclose(scaler.transform(train), [[-1, 0], [1, 0]])  # a constant column is not divided by 0
    np.testing.assert_allclose(scaler.transform(future), [[98, 2]])
    np.testing.assert_allclose(scaler.inverse(scaler.transform(future)), future)


def test_baselines_on_a_known_series():
    series = np.arange(20.0)
    positions = np.array([10, 15])
    np.testing.assert_array_equal(timeseries.persistence(series, positions, horizon=2), [8, 13])
    np.testing.assert_array_equal(timeseries.seasonal_naive(series, positions, season=7), [3, 8])
    with pytest.raises(ValueError, match="one season"):
        timeseries.seasonal_naive(series, positions, season=12)
    assert timeseries.mae([1, 2, 3], [2, 2, 5]) == pytest.approx(1.0)


def test_linear_forecast_recovers_a_linear_rule():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5, 2))
    rule = lambda w: 3 * w[:, -1, 0] - 2 * w[:, 0, 1] + 1  # noqa: E731
    np.testing.assert_allclose(timeseries.linear_forecast(x[:150], rule(x[:150]), x[150:], ridge=0.0),
                               rule(x[150:]), atol=1e-9)


def test_weather_features_are_the_measurements_and_the_day_of_year():
    weather = data.load("seattle_weather")
    features = timeseries.weather_features(weather)
    assert list(features.columns) == ["precipitation", "temp_max", "temp_min", "wind", "year_sin", "year_cos"]
    assert features.index.equals(weather.index) and not features.isna().any().any()
    np.testing.assert_allclose(features.year_sin ** 2 + features.year_cos ** 2, 1.0)
    new_year = features.loc[["2013-12-31", "2014-01-01"], ["year_sin", "year_cos"]].to_numpy()
    assert np.linalg.norm(new_year[0] - new_year[1]) < 0.05  # neighbours on the circle
