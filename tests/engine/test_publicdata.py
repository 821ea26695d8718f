"""The public-data readers against the real shared files, and against small broken copies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from highneeds.engine import publicdata as pd

DATA = Path(os.environ.get("HIGHNEEDS_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
pytestmark = pytest.mark.skipif(not (DATA / pd.CASELOAD_FILE).is_file(), reason="shared data folder not present")


@pytest.fixture(scope="module")
def targets():
    return pd.load_targets(DATA)


def test_reconciliation_check_1_national_caseload():
    series = pd.national_caseload_series(DATA)
    national = dict(series.select("time_period", "national").iter_rows())
    assert national == {"201819": 353_995, "201920": 390_109, "202021": 430_697, "202122": 473_255}
    for row in series.iter_rows(named=True):
        assert row["la_sum"] == row["national"] == row["region_sum"], row
        assert row["la_nulls"] == 0


def test_la_lookup_is_the_152_las_of_january_2022():
    las = pd.la_lookup(DATA)
    assert las.height == 152 == las["old_la_code"].n_unique()
    assert las["old_la_code"].str.contains(r"^\d{3}$").all()
    by_code = dict(las.select("old_la_code", "la_name").iter_rows())
    assert by_code["815"] == "North Yorkshire" and by_code["940"] == "North Northamptonshire"
    assert "928" not in by_code  # Northamptonshire had split by January 2022


def test_old_and_new_ons_codes_map_to_one_la_number():
    mapping = pd.new_to_old_codes(DATA)
    assert mapping["E10000023"] == mapping["E06000065"] == "815"  # North Yorkshire
    assert mapping["E10000002"] == mapping["E06000060"] == "825"  # Buckinghamshire
    assert mapping["E10000027"] == mapping["E06000066"] == "933"  # Somerset


def test_suppressed_values_are_null_never_zero():
    caseload = pd.caseload(DATA).filter(pl.col("geographic_level") == pd.LA_LEVEL)
    # UKRLP providers were not collected before 2023 ("x" everywhere); elective home education was
    # "x" in 2018/19 and published from 2019/20
    assert caseload["ukrlp_provider"].null_count() == caseload.height
    ehe = caseload.filter(pl.col("time_period") == "201819")["elective_home_education"]
    assert ehe.null_count() == ehe.len()
    assert caseload.filter(pl.col("time_period") == "202122")["elective_home_education"].null_count() == 0
    # and a setting mix built over the "x" still accounts for every published plan
    mix = pd.setting_mix(DATA, "201819")
    assert mix["count"].sum() == 353_995
    care = pd.social_care_sen(DATA)
    raw = pd.read_table(DATA, pd.CIN_FILE).filter(
        (pl.col("time_period") == "202122") & (pl.col("geographic_level") == pd.LA_LEVEL)
    )
    suppressed = raw.filter(pl.col("t_statement_or_EHC_plan") == "c").select("old_la_code", "social_care_group")
    assert suppressed.height > 0
    groups = {"CINO at 31 March": "CIN", "CLA 12 months at 31 March": "CLA", "CPPO at 31 March": "CPP"}
    for code, group in suppressed.iter_rows():
        row = care.filter((pl.col("old_la_code") == code) & (pl.col("group") == groups[group]))
        assert row["ehcp"][0] is None


@pytest.mark.parametrize("marker", sorted(pd.MISSING_MARKERS))
def test_every_marker_reads_as_null(marker):
    frame = pl.DataFrame({"v": [marker, "0", "12"]}).with_row_index("_row", offset=1)
    assert pd.numbers(frame, ["v"], "f.csv")["v"].to_list() == [None, 0, 12]


def test_a_bad_cell_names_the_file_and_row():
    frame = pl.DataFrame({"v": ["3", "4", "three"]}).with_row_index("_row", offset=1)
    with pytest.raises(pd.PublicDataError, match=r"f\.csv: row 3: column v: 'three'"):
        pd.numbers(frame, ["v"], "f.csv")
    with pytest.raises(pd.PublicDataError, match=r"row 1: .*not a whole count"):
        pd.numbers(pl.DataFrame({"v": ["2.5"]}).with_row_index("_row", offset=1), ["v"], "f.csv")


def _copy_with(tmp_path: Path, relative: str, edit) -> Path:
    target = tmp_path / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = (DATA / relative).read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(edit(lines)), encoding="utf-8")
    return tmp_path


def test_unexpected_rows_in_the_caseload_file_are_named(tmp_path):
    def corrupt(lines):
        cells = lines[5].split(",")
        cells[12] = "lots"  # ehcplans
        return [*lines[:5], ",".join(cells), *lines[6:]]

    data_dir = _copy_with(tmp_path, pd.CASELOAD_FILE, corrupt)
    pd._caseload_cached.cache_clear()
    with pytest.raises(pd.PublicDataError, match=r"caseload\.csv: row 5: column ehcplans: 'lots'"):
        pd.caseload(data_dir)

    def no_code(lines):
        la = next(i for i, line in enumerate(lines) if ",Local authority," in line)
        cells = lines[la].split(",")
        cells[8] = ""
        return [*lines[:la], ",".join(cells), *lines[la + 1 :]]

    shutil.rmtree(tmp_path / "ehcp_sen2_2025")
    data_dir = _copy_with(tmp_path, pd.CASELOAD_FILE, no_code)
    with pytest.raises(pd.PublicDataError, match="without a 3-digit LA number"):
        pd.caseload(data_dir)


def test_missing_file_and_column_are_named(tmp_path):
    with pytest.raises(pd.PublicDataError, match="caseload.csv: file not found"):
        pd.caseload(tmp_path)
    _copy_with(tmp_path, pd.CASELOAD_FILE, lambda lines: [lines[0].replace("ehcplans", "plans"), *lines[1:]])
    with pytest.raises(pd.PublicDataError, match="missing column.*ehcplans"):
        pd.caseload(tmp_path)


def test_setting_mix_adds_up_to_each_las_total():
    mix = pd.setting_mix(DATA)
    totals = pd.caseload(DATA).filter((pl.col("time_period") == "202122") & (pl.col("geographic_level") == pd.LA_LEVEL))
    summed = mix.group_by("old_la_code").agg(pl.col("count").sum())
    joined = summed.join(totals.select("old_la_code", "ehcplans"), on="old_la_code")
    assert joined.height == 152
    assert (joined["count"] == joined["ehcplans"]).all()
    national = mix.group_by("group").agg(pl.col("count").sum())
    groups = dict(national.iter_rows())
    assert groups["mainstream"] == 191_442 and groups["special"] == 164_577 and groups["early_years"] == 2_518


def test_age_profile_shares_cover_every_la():
    ages = pd.age_profile(DATA)
    sums = ages.group_by("old_la_code").agg(pl.col("share").sum(), pl.len())
    assert set(pd.la_lookup(DATA)["old_la_code"]) <= set(sums["old_la_code"])
    assert ((sums["share"] - 1).abs() < 1e-9).all()
    assert (sums["len"] == 5).all()
    # January 2021 is the latest LA breakdown by age: its LA totals are the January 2021 caseload
    jan21 = ages.filter(~pl.col("source").str.contains("predecessor"))["count"].sum()
    assert jan21 == 430_697
    north = ages.filter(pl.col("old_la_code") == "940")
    assert north["source"].str.contains("predecessor LA 928").all()


def test_sen_support_is_derived_from_the_school_census():
    support = pd.sen_support(DATA)
    assert support.height == 152 and support["sen_support"].null_count() == 0
    # published for January 2022: 1,129,843 pupils on SEN support, 9,000,031 pupils in all
    assert abs(support["sen_support"].sum() - 1_129_843) < 100
    assert abs(support["all_pupils"].sum() - 9_000_031) < 100
    assert abs(support["ehcp_pupils"].sum() - 355_566) < 100
    wakefield = support.filter(pl.col("old_la_code") == "384").row(0, named=True)
    assert wakefield["sen_support"] == 7350


def test_need_mix_falls_back_and_says_so():
    needs = pd.need_mix(DATA)
    assert needs["old_la_code"].null_count() == needs.height
    assert needs["source"].str.contains("fallback").all()
    for status in ("E", "K"):
        assert abs(needs.filter(pl.col("status") == status)["pct"].sum() - 100) < 1e-9
    assert needs.filter((pl.col("status") == "E") & (pl.col("need") == "NSA")).is_empty()


def test_need_mix_uses_la_rows_when_a_release_has_them(tmp_path):
    header = (DATA / pd.NEEDS_FILE).read_text(encoding="utf-8").splitlines()[0]
    columns = header.split(",")
    row = dict.fromkeys(columns, "x")
    row.update(
        time_period="202122",
        geographic_level="Local authority",
        old_la_code="384",
        breakdown="All EHC plans",
        number_asd="300",
        number_slcn="100",
        number_semh="c",
        number_mld="100",
    )
    target = tmp_path / pd.NEEDS_FILE
    target.parent.mkdir(parents=True)
    target.write_text(header + "\n" + ",".join(row[c] for c in columns) + "\n", encoding="utf-8")
    needs = pd.need_mix(tmp_path)
    la = needs.filter(pl.col("old_la_code") == "384")
    assert dict(la.select("need", "pct").iter_rows()) == {"ASD": 60.0, "SLCN": 20.0, "MLD": 20.0}
    assert needs.filter(pl.col("status") == "K")["source"].str.contains("fallback").all()


def test_activity_and_timeliness():
    act = pd.activity(DATA)
    national_2021 = act.filter(pl.col("year") == "2021")
    assert national_2021["requests"].sum() == 93_302
    issued, within = national_2021["issued"].sum(), national_2021["issued_within_20_weeks"].sum()
    assert round(100 * within / issued, 1) == 57.9  # reconciliation check 2


def test_targets_for_an_la(targets):
    wakefield = targets.for_la("wakefield")
    assert wakefield.old_la_code == "384" == targets.resolve("384")
    assert wakefield.ehcp_total == 2704 and sum(wakefield.settings.values()) == 2704
    assert wakefield.group_targets["special"] == 706
    assert abs(sum(wakefield.age_shares.values()) - 1) < 1e-9
    assert abs(sum(wakefield.sen_support_phases.values()) - 1) < 1e-9
    assert wakefield.within_20_weeks == pytest.approx(380 / 431)
    assert ("383", "Leeds") in wakefield.neighbours
    assert targets.resolve("Kingston upon Hull") == "810"
    with pytest.raises(pd.PublicDataError, match="No single LA"):
        targets.resolve("Atlantis")
    with pytest.raises(pd.PublicDataError, match="999 is not among"):
        targets.resolve("999")


def test_s41_institutions_are_read():
    s41 = pd.s41_institutions(DATA)
    assert s41.height > 300
    assert set(s41["establishment_type"]) == {"SP_INDEPENDENT", "SPECIALIST_POST16"}
    assert s41["name"].n_unique() == s41.height
    assert not s41["name"].str.contains("(?i)institution trading name").any()


def test_a_part_published_as_x_goes_to_its_groups_remainder(tmp_path):
    header = (DATA / pd.CASELOAD_FILE).read_text(encoding="utf-8").splitlines()[0].split(",")
    column = header.index("mainstream_la_maintained")

    def blank_wakefield(lines):
        out = []
        for line in lines:
            if line.startswith("202122,") and ",384,Wakefield," in line:
                cells = line.split(",")
                cells[column] = "x"
                line = ",".join(cells)
            out.append(line)
        return out

    data_dir = _copy_with(tmp_path, pd.CASELOAD_FILE, blank_wakefield)
    mix = pd.setting_mix(data_dir).filter(pl.col("old_la_code") == "384")
    counts = dict(mix.select("setting", "count").iter_rows())
    assert counts["ms_la"] == 417  # mainstream total 1,411 less the parts still published
    assert sum(counts.values()) == 2704
