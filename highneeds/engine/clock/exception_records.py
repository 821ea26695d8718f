"""A case's exception records (the regulation exceptions that pause or move a limit), validated and
read into (bit, first day, last day, target) rows, identically for `parse_case` and the fast path."""

from __future__ import annotations

from highneeds.engine.clock.reading import OPEN_END, is_mapping, iso, parse_date
from highneeds.engine.clock.vocabulary import (
    EXCEPTION_BIT,
    EXCEPTION_CODES,
    EXCEPTION_SPECS,
)


def read_exceptions(
    raw_exceptions: list, advice_dates: dict[str, int], advice_step, errors: list[str]
) -> list[tuple[int, int, int, int]]:
    """Validate a case's exception records and turn each into (bit, first day, last day, target).

    `advice_dates` maps adviser name to the date advice was asked for; `advice_step(adviser)` gives
    the index of that adviser's advice step within the case (-1 if it is not on the clock). Shared
    by `parse_case` and the columnar fast path so both read exceptions identically.
    """
    exceptions: list[tuple[int, int, int, int]] = []
    for n, ex in enumerate(raw_exceptions):
        where = f"exceptions[{n}]"
        if not is_mapping(ex):
            errors.append(f"{where}: must be an object")
            continue
        code = ex.get("type")
        spec = EXCEPTION_SPECS.get(code) if isinstance(code, str) else None
        if spec is None:
            errors.append(f"{where}: unknown exception type {code!r} (expected one of {', '.join(EXCEPTION_CODES)})")
            continue
        before = len(errors)
        target = -1
        if spec.kind == "closure":
            lo = parse_date(ex.get("from"), f"{where}.from", errors)
            if (ex.get("to") is None) == (ex.get("reopens") is None):
                errors.append(
                    f"{where}: {code} needs either 'to' (last day closed) or 'reopens' (first day open again)"
                )
                continue
            if ex.get("reopens") is not None:
                reopens = parse_date(ex.get("reopens"), f"{where}.reopens", errors)
            else:
                last = parse_date(ex.get("to"), f"{where}.to", errors)
                reopens = last + 1 if last else 0
            if len(errors) > before:
                continue
            if reopens - lo < spec.min_days:
                errors.append(
                    f"{where}: {code} closure from {iso(lo)} until it reopens on {iso(reopens)} is "
                    f"{reopens - lo} days; the exception needs a closure of at least 4 continuous weeks"
                )
                continue
            if ex.get("advice_requested_on") is not None:
                asked = parse_date(ex.get("advice_requested_on"), f"{where}.advice_requested_on", errors)
            elif ex.get("adviser") is not None:
                asked = advice_dates.get(str(ex.get("adviser")), 0)
                if not asked:
                    errors.append(f"{where}: no advice_requested event for adviser '{ex.get('adviser')}'")
            else:
                errors.append(
                    f"{where}: {code} needs 'advice_requested_on' (when the head or provider was asked for "
                    f"advice) or 'adviser' (naming that advice_requested event)"
                )
                continue
            if len(errors) > before:
                continue
            if not (lo - 7 <= asked < reopens - 7):
                errors.append(
                    f"{where}: {code} applies only to advice asked for from {iso(lo - 7)} to "
                    f"{iso(reopens - 8)} (a week before the closure until a week before it reopens); "
                    f"it was asked for on {iso(asked)}"
                )
                continue
            first, last = asked, asked
        else:
            if spec.kind == "appointment" and ex.get("date") is not None:
                first = parse_date(ex.get("date"), f"{where}.date", errors)
                last = first
            else:
                first = parse_date(ex.get("from"), f"{where}.from", errors)
                if ex.get("to") is not None:
                    last = parse_date(ex.get("to"), f"{where}.to", errors)
                elif spec.needs_to:
                    errors.append(f"{where}: {code} needs 'to' (the last day)")
                    continue
                else:
                    last = first if spec.kind == "appointment" else OPEN_END
            if len(errors) > before:
                continue
            if last < first:
                errors.append(f"{where}: 'to' {iso(last)} is before 'from' {iso(first)}")
                continue
            if spec.min_days and last - first + 1 < spec.min_days:
                errors.append(
                    f"{where}: {code} from {iso(first)} to {iso(last)} is {last - first + 1} days; "
                    f"the exception needs at least 4 continuous weeks ({spec.min_days} days)"
                )
                continue
            if spec.only_between is not None:
                lo_law, hi_law = spec.only_between[0].toordinal(), spec.only_between[1].toordinal()
                if last < lo_law or first > hi_law:
                    errors.append(f"{where}: {code} had effect only from {iso(lo_law)} to {iso(hi_law)}")
                    continue
                first, last = max(first, lo_law), min(last, hi_law)
            if spec.kind == "appointment":
                adviser = ex.get("adviser")
                if adviser is None or adviser == "":
                    errors.append(f"{where}: {code} needs 'adviser' (the advice request whose appointment was missed)")
                    continue
                if str(adviser) not in advice_dates:
                    errors.append(f"{where}: no advice_requested event for adviser '{adviser}'")
                    continue
                target = advice_step(str(adviser))
                if target < 0:
                    continue  # that advice step is not on the clock (request withdrawn)
        exceptions.append((EXCEPTION_BIT[code], first, last, target))

    return exceptions
