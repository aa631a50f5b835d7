"""The benchmark machinery: rows, merging, the markdown table, and one real (small) CNN run."""
import json
import os
from pathlib import Path

import nbformat
import pytest

from benchmarks import results, run


def test_rows_have_the_published_keys_and_merge_by_identity(tmp_path):
    a = results.make_row("cnn", "m1", "fashion_mnist", 60000, 15, 21.456, "test_accuracy", 0.92345)
    b = results.make_row("cnn", "m2", "fashion_mnist", 60000, 15, 10, "test_accuracy", 0.9)
    assert tuple(a) == results.KEYS and a["seconds_per_epoch"] == 21.46 and a["value"] == 0.9234
    results.save([a, b], tmp_path)
    newer = dict(a, value=0.95)
    rows = results.save([newer], tmp_path)
    assert [r["model"] for r in rows] == ["m2", "m1"] and rows[-1]["value"] == 0.95
    assert json.loads((tmp_path / "results.json").read_text()) == rows
    table = (tmp_path / "results.md").read_text()
    assert "| cnn | m1 | fashion_mnist (60,000) | 15 | 21.5 | test_accuracy | 0.95 |" in table


def test_unknown_benchmark_is_refused(capsys):
    assert run.main(["nope"]) == 2
    assert ("known: cnn, rnn, activity, text, attention, gen, hpc, notebooks, clients, hub, suite, gpu, grading, vision"
            in capsys.readouterr().err)


@pytest.mark.skipif(not __import__("pathlib").Path("/usr/share/datasets/fashion-mnist").is_dir(),
                    reason="needs Debian's dataset-fashion-mnist (.ci/run installs it)")
def test_cnn_benchmark_runs_under_the_ci_profile(monkeypatch):
    from benchmarks import cnn

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    rows = cnn.run()
    neighbours, rows = rows[-2:], rows[:-2]
    assert [(r["model"], r["dataset"], r["n_train"], r["epochs"]) for r in neighbours] == [
        (cnn.NEAREST, "fashion_mnist", 2000, 0), (cnn.NEAREST, "mnist", 2000, 0)]
    assert all(0.6 < r["value"] < 1 for r in neighbours)  # 2,000 training images already label most test images
    assert [r["model"] for r in rows][:2] == ["mnist_convnet reference (NumPy arrays into fit)",
                                              "mnist_convnet (course_utils.data.to_dataset)"]
    assert sum("reference" in r["model"] for r in rows) == 1
    assert all(tuple(r) == results.KEYS and r["seconds_per_epoch"] > 0 and 0 <= r["value"] <= 1 for r in rows)
    assert rows[0]["value"] > 0.5 and rows[1]["value"] > 0.5  # even 2 epochs on 2,000 images learn something
    assert {r["dataset"] for r in rows} >= {"fashion_mnist"}
    recipe = rows[-1]  # keras.io's recipe on MNIST, beside the course's CNN on MNIST
    assert recipe["model"] == cnn.KERAS_IO_RECIPE and recipe["dataset"] == "mnist" and recipe["n_train"] == 1800
    assert rows[-2]["model"] == "course_cnn" and rows[-2]["dataset"] == "mnist" and rows[-2]["n_train"] == 2000


def test_text_benchmark_reports_the_counting_models_the_network_and_its_context(monkeypatch):
    from benchmarks import text

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    rows = text.run()
    by_model = {r["model"]: r for r in rows}
    assert list(by_model)[:3] == ["uniform (log2 84)", "unigram (add-one)", "bigram (add-one)"]
    assert all(tuple(r) == results.KEYS and r["dataset"] == "shakespeare (held out: hamlet)" and r["n_train"] == 30_000
               for r in rows)
    assert by_model["uniform (log2 84)"]["value"] == 6.3923  # exact: every character gets 1/84
    assert 6.3923 > by_model["unigram (add-one)"]["value"] > by_model["bigram (add-one)"]["value"] > 2
    network = by_model["char_lstm (32 units)"]
    assert network["epochs"] == 1 and network["seconds_per_epoch"] > 0 and 1 < network["value"] < 6.4
    assert rows[-1]["value"] == pytest.approx(network["value"] / by_model["bigram (add-one)"]["value"], abs=1e-3)


def test_attention_benchmark_reports_exact_match_as_it_learns_and_by_number_of_dates(monkeypatch):
    from benchmarks import attention

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    rows = attention.run()
    assert [r["model"] for r in rows] == ["encoder_decoder (GRU 16)"] * 8 + ["attention (GRU 16)"] * 8
    assert [r["dataset"] for r in rows[:4]] == ["sentences of 1-3 dates, after 1 epochs", "sentences of 1 date, after 1 epochs",
                                                "sentences of 2 dates, after 1 epochs", "sentences of 3 dates, after 1 epochs"]
    assert all(tuple(r) == results.KEYS and r["metric"] == "exact_match" and 0 <= r["value"] <= 1 and r["n_train"] == 600
               for r in rows)
    assert rows[0]["seconds_per_epoch"] > 0 and [r["epochs"] for r in rows[:8]] == [1] * 4 + [2] * 4


def test_activity_benchmark_reports_the_baseline_and_each_classifier_over_seeds(monkeypatch):
    from benchmarks import activity

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    rows = activity.run()
    assert [r["model"] for r in rows] == ["nearest neighbour on the channels' standard deviations"] + [
        f"{kind}, 2 seeds: {what}" for kind in ("dense", "conv1d", "lstm") for what in ("mean", "standard deviation")]
    assert all(tuple(r) == results.KEYS and r["dataset"] == "basic_motions" and r["n_train"] == 40 for r in rows)
    assert rows[0]["value"] == 1.0 and rows[0]["epochs"] == 0  # every test recording, with no training
    means, spreads = rows[1::2], rows[2::2]
    assert all(r["metric"] == "test_accuracy" and r["epochs"] == 5 and 0 <= r["value"] <= 1 for r in means)
    assert all(r["metric"] == "test_accuracy_std" and 0 <= r["value"] <= 0.5 for r in spreads)


def test_rnn_benchmark_reports_baselines_networks_and_their_ratio_hourly_and_daily(monkeypatch):
    from benchmarks import rnn
    from course_utils.lessons.time_series_lstm import FORECASTERS

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    rows = rnn.run()
    assert all(tuple(r) == results.KEYS for r in rows)
    persistence = {"nyc_weather": 2.3624, "seattle_weather": 2.2397}  # the exact mean |now - 6 hours on|, |today - tomorrow|
    for dataset, n_train, seasonal in [("nyc_weather", 5797, "seasonal naive (24 hours)"),
                                       ("seattle_weather", 717, "seasonal naive (365 days)")]:
        mine = [r for r in rows if r["dataset"] == dataset]
        by_model = {r["model"]: r for r in mine}
        assert list(by_model)[:3] == ["persistence", seasonal, "linear (least squares)"]
        assert set(FORECASTERS) <= set(by_model) and all(r["n_train"] == n_train for r in mine)
        assert by_model["persistence"]["value"] == persistence[dataset]
        maes = [r["value"] for r in mine if r["metric"] == "test_mae_degC"]
        assert all(1.0 < m < 10.0 for m in maes)  # degrees Celsius, not standardised units
        ratio = mine[-1]
        assert ratio["model"] == "best network / best baseline" and ratio["metric"].startswith("mae_ratio (")
        assert ratio["value"] == pytest.approx(min(maes[3:]) / min(maes[:3]), abs=1e-3)


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir() and "fashion_mnist" not in os.environ.get("COURSE_DATA_DIR", ""),
                    reason="the anomaly rows need Fashion-MNIST (.ci/run installs Debian's dataset-fashion-mnist)")
def test_gen_benchmark_reports_vae_anomaly_and_checkpoint_rows(monkeypatch):
    from benchmarks import gen

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    rows = gen.run()
    by_model = {r["model"]: r for r in rows}
    assert all(tuple(r) == results.KEYS and r["benchmark"] == "gen" for r in rows)
    vae = by_model["vae (2-D latent)"]
    assert vae["epochs"] == 1 and vae["n_train"] == 900 and 150 < vae["value"] < 550  # one epoch on 900 digits
    auc = by_model["dense autoencoder (32): reconstruction error"]
    assert auc["dataset"].endswith("digits vs fashion_mnist") and 0.5 < auc["value"] <= 1
    assert 0.5 < by_model["amount of ink (baseline)"]["value"] < 1
    sevens = by_model["dense autoencoder (32) trained without 7s: reconstruction error"]
    assert sevens["dataset"].endswith("7s vs other digits") and sevens["n_train"] < 1000 and 0 <= sevens["value"] <= 1
    shares = [r for r in rows if "checkpoint" in r["model"]]
    assert len(shares) == 5 and all(0 <= r["value"] <= 1 for r in shares)
    assert by_model["real test digits: confident"]["value"] > 0.9
    assert by_model["digit_cnn checkpoint (judges the generators)"]["value"] > 0.99  # all 10,000 test digits
    assert all(r["dataset"] == gen.CHECKPOINT_DATA for r in shares if "gan" in r["model"])


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir() and "fashion_mnist" not in os.environ.get("COURSE_DATA_DIR", ""),
                    reason="the anomaly rows need Fashion-MNIST (.ci/run installs Debian's dataset-fashion-mnist)")
def test_gpu_benchmark_smoke_runs_every_headline_row_under_ci(monkeypatch):
    """The rows a lent GPU measures (their sizes there are full; here everything is tiny), each on all of MNIST."""
    from benchmarks import cnn, gpu

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    rows = gpu.run()
    assert [r["model"] for r in rows] == [
        "course_cnn", cnn.KERAS_IO_RECIPE, "vae (2-D latent)", "dense autoencoder (32): reconstruction error",
        "amount of ink (baseline)", "dense autoencoder (32) trained without 7s: reconstruction error",
        "dcgan trained here: confident samples", "dcgan trained here: rarest class", "cgan trained here: confident samples",
        "cgan trained here: rarest class", "cgan trained here: digit as asked"]
    assert all(tuple(r) == results.KEYS and r["benchmark"] == "gpu" and r["dataset"].startswith("mnist") for r in rows)
    assert all(r["epochs"] >= 1 and r["seconds_per_epoch"] > 0 for r in rows if "ink" not in r["model"])
    # one epoch on 1,000 digits only shows that every part runs; the cnn benchmark's test shows the CNNs learning
    assert 150 < rows[2]["value"] < 550 and all(0 <= r["value"] <= 1 for r in rows[:2] + rows[3:])
    assert rows[0]["n_train"] == 1000 and rows[1]["n_train"] == 900 and rows[2]["n_train"] == 900


def test_gpu_benchmark_refuses_a_machine_without_a_gpu_outside_ci(monkeypatch, capsys):
    from benchmarks import gpu
    from course_utils import performance

    if performance.accelerator().kind == "GPU":
        pytest.skip("this machine has a GPU: the full run would start")
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert gpu.run() == []
    assert "no GPU here" in capsys.readouterr().out


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir() and "fashion_mnist" not in os.environ.get("COURSE_DATA_DIR", ""),
                    reason="needs Fashion-MNIST (.ci/run installs Debian's dataset-fashion-mnist)")
@pytest.mark.server  # two worker processes
def test_hpc_benchmark_measures_every_configuration_of_notebook_09(fresh_python):
    """In a fresh interpreter, as `make bench BENCH=hpc` runs it: its MirroredStrategy needs two logical CPU
    devices, which can only be made before TensorFlow starts."""
    done = fresh_python("import json; from benchmarks import hpc; print('ROWS', json.dumps(hpc.run()))", timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout.split("ROWS ", 1)[1])
    assert all(tuple(r) == results.KEYS and r["benchmark"] == "hpc" for r in rows)
    speed = {r["model"]: r["value"] for r in rows if r["metric"] == "images_per_second"}
    assert list(speed)[0] == "NumPy arrays into fit (plain)" and all(v > 0 for v in speed.values())
    for name in ("tf.data autotuned (map, cache, shuffle, prefetch)", "data.to_dataset", "XLA (jit_compile=True)",
                 "mixed_float16", "MirroredStrategy, 2 replicas on logical CPU devices",
                 "custom loop, 1 process (CPU)", "custom loop, 2 worker processes (CPU)"):
        assert name in speed
    stalls = [r for r in rows if r["metric"] == "longest_epoch_start_s"]
    assert len(stalls) == 3 and all(r["value"] > 0 for r in stalls)
    accuracies = [r["value"] for r in rows if r["metric"] == "test_accuracy"]
    assert len(accuracies) == 2 and all(0 <= a <= 1 for a in accuracies)
    assert "speed-up" in done.stdout  # the summary table


@pytest.mark.executes
def test_notebook_timing_runs_a_notebook_from_the_repository_root_under_the_asked_profile(tmp_path):
    from benchmarks import notebooks

    probe = tmp_path / "probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, pathlib\n"
        f"assert pathlib.Path.cwd() == pathlib.Path({str(notebooks.ROOT)!r}), pathlib.Path.cwd()\n"
        "assert os.environ['COURSE_PROFILE'] == 'lite'")]), probe)
    before = os.environ.get("COURSE_PROFILE")
    assert notebooks.run_seconds(probe, "lite") > 0
    assert os.environ.get("COURSE_PROFILE") == before  # the benchmark's own profile is left as it was


def test_the_suite_benchmark_reads_single_tests_off_pytests_durations():
    from benchmarks import suite

    output = ("12.50s call     tests/test_distributed.py::test_two\n"
              "0.40s setup    tests/test_distributed.py::test_two\n"
              "3.00s call     tests/test_distributed.py::test_two_more\n")
    assert suite.test_seconds(output, "tests/test_distributed.py::test_two") == 12.9
    with pytest.raises(RuntimeError, match="do not name"):
        suite.test_seconds(output, "tests/test_x.py::test_y")
    output += ("30.00s call     notebooks/06_vae.ipynb::Cell 3\n"
               "2.00s setup    slides/01_cnns.ipynb::Cell 0\n"
               "0.50s call     tests/test_exercises.py::test_unanswered[q1]\n")
    parts = suite.part_seconds(output)
    assert parts["the notebooks under nbval"] == 30 and parts["the decks under nbval"] == 2
    assert parts["worker processes and fresh interpreters"] == 15.9 and parts[suite.REST] == 0.5
    assert sum(parts.values()) == 48.4 and list(parts)[-1] == suite.REST


@pytest.mark.skipif(not __import__("shutil").which("npm"), reason="the hub's proxy comes from npm (.ci/run installs it)")
@pytest.mark.server
@pytest.mark.executes
def test_hub_benchmark_measures_one_student_on_a_real_hub(monkeypatch):
    from benchmarks import hub

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    monkeypatch.setenv("HUB_CLASS_SIZES", "1")
    rows = {r["model"]: r for r in hub.run()}
    assert sorted(rows) == sorted(f"1 student: {what}" for what in (
        "every server ready", "notebook 00 + shared data, mean student", "notebook 00 + shared data, slowest student",
        "single-user server, mean", "kernel after notebook 00 + data, mean", "all servers and kernels"))
    assert all(tuple(r) == results.KEYS and r["value"] > 0 and r["dataset"] == "profile ci" for r in rows.values())
    kernel = rows["1 student: kernel after notebook 00 + data, mean"]["value"]
    assert kernel > 200  # TensorFlow and the data are in the kernel: it holds hundreds of MB, not a few


def test_a_failing_step_of_the_suite_shows_the_end_of_its_output_and_of_its_errors(tmp_path):
    from benchmarks import suite

    noise = "; ".join(["echo pip-warning >&2"] * 500)
    with pytest.raises(RuntimeError, match=r"status 3:\n1 failed, 2 passed\n\n--- the end of stderr ---\n(pip-warning\n)+$"):
        suite.timed(["bash", "-c", f"echo '1 failed, 2 passed'; {noise}; exit 3"], tmp_path, dict(os.environ))
    durations = "; ".join(["echo '0.01s call tests/test_x.py::test_y'"] * 500)  # --durations=0 between the two
    with pytest.raises(RuntimeError, match=r"(?s)status 1:\n=+ FAILURES =+\nwhy it failed\n.*\n\[\.\.\.\]\n.*1 failed\n"):
        suite.timed(["bash", "-c", f"echo '=== FAILURES ==='; echo 'why it failed'; {durations}; echo '1 failed'; exit 1"],
                    tmp_path, dict(os.environ))


@pytest.mark.executes  # grades submissions in the sandbox
@pytest.mark.usefixtures("sandbox")
def test_grading_benchmark_times_a_small_class_under_ci(monkeypatch):
    from benchmarks import grading

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    rows = grading.run()
    assert [(r["model"], r["n_train"]) for r in rows] == [("notebook 02, 2 submissions, 2 workers", 2)]
    assert all(r["metric"] == "seconds_per_submission" and 0 < r["value"] < 120 for r in rows)


@pytest.mark.concerns("14_segmentation", "15_detection")
def test_vision_benchmark_reports_each_network_beside_its_baseline(monkeypatch):
    """Under ci, on a few scenes instead of all 10,000 test digits (the benchmark's own scenes take a minute more)."""
    from benchmarks import vision
    from course_utils import data, scenes

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    (x_train, y_train), (x_test, y_test) = data.load("mnist")
    few = (scenes.compose(x_train, y_train, 64, seed=1), scenes.compose(x_test, y_test, 24, seed=2))
    monkeypatch.setattr(vision, "_scenes", lambda profile: few)
    monkeypatch.setenv("VISION_PARTS", "segmentation,detection")
    rows = vision.run()
    models = [r["model"] for r in rows]
    assert models == [f"segmentation: {m}" for m in ("background everywhere", "background everywhere",
                      "threshold + blobs + digit_cnn checkpoint (no training)", "threshold + blobs + digit_cnn checkpoint (no training)",
                      "segmenter (U-Net) trained on 64 scenes", "segmenter (U-Net) trained on 64 scenes",
                      "segmenter checkpoint", "segmenter checkpoint")] + [
        f"detection: {m}" for m in ("blobs as boxes + digit_cnn checkpoint (no training)",
                                    "grid detector trained on 64 scenes", "grid detector checkpoint")]
    value = {(r["model"], r["metric"]): r["value"] for r in rows}
    assert value[("segmentation: background everywhere", "mean_digit_iou")] == 0
    assert value[("segmentation: segmenter checkpoint", "mean_digit_iou")] > 0.8  # the trained U-Net, on real digits
    assert value[("detection: grid detector checkpoint", "map_50")] > 0.5
    assert all(tuple(r) == results.KEYS and 0 <= r["value"] <= 1 for r in rows)


@pytest.mark.concerns("16_cyclegan")
def test_vision_benchmark_judges_the_cyclegan_beside_the_cheap_translations(monkeypatch):
    """On all 1,000 + 1,000 test items (about a minute): each translation three ways, both ways; the lesson's claim
    that only the CycleGAN does well on all three rests on these numbers."""
    from benchmarks import vision

    monkeypatch.setenv("COURSE_PROFILE", "ci")
    monkeypatch.setenv("VISION_PARTS", "cyclegan")
    rows = vision.run()
    value = {(r["model"].removeprefix("cyclegan: "), r["dataset"].split(", ", 1)[1]): r["value"] for r in rows}
    models = ["do nothing", "add the mean difference (no training)",
              "nearest training item of the other class (no training)", "CycleGAN checkpoint",
              "adversarial loss only, checkpoint"]
    ways = ["sneakers -> ankle boots", "ankle boots -> sneakers"]
    metrics = ["judged_share", "frechet_distance", "round_trip_error"]
    assert sorted(value) == sorted((m, f"{w}, {k}") for m in models for w in ways for k in metrics)
    assert all(tuple(r) == results.KEYS and r["value"] >= 0 for r in rows)
    for way in ways:
        get = lambda model, metric: value[(model, f"{way}, {metric}")]  # noqa: E731
        assert get("do nothing", "round_trip_error") == 0 and get("do nothing", "judged_share") < 0.05
        assert get("CycleGAN checkpoint", "judged_share") > 0.75
        assert get("CycleGAN checkpoint", "frechet_distance") < min(get(m, "frechet_distance") for m in models[:3])
        assert get("CycleGAN checkpoint", "round_trip_error") < get("adversarial loss only, checkpoint", "round_trip_error")
