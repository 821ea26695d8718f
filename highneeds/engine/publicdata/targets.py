"""Everything the synthetic generator calibrates to, per LA, as plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .children_in_need import social_care_sen
from .ehcp import (
    CASELOAD_FILE,
    NEWPLANS_FILE,
    REQUESTS_FILE,
    TIMELINESS_FILE,
    activity,
    age_profile,
    need_mix,
    setting_mix,
)
from .las import la_lookup, resolve_la
from .reading import CENSUS_PERIOD, PublicDataError
from .sen_in_england import sen_support, sen_support_phases
from .vocabulary import AGE_GROUPS, PHASE_TYPES, SETTING_GROUPS, SETTING_KEYS, SETTINGS_BY_KEY


@dataclass(frozen=True)
class LaTargets:
    """Everything the synthetic generator calibrates to, for one LA at January 2022 (scale 1)."""

    old_la_code: str
    new_la_code: str
    la_name: str
    region_name: str
    ehcp_total: int
    settings: dict[str, int]  # SETTING_KEYS -> EHC plans, January 2022
    age_shares: dict[str, float]  # AGE_GROUPS -> share of EHC plans (January 2021 shares)
    sen_support_total: int
    all_pupils: float
    sen_support_phases: dict[str, float]  # PHASE_TYPES values -> share of SEN support pupils
    need_mix: dict[str, dict[str, float]]  # "E"/"K" -> need -> share (sums to 1)
    social_care: dict[str, tuple[int | None, int | None]]  # CIN/CLA/CPP -> (EHCP pupils, SEN support pupils)
    requests_per_year: float
    refusal_rate: float
    within_20_weeks: float
    new_plans_per_year: float
    neighbours: tuple[tuple[str, str], ...] = ()  # other LAs in the region: (old_la_code, la_name)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def age_targets(self) -> dict[str, float]:
        return {group: self.ehcp_total * share for group, share in self.age_shares.items()}

    @property
    def group_targets(self) -> dict[str, int]:
        out = {g: 0 for g in SETTING_GROUPS}
        for key, count in self.settings.items():
            out[SETTINGS_BY_KEY[key].group] += count
        return out


@dataclass
class CalibrationTargets:
    """All the frames, read once; :meth:`for_la` turns them into one LA's :class:`LaTargets`."""

    las: pl.DataFrame
    settings: pl.DataFrame
    ages: pl.DataFrame
    sen_support: pl.DataFrame
    sen_support_phases: pl.DataFrame
    needs: pl.DataFrame
    social_care: pl.DataFrame
    activity: pl.DataFrame

    @property
    def codes(self) -> list[str]:
        return self.las["old_la_code"].to_list()

    def resolve(self, code_or_name: str) -> str:
        return resolve_la(self.las, code_or_name)

    def for_la(self, code_or_name: str) -> LaTargets:
        code = self.resolve(code_or_name)
        la = self.las.filter(pl.col("old_la_code") == code).row(0, named=True)
        settings = dict(self.settings.filter(pl.col("old_la_code") == code).select("setting", "count").iter_rows())
        ages = self.ages.filter(pl.col("old_la_code") == code)
        national_ages = self.ages.group_by("age_group").agg(pl.col("count").sum())
        age_counts = dict(ages.select("age_group", "count").iter_rows())
        if not age_counts or any(age_counts.get(g) is None for g in AGE_GROUPS):
            age_counts = dict(national_ages.iter_rows())  # a missing figure: fall back to England's shares
            age_source = "England's January 2021 shares (LA figure missing)"
        else:
            age_source = ages["source"][0]
        total_age = sum(age_counts.get(g) or 0 for g in AGE_GROUPS)
        age_shares = {g: (age_counts.get(g) or 0) / total_age for g in AGE_GROUPS}

        support = self.sen_support.filter(pl.col("old_la_code") == code).row(0, named=True)
        if support["sen_support"] is None:
            raise PublicDataError(f"No SEN support figure can be derived for LA {code} ({la['la_name']})")
        phases = self.sen_support_phases.filter(pl.col("old_la_code") == code)
        phase_pct = {p: v or 0.0 for p, v in phases.select("phase", "pct").iter_rows()}
        phase_total = sum(phase_pct.values()) or 1.0
        phase_shares = {p: phase_pct.get(p, 0.0) / phase_total for p in PHASE_TYPES.values()}

        needs: dict[str, dict[str, float]] = {}
        need_source = []
        for status in ("E", "K"):
            rows = self.needs.filter((pl.col("status") == status) & (pl.col("old_la_code") == code))
            if rows.is_empty():
                rows = self.needs.filter((pl.col("status") == status) & pl.col("old_la_code").is_null())
            mix = {n: v or 0.0 for n, v in rows.select("need", "pct").iter_rows()}
            total = sum(mix.values())
            needs[status] = {n: v / total for n, v in mix.items()}
            need_source.append(f"{status}: {rows['source'][0]}")

        care = {
            g: (e, k)
            for g, e, k in self.social_care.filter(pl.col("old_la_code") == code)
            .select("group", "ehcp", "sen_support")
            .iter_rows()
        }

        act = self.activity.filter(pl.col("old_la_code") == code)
        national_act = self.activity.group_by("year").agg(pl.all().exclude("old_la_code", "year").sum()).sort("year")

        def latest(frame: pl.DataFrame, column: str) -> float | None:
            values = frame.filter(pl.col(column).is_not_null()).sort("year")[column]
            return float(values[-1]) if len(values) else None

        requests = latest(act, "requests") or 0.0
        refused = latest(act, "requests_refused")
        issued = latest(act, "issued")
        within = latest(act, "issued_within_20_weeks")
        new_plans = latest(act, "new_plans") or 0.0
        refusal = (
            (refused / requests)
            if (refused is not None and requests)
            else (latest(national_act, "requests_refused") / latest(national_act, "requests"))
        )
        timely = (
            (within / issued)
            if (within is not None and issued)
            else (latest(national_act, "issued_within_20_weeks") / latest(national_act, "issued"))
        )

        neighbours = tuple(
            self.las.filter((pl.col("region_name") == la["region_name"]) & (pl.col("old_la_code") != code))
            .select("old_la_code", "la_name")
            .iter_rows()
        )
        return LaTargets(
            old_la_code=code,
            new_la_code=la["new_la_code"],
            la_name=la["la_name"],
            region_name=la["region_name"],
            ehcp_total=int(sum(settings.values())),
            settings={k: int(settings.get(k, 0)) for k in SETTING_KEYS},
            age_shares=age_shares,
            sen_support_total=int(support["sen_support"]),
            all_pupils=float(support["all_pupils"] or 0.0),
            sen_support_phases=phase_shares,
            need_mix=needs,
            social_care=care,
            requests_per_year=requests,
            refusal_rate=float(refusal),
            within_20_weeks=float(timely),
            new_plans_per_year=new_plans,
            neighbours=neighbours,
            sources={
                "ehcp": f"{CASELOAD_FILE} {CENSUS_PERIOD} (January 2022)",
                "settings": f"{CASELOAD_FILE} {CENSUS_PERIOD} setting columns",
                "ages": age_source,
                "sen_support": support["method"],
                "needs": "; ".join(need_source),
                "activity": f"{REQUESTS_FILE}, {NEWPLANS_FILE}, {TIMELINESS_FILE} (latest calendar year)",
            },
        )


def load_targets(data_dir: Path | str, time_period: str = CENSUS_PERIOD) -> CalibrationTargets:
    """Read every file the generator needs, once."""
    return CalibrationTargets(
        las=la_lookup(data_dir, time_period),
        settings=setting_mix(data_dir, time_period),
        ages=age_profile(data_dir),
        sen_support=sen_support(data_dir, time_period),
        sen_support_phases=sen_support_phases(data_dir, time_period),
        needs=need_mix(data_dir, time_period),
        social_care=social_care_sen(data_dir, time_period),
        activity=activity(data_dir),
    )
