"""PlaygroundClassifier / PlaygroundRegressor: scikit-learn's own checks, plus our promises."""
from __future__ import annotations

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from playground import PlaygroundClassifier, PlaygroundRegressor
from playground.engine import Network, make_optimizer

# -- scikit-learn's estimator checks ----------------------------------------------------------
# Checks that genuinely do not apply, by estimator class, with the reason next to each.
# Today every check passes for every configuration below, so the lists are empty; with
# xfail_strict=True a check listed here that starts passing fails the suite, so the list
# cannot go stale.
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {
    "PlaygroundClassifier": {},
    "PlaygroundRegressor": {},
}

CHECKED_ESTIMATORS = [
    PlaygroundClassifier(),
    PlaygroundRegressor(),
    # Other heads, losses, solvers and initialisations of the same engine.
    PlaygroundClassifier(hidden_layer_sizes=(8, 8), activation=["tanh", "relu"], solver="momentum",
                         learning_rate_init=0.01, output="one_vs_rest", loss="squared_error", init="he"),
    PlaygroundRegressor(hidden_layer_sizes=(10, 10), activation="tanh", solver="sgd",
                        learning_rate_init=0.05, batch_size=16, init="uniform", l1=1e-4),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(CHECKED_ESTIMATORS,
                         expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS[type(est).__name__],
                         xfail_strict=True)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


# -- helpers -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def small_classifier(**params):
    settings = dict(hidden_layer_sizes=(8,), activation="tanh", learning_rate_init=0.01, max_iter=300,
                    random_state=0)
    settings.update(params)
    return PlaygroundClassifier(**settings)


def quiet_fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


# -- learning --------------------------------------------------------------------------------
def test_iris_test_accuracy(iris):
    X, y = iris
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    model = quiet_fit(small_classifier(), X_train, y_train)
    assert model.score(X_test, y_test) >= 0.93
    assert model.loss_curve_[-1] < 0.25 < model.loss_curve_[0]
    assert len(model.loss_curve_) == model.n_iter_


def test_string_labels_are_kept_and_returned(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = quiet_fit(small_classifier(), X, names)
    assert model.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    predicted = model.predict(X)
    assert predicted.dtype.kind == "U" and set(predicted) <= set(model.classes_)
    assert np.mean(predicted == names) >= 0.95
    assert model.predict_proba(X).shape == (150, 3)


def test_labels_of_other_types_and_order(iris):
    X, y = iris
    labels = np.array([30, -7, 12])[y]             # unsorted numbers: classes_ are sorted
    model = quiet_fit(small_classifier(), X, labels)
    assert model.classes_.tolist() == [-7, 12, 30]
    # column k of predict_proba is classes_[k]: the -7 column wins for the second class
    proba = model.predict_proba(X[y == 1])
    assert np.mean(np.argmax(proba, axis=1) == 0) > 0.9
    objects = quiet_fit(small_classifier(), X, np.array(["a", "b", "c"], dtype=object)[y])
    assert objects.predict(X[:1]).tolist() == ["a"]


def test_sigmoid_head_for_two_classes_and_clear_error_for_three(iris):
    X, y = iris
    two = y < 2
    model = quiet_fit(small_classifier(output="sigmoid"), X[two], np.where(y[two] == 1, "yes", "no"))
    assert model.network_.layer_sizes[-1] == 1
    proba = model.predict_proba(X[two])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.score(X[two], np.where(y[two] == 1, "yes", "no")) == 1.0
    with pytest.raises(ValueError, match="sigmoid .* 2 classes"):
        small_classifier(output="sigmoid").fit(X, y)


def test_a_single_class_is_refused_with_a_message():
    with pytest.raises(ValueError, match="at least 2 classes; y has 1 class"):
        PlaygroundClassifier().fit(np.zeros((4, 2)), ["a"] * 4)


def test_regressor_learns_a_line_and_keeps_the_shape_of_y():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (200, 2))
    y = 3.0 * X[:, 0] - 2.0 * X[:, 1] + 0.5
    linear = PlaygroundRegressor(hidden_layer_sizes=(), solver="sgd", learning_rate_init=0.1,
                                 max_iter=500, tol=0.0, n_iter_no_change=1000, alpha=0.0, random_state=0)
    quiet_fit(linear, X, y)
    np.testing.assert_allclose(linear.coefs_[0].ravel(), [3.0, -2.0], atol=1e-3)
    np.testing.assert_allclose(linear.intercepts_[0], [0.5], atol=1e-3)
    assert linear.predict(X).shape == (200,)
    two_targets = quiet_fit(clone(linear), X, np.column_stack([y, -y]))
    assert two_targets.predict(X).shape == (200, 2)
    np.testing.assert_allclose(two_targets.coefs_[0], [[3.0, -3.0], [-2.0, 2.0]], atol=1e-3)


def test_one_sgd_step_worked_out_by_hand():
    # No hidden layer, zero weights, linear output, squared error, plain SGD, one full batch:
    # y_hat = 0, so dL/dW = X^T (y_hat - t) / n = (1*(-1) + 2*(-3)) / 2 = -3.5,
    # dL/db = (-1 - 3) / 2 = -2, loss = 1/2 (1^2 + 3^2) / 2 = 2.5.
    # With eta = 0.1: W = 0.35, b = 0.2.
    model = PlaygroundRegressor(hidden_layer_sizes=(), init="zeros", solver="sgd", learning_rate_init=0.1,
                                alpha=0.0, shuffle=False, random_state=0)
    model.partial_fit([[1.0], [2.0]], [1.0, 3.0])
    assert model.loss_curve_ == [2.5]
    np.testing.assert_allclose(model.coefs_[0], [[0.35]])
    np.testing.assert_allclose(model.intercepts_[0], [0.2])
    np.testing.assert_allclose(model.predict([[1.0], [2.0]]), [0.55, 0.9])


def test_regularization_enters_the_loss_curve():
    # Same step with L2 alpha = 1 and L1 = 0.5 on W = 0 -> penalty 0 before the step, and the
    # penalty's gradient (alpha W + l1 sign W) is 0 at W = 0, so the first step is unchanged;
    # the second epoch's loss includes alpha/2 W^2 + l1 |W| with W = 0.35.
    base = dict(hidden_layer_sizes=(), init="zeros", solver="sgd", learning_rate_init=0.1, shuffle=False,
                random_state=0)
    plain = PlaygroundRegressor(alpha=0.0, **base)
    penalised = PlaygroundRegressor(alpha=1.0, l1=0.5, **base)
    for model in (plain, penalised):
        model.partial_fit([[1.0], [2.0]], [1.0, 3.0])
        model.partial_fit([[1.0], [2.0]], [1.0, 3.0])
    assert plain.loss_curve_[0] == penalised.loss_curve_[0] == 2.5
    # loss 2 for plain: y_hat = [0.55, 0.9]; 1/2 (0.45^2 + 2.1^2) / 2 = 1.153125
    assert plain.loss_curve_[1] == pytest.approx(1.153125)
    assert penalised.loss_curve_[1] == pytest.approx(1.153125 + 0.5 * 0.35**2 + 0.5 * 0.35)


# -- the same engine ---------------------------------------------------------------------------
def test_forward_equals_the_engine_network(iris):
    X, y = iris
    model = quiet_fit(small_classifier(hidden_layer_sizes=(6, 4), activation=["tanh", "relu"]), X, y)
    network = Network([4, 6, 4, 3], activation=["tanh", "relu"], output="softmax", loss="cross_entropy",
                      init="xavier", seed=0)
    network.set_parameters(model.coefs_, model.intercepts_)
    np.testing.assert_array_equal(model.predict_proba(X), network.forward(X))
    np.testing.assert_array_equal(model.predict(X), network.predict(X))


def test_initial_weights_and_a_training_step_are_the_engines(iris):
    """random_state=s draws Network(seed=s)'s weights; one full-batch epoch is one optimizer step."""
    X, y = iris
    model = PlaygroundClassifier(hidden_layer_sizes=(5,), activation="tanh", solver="adam",
                                 learning_rate_init=0.05, alpha=0.01, l1=0.001, batch_size=150,
                                 shuffle=False, random_state=7)
    model.partial_fit(X, y, classes=[0, 1, 2])
    network = Network([4, 5, 3], activation="tanh", output="softmax", loss="cross_entropy", seed=7)
    optimizer = make_optimizer("adam", 0.05)
    loss, grads = network.loss_and_gradients(X, y, l1=0.001, l2=0.01)
    optimizer.step(network.parameters(), grads["weights"] + grads["biases"])
    assert model.loss_curve_ == [loss]
    for ours, engine in zip(model.coefs_ + model.intercepts_, network.weights + network.biases):
        np.testing.assert_array_equal(ours, engine)
    assert model.coefs_ is model.network_.weights


# -- partial_fit -------------------------------------------------------------------------------
def test_partial_fit_continues_training(iris):
    X, y = iris
    model = small_classifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        model.partial_fit(X, y)
    model.partial_fit(X[:50], y[:50], classes=[0, 1, 2])   # only setosa in the first batch
    assert model.classes_.tolist() == [0, 1, 2] and model.n_iter_ == 1
    for _ in range(100):
        model.partial_fit(X, y)
    assert model.n_iter_ == 101 and len(model.loss_curve_) == 101
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[1]
    assert model.score(X, y) > 0.9
    with pytest.raises(ValueError, match="not in classes_"):
        model.partial_fit(X[:2], [0, 3])
    with pytest.raises(ValueError, match="differ from classes_"):
        model.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="X has 3 features"):
        model.partial_fit(X[:, :3], y)


def test_partial_fit_applies_new_training_settings_but_not_a_new_architecture(iris):
    X, y = iris
    model = small_classifier(solver="momentum")
    model.partial_fit(X, y, classes=np.unique(y))
    model.set_params(learning_rate_init=0.5)
    model.partial_fit(X, y)
    assert model._optimizer.name == "momentum" and model._optimizer.learning_rate == 0.5
    model.set_params(solver="rmsprop")
    model.partial_fit(X, y)
    assert model._optimizer.name == "rmsprop"
    model.set_params(hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match="call fit"):
        model.partial_fit(X, y)
    quiet_fit(model, X, y)                                     # fit starts again, with (3,)
    assert model.network_.layer_sizes == [4, 3, 3] and model.n_iter_ == len(model.loss_curve_)


def test_fit_stops_when_the_loss_settles_and_warns_when_it_does_not(iris):
    X, y = iris
    settled = small_classifier(learning_rate_init=0.05, tol=1e-3, n_iter_no_change=5, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        settled.fit(X, y)
    assert 6 <= settled.n_iter_ < 1000
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        small_classifier(max_iter=3).fit(X, y)


def test_divergence_is_an_error_not_a_numpy_warning():
    rng = np.random.default_rng(0)
    X = rng.normal(0.0, 100.0, (50, 3))
    y = X @ [1.0, 2.0, 3.0]
    model = PlaygroundRegressor(hidden_layer_sizes=(4,), solver="sgd", learning_rate_init=1e6, random_state=0)
    with pytest.raises(ValueError, match="diverged .* lower learning_rate_init"):
        model.fit(X, y)   # RuntimeWarnings are errors in this suite: none may escape


# -- scikit-learn protocol --------------------------------------------------------------------
def test_parameters_are_stored_unchanged_and_validated_in_fit():
    sizes = [7, 3]
    model = PlaygroundClassifier(hidden_layer_sizes=sizes, activation="nonsense", solver="lbfgs")
    assert model.get_params()["hidden_layer_sizes"] is sizes
    assert model.get_params()["activation"] == "nonsense"
    assert set(model.get_params()) == {
        "hidden_layer_sizes", "activation", "solver", "alpha", "l1", "batch_size", "learning_rate_init",
        "max_iter", "shuffle", "random_state", "tol", "n_iter_no_change", "output", "loss", "init"}
    with pytest.raises(ValueError, match="unknown activation 'nonsense'"):
        model.fit([[0.0], [1.0]], [0, 1])
    assert model.set_params(activation="relu", solver="sgd") is model
    assert clone(model).get_params()["hidden_layer_sizes"] == [7, 3]


@pytest.mark.parametrize("params, message", [
    ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes must hold ints >= 1"),
    ({"hidden_layer_sizes": "4"}, "hidden_layer_sizes must be an int or a sequence"),
    ({"hidden_layer_sizes": (2.5,)}, "hidden_layer_sizes must hold ints"),
    ({"activation": ["tanh", "relu"]}, "2 names for 1 hidden layers"),
    ({"solver": "lbfgs"}, "unknown solver 'lbfgs'"),
    ({"learning_rate_init": 0.0}, "learning_rate_init must be a finite number > 0"),
    ({"learning_rate_init": float("nan")}, "learning_rate_init must be a finite number > 0"),
    ({"batch_size": 0}, "batch_size must be 'auto' or an int >= 1"),
    ({"batch_size": "all"}, "batch_size must be 'auto'"),
    ({"max_iter": 0}, "max_iter must be an int >= 1"),
    ({"max_iter": 10.0}, "max_iter must be an int >= 1"),
    ({"alpha": -1.0}, "alpha must be a finite number >= 0"),
    ({"l1": float("inf")}, "l1 must be a finite number >= 0"),
    ({"tol": "small"}, "tol must be a finite number >= 0"),
    ({"n_iter_no_change": 0}, "n_iter_no_change must be an int >= 1"),
    ({"shuffle": "yes"}, "shuffle must be True or False"),
    ({"random_state": -1}, "random_state must be None, an int"),
    ({"random_state": "seed"}, "random_state must be None, an int"),
    ({"init": "glorot"}, "unknown init 'glorot'"),
    ({"output": "linear"}, "the 'linear' output is for regression"),
    ({"output": "tanh"}, "unknown output 'tanh'"),
    ({"loss": "hinge"}, "unknown loss 'hinge'"),
])
def test_each_bad_parameter_gives_a_clear_error_in_fit(params, message):
    model = PlaygroundClassifier(**params)          # __init__ never validates
    with pytest.raises(ValueError, match=message):
        model.fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match=message):
        clone(model).partial_fit([[0.0], [1.0]], [0, 1], classes=[0, 1])


@pytest.mark.parametrize("params, message", [
    ({"output": "softmax"}, "PlaygroundRegressor needs the 'linear' output"),
    ({"loss": "cross_entropy"}, "loss 'cross_entropy' does not fit the 'linear' output"),
])
def test_regressor_head_is_checked(params, message):
    with pytest.raises(ValueError, match=message):
        PlaygroundRegressor(**params).fit([[0.0], [1.0]], [0.0, 1.0])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_random_state_conventions_never_touch_the_global_numpy_state(iris):
    X, y = iris
    before = np.random.get_state()[1].copy()
    fits = [small_classifier(max_iter=5, random_state=rs).fit(X, y)
            for rs in (None, None, 3, 3, np.random.RandomState(0), np.random.default_rng(0))]
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    weights = [f.coefs_[0] for f in fits]
    assert not np.array_equal(weights[0], weights[1])        # None: fresh entropy each time
    np.testing.assert_array_equal(weights[2], weights[3])    # int: reproducible
    # RandomState / Generator: the engine's seed is an int drawn from them
    assert fits[4].network_.seed == np.random.RandomState(0).randint(np.iinfo(np.int32).max)
    assert fits[5].network_.seed == np.random.default_rng(0).integers(2**32)


def test_unfitted_estimator_says_so(iris):
    X, _ = iris
    for method in ("predict", "predict_proba"):
        with pytest.raises(NotFittedError):
            getattr(PlaygroundClassifier(), method)(X)
    with pytest.raises(NotFittedError):
        PlaygroundClassifier().to_model_json()


@pytest.mark.parametrize("estimator_class", [PlaygroundClassifier, PlaygroundRegressor])
def test_pickle_round_trip_keeps_predictions_and_training_state(estimator_class, iris):
    X, y = iris
    target = y if estimator_class is PlaygroundClassifier else X[:, 0] * 2.0 - X[:, 1]
    model = estimator_class(hidden_layer_sizes=(6,), max_iter=20, random_state=1)
    quiet_fit(model, X, target)
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))
    assert copy.get_params() == model.get_params() and copy.loss_curve_ == model.loss_curve_
    assert copy.coefs_ is copy.network_.weights                    # sharing survives pickling
    model.partial_fit(X, target)                                   # the optimizer's moments and the
    copy.partial_fit(X, target)                                    # shuffling generator travel too
    for a, b in zip(model.coefs_ + model.intercepts_, copy.coefs_ + copy.intercepts_):
        np.testing.assert_array_equal(a, b)


def test_feature_names_from_a_dataframe(iris):
    pd = pytest.importorskip("pandas")
    X, y = iris
    frame = pd.DataFrame(X, columns=["sepal length", "sepal width", "petal length", "petal width"])
    model = quiet_fit(small_classifier(max_iter=5), frame, y)
    assert model.feature_names_in_.tolist() == list(frame.columns)
    assert model.predict(frame).shape == (150,)


def test_importing_playground_is_cheap():
    code = ("import sys, playground; heavy = [m for m in ('streamlit', 'plotly', 'sklearn', 'pandas') "
            "if m in sys.modules]; print(heavy); "
            "import playground.notebook.estimator, playground.notebook.model_io; "
            "print([m for m in ('streamlit', 'plotly') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["[]", "[]"]
