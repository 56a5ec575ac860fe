"""The app's model file: round trips, estimators in and out, and tampered files."""
from __future__ import annotations

import copy
import json
import math
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from playground import (
    LoadedModel,
    ModelFormatError,
    PlaygroundClassifier,
    PlaygroundRegressor,
    estimator_from_model_json,
    model_from_json,
    model_to_json,
)
from playground.engine import Network


def valid_document() -> dict:
    """A small, hand-written version-1 file: 2 inputs, one hidden layer of 2, 3 classes (softmax)."""
    return {
        "format": "neural-playground-model",
        "version": 1,
        "network": {"layer_sizes": [2, 2, 3], "activation": ["tanh"], "output": "softmax",
                    "loss": "cross_entropy", "init": "xavier", "seed": 4},
        "weights": [[[1.0, 0.0], [0.0, 1.0]], [[1, 0, -1], [0, 1, 0]]],
        "biases": [[0.0, 0.0], [0.0, 0.0, 0.0]],
        "classes": ["red", "green", "blue"],
        "feature_names": ["x1", "x2"],
        "config": {"dataset": "spiral", "learning_rate": 0.03, "features": ["x1", "x2"]},
    }


def dump(document) -> str:
    return json.dumps(document)


# -- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("output, loss, sizes", [
    ("softmax", "cross_entropy", [3, 5, 4, 4]),
    ("sigmoid", "squared_error", [2, 3, 1]),
    ("one_vs_rest", "squared_error", [4, 3]),
    ("linear", "squared_error", [2, 6, 2]),
])
def test_network_round_trip_is_exact(output, loss, sizes):
    activation = ["relu", "sine"][: len(sizes) - 2]
    network = Network(sizes, activation=activation, output=output, loss=loss, init="he", seed=11)
    loaded = model_from_json(model_to_json(network))
    assert isinstance(loaded, LoadedModel)
    assert (loaded.network.layer_sizes, loaded.network.activation, loaded.network.output,
            loaded.network.loss, loaded.network.init, loaded.network.seed) == (
        sizes, activation, output, loss, "he", 11)
    for a, b in zip(network.weights + network.biases, loaded.network.weights + loaded.network.biases):
        np.testing.assert_array_equal(a, b)          # repr round-trips every float64 exactly
        assert b.dtype == np.float64
    X = np.random.default_rng(0).normal(size=(7, sizes[0]))
    np.testing.assert_array_equal(network.forward(X), loaded.network.forward(X))
    assert (loaded.classes, loaded.feature_names, loaded.config) == (None, None, None)


def test_document_layout_and_extras_round_trip():
    network = Network([2, 3], output="softmax", seed=1)
    text = model_to_json(network, classes=np.array(["a", "b", "c"]), feature_names=("x1", "x2"),
                         config={"dataset": "xor", "noise": 0.1, "nested": {"list": [1, None, True]}})
    document = json.loads(text)
    assert document["format"] == "neural-playground-model" and document["version"] == 1
    assert document["network"] == {"layer_sizes": [2, 3], "activation": [], "output": "softmax",
                                   "loss": "cross_entropy", "init": "xavier", "seed": 1}
    assert np.shape(document["weights"][0]) == (2, 3) and np.shape(document["biases"][0]) == (3,)
    loaded = model_from_json(text.encode("utf-8"))
    assert loaded.classes == ["a", "b", "c"] and loaded.feature_names == ["x1", "x2"]
    assert loaded.config == {"dataset": "xor", "noise": 0.1, "nested": {"list": [1, None, True]}}


@pytest.mark.filterwarnings("ignore:X does not have valid feature names:UserWarning")
def test_a_hand_written_file_computes_what_the_maths_says():
    # Input x = (ln 3, 0). Hidden a = tanh(x I) = (tanh ln 3, 0) = (0.8, 0), since
    # tanh(ln 3) = (3 - 1/3) / (3 + 1/3) = 0.8. Output z = a W2 = (0.8, 0, -0.8);
    # softmax: e^0.8 / (e^0.8 + 1 + e^-0.8) for "red".
    loaded = model_from_json(dump(valid_document()).encode("utf-8-sig"))   # a BOM is fine
    X = np.array([[math.log(3.0), 0.0]])
    expected = np.exp([0.8, 0.0, -0.8]) / np.exp([0.8, 0.0, -0.8]).sum()
    np.testing.assert_allclose(loaded.network.forward(X), [expected], rtol=1e-12)
    model = PlaygroundClassifier.from_model_json(dump(valid_document()))
    np.testing.assert_allclose(model.predict_proba(X), [expected], rtol=1e-12)
    assert model.predict(X).tolist() == ["red"]
    assert model.classes_.tolist() == ["red", "green", "blue"]   # file order is output order
    assert model.feature_names_in_.tolist() == ["x1", "x2"] and model.n_features_in_ == 2


# -- estimators in and out ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def fitted_iris():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = PlaygroundClassifier(hidden_layer_sizes=(6, 5), activation=["tanh", "relu"],
                                 learning_rate_init=0.01, max_iter=150, random_state=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, names)
    return model, X, names


def test_classifier_to_and_from_the_model_file(fitted_iris):
    model, X, names = fitted_iris
    text = model.to_model_json(config={"dataset": "iris"})
    loaded = model_from_json(text)
    assert loaded.classes == ["setosa", "versicolor", "virginica"] and loaded.config == {"dataset": "iris"}
    again = PlaygroundClassifier.from_model_json(text)
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    assert again.get_params()["hidden_layer_sizes"] == (6, 5)
    assert again.get_params()["activation"] == ["tanh", "relu"]
    assert again.get_params()["random_state"] == 3
    assert again.n_iter_ == 0 and again.loss_curve_ == []
    assert again.to_model_json() == model.to_model_json()
    again.set_params(learning_rate_init=0.01).partial_fit(X, names)     # training goes on
    assert again.n_iter_ == 1 and again.score(X, names) > 0.9


@pytest.mark.filterwarnings("ignore:X does not have valid feature names:UserWarning")
def test_regressor_to_and_from_the_model_file():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (60, 3))
    y = np.column_stack([X.sum(axis=1), X[:, 0] * X[:, 1]])
    model = PlaygroundRegressor(hidden_layer_sizes=(4,), activation="tanh", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    text = model.to_model_json(feature_names=["a", "b", "c"])
    again = estimator_from_model_json(text)
    assert isinstance(again, PlaygroundRegressor) and not hasattr(again, "classes_")
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
    assert again.activation == "tanh" and again.feature_names_in_.tolist() == ["a", "b", "c"]
    with pytest.raises(ModelFormatError, match="regression network .* PlaygroundClassifier cannot use it"):
        PlaygroundClassifier.from_model_json(text)
    with pytest.raises(ModelFormatError, match="classification network .* PlaygroundRegressor"):
        PlaygroundRegressor.from_model_json(dump(valid_document()))


def test_a_classifier_saved_without_labels_gets_class_numbers():
    document = valid_document()
    document["classes"] = document["feature_names"] = None
    model = estimator_from_model_json(dump(document))
    assert isinstance(model, PlaygroundClassifier) and model.classes_.tolist() == [0, 1, 2]
    assert model.predict([[math.log(3.0), 0.0]]).tolist() == [0]


def test_an_app_file_with_unsorted_labels_keeps_their_order_when_training_on():
    document = valid_document()
    document["classes"] = ["zebra", "ant", "moth"]
    document["feature_names"] = None
    model = PlaygroundClassifier.from_model_json(dump(document))
    model.set_params(solver="sgd", learning_rate_init=1.0, shuffle=False)
    before = model.predict_proba([[0.0, 1.0]])[0]
    model.partial_fit([[0.0, 1.0]], ["moth"])                    # "moth" is output 2
    after = model.predict_proba([[0.0, 1.0]])[0]
    assert after[2] > before[2] and after[0] < before[0] and after[1] < before[1]


def test_a_diverged_but_finite_network_can_be_saved_and_opened():
    network = Network([2, 2], output="softmax")
    network.weights[0][0, 0] = 1e300
    network.biases[0][1] = -1.7e308
    loaded = model_from_json(model_to_json(network))
    assert loaded.network.weights[0][0, 0] == 1e300 and loaded.network.biases[0][1] == -1.7e308


# -- saving refuses what it could not read back ---------------------------------------------------
def test_saving_refuses_unwritable_content():
    network = Network([2, 2], output="softmax")
    network.weights[0][0, 0] = np.nan
    with pytest.raises(ModelFormatError, match="NaN or infinity"):
        model_to_json(network)
    network = Network([2, 2], output="softmax")
    with pytest.raises(ModelFormatError, match="class labels must be strings, numbers or booleans"):
        model_to_json(network, classes=[(1, 2), (3, 4)])
    with pytest.raises(ModelFormatError, match="not JSON serializable"):
        model_to_json(network, config={"when": object()})
    with pytest.raises(ModelFormatError, match="'classes' has 3 labels"):
        model_to_json(network, classes=["a", "b", "c"])
    with pytest.raises(ModelFormatError, match="'config' must be an object"):
        model_to_json(network, config=[1, 2])


# -- tampered and malformed files ---------------------------------------------------------------
def tamper(path, value):
    """A valid document with the entry at ``path`` (keys / indices) replaced, or deleted if DELETE."""
    document = valid_document()
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return dump(document)


DELETE = object()
BIG = [[0.0] * 3 for _ in range(2)]

TAMPERED = {
    "wrong format name": (tamper(["format"], "tensorflow-playground"), "not a Neural Playground model"),
    "no format": (tamper(["format"], DELETE), "no 'format' key"),
    "future version": (tamper(["version"], 2), "unsupported model file version 2"),
    "version as text": (tamper(["version"], "1"), "unsupported model file version '1'"),
    "version true": (tamper(["version"], True), "unsupported model file version True"),
    "missing weights": (tamper(["weights"], DELETE), "missing the key.*weights"),
    "missing classes": (tamper(["classes"], DELETE), "missing the key.*classes"),
    "unknown key": (tamper(["optimizer_state"], {}), "unknown key.*optimizer_state"),
    "network not an object": (tamper(["network"], [2, 2, 3]), "'network' must be an object"),
    "missing seed": (tamper(["network", "seed"], DELETE), "'network' is missing the key.*seed"),
    "unknown network key": (tamper(["network", "dropout"], 0.5), "unknown key.*dropout"),
    "layer_sizes text": (tamper(["network", "layer_sizes"], "2,2,3"), "layer_sizes must be a list"),
    "layer size zero": (tamper(["network", "layer_sizes"], [2, 0, 3]), r"layer_sizes\[1\] is 0"),
    "layer size fraction": (tamper(["network", "layer_sizes"], [2, 2.5, 3]),
                            r"layer_sizes\[1\] must be an integer, got a number"),
    "layer size boolean": (tamper(["network", "layer_sizes"], [2, True, 3]),
                           r"layer_sizes\[1\] must be an integer, got a boolean"),
    "layer too wide": (tamper(["network", "layer_sizes"], [2, 5000, 3]), "between 1 and 4096 neurons"),
    "too many layers": (tamper(["network", "layer_sizes"], [2] * 101), "101 entries"),
    "only one layer": (tamper(["network", "layer_sizes"], [2]), "1 entries; it needs between 2"),
    "too many parameters": (tamper(["network", "layer_sizes"], [4096, 4096, 3]), "16,793,603 parameters"),
    "activation as text": (tamper(["network", "activation"], "tanh"), "activation must be a list"),
    "activation count": (tamper(["network", "activation"], ["tanh", "relu"]), "2 names but .* 1 hidden"),
    "unknown activation": (tamper(["network", "activation"], ["gelu"]), r"activation\[0\] is 'gelu'"),
    "activation number": (tamper(["network", "activation"], [1]), r"activation\[0\] must be a string"),
    "unknown output": (tamper(["network", "output"], "tanh"), "network.output is 'tanh'"),
    "unknown loss": (tamper(["network", "loss"], "hinge"), "network.loss is 'hinge'"),
    "loss that does not fit": (tamper(["network", "output"], "linear"), "does not fit the 'linear' output"),
    "unknown init": (tamper(["network", "init"], "glorot"), "network.init is 'glorot'"),
    "negative seed": (tamper(["network", "seed"], -1), "seed must be an integer between 0"),
    "fractional seed": (tamper(["network", "seed"], 1.5), "seed must be an integer, got a number"),
    "weights not a list": (tamper(["weights"], {"0": []}), "'weights' must be a list"),
    "one weight matrix missing": (tamper(["weights"], [[[1.0, 0.0], [0.0, 1.0]]]),
                                  "'weights' has 1 entries, but .* 2 layers"),
    "weight matrix wrong rows": (tamper(["weights", 1], [[1, 0, -1]]),
                                 r"weights\[1\] must be a \(2, 3\) matrix .* got 1 rows"),
    "weight row too short": (tamper(["weights", 1, 0], [1, 0]), r"weights\[1\]\[0\] has 2 numbers"),
    "weight row a number": (tamper(["weights", 1, 0], 1.0), r"weights\[1\]\[0\] must be a list"),
    "weight text": (tamper(["weights", 0, 1, 0], "0.5"),
                    r"weights\[0\]\[1\]\[0\] must be a number, got a string"),
    "weight null": (tamper(["weights", 0, 1, 0], None), r"weights\[0\]\[1\]\[0\] must be a number, got null"),
    "weight boolean": (tamper(["weights", 0, 1, 0], True), "must be a number, got a boolean"),
    "weight nested": (tamper(["weights", 0, 1, 0], [0.5]), "must be a number, got a list"),
    "weights swapped": (tamper(["weights"], [[[1, 0, -1], [0, 1, 0]], [[1.0, 0.0], [0.0, 1.0]]]),
                        r"weights\[0\]\[0\] has 3 numbers; layer_sizes needs 2"),
    "bias too long": (tamper(["biases", 1], [0, 0, 0, 0]), r"biases\[1\] has 4 numbers; layer_sizes needs 3"),
    "biases missing a layer": (tamper(["biases"], [[0.0, 0.0]]), "'biases' has 1 entries"),
    "classes wrong count": (tamper(["classes"], ["red", "green"]),
                            "'classes' has 2 labels, but .* separates 3 classes"),
    "classes mixed": (tamper(["classes"], ["red", 1, "blue"]), "mixes number and string labels"),
    "classes repeated": (tamper(["classes"], ["red", "red", "blue"]), "repeated labels"),
    "classes nested": (tamper(["classes"], ["red", ["green"], "blue"]), r"classes\[1\] must be a string"),
    "classes not a list": (tamper(["classes"], "red,green,blue"), "'classes' must be a list"),
    "feature names count": (tamper(["feature_names"], ["x1"]), "'feature_names' has 1 names"),
    "feature name number": (tamper(["feature_names"], ["x1", 2]), r"feature_names\[1\] must be a string"),
    "config a list": (tamper(["config"], ["spiral"]), "'config' must be an object or null"),
    "top level a list": (dump([valid_document()]), "a model file is a JSON object, got a list"),
}


@pytest.mark.parametrize("text, message", list(TAMPERED.values()), ids=list(TAMPERED))
def test_tampered_documents_give_a_clear_error(text, message):
    with pytest.raises(ModelFormatError, match=message):
        model_from_json(text)
    with pytest.raises(ModelFormatError, match=message):        # the estimators use the same reader
        PlaygroundClassifier.from_model_json(text)


def test_classes_for_a_regression_head_are_refused():
    document = valid_document()
    document["network"].update(output="linear", loss="squared_error")
    with pytest.raises(ModelFormatError, match="'classes' must be null for the regression"):
        model_from_json(dump(document))
    document["classes"] = None
    assert model_from_json(dump(document)).network.output == "linear"


def text_with_weight(token: str) -> str:
    """The valid document with one weight written as a raw JSON token."""
    return dump(valid_document()).replace("[[1.0, 0.0], [0.0, 1.0]]", f"[[{token}, 0.0], [0.0, 1.0]]", 1)


@pytest.mark.parametrize("raw, message", [
    (b"\xff\xfe{\x00}\x00", "not UTF-8 text"),
    ("{\"format\": ", "not valid JSON: Expecting value at line 1, column 12"),
    ("", "not valid JSON"),
    ("model", "not valid JSON"),
    (text_with_weight("NaN"), "contains NaN, which is not a valid number"),
    (text_with_weight("Infinity"), "contains Infinity"),
    (text_with_weight("-Infinity"), "contains -Infinity"),
    (text_with_weight("1e999"), r"weights\[0\]\[0\]\[0\] is inf; every weight and bias must be a finite"),
    (text_with_weight("1" * 400), "an integer of 400 digits; every weight and bias must be a finite float64"),
    (text_with_weight("1" * 5000), "not a readable JSON document"),
    ("[" * 200_000 + "]" * 200_000, "not a readable JSON document"),
    (" " * (10 * 1024 * 1024 + 1), "a model file is at most 10,485,760 bytes"),
    (b" " * (10 * 1024 * 1024 + 1), "the file is 10,485,761 bytes"),
    (42, "read from str or bytes, not int"),
    (None, "read from str or bytes, not NoneType"),
])
def test_unreadable_input_gives_a_clear_error(raw, message):
    with pytest.raises(ModelFormatError, match=message):
        model_from_json(raw)


def test_config_numbers_must_be_finite_to_be_saved_again():
    with pytest.raises(ModelFormatError, match=r"config.runs\[1\].lr is inf"):
        model_from_json(tamper(["config", "runs"], [{}, {"lr": 1e999}]).replace("Infinity", "1e999"))


def test_model_format_error_is_a_value_error():
    assert issubclass(ModelFormatError, ValueError)


def test_random_corruption_never_escapes_as_another_exception():
    """Flip, drop and insert characters of a real file: each result loads or gives ModelFormatError."""
    original = dump(valid_document())
    alphabet = '0123456789.-eE[]{}",: truefalsnl'
    rng = np.random.default_rng(2024)
    outcomes = {"loaded": 0, "refused": 0}
    for _ in range(1500):
        chars = list(original)
        for _ in range(int(rng.integers(1, 4))):
            position = int(rng.integers(len(chars)))
            action = int(rng.integers(3))
            if action == 0:
                chars[position] = alphabet[int(rng.integers(len(alphabet)))]
            elif action == 1:
                del chars[position]
            else:
                chars.insert(position, alphabet[int(rng.integers(len(alphabet)))])
        try:
            loaded = model_from_json("".join(chars))
        except ModelFormatError:
            outcomes["refused"] += 1
        else:
            outcomes["loaded"] += 1
            assert all(np.isfinite(p).all() for p in loaded.network.parameters())
    assert outcomes["loaded"] > 50 and outcomes["refused"] > 500


def all_paths(node, path=()):
    """Every key / index path inside a JSON document."""
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from all_paths(child, (*path, key))


def test_random_replacement_of_any_entry_loads_or_is_refused_clearly():
    """Replace or delete any entry of a real file with odd JSON values: never another exception."""
    replacements = [None, True, False, -1, 0, 2, 1.5, -1e300, 5000, "", "tanh", [], {}, [1, 2], [[0.5]],
                    {"a": 1}, DELETE]
    paths = [p for p in all_paths(valid_document()) if p]
    rng = np.random.default_rng(7)
    refused = 0
    for _ in range(1500):
        path = paths[int(rng.integers(len(paths)))]
        value = replacements[int(rng.integers(len(replacements)))]
        try:
            loaded = model_from_json(tamper(list(path), value))
        except ModelFormatError:
            refused += 1
        else:
            assert all(np.isfinite(p).all() for p in loaded.network.parameters())
    assert refused > 1000


def test_tampering_a_saved_estimator_file_is_caught(fitted_iris):
    model, _, _ = fitted_iris
    document = json.loads(model.to_model_json())
    broken = copy.deepcopy(document)
    broken["weights"][2][0].pop()
    with pytest.raises(ModelFormatError, match=r"weights\[2\]\[0\] has 2 numbers; layer_sizes needs 3"):
        PlaygroundClassifier.from_model_json(json.dumps(broken))
    broken = copy.deepcopy(document)
    broken["network"]["layer_sizes"][1] = 7
    with pytest.raises(ModelFormatError, match=r"weights\[0\]\[0\] has 6 numbers; layer_sizes needs 7"):
        PlaygroundClassifier.from_model_json(json.dumps(broken))
