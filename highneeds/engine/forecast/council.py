"""One council's EHC plan, high needs spend and DSG forecast, with safety-valve scenarios.

Pure numpy (no Django). Method, sources and limits: docs/forecast.md. API (contract for the planning app)::

    from highneeds.engine.forecast import council as fc

    base = fc.calibrate_public(data_dir, "384", 2022)        # or "E08000036"; any of the 153 LAs
    base = fc.calibrate_casework(snapshot, population_by_age, 2022, "384", "Wakefield", unit_costs=None,
                                 public=None)                # the council's own counts (CaseworkSnapshot)
    levers = fc.Levers(fewer_requests=fc.Ramp(0.1, 2024, 2),
                       new_places=[fc.NewPlaces(40, "ASD", "secondary", 30_000, 2024)],
                       allocation_growth=0.03)
    proj = fc.project(base, levers, years=10, simulations=500, seed=0)   # fc.Levers() = baseline
    proj.years              # [2023, ..., 2032]: January of each model year
    proj.financial_years    # ["2022-23", ...]: the money of model year Y is April Y-1 to March Y
    proj.plans              # (3, n_years) P10/P50/P90; plans_by_setting (3, n, 7), plans_by_need (3, n, 13)
    proj.new_plans, proj.leavers, proj.requests, proj.spend, proj.allocation, proj.in_year, proj.cumulative,
    proj.leavers_by_reason (3, n, 3: age_limit, ceased_or_moved, step_down), proj.diverted (in new places)
    proj.as_rows()          # long rows: year, financial_year, measure, breakdown, p10, p50, p90
    fc.cost_avoided(baseline_proj, scenario_proj)        # P50 of the paired spend difference, by year
    fc.goal_seek(base, levers, "new_places", target_year=2028, lo=0, hi=300)  # -> GoalSeek(value, reached, projection)

Dimensions: ages 0-25 (:data:`AGES`), :data:`NEEDS` (SEN2 primary need), :data:`SETTINGS`. The state
is plans at January by age x need x setting, per simulation. Each model year: plans leave (net
leaving rate by age: ceasing, moving away, net of moving in; plus any extra step-down at annual
review), the rest age a year (those aged 25 leave: the age-25 limit), move between settings by a
transition matrix for the age they reach (estimated from the age-by-setting cross-section, so most
moves happen at 4/5, 10/11, 15/16 and 18/19), and new plans join: population x new plans per head
(trended) x (1 - fewer_requests) x (1 - lower_conversion), spread over need and setting.

Simulations (common random numbers: the same seed gives the same draws whatever the levers) carry
Poisson noise on joiners, yearly noise on leaving, and parameter uncertainty on the joiner level,
its trend, the leaving rates and unit costs. Every figure is reported as P10, P50, P90.
"""

from __future__ import annotations

# The public API of the council model, gathered from the modules that implement it (split by what they do).
from .casework_calibration import calibrate_casework
from .costs import SettingUnitCosts, UnitCosts
from .council_base import CaseworkSnapshot, CouncilBase
from .inputs import AGES, ESTABLISHMENT_SETTING, NEEDS, SETTING_LABELS, SETTINGS, need_for, setting_for
from .levers import FILL_YEARS, PHASE_AGES, Levers, NewPlaces, Ramp
from .projection import LEAVE_REASONS, MEASURES, Projection, project
from .public_calibration import calibrate_public
from .scenarios import RAMP_LEVERS, GoalSeek, anchor_first_year, cost_avoided, goal_seek

__all__ = [
    "AGES",
    "LEAVE_REASONS",
    "MEASURES",
    "RAMP_LEVERS",
    "anchor_first_year",
    "CaseworkSnapshot",
    "CouncilBase",
    "ESTABLISHMENT_SETTING",
    "FILL_YEARS",
    "GoalSeek",
    "Levers",
    "NEEDS",
    "NewPlaces",
    "PHASE_AGES",
    "Projection",
    "Ramp",
    "SETTINGS",
    "SETTING_LABELS",
    "SettingUnitCosts",
    "UnitCosts",
    "calibrate_casework",
    "calibrate_public",
    "cost_avoided",
    "goal_seek",
    "need_for",
    "project",
    "setting_for",
]
