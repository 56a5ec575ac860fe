"""Benchmark of the lab's side-by-side run: how many iterations until the verdict shows the difference.

Run by hand (not part of the test suite)::

    python benchmarks/side_by_side.py                  # every configuration, 5 seeds, about 15 minutes
    python benchmarks/side_by_side.py --configs adding:50:1500 --seeds 2

Each configuration ``task:T:iterations`` is run through the lab's own code path,
``train_side_by_side`` with the lab's default settings (H = 32, batch 32, Adam, learning
rate 0.01, clipping at 1) and that task and T, once per seed, without a time limit. From
each run's validation records (every 50 iterations and at the end of each of its 20 turns)
it prints, per cell, the first recorded iteration at which the cell beat the baseline by
the verdict's rule (``playground.training.verdict.beats_baseline``) and whether it still did
at the end; the verdict's outcome at a few budgets; and the seconds per iteration of the two
cells together (the page's time limit is ``SIDE_BY_SIDE_SECONDS``).
"""
from __future__ import annotations

import os

# One BLAS thread, as the server effectively has on a shared 2-core machine (see benchmarks/recurrent.py).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from playground.training.recurrent_settings import defaults_for  # noqa: E402
from playground.training.recurrent_trainer import SideBySide, train_side_by_side  # noqa: E402
from playground.training.verdict import beats_baseline  # noqa: E402

DEFAULT_CONFIGS = "adding:100:1500,adding:50:1500,adding:30:1000,temporal_order:50:400,temporal_order:100:400"
BUDGETS = (100, 200, 300, 500, 800, 1000, 1500)


def scores_at(result: SideBySide, cell: str) -> tuple[np.ndarray, np.ndarray]:
    """(iterations, scores in the task's metric) of one cell's validation records."""
    validation = result.trainers[cell].validation
    column = "validation_accuracy" if result.settings.sequence_task.metric == "accuracy" else "validation_loss"
    return validation.iterations, validation.column(column)


def outcome(result: SideBySide, budget: int) -> str:
    """The verdict's outcome had the run stopped at ``budget`` iterations: which cells beat the baseline."""
    task = result.settings.sequence_task
    winners = []
    for cell in result.trainers:
        iterations, scores = scores_at(result, cell)
        recorded = iterations <= budget
        if beats_baseline(float(scores[recorded][-1]), task):
            winners.append(cell.upper())
    return " + ".join(winners) if winners else "neither"


def first_beat(result: SideBySide, cell: str) -> str:
    task = result.settings.sequence_task
    iterations, scores = scores_at(result, cell)
    beat = [int(i) for i, s in zip(iterations, scores) if beats_baseline(float(s), task)]
    if not beat:
        return "never"
    return f"{beat[0]}" + ("" if beats_baseline(float(scores[-1]), task) else " (not at the end)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", default=DEFAULT_CONFIGS, help="comma-separated task:T:iterations")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    print("| task | T | seed | LSTM beat baseline at | RNN beat baseline at | final LSTM | final RNN | "
          + " | ".join(f"verdict at {b}" for b in BUDGETS) + " | ms per iteration (both cells) |")
    print("|---" * (8 + len(BUDGETS)) + "|")
    for config in args.configs.split(","):
        task, length, iterations = config.split(":")
        for seed in range(args.seeds):
            start = time.perf_counter()
            result = train_side_by_side(defaults_for(task, length=int(length), seed=seed), int(iterations))
            ms = 1000 * (time.perf_counter() - start) / result.iterations
            finals = {cell: f"{scores_at(result, cell)[1][-1]:.3g}" for cell in ("lstm", "rnn")}
            verdicts = [outcome(result, b) if b <= result.iterations else "" for b in BUDGETS]
            print(f"| {task} | {length} | {seed} | {first_beat(result, 'lstm')} | {first_beat(result, 'rnn')} | "
                  f"{finals['lstm']} | {finals['rnn']} | " + " | ".join(verdicts) + f" | {ms:.1f} |", flush=True)


if __name__ == "__main__":
    main()
