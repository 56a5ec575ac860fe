"""The network as one standalone numpy script: ``numpy_script(trainer) -> str``.

The script imports numpy and the standard library only and is written for a student, as
plainly as the source post: the weighted sums z = a W + b, the activations, the output
head, backpropagation and the optimizer's update, each with a comment naming the maths.
It holds the trainer's training and test data, the weights at the current iteration, the
optimizer's memory (velocities, moment estimates) and the state of the batch order (the
random generator, the current pass's order and where its next batch starts). Run as

    python network.py --iterations N [--every K]

it prints ``iteration K training loss L`` for the exported iteration, every ``K``
iterations and after the last, then the test set's loss and accuracy (or RMSE).

Only the pieces this set-up uses are written out (its activations, its head, its
optimizer), and each repeats the engine's arithmetic operation for operation (the same
forms of the losses and their gradients, bias gradients as ``ones @ delta``, the updates
in the same order, the same generator drawing the same shuffles and dropout masks), so
the script's run follows the trainer's to rounding. The losses agree to about 1e-14, not
to the last bit: the engine's tanh on large arrays is not numpy's (they differ by up to
3e-16), and the trainer measures the training and test sets in one pass.
"""
from __future__ import annotations

import math
from pprint import pformat
from string import Template
from textwrap import dedent, indent

import numpy as np

from playground.engine.activations import LEAKY_RELU_SLOPE
from playground.training import config as cfg

#: The name the page offers the download under.
SCRIPT_FILE_NAME = "network.py"
#: Generated lines are wrapped near this width (long data rows are split over lines).
LINE_WIDTH = 100

_RULE = "# " + "-" * 96


def _section(title: str) -> str:
    return f"\n\n{_RULE}\n# {title}\n{_RULE}\n"


def _code(text: str, **values) -> str:
    """Dedented code; ``$name`` placeholders filled from ``values`` (braces stay as they are)."""
    return Template(dedent(text).strip("\n")).substitute(values) + "\n"


# -- literals -------------------------------------------------------------------------------------------
def _number(value) -> str:
    """A number that reads back bit for bit (repr of a float is its shortest exact form)."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if math.isfinite(value):
        return repr(value)
    return "np.nan" if math.isnan(value) else ("np.inf" if value > 0 else "-np.inf")


def _plain(text) -> str:
    """A name from the data (a CSV file's columns and classes) made safe for a comment or the
    docstring: one line, no backslash, no double quote."""
    return " ".join(str(text).split()).replace("\\", "/").replace('"', "'")


def _wrapped(items: list[str], prefix: str) -> str:
    """Comma-separated items over as many lines as needed, each starting with ``prefix``."""
    lines, line = [], ""
    for item in items:
        if line and len(prefix) + len(line) + len(item) + 2 > LINE_WIDTH:
            lines.append(prefix + line.rstrip())
            line = ""
        line += item + ", "
    lines.append(prefix + line.rstrip().rstrip(","))
    return "\n".join(lines)


def array_literal(array: np.ndarray) -> str:
    """Python source that rebuilds ``array`` exactly: ``np.array([...])``, one row per line for 2-D.

    An empty array becomes ``np.zeros(shape)``; the integer or float dtype is kept.
    """
    array = np.asarray(array)
    if array.size == 0:
        return f"np.zeros({array.shape}{', dtype=int' if array.dtype.kind in 'iu' else ''})"
    if array.ndim == 1:
        return "np.array([\n" + _wrapped([_number(v) for v in array], "    ") + ",\n])"
    if array.ndim != 2:
        raise ValueError(f"only 1-D and 2-D arrays are written out, got shape {array.shape}")
    rows = []
    for row in array:
        text = _wrapped([_number(v) for v in row], "     ").lstrip()
        rows.append(f"    [{text}],")
    return "np.array([\n" + "\n".join(rows) + "\n])"


# -- the network's pieces, each as the engine computes it ---------------------------------------------
SIGMOID_CODE = '''
def sigmoid(z):
    """The logistic function 1 / (1 + e^-z), between 0 and 1."""
    return 1.0 / (1.0 + np.exp(-z))
'''

#: Each hidden activation as (a = f(z), da/dz given z and a), in the engine's form.
ACTIVATION_CODE: dict[str, str] = {
    "linear": '''
        def linear(z):
            """The identity: a = z."""
            return z


        def linear_derivative(z, a):
            return np.ones_like(z)
        ''',
    "sigmoid": '''
        def sigmoid_derivative(z, a):
            """sigmoid'(z) = a (1 - a)."""
            return a * (1.0 - a)
        ''',
    "tanh": '''
        def tanh(z):
            """The hyperbolic tangent, between -1 and 1."""
            return np.tanh(z)


        def tanh_derivative(z, a):
            """tanh'(z) = 1 - a^2."""
            return 1.0 - a * a
        ''',
    "relu": '''
        def relu(z):
            """max(z, 0)."""
            return np.maximum(z, 0.0)


        def relu_derivative(z, a):
            """1 where z > 0, else 0."""
            return (z > 0).astype(z.dtype)
        ''',
    "leaky_relu": f'''
        def leaky_relu(z):
            """z where z > 0, else {LEAKY_RELU_SLOPE!r} z."""
            return np.where(z > 0, z, {LEAKY_RELU_SLOPE!r} * z)


        def leaky_relu_derivative(z, a):
            return np.where(z > 0, 1.0, {LEAKY_RELU_SLOPE!r})
        ''',
    "elu": '''
        def elu(z):
            """z where z > 0, else e^z - 1."""
            return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


        def elu_derivative(z, a):
            """1 where z > 0, else e^z = a + 1."""
            return np.where(z > 0, 1.0, a + 1.0)
        ''',
    "softplus": '''
        def softplus(z):
            """log(1 + e^z), computed as logaddexp(0, z) so that it never overflows."""
            return np.logaddexp(0.0, z)


        def softplus_derivative(z, a):
            """softplus'(z) = sigmoid(z)."""
            return sigmoid(z)
        ''',
    "swish": '''
        def swish(z):
            """z sigmoid(z)."""
            return z * sigmoid(z)


        def swish_derivative(z, a):
            """swish'(z) = s + a (1 - s) with s = sigmoid(z)."""
            s = sigmoid(z)
            return s + a * (1.0 - s)
        ''',
    "sine": '''
        def sine(z):
            """sin(z)."""
            return np.sin(z)


        def sine_derivative(z, a):
            """sin'(z) = cos(z)."""
            return np.cos(z)
        ''',
}
_NEEDS_SIGMOID = {"sigmoid", "softplus", "swish"}
#: How the docstring and comments name an activation or output head.
_READABLE = {**{name: name.replace("_", " ") for name in ACTIVATION_CODE}, "sigmoid": "sigmoid",
             "softmax": "softmax", "one_vs_rest": "1-vs-all sigmoid"}
_OPTIMIZER_NAMES = {"sgd": "gradient descent", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}


def _activation_section(names: list[str]) -> str:
    used = list(dict.fromkeys(names))
    parts = [_code(ACTIVATION_CODE[name]) for name in used]
    pairs = ", ".join(f"({name}, {name}_derivative)" for name in names)
    listing = f"#: (f, f') of each hidden layer, from the first to the last.\nHIDDEN_ACTIVATIONS = [{pairs}]\n"
    return "\n\n".join(parts) + ("\n\n" if parts else "") + listing


_TARGETS_CODE = {
    "sigmoid": '''
        def targets(y):
            """Labels 0 or 1 -> one target column t (n, 1): 1 for class 1, 0 for class 0."""
            return (y == 1).astype(float).reshape(-1, 1)
        ''',
    "softmax": '''
        def targets(y):
            """Labels 0..K-1 -> one-hot rows (n, K): t_ik = 1 when point i is of class k."""
            T = np.zeros((len(y), N_OUTPUTS))
            T[np.arange(len(y)), y] = 1.0
            return T
        ''',
    "one_vs_rest": '''
        def targets(y):
            """Labels 0..K-1 -> 1-vs-all targets (n, K - 1): t_ik = 1 when point i is of class k;
            the last class has no output of its own, its row is all zeros."""
            T = np.zeros((len(y), N_OUTPUTS))
            rows = np.flatnonzero(y < N_OUTPUTS)
            T[rows, y[rows]] = 1.0
            return T
        ''',
    "linear": '''
        def targets(y):
            """Targets -> one standardised column (n, 1): (y - mean) / sd of the training targets.

            The network learns the standardised target; RMSE is reported in the target's units."""
            return ((y - TARGET_MEAN) / TARGET_SCALE).reshape(-1, 1)
        ''',
}

_OUTPUT_CODE = {
    "sigmoid": '''
        def output_activation(z):
            """y_hat = sigmoid(z): the probability of class 1."""
            return sigmoid(z)
        ''',
    "one_vs_rest": '''
        def output_activation(z):
            """y_hat_k = sigmoid(z_k): one sigmoid output per class but the last (1 vs all)."""
            return sigmoid(z)
        ''',
    "softmax": '''
        def output_activation(z):
            """Softmax: y_hat_k = e^z_k / sum_j e^z_j, shifted by the row's largest z first (no overflow)."""
            e = np.exp(z - z.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        ''',
    "linear": '''
        def output_activation(z):
            """A linear output for regression: y_hat = z."""
            return z
        ''',
}

_LOSS_CODE = {
    "squared_error": '''
        def loss_value(z, y_hat, T):
            """Mean squared error: L = 1/n sum_i 1/2 sum_k (y_hat_ik - t_ik)^2."""
            error = y_hat - T
            return 0.5 * float(np.vdot(error, error)) / len(z)
        ''',
    "cross_entropy/softmax": '''
        def loss_value(z, y_hat, T):
            """Mean cross-entropy L = 1/n sum_i -sum_k t_ik log y_hat_ik, computed from z:
            -log y_hat_ik = log sum_j e^z_ij - z_ik (shifted by the row's largest z: no log(0))."""
            shifted = z - z.max(axis=1, keepdims=True)
            return float(np.sum(np.log(np.exp(shifted).sum(axis=1))) - np.vdot(T, shifted)) / len(z)
        ''',
    "cross_entropy/sigmoid": '''
        def loss_value(z, y_hat, T):
            """Mean binary cross-entropy L = 1/n sum_ik -[t log y_hat + (1 - t) log(1 - y_hat)],
            computed from z as softplus(z) - t z (a saturated output costs a large number, not log 0)."""
            return float(np.sum(np.logaddexp(0.0, z)) - np.vdot(T, z)) / len(z)
        ''',
}

_DELTA_CODE = {
    "cross_entropy": '''
        def output_delta(z, y_hat, T):
            """dL/dz of the output layer, (n, outputs). With cross-entropy it simplifies to (y_hat - t) / n."""
            return (y_hat - T) / len(z)
        ''',
    "squared_error/linear": '''
        def output_delta(z, y_hat, T):
            """dL/dz of the output layer, (n, outputs): (y_hat - t) / n, since y_hat = z."""
            return (y_hat - T) / len(z)
        ''',
    "squared_error/sigmoid": '''
        def output_delta(z, y_hat, T):
            """dL/dz of the output layer, (n, outputs): dL/dy_hat times sigmoid'(z) = y_hat (1 - y_hat)."""
            d_y_hat = (y_hat - T) / len(z)
            return d_y_hat * y_hat * (1.0 - y_hat)
        ''',
    "squared_error/softmax": '''
        def output_delta(z, y_hat, T):
            """dL/dz of the output layer, (n, outputs): dL/dy_hat through softmax's Jacobian,
            dL/dz_k = y_hat_k (dL/dy_hat_k - sum_j dL/dy_hat_j y_hat_j)."""
            d_y_hat = (y_hat - T) / len(z)
            return y_hat * (d_y_hat - np.sum(d_y_hat * y_hat, axis=1, keepdims=True))
        ''',
}

_PREDICTION_CODE = {
    "sigmoid": '''
        def predicted_classes(y_hat):
            """Class 1 where its probability is above one half."""
            return (y_hat[:, 0] > 0.5).astype(int)
        ''',
    "one_vs_rest": '''
        def predicted_classes(y_hat):
            """The class with the largest score; the last class scores 1 - the sum of the outputs."""
            scores = np.hstack([y_hat, 1.0 - y_hat.sum(axis=1, keepdims=True)])
            return np.argmax(scores, axis=1)
        ''',
    "softmax": '''
        def predicted_classes(y_hat):
            """The class with the largest probability."""
            return np.argmax(y_hat, axis=1)
        ''',
}


def _head_section(output: str, loss: str) -> str:
    family = "softmax" if output == "softmax" else "sigmoid"
    loss_key = loss if loss == "squared_error" else f"cross_entropy/{family}"
    delta_key = loss if loss == "cross_entropy" else f"squared_error/{'linear' if output == 'linear' else family}"
    parts = [_TARGETS_CODE[output], _OUTPUT_CODE[output], _LOSS_CODE[loss_key], _DELTA_CODE[delta_key]]
    if output != "linear":
        parts.append(_PREDICTION_CODE[output])
    return "\n\n".join(_code(part) for part in parts)


def _network_section(dropout: bool, l1: float, l2: float) -> str:
    mask_forward = ("\n        if masks is not None:                # dropout, while training: some neurons give 0,"
                    "\n            a = a * masks[l]                 # the others are scaled up") if dropout else ""
    mask_backward = ("\n            if masks is not None:\n"
                     "                d_a = d_a * masks[l - 1]         # a dropped neuron passes no gradient back"
                     ) if dropout else ""
    forward = _code('''
        def forward(X, masks=None):
            """The forward pass for X (n, inputs), layer by layer.

            z_l = a_{l-1} W_l + b_l (the weighted sums, (n, neurons)), a_l = f_l(z_l); a_0 = X.
            Returns each layer's input a_{l-1}, each hidden layer's z_l and a_l, and the
            output layer's z and y_hat (n, outputs).
            """
            layer_inputs, sums, activations = [], [], []
            a = X
            for l, (f, _) in enumerate(HIDDEN_ACTIVATIONS):
                z = a @ weights[l] + biases[l]       # weighted sums
                layer_inputs.append(a)
                sums.append(z)
                a = f(z)
                activations.append(a)$mask_forward
            layer_inputs.append(a)
            z = a @ weights[-1] + biases[-1]         # the output layer's weighted sums
            return layer_inputs, sums, activations, z, output_activation(z)
        ''', mask_forward=mask_forward)
    regularization = ""
    if l1 or l2:
        name, rate, penalty, gradient = (
            ("L1", l1, "L1 * sum(float(np.abs(W).sum()) for W in weights)", "L1 * np.sign(W)") if l1 else
            ("L2", l2, "0.5 * L2 * sum(float(np.sum(W * W)) for W in weights)", "L2 * W"))
        regularization = _code('''
            $name = $rate       # the regularisation rate


            def penalty():
                """The regularisation penalty on the weights (not the biases): $formula."""
                return $penalty
            ''', name=name, rate=_number(rate), penalty=penalty,
            formula="L1 sum |w|" if l1 else "L2 / 2 sum w^2") + "\n\n"
        add_penalty = indent(_code('''
            loss = loss + penalty()
            for W, dW in zip(weights, weight_grads):
                dW += $gradient           # the penalty's gradient
            ''', gradient=gradient), "    ")
    else:
        add_penalty = ""
    backward = _code('''
        def loss_and_gradients(X, T, masks=None):
            """Backpropagation: the batch's mean loss$with_penalty and dL/dW, dL/db of every layer.

            From delta_L = dL/dz of the output layer (the head's gradient), going back a layer:
                dL/dW_l = a_{l-1}^T delta_l                 (inputs, neurons)
                dL/db_l = sum of delta_l over the batch     (neurons,)
                delta_{l-1} = (delta_l W_l^T) * f'_{l-1}(z_{l-1})
            """
            layer_inputs, sums, activations, z, y_hat = forward(X, masks)
            loss = loss_value(z, y_hat, T)
            delta = output_delta(z, y_hat, T)
            ones = np.ones(len(X))
            weight_grads = [None] * len(weights)
            bias_grads = [None] * len(biases)
            for l in reversed(range(len(weights))):
                weight_grads[l] = layer_inputs[l].T @ delta
                bias_grads[l] = ones @ delta                 # the column sums of delta
                if l > 0:
                    d_a = delta @ weights[l].T               # dL/da of the layer below$mask_backward
                    derivative = HIDDEN_ACTIVATIONS[l - 1][1]
                    delta = d_a * derivative(sums[l - 1], activations[l - 1])
        ''', with_penalty=" (plus the penalty)" if add_penalty else "", mask_backward=mask_backward)
    return forward + "\n\n" + regularization + backward + add_penalty + "    return loss, weight_grads, bias_grads\n"


_OPTIMIZER_CODE = {
    "sgd": '''
        class SGD:
            """Plain gradient descent: p <- p - eta g for every parameter p and its gradient g."""

            def __init__(self, learning_rate):
                self.learning_rate = learning_rate

            def update(self, params, grads):
                for p, g in zip(params, grads):
                    p -= self.learning_rate * g
        ''',
    "momentum": '''
        class Momentum:
            """Gradient descent with momentum: v <- mu v - eta g;  p <- p + v.

            v, the velocity, is kept per parameter: a running sum of past steps."""

            def __init__(self, learning_rate, momentum, velocity):
                self.learning_rate = learning_rate
                self.momentum = momentum
                self.velocity = velocity

            def update(self, params, grads):
                for p, g, v in zip(params, grads, self.velocity):
                    v *= self.momentum
                    v -= self.learning_rate * g
                    p += v
        ''',
    "rmsprop": '''
        class RMSProp:
            """Each step divided by a running root mean square of the gradient:
            s <- rho s + (1 - rho) g^2;  p <- p - eta g / (sqrt(s) + eps)."""

            def __init__(self, learning_rate, decay, epsilon, mean_square):
                self.learning_rate = learning_rate
                self.decay = decay
                self.epsilon = epsilon
                self.mean_square = mean_square

            def update(self, params, grads):
                rho = self.decay
                for p, g, s in zip(params, grads, self.mean_square):
                    s *= rho
                    s += (1.0 - rho) * g * g
                    p -= self.learning_rate * g / (np.sqrt(s) + self.epsilon)
        ''',
    "adam": '''
        class Adam:
            """Adam: running means of the gradient (m) and of its square (v), bias-corrected.

            m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  t <- t + 1
            p <- p - eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
            written, as the playground does, with both corrections folded into one step size:
            p <- p - eta' m / (sqrt(v) + eps'),  eta' = eta sqrt(1 - b2^t) / (1 - b1^t),  eps' = eps sqrt(1 - b2^t).
            """

            def __init__(self, learning_rate, beta1, beta2, epsilon, m, v, t):
                self.learning_rate = learning_rate
                self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
                self.m, self.v, self.t = m, v, t

            def update(self, params, grads):
                self.t += 1
                b1, b2 = self.beta1, self.beta2
                step_size = self.learning_rate * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
                eps_hat = self.epsilon * np.sqrt(1.0 - b2**self.t)
                for p, g, m, v in zip(params, grads, self.m, self.v):
                    m *= b1
                    m += (1.0 - b1) * g
                    v *= b2
                    v += (1.0 - b2) * g * g
                    p -= step_size * m / (np.sqrt(v) + eps_hat)
        ''',
}

_BATCHES_CODE = '''
    class Batches:
        """Mini-batches of the training set. A pass over it (an epoch) takes the points in a
        shuffled order, BATCH_SIZE at a time; when a pass ends the order is shuffled again."""

        def __init__(self, X, T, order, position, rng):
            self.X, self.T, self.rng = X, T, rng
            self.arrange(order)
            self.position = position             # where the next batch starts within the order

        def arrange(self, order):
            """Copy the points into the pass's order once: each batch is then a slice."""
            self.order = order
            self.X_ordered = self.X[order]
            self.T_ordered = self.T[order]

        def next(self):
            if self.position >= len(self.order):    # the pass is over: shuffle for the next one
                self.rng.shuffle(self.order)
                self.arrange(self.order)
                self.position = 0
            start = self.position
            self.position += BATCH_SIZE
            return self.X_ordered[start:self.position], self.T_ordered[start:self.position]
    '''

_FULL_BATCH_CODE = '''
    class Batches:
        """Full-batch gradient descent: every iteration uses the whole training set."""

        def __init__(self, X, T):
            self.X, self.T = X, T

        def next(self):
            return self.X, self.T
    '''

_DROPOUT_CODE = '''
    def dropout_masks(n, rng):
        """Inverted dropout on the hidden layers: each neuron of each of the n points is kept
        with probability 1 - DROPOUT and then scaled by 1 / (1 - DROPOUT), so that a layer's
        expected output is unchanged; otherwise it gives 0. The masks come from the same
        generator as the batch order, drawn in the playground's order, so this script drops
        the very neurons the playground would."""
        keep = 1.0 - DROPOUT
        return [(rng.random((n, W.shape[1])) < keep) / keep for W in weights[:-1]]
    '''


def _measure_code(regression: bool) -> str:
    scores = ('''
        def test_report(T_test):
            """The test set's loss and RMSE (in the target's units)."""
            _, _, _, z, y_hat = forward(X_TEST)
            rmse = math.sqrt(float(np.sum((y_hat - T_test) ** 2)) / len(X_TEST)) * TARGET_SCALE
            return f"test loss {loss_value(z, y_hat, T_test):.15g} test RMSE {rmse:.15g}"
        ''' if regression else '''
        def test_report(T_test):
            """The test set's loss and accuracy."""
            _, _, _, z, y_hat = forward(X_TEST)
            accuracy = float(np.mean(predicted_classes(y_hat) == Y_TEST))
            return f"test loss {loss_value(z, y_hat, T_test):.15g} test accuracy {accuracy:.15g}"
        ''')
    return _code('''
        def training_loss(T_train):
            """The mean loss on the whole training set (without the penalty), as the playground shows it."""
            _, _, _, z, y_hat = forward(X_TRAIN)
            return loss_value(z, y_hat, T_train)
        ''') + "\n\n" + _code(scores)


def _optimizer_call(name: str) -> str:
    return {"sgd": "SGD(LEARNING_RATE)",
            "momentum": "Momentum(LEARNING_RATE, MOMENTUM, VELOCITY)",
            "rmsprop": "RMSProp(LEARNING_RATE, DECAY, EPSILON, MEAN_SQUARE)",
            "adam": "Adam(LEARNING_RATE, BETA1, BETA2, EPSILON, ADAM_M, ADAM_V, ADAM_T)"}[name]


def _main_code(optimizer: str, full_batch: bool, dropout: bool) -> str:
    uses_rng = dropout or not full_batch
    rng = ("    rng = np.random.Generator(getattr(np.random, RNG_STATE[\"bit_generator\"])())\n"
           "    rng.bit_generator.state = RNG_STATE         # exactly as the playground left it\n") if uses_rng else ""
    batches = "Batches(X_TRAIN, T_train)" if full_batch else "Batches(X_TRAIN, T_train, ORDER.copy(), POSITION, rng)"
    masks = ", dropout_masks(len(X), rng)" if dropout else ""
    return _code('''
        def whole_number(text):
            value = int(text)
            if value < 0:
                raise argparse.ArgumentTypeError(f"{text} is not a whole number >= 0")
            return value


        def positive_number(text):
            value = int(text)
            if value < 1:
                raise argparse.ArgumentTypeError(f"{text} is not a whole number >= 1")
            return value


        def print_training_loss(iteration, T_train):
            print(f"iteration {iteration} training loss {training_loss(T_train):.15g}")


        def main():
            parser = argparse.ArgumentParser(
                description="Train the exported network further, printing its training loss.")
            parser.add_argument("--iterations", type=whole_number, default=100,
                                help="how many more iterations to train (default 100)")
            parser.add_argument("--every", type=positive_number, default=None,
                                help="also print the training loss every K iterations")
            args = parser.parse_args()
            every = args.every or max(args.iterations, 1)
            T_train, T_test = targets(Y_TRAIN), targets(Y_TEST)
        $rng    batches = $batches
            optimizer = $optimizer
            iteration = START_ITERATION
            # Overflow (a learning rate far too large) is caught by checking the loss instead.
            with np.errstate(all="ignore"):
                print_training_loss(iteration, T_train)
                for done in range(1, args.iterations + 1):
                    # One iteration: a batch, the forward pass, backpropagation, the update.
                    X, T = batches.next()
                    loss, weight_grads, bias_grads = loss_and_gradients(X, T$masks)
                    if not math.isfinite(loss):
                        if (done - 1) % every:                  # the last finite state, if not printed yet
                            print_training_loss(iteration, T_train)
                        print(f"training diverged at iteration {iteration + 1}: the loss became {loss}; "
                              "the learning rate is probably too large")
                        break
                    optimizer.update(weights + biases, weight_grads + bias_grads)
                    iteration += 1
                    if done % every == 0 or done == args.iterations:
                        print_training_loss(iteration, T_train)
                if len(X_TEST):
                    print(test_report(T_test))
        ''', rng=rng, batches=batches, optimizer=_optimizer_call(optimizer), masks=masks)


# -- the state and the data --------------------------------------------------------------------------
def _optimizer_state(trainer) -> tuple[str, dict[str, str]]:
    """The optimizer's settings and memory as ``NAME = literal`` pairs.

    Memory not yet created (no step taken since a reset) is written as zeros, which is what
    the optimizer starts from on its first step.
    """
    optimizer = trainer.optimizer
    settings = optimizer.settings()
    state = optimizer.state(trainer.network.parameters())

    def arrays(kind: str) -> str:
        return "[\n" + "\n".join(indent(array_literal(a), "    ") + "," for a in state[kind]) + "\n]"

    values = {"LEARNING_RATE": _number(settings["learning_rate"])}
    if optimizer.name == "momentum":
        values.update(MOMENTUM=_number(settings["momentum"]), VELOCITY=arrays("velocity"))
    elif optimizer.name == "rmsprop":
        values.update(DECAY=_number(settings["decay"]), EPSILON=_number(settings["epsilon"]),
                      MEAN_SQUARE=arrays("mean_square"))
    elif optimizer.name == "adam":
        values.update(BETA1=_number(settings["beta1"]), BETA2=_number(settings["beta2"]),
                      EPSILON=_number(settings["epsilon"]), ADAM_M=arrays("first_moment"),
                      ADAM_V=arrays("second_moment"), ADAM_T=str(state["t"]))
    return optimizer.name, values


_OPTIMIZER_MEMORY_NOTES = {
    "VELOCITY": "momentum's velocity v",
    "MEAN_SQUARE": "RMSProp's running mean square s of the gradient",
    "ADAM_M": "Adam's running mean m of the gradient",
    "ADAM_V": "Adam's running mean v of the squared gradient",
}


def _state_section(trainer, full_batch: bool, uses_rng: bool) -> str:
    network = trainer.network
    sizes, names = network.layer_sizes, network.activation + [network.output]
    lines = [f"START_ITERATION = {trainer.iteration}", ""]
    layer_names = []
    for index, (W, b) in enumerate(zip(network.weights, network.biases), start=1):
        neurons = f"{sizes[index]} neuron{'s' if sizes[index] > 1 else ''}"
        lines.append(f"# Layer {index}: {sizes[index - 1]} inputs -> {neurons} ({_READABLE[names[index - 1]]}). "
                     f"W{index} is {W.shape}: row i holds input i's weights.")
        lines.append(f"W{index} = {array_literal(W)}")
        lines.append(f"b{index} = {array_literal(b)}")
        layer_names.append(str(index))
    lines.append(f"weights = [{', '.join('W' + i for i in layer_names)}]")
    lines.append(f"biases = [{', '.join('b' + i for i in layer_names)}]")
    lines.append("")
    name, values = _optimizer_state(trainer)
    order_note = ", ".join([f"W{i}" for i in layer_names] + [f"b{i}" for i in layer_names])
    lines.append(f"# The optimizer: {_OPTIMIZER_NAMES[name]}.")
    for key, value in values.items():
        if key in _OPTIMIZER_MEMORY_NOTES:
            lines.append(f"# {_OPTIMIZER_MEMORY_NOTES[key]}, one array per parameter: {order_note}")
        lines.append(f"{key} = {value}")
    lines.append(f"BATCH_SIZE = {trainer.batch_size}")
    config = trainer.config
    if config.dropout:
        lines.append(f"DROPOUT = {_number(config.dropout)}     # the probability of dropping a hidden neuron")
    if uses_rng:
        rng_state, order, position = trainer.batch_order_state()
        lines.append("")
        lines.append("# numpy's random generator as the playground left it: it draws "
                     + ("the shuffles of the batch order" if not full_batch else "")
                     + (" and " if not full_batch and config.dropout else "")
                     + ("the dropout masks" if config.dropout else "") + ".")
        lines.append(f"RNG_STATE = {pformat(rng_state, width=LINE_WIDTH - 12)}")
        if not full_batch:
            lines.append("# The current pass over the training set: the order of its points, and where the next\n"
                         "# batch starts (at the end of the order: a new pass, shuffled anew).")
            lines.append(f"ORDER = {array_literal(order)}")
            lines.append(f"POSITION = {int(position)}")
    return "\n".join(lines) + "\n"


def _data_section(trainer) -> str:
    data = trainer.dataset
    lines = []
    features = ", ".join(map(_plain, data.feature_names))
    scaled = " each standardised with the training set's mean and standard deviation" if data.standardized else ""
    lines.append(f"# {len(data.X_train)} training and {len(data.X_test)} test rows.")
    lines.append(f"# The input columns: {features}{scaled}.")
    if data.task == "classification":
        labels = ", ".join(f"{k} = {_plain(name)}" for k, name in enumerate(data.class_names))
        lines.append(f"# The labels are classes {labels}.")
        lines.append(f"CLASS_NAMES = {list(data.class_names)!r}")
        lines.append(f"N_OUTPUTS = {trainer.network.layer_sizes[-1]}")
    else:
        lines.append(f"# The target: {_plain(data.target_name)}. The network learns it standardised with the\n"
                     "# training targets' mean and standard deviation:")
        lines.append(f"TARGET_MEAN = {_number(trainer.target_mean)}")
        lines.append(f"TARGET_SCALE = {_number(trainer.target_scale)}")
    for name, array in (("X_TRAIN", data.X_train), ("Y_TRAIN", data.y_train),
                        ("X_TEST", data.X_test), ("Y_TEST", data.y_test)):
        if name.startswith("X"):
            array = np.asarray(array, dtype=np.float64).reshape(len(array), data.n_features)
        lines.append(f"{name} = {array_literal(array)}")
    return "\n".join(lines) + "\n"


def _docstring(trainer) -> str:
    data, network, config = trainer.dataset, trainer.network, trainer.config
    sizes = network.layer_sizes
    hidden = "".join(f" -> {size} {name}" for size, name in zip(sizes[1:-1], network.activation))
    what = (f"{data.n_classes} classes ({', '.join(map(_plain, data.class_names))})"
            if data.task == "classification" else f"regression of {_plain(data.target_name)}")
    batches = ("the whole training set at every step" if trainer.batch_size >= len(data.X_train)
               else f"mini-batches of {trainer.batch_size}")
    extras = []
    if config.l1 or config.l2:
        extras.append(f"{'L1' if config.l1 else 'L2'} regularisation {config.l1 or config.l2:g}")
    if config.dropout:
        extras.append(f"dropout {config.dropout:g}")
    settings = _wrapped([f"{key}={value}" for key, value in config.to_query().items()
                         if key not in cfg.VIEW_FIELDS], "    ")
    return _code('''
        """A neural network in numpy, exported from Neural Playground at iteration $iteration.

        Data: $dataset, $what; $n_train training and $n_test test rows.
        Network: $n_inputs inputs$hidden -> $n_outputs $output output$plural, $loss loss.
        Training: $optimizer with learning rate $learning_rate on $batches$extras.

        Run it to train on from where the playground stopped:

            python network.py --iterations 100 --every 10

        It prints "iteration K training loss L" for the exported iteration, every --every
        iterations and after the last one, then the test set's loss and $score. Its weights,
        the optimizer's memory and the batch order are the playground's at iteration $iteration,
        and every step repeats the playground's arithmetic, so the losses are the ones the
        playground would show after as many steps. Only numpy is needed.

        The playground's settings:
        $settings
        """
        ''', iteration=trainer.iteration, dataset=_plain(data.name), what=what, n_train=len(data.X_train),
        n_test=len(data.X_test), n_inputs=sizes[0], hidden=hidden, n_outputs=sizes[-1],
        output=_READABLE[network.output],
        plural="s" if sizes[-1] > 1 else "", loss=network.loss.replace("_", " "),
        optimizer=_OPTIMIZER_NAMES[trainer.optimizer.name], learning_rate=f"{trainer.optimizer.learning_rate:g}",
        batches=batches, extras="".join(f"; {e}" for e in extras), settings=settings,
        score="accuracy" if data.task == "classification" else "RMSE")


def numpy_script(trainer) -> str:
    """The trainer's network, data and training state as one standalone numpy program.

    Parameters
    ----------
    trainer : ``playground.training.trainer.Trainer``

    Returns
    -------
    The source of ``network.py`` (see the module docstring for what it holds and prints).
    """
    network, config = trainer.network, trainer.config
    full_batch = trainer.batch_size >= len(trainer.dataset.X_train)
    dropout = bool(config.dropout)
    uses_rng = dropout or not full_batch
    needs_sigmoid = network.output in ("sigmoid", "one_vs_rest") or bool(_NEEDS_SIGMOID & set(network.activation))
    parts = [
        _docstring(trainer),
        "import argparse\nimport math\n\nimport numpy as np\n",
        _section("The hidden layers' activations: a = f(z), and f'(z) for backpropagation (given z and a)"),
        (_code(SIGMOID_CODE) + "\n\n" if needs_sigmoid else "") + _activation_section(network.activation),
        _section(f"The output head ({_READABLE[network.output]}): targets, output activation, the loss and dL/dz"),
        _head_section(network.output, network.loss),
        _section("The network: the forward pass and backpropagation"),
        _network_section(dropout, config.l1, config.l2),
        _section("The update"),
        _code(_OPTIMIZER_CODE[trainer.optimizer.name]),
        _section("The batches"),
        _code(_FULL_BATCH_CODE if full_batch else _BATCHES_CODE) + ("\n\n" + _code(_DROPOUT_CODE) if dropout else ""),
        _section("Measuring, and the training loop"),
        _measure_code(trainer.task == "regression") + "\n\n" + _main_code(trainer.optimizer.name, full_batch, dropout),
        _section(f"The state at iteration {trainer.iteration}: weights, the optimizer's memory, the batch order"),
        _state_section(trainer, full_batch, uses_rng),
        _section("The data"),
        _data_section(trainer),
        "\n\nif __name__ == \"__main__\":\n    main()\n",
    ]
    return "".join(parts)
