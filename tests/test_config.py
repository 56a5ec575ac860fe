"""The config: every knob validated, the URL round trip, bad links falling back with notices."""
from __future__ import annotations

import pytest

from playground.training import config as cfg
from playground.training.config import DEFAULT, KNOBS, PRESETS, Config
from playground.training.trainer import Trainer


def test_default_and_presets_are_valid_and_build():
    DEFAULT.validate()
    for preset in PRESETS.values():
        trainer = Trainer(preset.config)
        assert trainer.head_notice is None, preset.name
        assert trainer.step(3) == 3


def test_presets_are_what_they_say():
    tf = PRESETS["tf_default"].config
    assert (tf.dataset, tf.hidden_layers, tf.hidden_activation, tf.batch_size) == ("circle", (4, 2), "tanh", 10)
    blog = Trainer(PRESETS["blog_iris"].config)
    assert blog.network.layer_sizes == [4, 10, 2]
    assert (blog.network.output, blog.network.loss, blog.network.activation) == \
        ("one_vs_rest", "squared_error", ["sigmoid"])
    assert blog.batch_size == len(blog.dataset.X_train)          # full batch
    assert Trainer(PRESETS["xor_no_hidden"].config).network.layer_sizes == [2, 1]


def test_url_round_trip_reproduces_the_config_exactly():
    config = Config(dataset="spiral_multi", noise=15, n_points=750, n_classes=4, train_percent=70,
                    features=("x1", "x2", "sin(x1)"), hidden_layers=(8, 3, 5),
                    layer_activations=("relu", "tanh", "elu"),
                    output="softmax", loss="squared_error", init="he", seed=1234, learning_rate=0.003,
                    optimizer="adam", beta1=0.8, batch_size=32, regularization="l2", regularization_rate=0.001,
                    dropout=0.25, speed=50, show_test=True, discretize=True, log_scale=True, data_seed=99)
    query = config.to_query()
    assert set(query) == {k.name for k in KNOBS}
    parsed, notices = Config.from_query(query)
    assert notices == [] and parsed == config


def test_same_url_gives_the_same_data_and_initial_network():
    query = DEFAULT.with_changes(dataset="moons", seed=7, data_seed=3, noise=20).to_query()
    first, second = Trainer(Config.from_query(query)[0]), Trainer(Config.from_query(query)[0])
    assert (first.dataset.raw_train == second.dataset.raw_train).all()
    for a, b in zip(first.network.weights, second.network.weights):
        assert (a == b).all()


@pytest.mark.parametrize("name, text", [
    ("learning_rate", "banana"), ("learning_rate", "1e9"), ("learning_rate", "nan"), ("learning_rate", "inf"),
    ("hidden_layers", "999"), ("hidden_layers", "4,,2"), ("hidden_layers", ",".join(["3"] * 11)),
    ("dataset", "<script>"), ("features", "x1,x1"), ("features", ""), ("noise", "-5"), ("batch_size", "0"),
    ("optimizer", "lbfgs"), ("show_test", "maybe"), ("seed", "1" * 400), ("output", "relu"),
])
def test_bad_url_values_fall_back_with_a_notice(name, text):
    parsed, notices = Config.from_query({name: text, "noise": "10"} if name != "noise" else {name: text})
    assert getattr(parsed, name) == getattr(DEFAULT, name)
    assert len(notices) == 1 and repr(name) in notices[0]
    if name != "noise":
        assert parsed.noise == 10           # the good parameters still apply


def test_unknown_parameters_are_ignored_with_a_notice():
    parsed, notices = Config.from_query({"foo": "1", "seed": "5"})
    assert parsed == DEFAULT.with_changes(seed=5)
    assert notices == ["Ignored the unknown URL parameter 'foo'."]


def test_a_preset_parameter_starts_from_that_preset_and_the_others_change_it():
    parsed, notices = Config.from_query({"preset": "hard_spiral", "seed": "7"})
    assert notices == []
    assert parsed == PRESETS["hard_spiral"].config.with_changes(seed=7)
    assert parsed != DEFAULT.with_changes(seed=7)


def test_an_unknown_preset_is_ignored_with_a_notice_naming_the_presets():
    parsed, notices = Config.from_query({"preset": "<b>nope</b>", "seed": "7"})
    assert parsed == DEFAULT.with_changes(seed=7)
    assert len(notices) == 1 and "'<b>nope</b>'" in notices[0] and "hard_spiral" in notices[0]


def test_repeated_parameters_use_the_last_value():
    parsed, _ = Config.from_query({"seed": ["1", "2"]})
    assert parsed.seed == 2


def test_with_changes_validates():
    with pytest.raises(ValueError, match="from 1e-05 to 10"):
        DEFAULT.with_changes(learning_rate=20.0)
    with pytest.raises(ValueError):
        DEFAULT.with_changes(hidden_layers=(65,))


def test_which_changes_need_a_rebuild():
    assert Config.needs_rebuild(DEFAULT, DEFAULT.with_changes(hidden_layers=(4,)))
    assert Config.needs_rebuild(DEFAULT, DEFAULT.with_changes(data_seed=1))
    assert Config.needs_rebuild(DEFAULT, DEFAULT.with_changes(init="zeros"))
    for live in (dict(learning_rate=0.1), dict(optimizer="adam"), dict(regularization="l1"), dict(dropout=0.5),
                 dict(batch_size=30), dict(speed=100), dict(show_test=True)):
        assert not Config.needs_rebuild(DEFAULT, DEFAULT.with_changes(**live)), live


def test_per_layer_activations():
    config = DEFAULT.with_changes(hidden_layers=(3, 3), layer_activations=("relu", "sine"))
    assert config.activations == ["relu", "sine"]
    assert Trainer(config).network.activation == ["relu", "sine"]
    assert DEFAULT.with_changes(layer_activations=("relu",)).activations == ["tanh", "tanh"]


def test_a_config_matches_the_preset_it_was_loaded_from_whatever_it_shows():
    for name, preset in cfg.PRESETS.items():
        assert cfg.matching_preset(preset.config) == name
        assert cfg.matching_preset(preset.config.with_changes(speed=50, show_test=True, log_scale=True)) == name
        assert cfg.matching_preset(preset.config.with_changes(seed=preset.config.seed + 1)) is None
    assert cfg.matching_preset(cfg.DEFAULT) is None
