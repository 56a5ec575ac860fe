"""The user's CSV file: every bad file in bad_csv/ is refused with a clear message,
every valid variant in good_csv/ loads."""

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from playground.data import DataError, load_csv, read_csv_table, sample_table

HERE = Path(__file__).parent
BAD = HERE / "bad_csv"
GOOD = HERE / "good_csv"
ASSETS = HERE.parent.parent / "assets"

BAD_FILES = {
    "empty.csv": "The file is empty",
    "header_only.csv": "header row but no data rows",
    "excel_renamed.csv": "not a CSV text file: it looks like a zip archive, such as an Excel .xlsx",
    "binary_data.csv": "not a CSV text file: it contains binary data",
    "latin1_encoding.csv": "encoding is not UTF-8: line 4 contains the byte 0xE9",
    "single_column.csv": r"only one column \('value'\)",
    "duplicate_columns.csv": r"Duplicate column names: 'x' \(columns 1, 3\)",
    "non_numeric_column.csv": (
        r"input columns contain text, not numbers: 'colour' \(e\.g\. 'red'\)\. The network needs numbers: "
        r"tick “Drop non-numeric feature columns” to leave them out"
    ),
    "missing_values.csv": (
        r"3 missing values \(column 'x1' lines 3, 6; column 'x2' line 6\)"
        r".*drop the 2 rows that contain them: tick “Drop rows with missing or infinite values”"
    ),
    "infinite_values.csv": r"1 infinite value \(column 'x2' line 8\).*drop the row that contains it: tick “Drop rows",
    "one_class.csv": r"target column 'label' has only one class \('yes'\)",
    "too_many_classes.csv": "has 25 different classes; the playground handles at most 20",
    "too_few_rows.csv": "only 5 data rows; at least 10",
    "too_many_rows.csv": "50,001 data rows; the limit is 50,000",
    "too_many_features.csv": "102 columns, so 101 input features; the limit is 100",
    "ragged_rows.csv": "Line 7 has 4 values but the header has 3 columns",
    "unnamed_column.csv": "Column 1 has no name",
    "class_with_one_row.csv": "class 'c' appears in only one row.*Add rows of these classes, or remove those rows",
}


def test_every_bad_file_is_listed():
    assert sorted(path.name for path in BAD.glob("*.csv")) == sorted(BAD_FILES)


@pytest.mark.parametrize("filename", sorted(BAD_FILES))
def test_bad_file_raises_data_error(filename):
    with pytest.raises(DataError, match=BAD_FILES[filename]):
        load_csv(BAD / filename)


@pytest.mark.parametrize("filename", sorted(BAD_FILES))
def test_bad_file_as_upload_gives_same_message(filename):
    """Streamlit's UploadedFile is a BytesIO with .name and .size."""
    upload = io.BytesIO((BAD / filename).read_bytes())
    upload.name = filename
    upload.size = len(upload.getvalue())
    with pytest.raises(DataError, match=BAD_FILES[filename]):
        load_csv(upload)


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


def test_file_over_10_mb(tmp_path):
    path = tmp_path / "big.csv"
    row = "1.2345678,2.3456789,0\n"
    path.write_text("a,b,label\n" + row * (10 * 1024 * 1024 // len(row) + 1))
    with pytest.raises(DataError, match=r"The file is 10\.0 MB; the limit is 10 MB"):
        read_csv_table(path)
    with pytest.raises(DataError, match="limit is 10 MB"):
        read_csv_table(path.read_bytes())


def test_upload_size_is_checked_before_reading():
    class HugeUpload:
        name = "huge.csv"
        size = 50 * 1024 * 1024

        def getvalue(self):
            raise AssertionError("the content should not be read")

    with pytest.raises(DataError, match=r"50\.0 MB; the limit is 10 MB"):
        load_csv(HugeUpload())


def test_whitespace_only_file_is_empty():
    with pytest.raises(DataError, match="The file is empty"):
        read_csv_table(b"  \n\n  \n")


def test_missing_file():
    with pytest.raises(DataError, match="Cannot open the file"):
        load_csv(HERE / "no_such_file.csv")


# --------------------------------------------------------------------------- valid variants


@pytest.mark.parametrize(
    "filename", ["utf8_bom.csv", "semicolon.csv", "semicolon_decimal_comma.csv", "tab_separated.csv"]
)
def test_valid_variants_load_like_a_plain_file(filename):
    data = load_csv(GOOD / filename)
    assert data.input_names == ["x1", "x2"]  # no BOM glued to the first name
    assert data.target_name == "label"
    assert data.class_names == ["a", "b"]
    assert data.task == "classification"
    assert data.n_features == 2 and len(data.y_train) + len(data.y_test) == 12
    raw = np.vstack([data.raw_train, data.raw_test])
    assert raw.dtype == np.float64 and np.all(np.abs(raw) < 5)


def test_decimal_commas_are_read_as_numbers():
    table = read_csv_table(GOOD / "semicolon_decimal_comma.csv")
    assert table["x1"].iloc[0] == pytest.approx(-0.33)
    assert table["x2"].iloc[1] == pytest.approx(1.57)


def test_quoted_fields():
    table = read_csv_table(GOOD / "quoted_fields.csv")
    assert list(table.columns) == ["length, cm", "width", "owner"]
    assert table["length, cm"].iloc[0] == pytest.approx(-0.63)
    data = load_csv(GOOD / "quoted_fields.csv")
    assert data.class_names == ['Doe, "Jane"', "Smith, J"]
    assert data.input_names == ["length, cm", "width"]


def test_utf16_with_byte_order_mark():
    text = "x1,x2,label\n" + "".join(f"{i},{i % 3},{'ab'[i % 2]}\n" for i in range(12))
    data = load_csv(text.encode("utf-16"))
    assert data.input_names == ["x1", "x2"] and data.class_names == ["a", "b"]


def test_drop_non_numeric_columns():
    data = load_csv(BAD / "non_numeric_column.csv", drop_non_numeric=True)
    assert data.input_names == ["x1", "x2"]
    assert data.notices == ["Left out the text column 'colour': the network needs numbers."]


def test_drop_missing_rows():
    data = load_csv(BAD / "missing_values.csv", drop_missing_rows=True)
    assert len(data.y_train) + len(data.y_test) == 10  # 12 rows, 2 with gaps
    assert np.all(np.isfinite(data.raw_train)) and np.all(np.isfinite(data.raw_test))
    assert data.notices == ["Left out 2 rows with missing or infinite values (lines 3, 6)."]
    data = load_csv(BAD / "infinite_values.csv", drop_missing_rows=True)
    assert len(data.y_train) + len(data.y_test) == 11
    assert data.notices == ["Left out 1 row with missing or infinite values (line 8)."]


def test_dropping_too_many_rows_is_refused():
    text = "a,b,label\n" + "".join(f"{i},{'' if i < 5 else i},{i % 2}\n" for i in range(14))
    with pytest.raises(DataError, match="Only 9 rows are left"):
        load_csv(text.encode(), drop_missing_rows=True)


# --------------------------------------------------------------------------- target and task


def table_bytes(target_values, n=30):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "t": target_values})
    return frame.to_csv(index=False).encode()


def test_numeric_target_with_few_values_is_classification():
    data = load_csv(table_bytes(np.arange(30) % 3))
    assert data.task == "classification" and data.class_names == ["0", "1", "2"]


def test_numeric_target_with_many_values_is_regression():
    values = np.linspace(0, 1, 30)
    data = load_csv(table_bytes(values))
    assert data.task == "regression" and data.class_names == [] and data.n_classes == 0
    np.testing.assert_allclose(np.sort(np.concatenate([data.y_train, data.y_test])), values, atol=1e-12)


def test_twenty_distinct_numbers_are_classes_twenty_one_are_regression():
    assert load_csv(table_bytes(np.arange(40) % 20, n=40)).task == "classification"
    assert load_csv(table_bytes(np.arange(42) % 21, n=42)).task == "regression"


def test_task_can_be_overridden():
    assert load_csv(table_bytes(np.arange(30) % 3), task="regression").task == "regression"
    with pytest.raises(DataError, match="30 different classes"):
        load_csv(table_bytes(np.linspace(0, 1, 30)), task="classification")
    with pytest.raises(DataError, match="contains text.*Choose classification"):
        load_csv(table_bytes(["x", "y"] * 15), task="regression")
    with pytest.raises(DataError, match="'classification' or 'regression'"):
        load_csv(table_bytes(["x", "y"] * 15), task="clustering")


def test_target_column_choice():
    data = load_csv(table_bytes(np.arange(30) % 2), target="a", task="regression")
    assert data.target_name == "a" and data.input_names == ["b", "t"]
    with pytest.raises(DataError, match="no column named 'z'. The columns are: 'a', 'b', 't'"):
        load_csv(table_bytes(np.arange(30) % 2), target="z")


def test_float_class_values_named_compactly():
    data = load_csv(table_bytes(np.array([0.5, 2.0, 10.0] * 10)))
    assert data.class_names == ["0.5", "2", "10"]


def test_csv_split_scaling_and_name():
    upload = io.BytesIO(table_bytes(np.arange(30) % 2))
    upload.name = "my_file.csv"
    data = load_csv(upload, train_fraction=0.6, seed=3)
    assert data.name == "my_file.csv"
    np.testing.assert_array_equal(np.bincount(data.y_train), [9, 9])
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-12)
    assert np.abs(data.X_test.mean(axis=0)).max() > 1e-3
    np.testing.assert_allclose(data.transform(data.raw_train), data.X_train)
    assert load_csv(table_bytes(np.arange(30) % 2), name="Mine").name == "Mine"
    assert not load_csv(table_bytes(np.arange(30) % 2), standardize=False).standardized


def test_csv_split_is_seeded():
    source = table_bytes(np.arange(30) % 2)
    a, b, c = load_csv(source, seed=1), load_csv(source, seed=1), load_csv(source, seed=2)
    np.testing.assert_array_equal(a.raw_train, b.raw_train)
    assert not np.array_equal(a.raw_train, c.raw_train)


# --------------------------------------------------------------------------- the sample file


def test_sample_csv_is_the_generator_output_and_loads():
    shipped = pd.read_csv(ASSETS / "sample.csv")
    pd.testing.assert_frame_equal(shipped, sample_table(), check_dtype=False)
    data = load_csv(ASSETS / "sample.csv")
    assert data.task == "classification"
    assert data.class_names == ["apple", "lemon", "pear"]
    assert data.input_names == ["length_cm", "width_cm", "weight_g", "sweetness"]
    assert 200 <= len(shipped) <= 500
    np.testing.assert_array_equal(np.bincount(np.concatenate([data.y_train, data.y_test])), [100, 100, 100])
