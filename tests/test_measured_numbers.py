"""Numbers have one source: what README and the notebooks present as measured is what benchmarks/results.json holds.

After a benchmark run changes a number, this fails and names the text to update. Phrases are compared with all
whitespace collapsed, so a line break in the markdown does not matter.
"""
import json
import re
from pathlib import Path

import nbformat
import pytest

from benchmarks import results

ROOT = Path(__file__).resolve().parent.parent
ROWS = json.loads((ROOT / "benchmarks" / "results.json").read_text())
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def row(benchmark: str, model: str, metric: str | None = None, dataset: str | None = None) -> dict:
    found = [r for r in ROWS if r["benchmark"] == benchmark and r["model"] == model
             and (metric is None or r["metric"] == metric) and (dataset is None or r["dataset"].startswith(dataset))]
    assert len(found) == 1, f"benchmarks/results.json has {len(found)} rows for {benchmark} / {model} / {metric} / {dataset}"
    return found[0]


def value(*args, **kwargs) -> float:
    return row(*args, **kwargs)["value"]


def text(path: str) -> str:
    """README as it is; a notebook's markdown cells; whitespace collapsed."""
    file = ROOT / path
    if file.suffix == ".ipynb":
        raw = "\n".join(c.source for c in nbformat.read(file, as_version=4).cells if c.cell_type == "markdown")
    else:
        raw = file.read_text()
    return " ".join(raw.split())


def pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def suite_seconds(name: str) -> str:
    """A row of the suite benchmark as README gives it, e.g. "651 s"."""
    return f"{round(value('suite', name))} s"


def seconds(notebook: str, profile: str) -> str:
    return f"{round(value('notebooks', notebook, 'run_seconds', f'profile {profile}'))} s"


def text_quotes() -> list[tuple[str, str]]:
    """Notebook 10 and README on the text benchmark."""
    text_rows = {r["model"]: r for r in ROWS if r["benchmark"] == "text"}
    network = next(name for name in text_rows if name.startswith("char_lstm") and "," not in name and "/" not in name)
    net, bigram = text_rows[network], text_rows["bigram (add-one)"]["value"]
    ratio = text_rows[f"{network} / bigram"]["value"]
    first = text_rows[f"{network}, 1 character of context"]["value"]
    late = next(r["value"] for name, r in text_rows.items() if name.startswith(f"{network}, 32-"))
    counted = {int(name[0]): r["value"] for name, r in text_rows.items() if name.endswith("-gram (interpolated)")}
    five, best = counted[5], min(counted.values())
    gap = f"{abs(net['value'] - five):.2f} bits {'below' if net['value'] < five else 'above'} it"
    units = network.split("(")[1].split()[0]
    run = f"{net['n_train']:,} characters, {units} units, {net['epochs']} epochs"
    return [
        ("notebooks/10_text_generation.ipynb", f"{run}), it reached **{net['value']:.2f}** bits per character on Hamlet "
                                               f"against the bigram's {bigram:.2f}, {ratio:.2f} times its cost"),
        ("notebooks/10_text_generation.ipynb", f"the interpolated 5-gram's {five:.2f} on the same characters, "
                                               f"{'the best of the counting models' if five == best else 'not the best counting model'}: "
                                               f"{gap}"),
        ("notebooks/10_text_generation.ipynb", f"after {round(net['seconds_per_epoch'] * net['epochs'] / 60)} minutes of training"),
        ("notebooks/10_text_generation.ipynb", f"paid {first:.2f} bits with one character of context (the bigram, which sees one "
                                               f"too: {bigram:.2f}), and {late:.2f} bits with 32-64 characters"),
        ("README.md", f"**{net['value']:.2f}** bits per character on Hamlet against the bigram's {bigram:.2f} "
                      f"(**{ratio:.2f}x**)"),
        ("README.md", f"the interpolated 5-gram, which only counts, costs {five:.2f}: the network is {gap}"),
    ]


def attention_exact(model: str) -> dict:
    """The attention benchmark's exact match of one model by (dates in the sentence or "all", epochs)."""
    found = {}
    for r in ROWS:
        if r["benchmark"] == "attention" and r["model"].startswith(model + " "):
            dates = r["dataset"].split(",")[0].removeprefix("sentences of ").split(" ")[0]
            found["all" if dates == "1-3" else int(dates), r["epochs"]] = r["value"]
    return found


def attention_table() -> str:
    """README's summary of the attention benchmark: exact match by model, dates per sentence and epochs."""
    models = {"encoder_decoder": "plain encoder-decoder", "attention": "with attention"}
    exact = {name: attention_exact(name) for name in models}
    epochs = sorted({epoch for _, epoch in exact["attention"]})
    lines = ["| exact match, held-out test sentences | " + " | ".join(f"after {e} epoch{'s' * (e > 1)}" for e in epochs) + " |",
             "|---|" + "---|" * len(epochs)]
    for name, label in models.items():
        for dates in (1, 2, 3):
            lines.append(f"| {label}, {dates} date{'s' * (dates > 1)} | "
                         + " | ".join(f"{exact[name][dates, e]:.3f}" for e in epochs) + " |")
    return "\n".join(lines)


def test_readme_summarises_the_attention_benchmark():
    assert attention_table() in (ROOT / "README.md").read_text(), "README's attention table:\n" + attention_table()


def sequence_quotes() -> list[tuple[str, str]]:
    """Notebooks 11 and 12 and README on the attention and activity benchmarks."""
    act = {r["model"]: r["value"] for r in ROWS if r["benchmark"] == "activity"}
    neighbour = act["nearest neighbour on the channels' standard deviations"]
    mean, spread = (lambda kind: act[f"{kind}, 10 seeds: mean"]), (lambda kind: act[f"{kind}, 10 seeds: standard deviation"])
    plain, attention = (attention_exact(name) for name in ("encoder_decoder", "attention"))
    last = max(epoch for _, epoch in plain)
    return [
        ("notebooks/12_activity_recognition.ipynb",
         f"accuracy {mean('dense'):.3f} (standard deviation {spread('dense'):.3f}) for the dense network, {mean('conv1d'):.3f} "
         f"({spread('conv1d'):.3f}) for the convolutional one and {mean('lstm'):.3f} ({spread('lstm'):.3f}) for the LSTM. The "
         f"nearest neighbour on six numbers per recording scores {neighbour:.3f}"),
        ("README.md", f"gets **{neighbour:.3f}** of the test recordings right with no training; of the networks only the "
                      f"convolutional one matches it ({mean('conv1d'):.3f} with every seed), while the dense network averages "
                      f"{mean('dense'):.3f} and the LSTM {mean('lstm'):.3f}, the LSTM's seeds spreading by {spread('lstm'):.3f}"),
        ("notebooks/11_attention.ipynb", f"after {last} epochs the plain encoder-decoder wrote {plain[1, last]:.3f} of the "
                                         f"one-date test sentences exactly right, {plain[2, last]:.3f} of those with two "
                                         f"dates and {plain[3, last]:.3f} of those with three; with attention "
                                         f"{attention[1, last]:.3f}, {attention[2, last]:.3f} and {attention[3, last]:.3f}, "
                                         f"and {attention['all', 2]:.3f} of all sentences after two epochs"),
        ("slides/02_sequence_models.ipynb", f"without attention {plain[1, last]:.3f} of the one-date sentences come out "
                                            f"exactly right, {plain[2, last]:.3f} of those with two dates and "
                                            f"{plain[3, last]:.3f} of those with three; with attention "
                                            f"{attention[1, last]:.3f}, {attention[2, last]:.3f} and {attention[3, last]:.3f}"),
    ]


def baseline_quotes(cnn_digits: dict) -> list[tuple[str, str]]:
    """README and notebook 03 on the nearest training image against the course's CNN."""
    nearest = {r["dataset"]: r["value"] for r in ROWS if r["benchmark"] == "cnn" and r["model"].startswith("nearest")}
    fashion = row("cnn", "course_cnn", dataset="fashion_mnist")["value"]
    removed = lambda ours, theirs: round(100 * (1 - (1 - ours) / (1 - theirs)))  # noqa: E731
    return [
        ("README.md", f"labels {100 * nearest['mnist']:.2f} % of the MNIST test digits and {100 * nearest['fashion_mnist']:.2f} "
                      f"% of the Fashion-MNIST test images: the CNN makes {removed(cnn_digits['value'], nearest['mnist'])} % "
                      f"fewer mistakes on MNIST ({100 * (1 - cnn_digits['value']):.2f} % against "
                      f"{100 * (1 - nearest['mnist']):.2f} %) and {removed(fashion, nearest['fashion_mnist'])} % fewer on Fashion-MNIST "
                      f"({100 * (1 - fashion):.1f} % against {100 * (1 - nearest['fashion_mnist']):.1f} %)"),
        ("notebooks/03_mnist_cnn.ipynb", f"the nearest training image labels {100 * nearest['mnist']:.2f} % of the test "
                                         f"digits and the course's CNN {100 * cnn_digits['value']:.2f} %"),
    ]


def vision_quotes() -> list[tuple[str, str]]:
    """Notebooks 14 and 15, data/README.md and README on the vision benchmark (full profile)."""
    vision = {(r["model"], r["metric"]): r for r in ROWS if r["benchmark"] == "vision"}
    iou = lambda model: vision[(f"segmentation: {model}", "mean_digit_iou")]["value"]  # noqa: E731
    trained = next(r for (m, metric), r in vision.items() if m.startswith("segmentation: segmenter (U-Net) trained on")
                   and metric == "mean_digit_iou")
    pixels = vision[("segmentation: background everywhere", "pixel_accuracy")]["value"]
    blobs, checkpoint = iou("threshold + blobs + digit_cnn checkpoint (no training)"), iou("segmenter checkpoint")
    phrases = [
        ("notebooks/14_segmentation.ipynb",
         f"under `full`, `make bench BENCH=vision` measured a mean digit IoU of **{trained['value']:.3f}** for this U-Net "
         f"trained on all {trained['n_train']:,} training scenes for {trained['epochs']} epochs, {checkpoint:.3f} for the "
         f"checkpoint and {blobs:.3f} for the blobs and the classifier"),
        ("README.md", f"mean IoU over the ten digits **{trained['value']:.3f}** for notebook 14's U-Net trained on "
                      f"{trained['n_train']:,} scenes for {trained['epochs']} epochs, {checkpoint:.3f} for its checkpoint "
                      f"and {blobs:.3f} for the baseline with no training; answering background everywhere scores "
                      f"{pixels:.3f} in pixel accuracy"),
        ("data/README.md", f"its mean IoU over the ten digit classes is **{checkpoint:.3f}**"),
        ("data/README.md", f"reaches {blobs:.3f} there"),
    ]
    found = {m: r for (m, metric), r in vision.items() if metric == "map_50"}
    if found:  # the detection part of the benchmark
        mine = next(r for m, r in found.items() if m.startswith("detection: grid detector trained on"))
        boxes = found["detection: blobs as boxes + digit_cnn checkpoint (no training)"]["value"]
        saved = found["detection: grid detector checkpoint"]["value"]
        phrases += [
            ("notebooks/15_detection.ipynb",
             f"under `full`, `make bench BENCH=vision` measured mAP@0.5 **{mine['value']:.3f}** for this detector trained "
             f"on all {mine['n_train']:,} training scenes for {mine['epochs']} epochs, {saved:.3f} for the checkpoint and "
             f"{boxes:.3f} for the blobs as boxes"),
            ("README.md", f"mAP@0.5 **{mine['value']:.3f}** for notebook 15's grid detector ({mine['epochs']} epochs), "
                          f"{saved:.3f} for its checkpoint and {boxes:.3f} for the blobs as boxes"),
        ]
    return phrases


def cyclegan_scores(model: str) -> str:
    """The vision benchmark's numbers for one CycleGAN row (sneakers to boots, then back), as the texts quote them."""
    rows = {(r["model"], r["dataset"]): r["value"] for r in ROWS if r["benchmark"] == "vision"}
    get = lambda way, metric: rows[(f"cyclegan: {model}", f"fashion_mnist test, {way}, {metric}")]  # noqa: E731
    there, back = "sneakers -> ankle boots", "ankle boots -> sneakers"
    return (f"judged {get(there, 'judged_share'):.3f} and {get(back, 'judged_share'):.3f}, distance to real items "
            f"{get(there, 'frechet_distance'):.1f} and {get(back, 'frechet_distance'):.1f}, round-trip error "
            f"{get(there, 'round_trip_error'):.4f} and {get(back, 'round_trip_error'):.4f}")


def cyclegan_quotes() -> list[tuple[str, str]]:
    """Notebook 16, README and data/README.md on the CycleGAN part of the vision benchmark."""
    checkpoint, plain = cyclegan_scores("CycleGAN checkpoint"), cyclegan_scores("adversarial loss only, checkpoint")
    mean = cyclegan_scores("add the mean difference (no training)")
    nearest = cyclegan_scores("nearest training item of the other class (no training)")
    return [("notebooks/16_cyclegan.ipynb", f"the course's checkpoint: {checkpoint}"),
            ("notebooks/16_cyclegan.ipynb", f"adding the mean difference: {mean}"),
            ("notebooks/16_cyclegan.ipynb", f"the nearest item: {nearest}"),
            ("notebooks/16_cyclegan.ipynb", f"the adversarial loss only: {plain}"),
            ("README.md", f"the course's CycleGAN checkpoint: {checkpoint}"),
            ("README.md", f"adding the mean difference: {mean}"),
            ("README.md", f"the nearest item: {nearest}"),
            ("README.md", f"the adversarial loss only: {plain}"),
            ("data/README.md", f"the checkpoint: {checkpoint}"),
            ("data/README.md", f"the adversarial loss only: {plain}")]


def quotes() -> list[tuple[str, str]]:
    """(file, phrase) for every number that a text presents as measured."""
    ref = row("cnn", "mnist_convnet reference (NumPy arrays into fit)")
    ours = row("cnn", "mnist_convnet (course_utils.data.to_dataset)")
    cnn_fashion, cnn_digits = row("cnn", "course_cnn", dataset="fashion_mnist"), row("cnn", "course_cnn", dataset="mnist")
    rnn = {r["model"]: r["value"] for r in ROWS if r["benchmark"] == "rnn" and r["metric"] == "test_mae_degC"
           and r["dataset"] == "nyc_weather"}
    daily = {r["model"]: r["value"] for r in ROWS if r["benchmark"] == "rnn" and r["dataset"] == "seattle_weather"}
    ratio = value("rnn", "best network / best baseline", dataset="nyc_weather")
    losers = [rnn["dense"], rnn["conv1d"], rnn["simple_rnn"]]
    vae = row("gen", "vae (2-D latent)")
    auc = value("gen", "dense autoencoder (32): reconstruction error")
    ink = value("gen", "amount of ink (baseline)")
    sevens = value("gen", "dense autoencoder (32) trained without 7s: reconstruction error")
    dcgan = value("gen", "dcgan checkpoint: confident samples")
    rarest = value("gen", "dcgan checkpoint: rarest class")
    as_asked = value("gen", "cgan checkpoint: digit as asked")
    cgan_confident = value("gen", "cgan checkpoint: confident samples")
    hpc = {r["model"]: r for r in ROWS if r["benchmark"] == "hpc" and r["metric"] == "images_per_second"}
    stall = {r["model"]: r["value"] for r in ROWS if r["benchmark"] == "hpc" and r["metric"] == "longest_epoch_start_s"}
    plain, feed = hpc["NumPy arrays into fit (plain)"], hpc["data.to_dataset"]
    autotuned = hpc["tf.data autotuned (map, cache, shuffle, prefetch)"]
    xla, mixed = hpc["XLA (jit_compile=True)"]["value"], hpc["mixed_float16"]["value"]
    speedup = feed["value"] / plain["value"]
    loop1, loop2 = hpc["custom loop, 1 process (CPU)"]["value"], hpc["custom loop, 2 worker processes (CPU)"]["value"]
    sizes = [32, 128, 512, 2048]
    by_size = [hpc[f"data.to_dataset, batch {b}"]["value"] for b in sizes]
    accuracy = [value("hpc", f"data.to_dataset, batch {b}", "test_accuracy") for b in sizes]
    mirrored = hpc["MirroredStrategy, 2 replicas on logical CPU devices"]["value"]
    plain_ips = plain["value"]
    hpc_table = [  # README's table of notebook 09's configurations
        f"| NumPy arrays into `fit` (plain) | {plain['value']:,.0f} | 1.00x | longest epoch-start stall "
        f"{stall['NumPy arrays into fit (plain)']:.1f} s |",
        f"| `tf.data` autotuned (parallel `map`, `cache`, `shuffle`, `prefetch(AUTOTUNE)`) | {autotuned['value']:,.0f} | "
        f"{autotuned['value'] / plain['value']:.2f}x | longest epoch-start stall "
        f"{stall['tf.data autotuned (map, cache, shuffle, prefetch)']:.1f} s |",
        f"| `data.to_dataset` (autotune off, prefetch 2) | {feed['value']:,.0f} | {speedup:.2f}x | no stall: longest first "
        f"step {stall['data.to_dataset']:.2f} s |",
        f"| `data.to_dataset`, batch {' / '.join(map(str, sizes))} | {' / '.join(f'{v:,.0f}' for v in by_size)} | "
        f"{' / '.join(f'{v / plain_ips:.2f}x' for v in by_size)} | "
        f"test accuracy after 2 epochs {' / '.join(f'{a:.3f}' for a in accuracy)} |",
        f"| XLA (`jit_compile=True`), batch 128 | {xla:,.0f} | {xla / plain['value']:.2f}x | "
        f"{xla / feed['value']:.2f}x of `to_dataset` without XLA |",
        f"| `mixed_float16`, batch 128 | {mixed:,.0f} | {mixed / plain['value']:.2f}x | "
        f"{mixed / feed['value']:.2f}x of `to_dataset` in float32 |",
        f"| `MirroredStrategy`, 2 replicas on logical CPU devices | {mirrored:,.0f} | {mirrored / plain['value']:.2f}x | "
        f"{mirrored / feed['value']:.2f}x of `to_dataset` on one device |",
        f"| custom loop, 1 process | {loop1:,.0f} | 1.00x |",
        f"| custom loop, 2 worker processes on 127.0.0.1 | {loop2:,.0f} | {loop2 / loop1:.2f}x |",
    ]
    hub = {r["model"]: r["value"] for r in ROWS if r["benchmark"] == "hub"}
    n8 = hub["8 students: notebook 00 + shared data, mean student"]
    core_seconds = 2 * n8 / 8  # eight students on this machine's 2 cores
    together = hub["8 students: all servers and kernels"]
    hub_sizing = (  # README's item on sizing a hub
        f"one student's server was ready after {hub['1 student: every server ready']:.1f} s and ran notebook 00 with "
        f"the shared data in {hub['1 student: notebook 00 + shared data, mean student']:.1f} s. With eight students "
        f"arriving at once, the last server was ready after {hub['8 students: every server ready']:.1f} s and notebook 00 "
        f"took {n8:.1f} s on average (slowest {hub['8 students: notebook 00 + shared data, slowest student']:.1f} s): "
        f"starting is CPU work, about {core_seconds:.0f} core-seconds per student (eight students for {n8:.1f} s on 2 "
        f"cores). After notebook 00 a student's server holds {hub['8 students: single-user server, mean']:.0f} MB and "
        f"their kernel {hub['8 students: kernel after notebook 00 + data, mean']:.0f} MB resident; the eight took "
        f"{together:,.0f} MB together ({together / 8:.0f} MB each, shared libraries counted once). For a class that "
        f"starts together, that is about {60 / core_seconds:.1f} students per core for everyone to be through notebook 00 "
        f"within a minute, and about {1024 / (together / 8):.1f} students per GB")
    return [("README.md", line) for line in hpc_table] + [("README.md", hub_sizing)] + [
        # README: the benchmarks' prose
        ("README.md", f"runs {ref['seconds_per_epoch'] / ours['seconds_per_epoch']:.2f}x faster per epoch through "
                      f"`to_dataset` ({ours['seconds_per_epoch']:.1f} s) than with NumPy arrays handed to `fit` "
                      f"({ref['seconds_per_epoch']:.1f} s), at equal accuracy ({ours['value']:.3f} vs {ref['value']:.3f})"),
        ("README.md", f"reaches **{pct(cnn_fashion['value'])}** on the Fashion-MNIST test set after "
                      f"{cnn_fashion['epochs']} epochs"),
        ("README.md", f"at {round(cnn_fashion['seconds_per_epoch'])} s per epoch on 2 CPU cores"),
        ("README.md", f"On all of MNIST it reaches **{100 * cnn_digits['value']:.2f} %** after {cnn_digits['epochs']} epochs"),
        ("README.md", f"the GRU's {rnn['gru']:.2f} deg C is **{ratio:.2f}x** the linear model's "
                      f"{rnn['linear (least squares)']:.2f} (persistence {rnn['persistence']:.2f}); the LSTM reached "
                      f"{rnn['lstm']:.2f}, and the other four lost to the linear model. The course's target of 0.8x is "
                      f"**not met**, by {ratio - 0.8:.2f}"),
        ("README.md", f"the stacked GRU's {daily['stacked_gru']:.2f} deg C is **{daily['best network / best baseline']:.2f}x** "
                      f"the best baseline (the linear model, {daily['linear (least squares)']:.2f}; persistence "
                      f"{daily['persistence']:.2f})"),
        ("README.md", f"VAE: **{vae['value']:.1f}** per held-out image"),
        ("README.md", f"best after {vae['epochs'] - 5} of {vae['epochs']} epochs"),
        ("README.md", f"ROC AUC **{auc:.3f}** (target >= 0.9), against {ink:.3f} for counting ink"),
        ("README.md", f"A digit class the autoencoder never saw (7s) is much harder: {sevens:.2f}"),
        ("README.md", f"DCGAN: **{pct(dcgan)}** of 1,000 samples"),
        ("README.md", f"every class >= {pct(rarest)}"),
        ("README.md", f"draws the digit asked for in {pct(as_asked)} of samples; {pct(cgan_confident)} of its samples are confident"),
        ("README.md", f"cost the plain version {stall['NumPy arrays into fit (plain)']:.1f} s"),
        ("README.md", f"every {round(feed['seconds_per_epoch'])} s epoch after the first"),
        ("README.md", f"for **{speedup:.2f}x** the plain throughput"),
        ("README.md", f"XLA and mixed precision **cost** speed ({xla / feed['value']:.2f}x and {mixed / feed['value']:.2f}x)"),
        ("README.md", f"The same CNN took {round(feed['seconds_per_epoch'])} s per epoch here on {feed['date']} and "
                      f"{round(cnn_fashion['seconds_per_epoch'])} s in the `cnn` benchmark on {cnn_fashion['date']}"),
        # the notebooks
        *text_quotes(),
        *sequence_quotes(),
        *vision_quotes(),
        *cyclegan_quotes(),
        *baseline_quotes(cnn_digits),
        ("notebooks/04_time_series_lstm.ipynb", f"the GRU reached {rnn['gru']:.2f} deg C and the LSTM {rnn['lstm']:.2f}, "
                                                f"against {rnn['linear (least squares)']:.2f} for the linear model and "
                                                f"{rnn['persistence']:.2f} for persistence. The stacked GRU "
                                                f"({rnn['stacked_gru']:.2f})"),
        ("notebooks/04_time_series_lstm.ipynb", f"({min(losers):.2f}-{max(losers):.2f})"),
        ("notebooks/04_time_series_lstm.ipynb", f"The best network is at {ratio:.2f} x the best baseline"),
        ("notebooks/04_time_series_lstm.ipynb", f"the best network was at {daily['best network / best baseline']:.2f} x"),
        ("slides/02_sequence_models.ipynb", f"persistence reaches {rnn['persistence']:.2f}, seasonal naive "
                                            f"{rnn['seasonal naive (24 hours)']:.2f} and the linear model "
                                            f"{rnn['linear (least squares)']:.2f}"),
        ("slides/02_sequence_models.ipynb", f"the best, a GRU, reached {ratio:.2f} of the linear model's error"),
        ("slides/02_sequence_models.ipynb", f"on Seattle's daily maxima it was {daily['best network / best baseline']:.2f}"),
        ("notebooks/05_autoencoders.ipynb", f"the AUC for the 7s was {sevens:.2f}"),
        ("notebooks/03_mnist_cnn.ipynb", f"it classifies {100 * value('gen', 'digit_cnn checkpoint (judges the generators)'):.2f} % "
                                         f"of the 10,000 test digits"),
        ("notebooks/06_vae.ipynb", f"reached **{vae['value']:.1f}** per test image after {vae['epochs']} epochs"),
        ("notebooks/07_gan.ipynb", f"({pct(dcgan)} when measured"),
        ("notebooks/07_gan.ipynb", f"draws the digit asked for in {pct(as_asked)} of its samples"),
        ("notebooks/09_high_performance_training.ipynb",
         f"an epoch of this CNN computes for about {round(feed['seconds_per_epoch'])} s; with NumPy arrays every epoch "
         f"after the first began with a stall of up to **{round(stall['NumPy arrays into fit (plain)'])} s** "
         f"({round(plain['seconds_per_epoch'])} s per epoch on average)"),
        ("notebooks/09_high_performance_training.ipynb", f"({round(autotuned['seconds_per_epoch'])} s on average)"),
        ("notebooks/09_high_performance_training.ipynb", f"never stalled ({round(feed['seconds_per_epoch'])} s): "
                                                         f"{speedup:.2f}x the throughput"),
        ("notebooks/09_high_performance_training.ipynb", f"XLA ran at {xla / feed['value']:.2f}x the speed of the same "
                                                         f"pipeline without it and `mixed_float16` at {mixed / feed['value']:.2f}x"),
        ("notebooks/09_high_performance_training.ipynb", f"{speedup:.2f}x on the full data in our benchmark"),
    ]


def headline_table() -> str:
    """README's table of the headline numbers on all of MNIST, each beside its anchor and the course's goal."""
    from benchmarks.cnn import KERAS_IO_RECIPE

    cnn, recipe = row("cnn", "course_cnn", dataset="mnist"), row("cnn", KERAS_IO_RECIPE, dataset="mnist")
    classifier = row("gen", "digit_cnn checkpoint (judges the generators)")
    vae = row("gen", "vae (2-D latent)")
    auc, ink = value("gen", "dense autoencoder (32): reconstruction error"), value("gen", "amount of ink (baseline)")
    real = value("gen", "real test digits: confident")
    dcgan, rarest = value("gen", "dcgan checkpoint: confident samples"), value("gen", "dcgan checkpoint: rarest class")
    as_asked = value("gen", "cgan checkpoint: digit as asked")
    lines = [
        "| on all of MNIST (60,000 to train, 10,000 to test) | the course | anchor | goal |",
        "|---|---|---|---|",
        f"| CNN test accuracy, {cnn['epochs']} epochs | `course_cnn`: **{100 * cnn['value']:.2f} %** "
        f"({cnn['seconds_per_epoch']:.0f} s / epoch) | keras.io's simple convnet, its own recipe run here: "
        f"{100 * recipe['value']:.2f} % ({recipe['seconds_per_epoch']:.0f} s / epoch); the example reports about 99.2 % "
        f"| >= 99.3 % |",
        f"| the digit classifier checkpoint ({classifier['epochs']} epochs) | **{100 * classifier['value']:.2f} %** | "
        f"the same network after {cnn['epochs']} epochs, above | >= 99.3 % |",
        f"| VAE with a 2-D code: loss per held-out test image | **{vae['value']:.1f}** (best after {vae['epochs'] - 5} of "
        f"{vae['epochs']} epochs) | "
        f"keras.io's VAE: 146.95, its training loss on all 70,000 digits | <= 147 |",
        f"| anomaly detection, digits against Fashion-MNIST: ROC AUC | **{auc:.4f}** | the amount of ink: {ink:.4f} | >= 0.9 |",
        f"| DCGAN checkpoint: samples called with confidence >= 0.9; rarest class | **{pct(dcgan)}**; {pct(rarest)} | "
        f"real test digits: {pct(real)}; 10 % each | >= 90 %; >= 5 % |",
        f"| conditional GAN checkpoint: samples drawn as the digit asked for | **{pct(as_asked)}** | - | >= 95 % |",
    ]
    return "\n".join(lines)


def test_readme_gives_the_headline_numbers_beside_their_anchors():
    assert headline_table() in (ROOT / "README.md").read_text(), "README's headline table:\n" + headline_table()


@pytest.mark.parametrize("path, phrase", quotes(), ids=lambda x: x if x.endswith((".md", ".ipynb")) else x[:50])
def test_what_a_text_calls_measured_is_what_the_benchmarks_measured(path, phrase):
    assert " ".join(phrase.split()) in text(path), (
        f"{path} should say {phrase!r}, as benchmarks/results.json has it; update the text to the latest benchmark run")


@pytest.mark.parametrize("benchmark", ["cnn", "rnn", "activity", "text", "gen", "hub", "grading", "vision"])
def test_readme_tables_are_the_rows_of_results_json(benchmark):
    readme = [line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith(f"| {benchmark} |")]
    rows = [line for line in results.markdown(ROWS).splitlines() if line.startswith(f"| {benchmark} |")]
    assert readme == rows, "README's table differs from benchmarks/results.md: copy its rows into README"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_header_and_readme_give_the_measured_run_times(path):
    name = f"notebooks/{path.name}"
    ci, lite = seconds(name, "ci"), seconds(name, "lite")
    header = " ".join(nbformat.read(path, as_version=4).cells[0].source.split())
    assert f"{ci} under `ci` and {lite} under `lite`" in header, f"the header should say: {ci} under `ci` and {lite} under `lite`"
    readme = text("README.md")
    assert f"| notebook {path.name[:2]}, `ci` / `lite` | {ci} / {lite} |" in readme
    listed = re.search(rf"\(notebooks/{re.escape(path.name)}\) \|[^|]*\| ([^|]*) \|", readme)
    assert listed and listed.group(1).strip() == ci, f"README's list of notebooks should give {ci} for {path.name}"


@pytest.mark.concerns(*(p.stem for p in sorted((ROOT / "slides").glob("*.ipynb"))))
@pytest.mark.parametrize("profile", ["ci", "lite"])
def test_readme_gives_the_decks_measured_run_times(profile):
    decks = sorted((ROOT / "slides").glob("*.ipynb"))
    times = " / ".join(seconds(f"slides/{deck.name}", profile) for deck in decks)
    assert f"| decks 01 / 02 / 03, `{profile}` | {times} |" in text("README.md")


def test_readme_gives_the_suites_measured_times():
    ci, tests = row("suite", "bash .ci/run on a fresh clone"), value("suite", "tests passed")
    readme = text("README.md")
    assert f"then `make test`: {tests:.0f} tests) | {round(ci['value'])} s |" in readme
    assert f"| `make test` inside it | {suite_seconds('pytest inside it (make test)')} |" in readme
    assert (f"| the two-worker test / the browser test (JupyterLab in Chromium) | {suite_seconds('the two-worker test')} / "
            f"{suite_seconds('the browser test (JupyterLab in Chromium)')} |") in readme
    assert (f"| the hub test: eight students at once / a login in Chromium | "
            f"{suite_seconds('the hub test: eight students at once')} / {suite_seconds('the hub test: a login in Chromium')} |"
            ) in readme
    assert (f"| `make release` / `make slides` (decks under `lite`) | {suite_seconds('make release')} / "
            f"{suite_seconds('make slides')} |") in readme
    assert f"| `make check` / `make test NB=06` | {suite_seconds('make check')} / {suite_seconds('make test NB=06')} |" in readme


def suite_parts_table() -> str:
    """README's table of the suite's parts: each part's seconds from the suite benchmark, in the benchmark's order."""
    parts = [r for r in ROWS if r["benchmark"] == "suite" and r["model"].startswith("part: ")]
    total = sum(r["value"] for r in parts)
    lines = ["| part of `make test` | seconds (all workers) | share |", "|---|---|---|"]
    lines += [f"| {r['model'][6:]} | {round(r['value'])} | {100 * r['value'] / total:.0f} % |" for r in parts]
    return "\n".join(lines)


def test_readme_explains_the_suite_with_its_measured_times():
    readme = text("README.md")
    testing = (f"| `make test` | every test below; CI runs it through `bash .ci/run` | "
               f"{suite_seconds('pytest inside it (make test)')}; "
               f"`bash .ci/run` on a fresh clone, a new `.venv` included: {suite_seconds('bash .ci/run on a fresh clone')} |")
    assert " ".join(testing.split()) in readme
    assert f"its measured numbers and hygiene (a number, a name such as `vae`, a deck as `slides/01`; several: " \
           f"`NB=\"06 10\"`) | {suite_seconds('make test NB=06')} |" in readme
    assert f"benchmarks' smoke runs | {suite_seconds('make check')} |" in readme
    assert f"in {suite_seconds('make test NB=06')}; a deck" in readme
    assert f"`make check` ({suite_seconds('make check')})" in readme
    assert suite_parts_table() in (ROOT / "README.md").read_text(), "README's table of the suite's parts:\n" + suite_parts_table()


def test_readme_gives_what_the_clients_benchmark_found():
    rows = [r for r in ROWS if r["benchmark"] == "clients"]
    runs = sum(int(r["metric"].rsplit(" ", 1)[1]) for r in rows)
    finished = sum(int(r["value"]) for r in rows)
    per_way = {int(r["metric"].rsplit(" ", 1)[1]) for r in rows if r["model"].startswith("02_")}
    assert len(per_way) == 1, "notebook 02 should have run equally often each way"
    rest = "none hung" if finished == runs else f"{runs - finished} did not finish"
    assert (f"{finished} of its {runs} runs finished (every notebook from both folders with both tools, notebook 02 "
            f"{per_way.pop()} times each way), {rest}") in text("README.md")
