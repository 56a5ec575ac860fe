"""Tests of the sequence tasks: each task's defining property, baselines, seeding, errors."""
from __future__ import annotations

import numpy as np
import pytest

from playground.data import DataError
from playground.data.sequences import (
    SEQUENCE_TASKS,
    TEMPORAL_ORDER_SYMBOLS,
    adding_batch,
    get_task,
    load_corpus,
    make_batch,
    sine_batch,
    temporal_order_batch,
    temporal_order_classes,
    temporal_order_positions,
    text_baseline,
    text_batch,
    validation_set,
)


# -- adding problem ----------------------------------------------------------------------------
@pytest.mark.parametrize("length", [10, 57, 200])
def test_adding_targets_are_the_sum_of_the_two_marked_values(length):
    batch = adding_batch(500, length, rng=3)
    values, markers = batch.inputs[:, :, 0], batch.inputs[:, :, 1]
    assert batch.inputs.shape == (500, length, 2) and batch.inputs.dtype == np.float64
    assert batch.targets.shape == (500, 1) and batch.targets.dtype == np.float64
    assert np.all((values >= 0) & (values < 1))
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert np.all(markers.sum(axis=1) == 2)
    np.testing.assert_array_equal(batch.marks, markers == 1)
    # One mark in each half.
    half = length // 2
    assert np.all(markers[:, :half].sum(axis=1) == 1) and np.all(markers[:, half:].sum(axis=1) == 1)
    for i in range(500):
        marked = values[i][markers[i] == 1]
        assert batch.targets[i, 0] == marked[0] + marked[1]


def test_adding_baseline_is_one_sixth_from_a_large_sample():
    # Two values from U[0, 1]: the sum has mean 1 and variance 2/12 = 1/6, so always
    # predicting the mean scores an MSE of 1/6. With 100,000 sums the estimate's standard
    # error is about sqrt((1/15 - 1/36) / 100000) = 0.0006.
    targets = adding_batch(100_000, 10, rng=0).targets[:, 0]
    assert np.mean(targets) == pytest.approx(1.0, abs=0.003)
    assert np.mean((targets - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.002)
    assert np.mean((targets - targets.mean()) ** 2) == pytest.approx(1 / 6, abs=0.002)
    assert SEQUENCE_TASKS["adding"].baseline == 1 / 6


# -- temporal order ------------------------------------------------------------------------------
@pytest.mark.parametrize("relevant_symbols,length", [(2, 50), (2, 10), (3, 100)])
def test_temporal_order_labels_match_the_definition(relevant_symbols, length):
    batch = temporal_order_batch(400, length, rng=1, relevant_symbols=relevant_symbols)
    assert batch.inputs.shape == (400, length, 8)
    assert np.all(batch.inputs.sum(axis=2) == 1.0)  # one-hot
    symbols = np.array(TEMPORAL_ORDER_SYMBOLS)[batch.inputs.argmax(axis=2)]
    ranges = temporal_order_positions(length, relevant_symbols)
    classes = temporal_order_classes(relevant_symbols)
    for i in range(400):
        sequence = symbols[i]
        assert sequence[0] == "B" and sequence[-1] == "E"
        relevant = np.flatnonzero(np.isin(sequence, ["X", "Y"]))
        assert len(relevant) == relevant_symbols
        assert all(lo <= p <= hi for p, (lo, hi) in zip(relevant, ranges))
        assert set(sequence[1:-1][~np.isin(sequence[1:-1], ["X", "Y"])]) <= {"a", "b", "c", "d"}
        np.testing.assert_array_equal(np.flatnonzero(batch.marks[i]), relevant)
        # The class is the ordered string of relevant symbols: XX=0, XY=1, YX=2, YY=3.
        assert classes[batch.targets[i]] == "".join(sequence[relevant])


def test_temporal_order_classes_positions_and_chance():
    assert temporal_order_classes() == ["XX", "XY", "YX", "YY"]
    assert len(temporal_order_classes(3)) == 8
    # The paper's positions 10-20 and 50-60 for a length-100 sequence.
    assert temporal_order_positions(100) == [(10, 20), (50, 60)]
    labels = temporal_order_batch(40_000, 20, rng=2).targets
    shares = np.bincount(labels, minlength=4) / len(labels)
    np.testing.assert_allclose(shares, 0.25, atol=0.01)
    # Chance: the best constant guess is right about a quarter of the time.
    assert shares.max() == pytest.approx(SEQUENCE_TASKS["temporal_order"].baseline, abs=0.01)


# -- sine and text -------------------------------------------------------------------------------
def test_sine_targets_are_the_next_value():
    batch = sine_batch(8, 30, rng=0)
    assert batch.inputs.shape == batch.targets.shape == (8, 30, 1)
    np.testing.assert_array_equal(batch.inputs[:, 1:], batch.targets[:, :-1])
    assert np.all(np.abs(batch.inputs) <= 1.0)
    # Predicting the mean (0) scores E[sin^2] = 1/2, the registered baseline.
    big = sine_batch(20_000, 40, rng=1)
    assert np.mean(big.targets ** 2) == pytest.approx(SEQUENCE_TASKS["sine"].baseline, abs=0.01)


def test_text_windows_predict_the_next_character():
    corpus = load_corpus()
    assert 20_000 < len(corpus.text) < 60_000
    assert corpus.text == corpus.text.lower()
    batch = text_batch(16, 40, rng=0)
    V = len(corpus.vocabulary)
    assert batch.inputs.shape == (16, 40, V) and batch.targets.shape == (16, 40)
    inputs = batch.inputs.argmax(axis=2)
    np.testing.assert_array_equal(inputs[:, 1:], batch.targets[:, :-1])
    training_text = corpus.text[:corpus.split]
    for i in range(16):
        window = corpus.decode(np.r_[inputs[i], batch.targets[i, -1]])
        assert window in training_text
    validation = text_batch(16, 40, rng=0, split="validation")
    for i in range(16):
        assert corpus.decode(validation.inputs[i].argmax(axis=1)) in corpus.text[corpus.split:]
    np.testing.assert_array_equal(corpus.encode("the"), [corpus.vocabulary.index(c) for c in "the"])
    assert corpus.decode(corpus.encode("a tyger")) == "a tyger"
    # Predicting the character frequencies beats uniform guessing, log V nats.
    assert 2.0 < text_baseline() < np.log(V)


# -- registry, seeding, validation sets, errors --------------------------------------------------
def test_registry_describes_each_task():
    V = len(load_corpus().vocabulary)
    assert list(SEQUENCE_TASKS) == ["sine", "adding", "temporal_order", "text"]
    expectations = {
        "sine": ("many_to_many", 1, 1, "mse"),
        "adding": ("many_to_one", 2, 1, "mse"),
        "temporal_order": ("many_to_one", 8, 4, "cross_entropy"),
        "text": ("many_to_many", V, V, "cross_entropy"),
    }
    for name, (kind, n_in, n_out, loss) in expectations.items():
        task = SEQUENCE_TASKS[name]
        assert (task.kind, task.input_size, task.output_size, task.loss) == (kind, n_in, n_out, loss)
        batch = task.batch(3, task.default_length, rng=0)
        assert batch.inputs.shape == (3, task.default_length, n_in)
        assert batch.inputs.dtype == np.float64
        assert batch.marks.shape == (3, task.default_length)
    assert SEQUENCE_TASKS["temporal_order"].baseline == 0.25
    assert SEQUENCE_TASKS["adding"].min_length == 10 and SEQUENCE_TASKS["adding"].max_length == 200


@pytest.mark.parametrize("name", list(SEQUENCE_TASKS))
def test_seeding(name):
    state = np.random.get_state()[1].copy()
    a = make_batch(name, 4, 20, 5)
    b = make_batch(name, 4, 20, np.random.default_rng(5))
    c = make_batch(name, 4, 20, 6)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    np.testing.assert_array_equal(a.targets, b.targets)
    assert not np.array_equal(a.inputs, c.inputs)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # global state untouched


@pytest.mark.parametrize("name", list(SEQUENCE_TASKS))
def test_validation_set_is_fixed_and_apart_from_training(name):
    one = validation_set(name, 50, 20, seed=0)
    np.testing.assert_array_equal(one.inputs, SEQUENCE_TASKS[name].validation_set(50, 20, seed=0).inputs)
    assert not np.array_equal(one.inputs, make_batch(name, 50, 20, 0).inputs)
    assert not np.array_equal(one.inputs, validation_set(name, 50, 20, seed=1).inputs)
    assert len(one) == 50


@pytest.mark.parametrize("call,message", [
    (lambda: adding_batch(4, 9, 0), "between 10 and 200"),
    (lambda: adding_batch(4, 201, 0), "between 10 and 200"),
    (lambda: adding_batch(0, 50, 0), "batch size"),
    (lambda: sine_batch(4, 2.5, 0), "whole number"),
    (lambda: temporal_order_batch(4, 50, 0, relevant_symbols=4), "2 or 3"),
    (lambda: text_batch(4, 20, 0, split="test"), "split"),
    (lambda: sine_batch(4, 20, -1), "seed"),
    (lambda: sine_batch(4, 20, True), "seed"),
    (lambda: get_task("parity"), "unknown sequence task"),
    (lambda: load_corpus().encode("\u00e9"), "not in the vocabulary"),
])
def test_bad_arguments_raise_data_error(call, message):
    with pytest.raises(DataError, match=message):
        call()
