"""The playground page, driven through ``streamlit.testing.v1.AppTest`` on the real ``app.py``.

``app.py`` uses ``st.navigation``; AppTest runs it (the default page is the playground).
Values are read from ``at.session_state`` (the config and the trainer) and from what the
page shows (``at.metric``, ``at.error``, ``at.warning``, ``at.info``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground.training import config as cfg
from playground.training.trainer import Trainer
from playground.ui import playground_page
from testkit.app_test import open_app

REPO = Path(__file__).resolve().parents[2]
BAD_CSV = REPO / "tests" / "data" / "bad_csv"
GOOD_CSV = REPO / "tests" / "data" / "good_csv"


def metric(at: AppTest, label: str) -> str:
    matches = [m for m in at.metric if m.label == label]
    assert matches, f"no metric labelled {label!r}: {[m.label for m in at.metric]}"
    return matches[0].value


def metric_delta(at: AppTest, label: str) -> str | None:
    return next(m.delta for m in at.metric if m.label == label)


def trainer(at: AppTest) -> Trainer:
    return at.session_state["trainer"]


def trained_ahead(at: AppTest) -> Trainer:
    """The copy of the trainer a playing rerun trained for the next one to show."""
    return at.session_state[playground_page.TRAINED_AHEAD].trainer


def config(at: AppTest) -> cfg.Config:
    return at.session_state["settings"]


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def assert_same_parameters(actual: Trainer, expected: Trainer) -> None:
    assert len(actual.network.weights) == len(expected.network.weights)
    for got, want in zip(actual.network.weights + actual.network.biases,
                         expected.network.weights + expected.network.biases):
        np.testing.assert_array_equal(got, want)


# -- the default page -----------------------------------------------------------------------------
def test_the_page_opens_on_the_default_setup_at_iteration_zero():
    at = open_app()

    assert config(at) == cfg.DEFAULT
    assert trainer(at).network.layer_sizes == [2, 4, 2, 1]
    assert metric(at, "Iteration") == "0"
    assert metric(at, "Epoch") == "0"
    assert [m.label for m in at.metric] == ["Iteration", "Epoch", "Training loss", "Test loss",
                                           "Training accuracy", "Test accuracy"]
    assert not at.error and not at.warning
    assert at.session_state["playing"] is False
    # The URL carries the whole set-up, seed included.
    assert at.query_params.get("seed") in ("0", ["0"])
    assert at.query_params.get("hidden_layers") in ("4,2", ["4,2"])


def test_step_moves_the_iteration_to_one_and_changes_the_loss():
    at = open_app()
    loss_before = trainer(at).metrics["train_loss"]
    weights_before = [w.copy() for w in trainer(at).network.weights]

    click(at, "step")

    assert trainer(at).iteration == 1
    assert metric(at, "Iteration") == "1"
    loss_after = trainer(at).metrics["train_loss"]
    assert loss_after != loss_before
    assert metric(at, "Training loss") == f"{loss_after:.3f}"
    # The change since the last frame is shown beside the loss.
    assert metric_delta(at, "Training loss") == f"{loss_after - loss_before:+.4f}"
    assert any(not np.array_equal(a, b) for a, b in zip(weights_before, trainer(at).network.weights))


def test_step_epoch_runs_one_pass_over_the_training_data():
    at = open_app()
    per_epoch = trainer(at).iterations_per_epoch
    assert per_epoch == 25          # 250 training points, batch 10

    click(at, "step_epoch")

    assert trainer(at).iteration == per_epoch
    assert metric(at, "Epoch") == "1"
    assert metric(at, "Iteration") == f"{per_epoch}"


def test_a_step_epoch_cut_short_by_its_time_limit_says_so(monkeypatch):
    from playground.ui import playground_page

    monkeypatch.setattr(playground_page, "STEP_SECONDS", 0.0)
    at = open_app({"batch_size": "1"})                # 250 iterations an epoch
    click(at, "step_epoch")
    ran = trainer(at).iteration
    assert 1 <= ran < 250 and metric(at, "Iteration") == f"{ran}"
    assert any(f"Ran {ran} of this epoch's 250 iterations" in i.value for i in at.info), [i.value for i in at.info]


# -- architecture -------------------------------------------------------------------------------
def test_adding_a_layer_rebuilds_the_network_at_iteration_zero():
    at = open_app()
    click(at, "step")
    click(at, "step")
    assert trainer(at).iteration == 2

    click(at, "layers_plus")

    assert config(at).hidden_layers == (4, 2, 2)
    assert trainer(at).network.layer_sizes == [2, 4, 2, 2, 1]
    assert trainer(at).iteration == 0
    assert metric(at, "Iteration") == "0"
    # The new layer has its own +/- buttons.
    assert at.button(key="neurons_plus_2") is not None


def test_neuron_and_layer_buttons_change_the_layer_sizes():
    at = open_app()
    click(at, "step")

    click(at, "neurons_plus_0")
    assert trainer(at).network.layer_sizes == [2, 5, 2, 1]
    assert trainer(at).iteration == 0

    click(at, "neurons_minus_1")
    assert trainer(at).network.layer_sizes == [2, 5, 1, 1]
    assert at.button(key="neurons_minus_1").disabled     # cannot go below one neuron

    click(at, "layers_minus")
    click(at, "layers_minus")
    assert config(at).hidden_layers == ()
    assert trainer(at).network.layer_sizes == [2, 1]
    assert at.button(key="layers_minus").disabled
    assert not at.exception


def test_reset_restores_the_same_initial_weights():
    at = open_app()
    fresh = Trainer(config(at))
    assert_same_parameters(trainer(at), fresh)
    for _ in range(3):
        click(at, "step")
    assert trainer(at).iteration == 3
    assert any(not np.array_equal(a, b) for a, b in zip(trainer(at).network.weights, fresh.network.weights))

    click(at, "reset")

    assert trainer(at).iteration == 0
    assert metric(at, "Iteration") == "0"
    assert_same_parameters(trainer(at), Trainer(config(at)))
    assert_same_parameters(trainer(at), fresh)


# -- presets ------------------------------------------------------------------------------------
def load_preset(at: AppTest, name: str) -> AppTest:
    return at.selectbox(key="preset_choice").set_value(name).run()


def test_the_blog_iris_preset_loads():
    at = open_app()

    load_preset(at, "blog_iris")

    assert config(at) == cfg.PRESETS["blog_iris"].config
    assert trainer(at).dataset.name.lower().startswith("iris")
    assert trainer(at).network.layer_sizes == [4, 10, 2]
    assert trainer(at).network.output == "one_vs_rest"
    assert at.selectbox(key="w_dataset").value == "iris"      # the widgets show the preset
    assert trainer(at).iteration == 0
    assert not at.error and not at.warning
    click(at, "step")
    assert trainer(at).iteration == 1


# -- the URL ------------------------------------------------------------------------------------
def test_a_url_with_bad_values_falls_back_to_defaults_with_a_notice():
    at = open_app({"learning_rate": "banana", "hidden_layers": "999", "foo": "1"})

    warnings = " ".join(w.value for w in at.warning)
    assert "learning_rate" in warnings and "banana" in warnings
    assert "hidden_layers" in warnings
    assert "foo" in warnings
    assert len(at.warning) == 3
    assert config(at) == cfg.DEFAULT
    assert trainer(at).network.layer_sizes == [2, 4, 2, 1]
    # The notices are shown once; the address bar is rewritten with valid values.
    at.run()
    assert not at.exception and not at.warning
    assert at.query_params.get("learning_rate") in ("0.03", ["0.03"])
    assert "foo" not in at.query_params


def test_a_short_preset_link_opens_the_preset_and_the_address_bar_gets_every_setting():
    at = open_app({"preset": "hard_spiral"})
    assert not at.warning
    assert config(at) == cfg.PRESETS["hard_spiral"].config
    assert at.query_params.get("dataset") in ("spiral", ["spiral"])
    assert "preset" not in at.query_params


def test_a_url_reproduces_the_same_data_and_initial_network():
    query = {"dataset": "xor", "hidden_layers": "8,3", "seed": "7", "data_seed": "3", "learning_rate": "0.1",
             "hidden_activation": "relu"}
    at = open_app(query)

    expected = cfg.DEFAULT.with_changes(dataset="xor", hidden_layers=(8, 3), seed=7, data_seed=3,
                                        learning_rate=0.1, hidden_activation="relu")
    assert config(at) == expected
    assert not at.warning
    fresh = Trainer(expected)
    assert_same_parameters(trainer(at), fresh)
    np.testing.assert_array_equal(trainer(at).dataset.X_train, fresh.dataset.X_train)


# -- CSV upload ---------------------------------------------------------------------------------
def choose_csv(at: AppTest, path: Path) -> AppTest:
    at.selectbox(key="w_dataset").set_value("csv").run()
    assert "Upload a CSV file" in " ".join(i.value for i in at.info)
    at.file_uploader(key="csv_file").upload(path.name, path.read_bytes(), "text/csv").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("name", "words"), [
    ("ragged_rows.csv", "Line 7 has 4 values"),
    ("one_class.csv", "only one class"),
    ("binary_data.csv", "not a CSV text file"),
])
def test_a_csv_error_is_shown_as_a_message(name, words):
    at = choose_csv(open_app(), BAD_CSV / name)

    shown = [e.value for e in at.error] + [i.value for i in at.info]
    assert any(words in text for text in shown), shown
    assert trainer(at) is None
    assert words in at.session_state["build_error"]
    assert not at.metric          # no training view without data


def test_a_csv_error_in_session_state_is_shown_as_a_message():
    """The same path without the uploader: bytes stored as the sidebar stores them."""
    at = open_app()
    data = (BAD_CSV / "too_few_rows.csv").read_bytes()
    at.session_state["csv_upload"] = {"name": "too_few_rows.csv", "size": len(data), "data": data,
                                      "target": None}
    at.selectbox(key="w_dataset").set_value("csv").run()

    assert not at.exception
    shown = [e.value for e in at.error]
    assert any(m.startswith("too_few_rows.csv: ") and "at least 10 are needed" in m for m in shown), shown


def test_a_good_csv_trains():
    at = choose_csv(open_app(), GOOD_CSV / "semicolon.csv")

    assert trainer(at) is not None, at.session_state["build_error"]
    assert not at.error
    click(at, "step")
    assert trainer(at).iteration == 1


# -- nothing raises -----------------------------------------------------------------------------
def test_every_dataset_opens_and_steps_without_an_exception():
    at = open_app()
    for name in cfg.DATASET_CHOICES:
        at.selectbox(key="w_dataset").set_value(name).run()
        assert not at.exception, (name, at.exception)
        assert config(at).dataset == name
        if name == "csv":
            assert trainer(at) is None
            continue
        assert not at.error, (name, [e.value for e in at.error])
        assert trainer(at).iteration == 0, name
        click(at, "step")
        assert trainer(at).iteration == 1, name
        assert metric(at, "Iteration") == "1", name
        assert all(m.value not in ("nan", "inf") for m in at.metric), name


def test_the_preset_menu_says_which_preset_is_loaded_until_the_set_up_changes():
    at = open_app()
    menu = lambda: at.selectbox(key="preset_choice")  # noqa: E731
    assert menu().value is None                           # the first page is not a preset

    load_preset(at, "xor_one_hidden")
    assert menu().value == "xor_one_hidden"
    at.checkbox(key="w_show_test").check().run()          # what is shown: still the preset
    assert config(at).show_test and menu().value == "xor_one_hidden"
    at.select_slider(key="w_learning_rate").set_value(0.3).run()   # how it trains: its own now
    assert menu().value is None
    assert "Your own set-up" in " ".join(c.value for c in at.sidebar.caption)

    load_preset(at, "xor_one_hidden")                     # the same preset again loads it again
    assert config(at) == cfg.PRESETS["xor_one_hidden"].config and menu().value == "xor_one_hidden"


def test_every_preset_loads_and_steps_without_an_exception():
    at = open_app()
    for name, preset in cfg.PRESETS.items():
        load_preset(at, name)
        assert config(at) == preset.config, name
        assert trainer(at).iteration == 0, name
        assert not at.error, (name, [e.value for e in at.error])
        click(at, "step")
        assert trainer(at).iteration == 1, name


# -- playing ------------------------------------------------------------------------------------
def test_play_advances_and_pause_stops():
    at = open_app({"speed": "5"})

    click(at, "play")
    assert at.session_state["playing"] is True
    assert at.button(key="pause").label == "Pause"
    assert at.button(key="step").disabled
    first = trained_ahead(at).iteration
    assert first > 0 and first % 5 == 0          # whole frames of `speed` iterations, trained ahead on a copy
    assert metric(at, "Iteration") == "0"         # the first playing rerun draws where it starts
    assert trainer(at).iteration == 0             # and the visitor's trainer stays where the screen is
    at.run()                                      # the next frame batch (run_every in the browser)
    assert not at.exception
    assert trainer(at).iteration == first         # the copy became the visitor's trainer
    assert metric(at, "Iteration") == f"{first:,}"   # each rerun draws what the one before trained
    assert trained_ahead(at).iteration > first

    click(at, "pause")
    assert at.session_state["playing"] is False
    assert at.button(key="play").label == "Play"
    # Paused where the screen was: nothing trained ahead lands.
    assert trainer(at).iteration == first
    assert metric(at, "Iteration") == f"{first:,}"
    at.run()
    assert trainer(at).iteration == first


def test_the_speed_slider_sets_iterations_per_frame(monkeypatch):
    # A frame trains `speed` iterations unless its time budget runs out first; on a loaded
    # machine 100 iterations can outlast the 50 ms budget, so the budget is lifted here.
    monkeypatch.setattr(playground_page, "FRAME_TRAINING_SECONDS", 60.0)
    at = open_app()
    at.select_slider(key="w_speed").set_value(100).run()
    assert config(at).speed == 100

    click(at, "play")

    assert trained_ahead(at).iteration >= 100 and trained_ahead(at).iteration % 100 == 0
    click(at, "pause")


def test_a_frame_stops_training_when_its_time_budget_is_spent(monkeypatch):
    monkeypatch.setattr(playground_page, "FRAME_TRAINING_SECONDS", 0.0)
    at = open_app({"speed": "1000"})

    click(at, "play")

    frames = playground_page.FRAMES_PER_RUN
    ran = trained_ahead(at).iteration
    assert 0 < ran < 1000 * frames     # cut short: whole groups of 8 iterations per frame
    assert ran % 8 == 0
    click(at, "pause")


def test_divergence_pauses_and_says_why():
    at = open_app({"dataset": "plane", "learning_rate": "10", "hidden_layers": "8,8", "hidden_activation": "relu",
                   "init": "he", "batch_size": "5000", "speed": "100"})

    click(at, "play")

    assert trainer(at).diverged is not None
    assert "diverged" in trainer(at).diverged
    assert at.session_state["playing"] is False
    assert any("diverged" in e.value for e in at.error)
    assert at.button(key="play").label == "Play"
    assert all(m.value.lower() not in ("nan", "inf") for m in at.metric)


# -- the model file between a notebook and the app -----------------------------------------------
def test_a_notebook_model_opens_in_the_app_and_an_app_model_in_a_notebook():
    from sklearn.datasets import load_iris

    from playground import PlaygroundClassifier

    X, y = load_iris(return_X_y=True, as_frame=True)
    y = y.map(dict(enumerate(load_iris().target_names)))
    notebook = PlaygroundClassifier(hidden_layer_sizes=(6,), activation="tanh", learning_rate_init=0.01,
                                    max_iter=400, random_state=0).fit(X, y)
    at = open_app()
    at.file_uploader(key="model_upload").upload("iris_model.json", notebook.to_model_json().encode(),
                                                "application/json").run()
    assert not at.exception, at.exception
    # The app picked the table the model's input names belong to, and its architecture.
    assert config(at).dataset == "iris" and trainer(at).network.layer_sizes == [4, 6, 3]
    assert not at.session_state["model_error"]
    # The app's (standardised) network computes what the notebook's computes on raw data.
    data = trainer(at).dataset
    raw = data.raw_train
    raw_frame = X.iloc[:0].reindex(range(len(raw))).astype(float)
    raw_frame.iloc[:, :] = raw
    np.testing.assert_allclose(trainer(at).predict(data.X_train), notebook.predict_proba(raw_frame), rtol=1e-9,
                               atol=1e-12)

    # ... and the app's download opens in a notebook with the same predictions.
    from playground.ui.downloads import model_json

    reopened = PlaygroundClassifier.from_model_json(model_json(trainer(at)))
    np.testing.assert_allclose(reopened.predict_proba(raw_frame), notebook.predict_proba(raw_frame), rtol=1e-9,
                               atol=1e-12)


def test_a_tampered_model_file_is_a_clear_message():
    at = open_app()
    at.file_uploader(key="model_upload").upload("model.json", b'{"format": "neural-playground-model", '
                                                b'"version": 99}', "application/json").run()
    assert not at.exception, at.exception
    assert any("version" in e.value for e in at.error), [e.value for e in at.error]


def test_going_back_to_an_earlier_iteration_replays_the_same_training():
    at = open_app()
    for _ in range(10):
        click(at, "step")
    reference = trainer(at).history.column("train_loss").copy()
    at.select_slider(key="rewind_to_10").set_value(8).run()
    click(at, "rewind")
    assert trainer(at).iteration == 8 and len(trainer(at).history) == 9
    assert any("Back at iteration 8" in t.value for t in at.toast)
    click(at, "step")
    click(at, "step")
    np.testing.assert_array_equal(trainer(at).history.column("train_loss"), reference)


def test_the_labs_url_parameters_are_not_the_playgrounds_business():
    at = open_app({"rl_task": "sine", "rl_cell": "rnn", "seed": "3"})
    assert not at.warning and config(at).seed == 3


@pytest.mark.parametrize("hidden_layers", [(4, 2), (8,) * 6, (64,) * 4, (cfg.MAX_NEURONS,) * cfg.MAX_HIDDEN_LAYERS])
def test_a_playing_rerun_draws_the_diagram_over_at_most_links_per_run_links(hidden_layers):
    network = Trainer(cfg.DEFAULT.with_changes(hidden_layers=hidden_layers)).network
    stride = playground_page.diagram_stride(network)
    n_links = sum(weights.size for weights in network.weights)
    diagrams_per_run = -(-playground_page.FRAMES_PER_RUN // stride)
    assert stride >= playground_page.DIAGRAM_EVERY
    assert diagrams_per_run * n_links <= max(playground_page.LINKS_PER_RUN, n_links)
    if n_links * -(-playground_page.FRAMES_PER_RUN // playground_page.DIAGRAM_EVERY) <= playground_page.LINKS_PER_RUN:
        assert stride == playground_page.DIAGRAM_EVERY      # small networks keep every third frame
