"""Benchmark: filling in letters in the locked-down sandbox (letters.rendering), and how long the bounds take
to stop a hostile template.

    python benchmarks/letter_render.py [--repeat 200]

Fills every supplied letter (subject and body) with its sample fields; prints median and p95 per letter over
all letters, then the time to refuse a runaway nested loop (bounded at 1 s) and an oversized output. Needs no
database. It is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import time

from _common import measure, percentiles

os.environ.setdefault("HIGHNEEDS_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.exceptions import ValidationError

    from highneeds.letters import rendering
    from highneeds.letters.defaults import DEFAULT_TEMPLATES

    samples = []
    for code, text in DEFAULT_TEMPLATES.items():
        context = rendering.sample_context(code)
        found, _ = measure(
            lambda: rendering.fill_pair(code, text["subject"], text["body"], context), args.repeat, warmup=3
        )
        samples += found
    p50, p95 = percentiles(samples)
    print(f"fill one letter ({len(DEFAULT_TEMPLATES)} letters x {args.repeat}): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    for label, body in (
        ("runaway nested loop", "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"),
        ("1,000,000 characters", "{% for i in range(100000) %}xxxxxxxxxx{% endfor %}"),
    ):
        started = time.perf_counter()
        try:
            rendering.trial_fill("request_withdrawn", "Subject", body)
        except ValidationError as refused:
            message = refused.message_dict["body"][0]
        print(f"refuse {label}: {(time.perf_counter() - started) * 1000:.0f} ms ({message})")


if __name__ == "__main__":
    main()
