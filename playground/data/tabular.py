"""Real tables: scikit-learn's bundled sets and the user's own CSV file.

Bundled sets come from ``sklearn.datasets`` loaders that read files shipped with
scikit-learn (no network access). A CSV file goes through two stages:

* :func:`read_csv_table` does every check on the *file*: size, emptiness, binary
  content, text encoding, separator, header, duplicate names, row and column counts;
* :func:`load_csv` does the checks that depend on the chosen *target*: text columns,
  missing or infinite values, constant columns, the task, the classes; then splits and
  scales like every other set.

Every problem raises :class:`~playground.data.errors.DataError` with a message that
names the column or the line of the file (line 1 is the header, so the first data row
is line 2, as in a spreadsheet) and says what to do. What loading leaves out of the file
(constant columns always; text columns and incomplete rows when asked) is said in
``Dataset.notices``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from .dataset import Dataset, assemble, check_seed, check_train_fraction
from .errors import DataError

MAX_FILE_BYTES = 10 * 1024 * 1024
MIN_ROWS = 10
MAX_ROWS = 50_000
MAX_FEATURES = 100
MAX_CLASSES = 20
#: The sidebar's labels of the two options, named by the messages that suggest them.
DROP_TEXT_OPTION = "Drop non-numeric feature columns"
DROP_ROWS_OPTION = "Drop rows with missing or infinite values"
SEPARATORS = (",", ";", "\t", "|")
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip archive, such as an Excel .xlsx file",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls file",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}
_MAX_LISTED = 5
#: Quote marks a header name may arrive wrapped in, each with its closing mark: the CSV
#: double quote after a space (read as text), single quotes, back quotes, typographic quotes.
_QUOTE_PAIRS = {'"': '"', "'": "'", "`": "`", "\u2018": "\u2019", "\u2019": "\u2019", "\u201c": "\u201d",
                "\u201d": "\u201d"}


# --------------------------------------------------------------------------- bundled tables


@dataclass(frozen=True)
class _Table:
    data: np.ndarray  # (n, n_inputs) float64
    target: np.ndarray  # (n,) int labels or float targets
    input_names: list[str]
    class_names: list[str]
    task: str


def _sklearn_loader(name: str):
    from sklearn import datasets

    return {
        "iris": datasets.load_iris,
        "wine": datasets.load_wine,
        "breast_cancer": datasets.load_breast_cancer,
        "digits": datasets.load_digits,
        "diabetes": lambda: datasets.load_diabetes(scaled=False),
    }[name]


@cache
def _bundled(name: str) -> _Table:
    bunch = _sklearn_loader(name)()
    task = "regression" if name == "diabetes" else "classification"
    target = bunch.target.astype(np.int64 if task == "classification" else np.float64)
    class_names = [str(c) for c in bunch.target_names] if task == "classification" else []
    data = np.asarray(bunch.data, dtype=np.float64)
    data.setflags(write=False)
    target.setflags(write=False)
    return _Table(data, target, [str(f) for f in bunch.feature_names], class_names, task)


TABLE_NAMES = ("iris", "wine", "breast_cancer", "digits", "diabetes")


def load_table(name: str, *, train_fraction: float = 0.7, seed: int = 0, standardize: bool = True) -> Dataset:
    """A bundled scikit-learn table as a :class:`Dataset`.

    ``iris`` (150 x 4, 3 classes), ``wine`` (178 x 13, 3), ``breast_cancer``
    (569 x 30, 2), ``digits`` (1797 x 64 pixel intensities 0-16, 10 classes) and
    ``diabetes`` (442 x 10, regression; unscaled values, the target is a disease
    progression score 25-346). Class names are the loader's ``target_names``.
    """
    if name not in TABLE_NAMES:
        raise DataError(f"Unknown table {name!r}; available: {', '.join(TABLE_NAMES)}.")
    table = _bundled(name)
    rng = np.random.default_rng(np.random.SeedSequence(check_seed(seed)).spawn(2)[1])
    return assemble(
        name=name,
        task=table.task,
        raw=table.data,
        y=table.target,
        input_names=table.input_names,
        class_names=table.class_names,
        feature_map=None,
        domain=None,
        train_fraction=check_train_fraction(train_fraction),
        rng=rng,
        standardize=standardize,
        target_name="target",
    )


# --------------------------------------------------------------------------- reading a CSV file


def _megabytes(n_bytes: int) -> str:
    return f"{n_bytes / (1024 * 1024):.1f} MB"


def _too_large(n_bytes: int) -> DataError:
    return DataError(
        f"The file is {_megabytes(n_bytes)}; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB. "
        "Use fewer rows or columns."
    )


def _read_bytes(source) -> bytes:
    """The content of a path, bytes, or file-like object, refusing more than 10 MB."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            size = os.path.getsize(source)
        except OSError as error:
            raise DataError(
                f"Cannot open the file {os.fspath(source)!r}: {error.strerror or error}."
            ) from None
        if size > MAX_FILE_BYTES:
            raise _too_large(size)
        with open(source, "rb") as handle:
            data = handle.read()
    elif hasattr(source, "getvalue") or hasattr(source, "read"):
        size = getattr(source, "size", None)
        if isinstance(size, int) and size > MAX_FILE_BYTES:
            raise _too_large(size)
        if hasattr(source, "getvalue"):
            data = source.getvalue()
        else:
            data = source.read(MAX_FILE_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        data = bytes(data)
    else:
        raise DataError(
            f"Cannot read a CSV file from a {type(source).__name__}; give a path, bytes or a file."
        )
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data))
    return data


def _decode(data: bytes) -> str:
    """Bytes -> text: UTF-8 (with or without byte-order mark) or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("The file says it is UTF-16 text but cannot be read as such.") from None
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise DataError(
                f"This is not a CSV text file: it looks like {kind}. "
                "Open it in a spreadsheet and save it as 'CSV' (comma-separated values)."
            )
    if b"\x00" in data[:65536]:
        raise DataError(
            "This is not a CSV text file: it contains binary data. "
            "A CSV file is plain text with one row per line and values separated by commas."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DataError(
            f"The file's text encoding is not UTF-8: line {line} contains the byte "
            f"0x{data[error.start]:02X}, "
            "which UTF-8 cannot read (the file was probably saved as Latin-1 or Windows-1252). "
            "Save it again as 'CSV UTF-8' (Excel) or with encoding UTF-8."
        ) from None


def clean_column_name(name: str) -> str:
    """A header name without surrounding spaces or the quote marks wrapped round it.

    ``'vote'`` -> ``vote``, ``" age "`` -> ``age``, ``\u201cincome\u201d`` -> ``income``; a
    quote inside a name stays (``o'clock``), and so does an unmatched one (``'vote``).
    """
    name = name.strip()
    while len(name) >= 2 and _QUOTE_PAIRS.get(name[0]) == name[-1]:
        name = name[1:-1].strip()
    return name


def _detect_separator(text: str) -> tuple[str, list[str]]:
    """Pick the separator that splits the header line into the most fields.

    Returns the separator and the header's column names (see :func:`clean_column_name`),
    read with the ``csv`` module so that quoted names containing the separator stay whole
    (spaces after a separator are skipped, as pandas does for the rows).
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, best_header = ",", [first.strip()]
    for separator in SEPARATORS:
        header = next(csv.reader([first], delimiter=separator, skipinitialspace=True), [])
        if len(header) > len(best_header):
            best, best_header = separator, header
    return best, [clean_column_name(name) for name in best_header]


def _numeric_count(frame: pd.DataFrame) -> int:
    return sum(pd.api.types.is_numeric_dtype(frame[column]) for column in frame.columns)


def _parse(text: str, separator: str, decimal: str = ".") -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(text), sep=separator, decimal=decimal, skipinitialspace=True, engine="c"
        )
    except pd.errors.ParserError as error:
        message = str(error)
        detail = message.split("Error tokenizing data. C error: ")[-1].strip()
        words = detail.replace(",", "").split()
        if detail.startswith("Expected") and "line" in words:
            expected, line, saw = words[1], words[words.index("line") + 1], words[-1]
            raise DataError(
                f"Line {line} has {saw} values but the header has {expected} columns. "
                "Check for a missing or extra separator, or a value with a separator that is not in quotes."
            ) from None
        raise DataError(f"The file cannot be read as a table: {detail}") from None
    except (pd.errors.EmptyDataError, UnicodeError) as error:
        raise DataError(f"The file cannot be read as a table: {error}") from None


def read_csv_table(source) -> pd.DataFrame:
    """Read a CSV file into a DataFrame after every file-level check.

    Parameters
    ----------
    source : str or os.PathLike (a path), bytes, or a file-like object
        A file-like object may offer ``getvalue()`` (``io.BytesIO``, Streamlit's
        ``UploadedFile``) or ``read()``; its ``size`` attribute, if any, is checked
        before anything is read.

    Accepted: UTF-8 with or without a byte-order mark (and UTF-16 with one); comma,
    semicolon, tab or ``|`` separators (with semicolons, decimal commas such as
    ``1,5`` are understood); quoted fields.

    Raises
    ------
    DataError
        File over 10 MB, empty, binary, not UTF-8, header only, a single column, an
        unnamed or duplicate column name, rows with too many values, fewer than 10 or
        more than 50,000 data rows, more than 100 feature columns.
    """
    data = _read_bytes(source)
    if not data.strip():
        raise DataError(
            "The file is empty. A CSV file needs a header row with column names and rows of data."
        )
    text = _decode(data)
    if not text.strip():
        raise DataError(
            "The file is empty. A CSV file needs a header row with column names and rows of data."
        )
    separator, header = _detect_separator(text)
    if len(header) < 2:
        name = header[0] if header else ""
        raise DataError(
            f"The file has only one column ({name[:40]!r}). The playground needs at least two: "
            "one or more input columns and a target column. Separate values with commas, "
            "semicolons or tabs."
        )
    for position, column in enumerate(header, start=1):
        if not column:
            raise DataError(
                f"Column {position} has no name in the header row (line 1). Give every column a name."
            )
    seen: dict[str, list[int]] = {}
    for position, column in enumerate(header, start=1):
        seen.setdefault(column, []).append(position)
    duplicates = {column: positions for column, positions in seen.items() if len(positions) > 1}
    if duplicates:
        listed = "; ".join(
            f"{column!r} (columns {', '.join(map(str, positions))})"
            for column, positions in duplicates.items()
        )
        raise DataError(
            f"Duplicate column names: {listed}. Every column needs its own name; rename the copies."
        )
    if len(header) - 1 > MAX_FEATURES:
        raise DataError(
            f"The file has {len(header)} columns, so {len(header) - 1} input features; "
            f"the limit is {MAX_FEATURES}. Keep only the columns you need."
        )
    frame = _parse(text, separator)
    if separator == ";":
        with_decimal_comma = _parse(text, separator, decimal=",")
        if _numeric_count(with_decimal_comma) > _numeric_count(frame):
            frame = with_decimal_comma
    frame.columns = header
    if len(frame) == 0:
        raise DataError("The file has a header row but no data rows below it.")
    if len(frame) < MIN_ROWS:
        raise DataError(
            f"The file has only {len(frame)} data rows; at least {MIN_ROWS} are needed to train and test."
        )
    if len(frame) > MAX_ROWS:
        raise DataError(
            f"The file has {len(frame):,} data rows; the limit is {MAX_ROWS:,}. Use a sample of the rows."
        )
    return frame


# --------------------------------------------------------------------------- from table to dataset


def _line_list(rows: np.ndarray) -> str:
    lines = [str(int(row) + 2) for row in rows[:_MAX_LISTED]]
    more = f" and {len(rows) - _MAX_LISTED} more" if len(rows) > _MAX_LISTED else ""
    return ", ".join(lines) + more


def _format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _name_list(names: list[str]) -> str:
    listed = ", ".join(map(repr, names[:_MAX_LISTED]))
    return listed + (f" and {len(names) - _MAX_LISTED} more" if len(names) > _MAX_LISTED else "")


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _check_non_numeric(frame: pd.DataFrame, features: list[str], drop: bool,
                       notices: list[str]) -> list[str]:
    """The input columns that hold numbers; text columns are refused, or left out if ``drop``."""
    text_columns = [column for column in features if not pd.api.types.is_numeric_dtype(frame[column])]
    if not text_columns:
        return features
    if drop:
        kept = [column for column in features if column not in text_columns]
        if not kept:
            raise DataError(
                f"After dropping the text columns ({_name_list(text_columns)}) "
                "no input column is left. The inputs must be numbers."
            )
        notices.append(f"Left out the text {_plural(len(text_columns), 'column')} {_name_list(text_columns)}: "
                       "the network needs numbers.")
        return kept
    examples = []
    for column in text_columns:
        values = frame[column].dropna()
        example = "" if values.empty else f" (e.g. {str(values.iloc[0])[:30]!r})"
        examples.append(f"{column!r}{example}")
    raise DataError(
        f"These input columns contain text, not numbers: {', '.join(examples)}. "
        f"The network needs numbers: tick \u201c{DROP_TEXT_OPTION}\u201d to leave them out, "
        "or convert them to numbers in your file."
    )


def _check_missing(frame: pd.DataFrame, features: list[str], target: str, drop: bool,
                   notices: list[str]) -> pd.DataFrame:
    """``frame`` if no value is missing or infinite; else refused, or those rows dropped if ``drop``."""
    columns = [*features, target]
    missing = frame[columns].isna().to_numpy()
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    infinite = np.zeros_like(missing)
    for j, column in enumerate(columns):
        if column in numeric:
            infinite[:, j] = np.isinf(frame[column].to_numpy(dtype=np.float64, na_value=np.nan))
    bad = missing | infinite
    if not bad.any():
        return frame
    bad_rows = np.flatnonzero(bad.any(axis=1))
    if drop:
        notices.append(f"Left out {len(bad_rows)} {_plural(len(bad_rows), 'row')} with missing or infinite "
                       f"values ({_plural(len(bad_rows), 'line')} {_line_list(bad_rows)}).")
        return frame.drop(index=frame.index[bad_rows]).reset_index(drop=True)
    parts = []
    for kind, mask in (("missing", missing), ("infinite", infinite)):
        count = int(mask.sum())
        if count:
            where = "; ".join(
                f"column {columns[j]!r} line{'s' if mask[:, j].sum() > 1 else ''} "
                f"{_line_list(np.flatnonzero(mask[:, j]))}"
                for j in range(len(columns))
                if mask[:, j].any()
            )
            parts.append(f"{count} {kind} value{'s' if count > 1 else ''} ({where})")
    rows = f"the {len(bad_rows)} rows that contain them" if len(bad_rows) > 1 else "the row that contains it"
    if int(bad.sum()) > 1 and len(bad_rows) == 1:
        rows = "the row that contains them"
    raise DataError(
        f"The file has {' and '.join(parts)}. Correct the file, or drop {rows}: "
        f"tick \u201c{DROP_ROWS_OPTION}\u201d."
    )


def _drop_constant(frame: pd.DataFrame, features: list[str], notices: list[str]) -> list[str]:
    """The input columns whose value changes; a column with one value in every row is left
    out (it cannot help predict anything), and said in ``notices``."""
    constant = [column for column in features if frame[column].nunique(dropna=False) == 1]
    if not constant:
        return features
    described = [f"{column!r} (always {_format_number(float(frame[column].iloc[0]))})"
                 for column in constant[:_MAX_LISTED]]
    more = f" and {len(constant) - _MAX_LISTED} more" if len(constant) > _MAX_LISTED else ""
    if len(constant) == len(features):
        raise DataError(
            f"Every input column has the same value in every row: {', '.join(described)}{more}. "
            "Nothing is left to predict from; the inputs must vary from row to row."
        )
    notices.append(f"Left out the {_plural(len(constant), 'column')} {', '.join(described)}{more}: "
                   "the same value in every row cannot help predict anything.")
    return [column for column in features if column not in constant]


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def reads_as_quantity(target: pd.Series) -> bool:
    """Whether a numeric target column is a number to predict rather than class labels.

    Read as classes, the column's k distinct values would be k classes, and a class needs
    rows to learn from: at least 2, one to train and one to test. The column is a number
    to predict when, over its n rows,

    * its values are mostly distinct: k > n / 2 (years, prices, measurements);
    * or most of its would-be classes hold a single row: more than k / 2 of the values
      occur once (a few common values among many one-off ones, such as an amount that is
      often 0);
    * or k > ``MAX_CLASSES``, more classes than the playground handles.

    Otherwise the values are few and each repeated (ratings 1 to 5, 0/1 flags, codes):
    classes. The rule looks only at how the values repeat, not at whether they are whole
    numbers, since both years and class codes are.
    """
    counts = target.value_counts(dropna=True).to_numpy()
    k, n = len(counts), int(counts.sum())
    return k > n / 2 or int(np.count_nonzero(counts == 1)) > k / 2 or k > MAX_CLASSES


def _infer_task(target: pd.Series, name: str, task: str | None) -> str:
    """The task asked for, checked against the target; ``None``: inferred (text is classes,
    a numeric column as :func:`reads_as_quantity` says)."""
    numeric = _is_numeric(target)
    if task is None:
        task = "regression" if numeric and reads_as_quantity(target) else "classification"
    elif task not in ("classification", "regression"):
        raise DataError(f"The task must be 'classification' or 'regression', not {task!r}.")
    if task == "regression" and not numeric:
        example = str(target.iloc[0])[:30]
        raise DataError(
            f"The target column {name!r} contains text (e.g. {example!r}), so it cannot be predicted as a "
            "number. Choose classification."
        )
    if task == "regression" and target.nunique(dropna=False) == 1:
        raise DataError(
            f"The target column {name!r} has the same value ({_format_number(float(target.iloc[0]))}) in every "
            "row: there is nothing to predict. Choose another target column."
        )
    return task


def _encode_classes(target: pd.Series, name: str) -> tuple[np.ndarray, list[str]]:
    """Target column -> integer labels 0..K-1 (sorted values) and their names."""
    numeric = _is_numeric(target)
    values = target.to_numpy(dtype=np.float64) if numeric else target.astype(str).str.strip().to_numpy()
    classes, labels = np.unique(values, return_inverse=True)
    names = [_format_number(c) for c in classes] if numeric else [str(c) for c in classes]
    if len(classes) < 2:
        raise DataError(
            f"The target column {name!r} has only one class ({names[0]!r}): there is nothing to tell apart. "
            "Choose another target column, or add rows of another class."
        )
    if len(classes) > MAX_CLASSES:
        hint = " If it is a number to predict, choose Task: regression." if numeric else ""
        raise DataError(
            f"The target column {name!r} has {len(classes)} different classes; the playground "
            f"handles at most {MAX_CLASSES}. Choose another target column.{hint}"
        )
    counts = np.bincount(labels, minlength=len(classes))
    lonely = [names[k] for k in np.flatnonzero(counts < 2)]
    if lonely:
        raise DataError(
            f"In the target column {name!r}, class{'es' if len(lonely) > 1 else ''} "
            f"{', '.join(map(repr, lonely[:_MAX_LISTED]))} appear{'' if len(lonely) > 1 else 's'} "
            "in only one row; "
            "every class needs at least 2 rows, one for training and one for testing. "
            + ("Add rows of these classes, or choose Task: regression to predict the column as a number."
               if numeric else "Add rows of these classes, or remove those rows.")
        )
    return labels.astype(np.int64), names


def _source_name(source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source))
    name = getattr(source, "name", None)
    return os.path.basename(name) if isinstance(name, str) and name else "uploaded.csv"


def load_csv(
    source,
    target: str | None = None,
    *,
    task: str | None = None,
    drop_non_numeric: bool = False,
    drop_missing_rows: bool = False,
    train_fraction: float = 0.7,
    seed: int = 0,
    standardize: bool = True,
    name: str | None = None,
) -> Dataset:
    """The user's CSV file as a :class:`Dataset`.

    Parameters
    ----------
    source : path, bytes or file-like (see :func:`read_csv_table`)
    target : name of the column to predict; ``None`` = the last column
    task : ``"classification"``, ``"regression"`` or ``None`` to infer: text labels are
        classes; a numeric target is regression when its values are mostly distinct or
        mostly occur once (:func:`reads_as_quantity`), classes otherwise
    drop_non_numeric : drop input columns holding text instead of refusing the file
        (the sidebar's :data:`DROP_TEXT_OPTION`)
    drop_missing_rows : drop rows with a missing or infinite value instead of refusing
        (the sidebar's :data:`DROP_ROWS_OPTION`)
    train_fraction : share of rows for training, 0.1 to 0.9 (stratified for classification)
    seed : seed of the split
    standardize : scale every input with the training mean and standard deviation
    name : name shown for the set; default the file's name

    Class labels are the sorted distinct target values, ``class_names[k]`` their text.
    The raw arrays are the numeric input columns, shape (n, n_inputs). An input column
    with the same value in every row is left out; ``notices`` on the result says which
    columns and rows were left out.
    """
    train_fraction = check_train_fraction(train_fraction)
    seed = check_seed(seed)
    frame = read_csv_table(source)
    columns = list(frame.columns)
    if target is None:
        target = columns[-1]
    if target not in columns:
        raise DataError(
            f"There is no column named {target!r}. The columns are: {', '.join(map(repr, columns))}."
        )
    notices: list[str] = []
    features = [column for column in columns if column != target]
    features = _check_non_numeric(frame, features, drop_non_numeric, notices)
    frame = _check_missing(frame, features, target, drop_missing_rows, notices)
    if len(frame) < MIN_ROWS:
        raise DataError(
            f"Only {len(frame)} rows are left after dropping incomplete rows; at least {MIN_ROWS} are needed."
        )
    features = _drop_constant(frame, features, notices)
    task = _infer_task(frame[target], target, task)
    if task == "classification":
        y, class_names = _encode_classes(frame[target], target)
    else:
        y, class_names = frame[target].to_numpy(dtype=np.float64), []
    raw = frame[features].to_numpy(dtype=np.float64)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[1])
    return assemble(
        name=name or _source_name(source),
        task=task,
        raw=raw,
        y=y,
        input_names=features,
        class_names=class_names,
        feature_map=None,
        domain=None,
        train_fraction=train_fraction,
        rng=rng,
        standardize=standardize,
        target_name=target,
        notices=notices,
    )


# --------------------------------------------------------------------------- the bundled sample file

SAMPLE_FRUITS = {
    # fruit: (length cm, width cm, weight g, sweetness degrees Brix) means and standard deviations
    "apple": ((7.5, 7.8, 180.0, 12.0), (0.6, 0.6, 25.0, 1.5)),
    "pear": ((10.0, 7.0, 200.0, 11.0), (1.0, 0.6, 30.0, 1.5)),
    "lemon": ((8.0, 6.0, 120.0, 3.0), (0.7, 0.5, 20.0, 1.0)),
}


def sample_table(n_rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """The made-up fruit table shipped as ``assets/sample.csv``.

    ``n_rows`` rows, classes in turn apple, pear, lemon, then shuffled; each measure
    normal with the class's mean and standard deviation (:data:`SAMPLE_FRUITS`),
    lengths rounded to 0.1 cm, weights to 1 g, sweetness to 0.1. Columns:
    ``length_cm, width_cm, weight_g, sweetness, fruit``.
    """
    rng = np.random.default_rng(seed)
    fruits = list(SAMPLE_FRUITS)
    labels = np.array(fruits)[np.arange(n_rows) % len(fruits)]
    means = np.array([SAMPLE_FRUITS[f][0] for f in labels])
    stds = np.array([SAMPLE_FRUITS[f][1] for f in labels])
    values = np.abs(rng.normal(means, stds))
    order = rng.permutation(n_rows)
    return pd.DataFrame(
        {
            "length_cm": np.round(values[order, 0], 1),
            "width_cm": np.round(values[order, 1], 1),
            "weight_g": np.round(values[order, 2]).astype(np.int64),
            "sweetness": np.round(values[order, 3], 1),
            "fruit": labels[order],
        }
    )
