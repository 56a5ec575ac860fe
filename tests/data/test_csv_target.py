"""Small tables written here: how the task is inferred from the target column, constant
columns, and header names wrapped in odd quotes."""

import numpy as np
import pandas as pd
import pytest

from playground.data import DataError, load_csv, read_csv_table
from playground.data.tabular import clean_column_name, reads_as_quantity


def csv_bytes(columns: dict, header: str | None = None) -> bytes:
    """The columns as CSV bytes; ``header`` replaces the header line as written."""
    text = pd.DataFrame(columns).to_csv(index=False)
    if header is not None:
        text = header + "\n" + text.split("\n", 1)[1]
    return text.encode()


def inputs(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {"a": np.round(rng.normal(size=n), 3), "b": np.round(rng.normal(size=n), 3)}


# --------------------------------------------------------------------------- inferring the task

#: Yearly figures, 16 rows (the shape of a course's small economics table): every column,
#: the year included, is a number to predict.
YEARLY = {
    "year": list(range(1947, 1963)),
    "output": [83.0, 88.5, 88.2, 89.5, 96.2, 98.1, 99.0, 100.0, 101.2, 104.6, 108.4, 110.8, 112.6, 114.2, 115.7,
               116.9],
    "workers": [60323, 61122, 60171, 61187, 63221, 63639, 64989, 63761, 66019, 67857, 68169, 66513, 68655, 69564,
                69331, 70551],
    "jobless": [235.6, 232.5, 368.2, 335.1, 209.9, 193.2, 187.0, 357.8, 290.4, 282.2, 293.6, 468.1, 381.3, 393.1,
                480.6, 400.7],
}


@pytest.mark.parametrize("target", list(YEARLY))
def test_every_column_of_a_yearly_table_is_a_number_to_predict(target):
    data = load_csv(csv_bytes(YEARLY), target=target)
    assert data.task == "regression" and data.class_names == []
    assert data.input_names == [c for c in YEARLY if c != target]


@pytest.mark.parametrize("values, task", [
    # Ratings 1 to 5 on 40 rows, each given 5 to 12 times: classes.
    ([1] * 5 + [2] * 7 + [3] * 12 + [4] * 10 + [5] * 6, "classification"),
    # The same ratings written as decimals: the rule looks at repetition, not at the type.
    ([1.0] * 5 + [2.0] * 7 + [3.0] * 12 + [4.0] * 10 + [5.0] * 6, "classification"),
    # Grades in halves on 20 rows, 5 each: classes.
    ([2.5, 3.0, 3.5, 4.0] * 5, "classification"),
    # A 0/1 flag on 10 rows.
    ([0, 1] * 5, "classification"),
    # Monthly counts of accidents on 24 rows, 17 different values: a number.
    ([12, 15, 9, 22, 15, 18, 30, 11, 9, 14, 25, 19, 12, 16, 21, 27, 15, 13, 10, 24, 8, 18, 26, 17], "regression"),
    # Measurements with two decimals on 12 rows, all different: a number.
    ([3.14, 2.72, 1.41, 1.73, 2.24, 0.58, 1.62, 2.30, 0.69, 1.10, 4.67, 0.91], "regression"),
    # An amount that is 0 in 18 of 30 rows, with 12 one-off values: 13 distinct values, not
    # more than half the rows, but 12 of the 13 would be single-row classes.
    ([0] * 18 + [120, 45, 300, 75, 60, 210, 95, 180, 33, 410, 150, 88], "regression"),
])
def test_task_follows_the_shape_of_the_numeric_target(values, task):
    data = load_csv(csv_bytes({**inputs(len(values)), "t": values}))
    assert data.task == task


def test_the_boundary_is_more_than_half_of_the_rows_distinct():
    """20 rows: 10 values twice each is classes (k = n / 2); 11 values is a number (k > n / 2)."""
    ten_pairs = pd.Series(np.repeat(np.arange(10) * 7, 2))
    eleven = pd.Series([*np.repeat(np.arange(9) * 7, 2), 100, 200])
    assert not reads_as_quantity(ten_pairs) and reads_as_quantity(eleven)
    assert load_csv(csv_bytes({**inputs(20), "t": ten_pairs})).task == "classification"
    assert load_csv(csv_bytes({**inputs(20), "t": eleven})).task == "regression"


def test_mostly_single_row_classes_is_a_number_even_with_few_distinct_values():
    """40 rows, 9 distinct values: 6 of them occur once (more than 9 / 2) -> a number."""
    values = pd.Series([5] * 20 + [6] * 10 + [7] * 4 + [1, 2, 3, 8, 9, 10])
    assert reads_as_quantity(values)
    # Only 4 of 9 once: classes (and then 1, 2, 3, 8 fail as single-row classes; see below).
    assert not reads_as_quantity(pd.Series([5] * 20 + [6] * 10 + [7] * 4 + [9, 9, 10, 10, 1, 2, 3, 8]))


def test_more_than_twenty_repeated_values_is_a_number():
    values = np.arange(63) % 21            # 21 values, 3 rows each: too many classes
    assert load_csv(csv_bytes({**inputs(63), "t": values})).task == "regression"


def test_text_and_true_false_targets_are_classes():
    assert load_csv(csv_bytes({**inputs(12), "t": ["yes", "no", "maybe"] * 4})).task == "classification"
    data = load_csv(csv_bytes({**inputs(12), "t": [True, False] * 6}))
    assert data.task == "classification" and data.class_names == ["False", "True"]


def test_single_row_class_message_offers_regression_for_numbers_only():
    ratings = [1] + [2] * 4 + [3] * 6 + [4] * 5 + [5] * 4            # rating 1 given once, 20 rows
    source = csv_bytes({**inputs(20), "t": ratings})
    with pytest.raises(DataError, match=r"class '1' appears in only one row; .*"
                                        r"or choose Task: regression to predict the column as a number\."):
        load_csv(source)
    assert load_csv(source, task="regression").task == "regression"
    words = ["x"] + ["y"] * 4 + ["z"] * 6 + ["w"] * 9
    with pytest.raises(DataError, match="appears in only one row") as raised:
        load_csv(csv_bytes({**inputs(20), "t": words}))
    assert "regression" not in str(raised.value)


def test_too_many_classes_message_names_the_task_setting():
    with pytest.raises(DataError, match=r"24 different classes.*If it is a number to predict, choose Task: regression"):
        load_csv(csv_bytes({**inputs(24), "t": list(range(10, 34))}), task="classification")


# --------------------------------------------------------------------------- constant columns


def test_a_constant_input_column_is_left_out_with_a_notice():
    n = 12
    table = {"x1": np.round(np.linspace(-1, 1, n), 2), "batch": [3] * n, "x2": np.arange(n) % 4,
             "label": ["a", "b"] * 6}
    data = load_csv(csv_bytes(table))
    assert data.input_names == ["x1", "x2"] and data.n_features == 2
    np.testing.assert_array_equal(np.sort(np.vstack([data.raw_train, data.raw_test])[:, 1]), np.sort(table["x2"]))
    assert data.notices == ["Left out the column 'batch' (always 3): "
                            "the same value in every row cannot help predict anything."]


def test_several_constant_columns_are_named_in_one_notice():
    n = 10
    table = {"x": np.arange(n), "zero": [0.0] * n, "half": [0.5] * n, "y": np.arange(n) * 1.5}
    data = load_csv(csv_bytes(table))
    assert data.input_names == ["x"] and data.task == "regression"
    assert data.notices == ["Left out the columns 'zero' (always 0), 'half' (always 0.5): "
                            "the same value in every row cannot help predict anything."]


def test_a_column_constant_once_incomplete_rows_are_dropped_is_left_out_too():
    text = "x,flag,label\n" + "".join(f"{i},{'' if i == 4 else 1},{'ab'[i % 2]}\n" for i in range(12))
    data = load_csv(text.encode(), drop_missing_rows=True)
    assert data.input_names == ["x"]
    assert data.notices == ["Left out 1 row with missing or infinite values (line 6).",
                            "Left out the column 'flag' (always 1): "
                            "the same value in every row cannot help predict anything."]


def test_only_constant_inputs_is_refused():
    with pytest.raises(DataError, match=r"Every input column has the same value in every row: "
                                        r"'a' \(always 2\), 'b' \(always -1\)\. Nothing is left to predict from"):
        load_csv(csv_bytes({"a": [2] * 10, "b": [-1] * 10, "t": ["u", "v"] * 5}))


def test_a_constant_target_stays_an_error():
    source = csv_bytes({**inputs(10), "t": [7] * 10})
    with pytest.raises(DataError, match=r"target column 't' has only one class \('7'\)"):
        load_csv(source)
    with pytest.raises(DataError, match=r"target column 't' has the same value \(7\) in every row: "
                                        "there is nothing to predict"):
        load_csv(source, task="regression")


# --------------------------------------------------------------------------- header names


@pytest.mark.parametrize("written, clean", [
    ("'vote'", "vote"), ('" age "', "age"), ("\u201cincome\u201d", "income"), ("\u2018party\u2019", "party"),
    ("`score`", "score"), ("\"'x'\"", "x"), ("o'clock", "o'clock"), ("'vote", "'vote"), ("it's", "it's"),
])
def test_quote_marks_round_a_name_are_removed(written, clean):
    assert clean_column_name(written) == clean


def test_a_header_in_single_quotes_loads_with_plain_names():
    source = csv_bytes({**inputs(10), "t": ["yes", "no"] * 5}, header="'age','income','vote'")
    data = load_csv(source, target="vote")
    assert data.input_names == ["age", "income"] and data.target_name == "vote"


def test_a_quoted_name_after_a_space_keeps_its_separator():
    source = csv_bytes({"a": range(10), "b": range(10), "c": [0, 1] * 5}, header='a, "b, in cm", \'c\'')
    assert list(read_csv_table(source).columns) == ["a", "b, in cm", "c"]


def test_names_equal_once_unquoted_are_duplicates_and_empty_quotes_no_name():
    with pytest.raises(DataError, match=r"Duplicate column names: 'x' \(columns 1, 2\)"):
        read_csv_table(csv_bytes({"p": range(10), "q": range(10), "r": range(10)}, header="'x',x,y"))
    with pytest.raises(DataError, match="Column 2 has no name"):
        read_csv_table(csv_bytes({"p": range(10), "q": range(10), "r": range(10)}, header="x,'',y"))
