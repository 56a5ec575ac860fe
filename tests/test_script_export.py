"""The network as a numpy script: run the exported program and compare it with the trainer.

Each set-up is trained a little by the trainer (so that it stops mid-pass, with optimizer
memory), exported, and the script run in a subprocess for N more iterations. Every line it
prints must match the trainer's own history after the same iterations, to 1e-8 relative:
its first line is the loss the page shows, its last the trainer's after N more steps.
"""
from __future__ import annotations

import ast
import math
import re
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import numpy as np
import pandas as pd
import pytest

from playground.data import load_csv
from playground.engine.activations import ACTIVATIONS
from playground.script_export import ACTIVATION_CODE, SIGMOID_CODE, array_literal, numpy_script
from playground.training.config import PRESETS, Config
from playground.training.trainer import Trainer

REPO = Path(__file__).resolve().parents[1]
RELATIVE = 1e-8
LINE = re.compile(r"^iteration (\d+) training loss (\S+)$")
TEST_LINE = re.compile(r"^test loss (\S+) test (accuracy|RMSE) (\S+)$")


def run_script(source: str, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    path = tmp_path / "network.py"
    path.write_text(source)
    # From an empty directory with a bare environment: the script may use nothing of the project.
    return subprocess.run([sys.executable, str(path), *arguments], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin"}, timeout=300)


def printed(result: subprocess.CompletedProcess) -> tuple[list[tuple[int, float]], tuple[float, str, float] | None]:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows, test = [], None
    for line in result.stdout.splitlines():
        if match := LINE.match(line):
            rows.append((int(match[1]), float(match[2])))
            significant = match[2].split("e")[0].replace("-", "").replace(".", "").lstrip("0")
            # At least 12 significant digits, unless the loss is a number that needs fewer.
            value = float(match[2])
            assert len(significant) >= 12 or not math.isfinite(value) or value == float(f"{value:.11g}"), line
        elif match := TEST_LINE.match(line):
            test = (float(match[1]), match[2], float(match[3]))
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return rows, test


def recorded_loss(trainer: Trainer, iteration: int) -> float:
    """The training loss the trainer measured after ``iteration``."""
    history = trainer.history
    return float(history.column("train_loss")[np.flatnonzero(history.iterations == iteration)[0]])


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=1e-15)


def fruit_table():
    return load_csv(REPO / "assets" / "sample.csv", train_fraction=0.6, seed=3)


# name: (config, dataset or None, iterations before the export)
SET_UPS = {
    "circle, tanh, sigmoid head, SGD, L2": (
        Config(dataset="circle", noise=10, hidden_layers=(4, 2), regularization="l2", regularization_rate=0.003),
        None, 23),
    "TF default: sigmoid head with squared error": (PRESETS["tf_default"].config, None, 31),
    "blog iris: one-vs-all, sigmoid, full batch": (PRESETS["blog_iris"].config, None, 40),
    "XOR, no hidden layer": (PRESETS["xor_no_hidden"].config.with_changes(optimizer="momentum"), None, 17),
    "blobs, relu, softmax, Adam, L1": (
        Config(dataset="blobs", n_classes=4, noise=20, hidden_layers=(6,), hidden_activation="relu",
               optimizer="adam", learning_rate=0.01, regularization="l1", regularization_rate=0.001,
               batch_size=16), None, 45),
    "spiral arms, leaky relu + elu, softmax squared error, RMSProp": (
        Config(dataset="spiral_multi", n_classes=3, hidden_layers=(8, 5), layer_activations=("leaky_relu", "elu"),
               output="softmax", loss="squared_error", optimizer="rmsprop", learning_rate=0.003, batch_size=7),
        None, 29),
    "wine, swish + softplus, one-vs-all cross-entropy, momentum, L2": (
        Config(dataset="wine", hidden_layers=(6, 4), layer_activations=("swish", "softplus"), output="one_vs_rest",
               loss="cross_entropy", optimizer="momentum", learning_rate=0.01, batch_size=20,
               regularization="l2", regularization_rate=0.01), None, 12),
    "plane regression, sine + linear, Adam": (
        Config(dataset="plane", noise=20, n_points=300, hidden_layers=(5, 3), layer_activations=("sine", "linear"),
               optimizer="adam", learning_rate=0.003, batch_size=25), None, 9),
    "diabetes regression, sigmoid, SGD with L1, batch 1": (
        Config(dataset="diabetes", hidden_layers=(4,), hidden_activation="sigmoid", learning_rate=0.001,
               regularization="l1", regularization_rate=0.0001, batch_size=1), None, 250),
    "fruit CSV, tanh, softmax, Adam, dropout": (
        Config(dataset="csv", hidden_layers=(8, 8), optimizer="adam", learning_rate=0.01, batch_size=12,
               dropout=0.3), fruit_table, 33),
    "gauss, features x1^2 and sin, sigmoid head, RMSProp, dropout, full batch": (
        Config(dataset="gauss", noise=30, features=("x1", "x2", "x1^2", "sin(x1)"), hidden_layers=(3,),
               optimizer="rmsprop", learning_rate=0.01, batch_size=5000, dropout=0.2), None, 6),
}


@pytest.mark.parametrize("name", SET_UPS)
def test_the_script_trains_on_as_the_trainer_does(name, tmp_path):
    config, dataset, before = SET_UPS[name]
    trainer = Trainer(config, dataset=dataset() if dataset else None)
    assert trainer.step(before) == before
    shown = trainer.metrics
    source = numpy_script(trainer)
    n, every = 60, 20

    rows, test = printed(run_script(source, tmp_path, "--iterations", str(n), "--every", str(every)))

    assert [k for k, _ in rows] == [before, before + 20, before + 40, before + 60]
    assert close(rows[0][1], shown["train_loss"]), (rows[0], shown)
    assert trainer.step(n) == n
    expected = [recorded_loss(trainer, k) for k, _ in rows]
    assert all(close(got, want) for (_, got), want in zip(rows, expected)), (rows, expected)
    assert close(rows[-1][1], trainer.metrics["train_loss"])
    metrics = trainer.metrics
    loss, score_name, score = test
    assert close(loss, metrics["test_loss"])
    assert close(score, metrics["test_accuracy" if score_name == "accuracy" else "test_rmse"])


def test_after_a_rewind_and_live_changes_the_script_still_follows(tmp_path):
    """Resuming from a snapshot and changing batch size and optimizer mid-run change the
    state the script must take over (a fresh pass, new optimizer memory)."""
    trainer = Trainer(Config(dataset="moons", noise=15, hidden_layers=(5,), batch_size=10))
    trainer.step(40)
    trainer.resume_from(25)
    trainer.apply_settings(trainer.config.with_changes(batch_size=7, optimizer="adam", learning_rate=0.01))
    trainer.step(3)
    source = numpy_script(trainer)
    rows, _ = printed(run_script(source, tmp_path, "--iterations", "50"))
    assert [k for k, _ in rows] == [trainer.iteration, trainer.iteration + 50]
    first = trainer.metrics["train_loss"]
    trainer.step(50)
    assert close(rows[0][1], first) and close(rows[1][1], trainer.metrics["train_loss"])


def test_a_script_exported_at_iteration_zero_starts_from_the_initial_network(tmp_path):
    trainer = Trainer(Config(dataset="xor", hidden_layers=(3,), optimizer="momentum"))
    rows, _ = printed(run_script(numpy_script(trainer), tmp_path, "--iterations", "15", "--every", "4"))
    assert [k for k, _ in rows] == [0, 4, 8, 12, 15]
    trainer.step(15)
    assert all(close(loss, recorded_loss(trainer, k)) for k, loss in rows)


def test_a_diverging_run_stops_with_a_message_as_the_trainer_does(tmp_path):
    trainer = Trainer(Config(dataset="plane", hidden_layers=(8, 8), hidden_activation="relu", learning_rate=10.0,
                             batch_size=50))
    source = numpy_script(trainer)
    trainer.step(200)
    assert trainer.diverged, "this set-up was chosen to diverge"
    result = run_script(source, tmp_path, "--iterations", "200", "--every", "1")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = result.stdout.splitlines()
    message = [line for line in lines if line.startswith("training diverged at iteration")]
    assert len(message) == 1 and lines[-2] == message[0], lines[-3:]
    # The script stops when a batch's loss is not finite, before updating; the trainer also
    # stops when the loss it measures after an update is not: it may stop a few iterations
    # earlier, never later. Up to where the trainer stopped, the two agree.
    stopped_at = int(re.search(r"iteration (\d+)", message[0])[1])
    assert trainer.iteration + 1 <= stopped_at <= trainer.iteration + 5, (message, trainer.diverged)
    rows, _ = printed(subprocess.CompletedProcess([], 0, "\n".join(lines[:-2]), ""))
    assert [k for k, _ in rows] == list(range(stopped_at))
    assert all(close(loss, recorded_loss(trainer, k)) for k, loss in rows[:trainer.iteration + 1])


def test_bad_arguments_give_a_usage_message_not_a_traceback(tmp_path):
    source = numpy_script(Trainer(Config(dataset="xor", hidden_layers=(2,))))
    for arguments in (["--iterations", "-3"], ["--iterations", "many"], ["--every", "0"]):
        result = run_script(source, tmp_path, *arguments)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "usage:" in result.stderr and "--iterations" in result.stderr


def test_the_script_imports_numpy_and_the_standard_library_only():
    config, dataset, _ = SET_UPS["fruit CSV, tanh, softmax, Adam, dropout"]
    tree = ast.parse(numpy_script(Trainer(config, dataset=dataset())))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"argparse", "math", "numpy"}


def test_names_from_a_csv_file_cannot_break_the_script(tmp_path):
    """Column and class names are the visitor's: quotes, backslashes and line breaks in them
    must not end the docstring or a comment early. (A line break in a header name is left
    out: the CSV reader does not take it yet.)"""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({'tri"""ple\\x': rng.normal(size=40), "two  spaces": rng.normal(size=40),
                          "kind\\N": np.where(rng.random(40) < 0.5, 'a"""b', "c\\x00\nd")})
    path = tmp_path / 'odd """ name\\.csv'
    frame.to_csv(path, index=False)
    dataset = load_csv(path)
    assert 'tri"""ple\\x' in dataset.feature_names and 'a"""b' in dataset.class_names
    trainer = Trainer(Config(dataset="csv", hidden_layers=(3,)), dataset=dataset)
    source = numpy_script(trainer)
    rows, _ = printed(run_script(source, tmp_path, "--iterations", "4"))
    assert close(rows[0][1], trainer.metrics["train_loss"])
    namespace = {}
    exec(compile(source, "network.py", "exec"), namespace)
    assert namespace["CLASS_NAMES"] == dataset.class_names


def test_the_script_says_where_dropout_masks_come_from():
    config, dataset, _ = SET_UPS["fruit CSV, tanh, softmax, Adam, dropout"]
    source = numpy_script(Trainer(config, dataset=dataset()))
    assert "DROPOUT = 0.3" in source and "the very neurons the playground would" in source


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("size", [12, 3000])   # the engine's tanh switches form above 256 values
def test_written_activations_compute_what_the_engine_does(name, size):
    namespace = {"np": np}
    exec(SIGMOID_CODE, namespace)
    exec(dedent(ACTIVATION_CODE[name]), namespace)
    z = np.random.default_rng(size).normal(0.0, 4.0, size)
    z[:3] = [0.0, -800.0, 800.0]
    engine = ACTIVATIONS[name]
    a = engine.f(z)
    with np.errstate(over="ignore"):    # the script runs under errstate(all="ignore"): e^800 is inf there
        written = namespace[name](z), namespace[f"{name}_derivative"](z, a)
    # The script's tanh is numpy's; the engine's, on large arrays, is within 3e-16 of it.
    np.testing.assert_allclose(written[0], a, rtol=1e-15, atol=3e-16)
    np.testing.assert_allclose(written[1], engine.derivative(z, a), rtol=1e-15, atol=3e-16)


@pytest.mark.parametrize("array", [
    np.array([[0.1, -2.5e-300, 1 / 3], [7.0, 1e20, -0.0]]),
    np.arange(7),
    np.random.default_rng(0).normal(size=(40, 13)),
    np.zeros((0, 4)),
    np.zeros(0, dtype=int),
])
def test_array_literals_read_back_bit_for_bit(array):
    back = eval(array_literal(array), {"np": np})
    assert back.shape == array.shape and back.dtype.kind == array.dtype.kind
    assert np.array_equal(back, array) and np.array_equal(np.signbit(back), np.signbit(array))
