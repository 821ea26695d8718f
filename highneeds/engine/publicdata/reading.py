"""Reading the shared data folder's CSV files: DfE markers become nulls, anything else bad names its file and row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import polars as pl

MISSING_MARKERS = frozenset({"x", "c", "z", ":", "u", "low", ""})
CENSUS_PERIOD = "202122"
CENSUS_DATE = date(2022, 1, 20)  # the January 2022 school census day (third Thursday)
LA_LEVEL = "Local authority"


class PublicDataError(ValueError):
    """A file that cannot be read as expected; the message names the file and the row."""


class PublicDataMissing(PublicDataError):
    """The file is not there: the data is not installed (pages say so without the server's path)."""


def _path(data_dir: Path | str, relative: str) -> Path:
    return Path(data_dir) / relative


def read_table(data_dir: Path | str, relative: str, required: Sequence[str] = ()) -> pl.DataFrame:
    """Every column as text, with ``_row`` numbering data rows from 1; missing columns raise."""
    path = _path(data_dir, relative)
    if not path.is_file():
        raise PublicDataMissing(f"{relative}: file not found under {data_dir}")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except Exception as exc:  # polars raises several kinds; the caller needs the file name
        raise PublicDataError(f"{relative}: cannot be read as CSV ({exc})") from exc
    frame = frame.rename({c: c.strip() for c in frame.columns})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise PublicDataError(f"{relative}: missing column(s) {', '.join(missing)}")
    return frame.with_row_index("_row", offset=1)


def _is_marker(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return text.is_null() | text.str.to_lowercase().is_in(sorted(MISSING_MARKERS))


def numbers(frame: pl.DataFrame, columns: Iterable[str], relative: str, *, integer: bool = True) -> pl.DataFrame:
    """Columns parsed as numbers; markers become null; anything else raises naming file and row."""
    columns = [c for c in columns if c in frame.columns]
    if not columns:
        return frame

    def parsed(column: str) -> pl.Expr:
        text = pl.col(column).str.strip_chars().str.replace_all(",", "")
        return pl.when(_is_marker(column)).then(None).otherwise(text).cast(pl.Float64, strict=False)

    values = frame.select([parsed(c).alias(c) for c in columns])
    markers = frame.select([_is_marker(c).alias(c) for c in columns])
    bad = pl.DataFrame({c: ~markers[c] & values[c].is_null() for c in columns})
    if integer:
        fractional = pl.DataFrame({c: values[c].is_not_null() & (values[c] != values[c].round(0)) for c in columns})
    for column in columns:
        if bad[column].any():
            row = frame.filter(bad[column]).row(0, named=True)
            raise PublicDataError(
                f"{relative}: row {row['_row']}: column {column}: {row[column]!r} is neither a number "
                f"nor a DfE missing marker ({' '.join(sorted(m for m in MISSING_MARKERS if m))})"
            )
        if integer and fractional[column].any():
            row = frame.filter(fractional[column]).row(0, named=True)
            raise PublicDataError(
                f"{relative}: row {row['_row']}: column {column}: {row[column]!r} is not a whole count"
            )
    if integer:
        values = values.select([pl.col(c).round(0).cast(pl.Int64) for c in columns])
    return frame.with_columns(values)


def _check_la_codes(frame: pl.DataFrame, relative: str, column: str = "old_la_code") -> pl.DataFrame:
    las = frame.filter(pl.col("geographic_level") == LA_LEVEL)
    bad = las.filter(~pl.col(column).fill_null("").str.strip_chars().str.contains(r"^\d{3}$"))
    if bad.height:
        row = bad.row(0, named=True)
        raise PublicDataError(
            f"{relative}: row {row['_row']}: an LA row without a 3-digit LA number ({row.get(column)!r})"
        )
    return frame.with_columns(pl.col(column).str.strip_chars())


def _check_levels(frame: pl.DataFrame, relative: str, column: str = "geographic_level") -> None:
    known = {"National", "Regional", LA_LEVEL}
    bad = frame.filter(~pl.col(column).is_in(sorted(known)))
    if bad.height:
        row = bad.row(0, named=True)
        raise PublicDataError(f"{relative}: row {row['_row']}: unexpected geographic_level {row[column]!r}")
