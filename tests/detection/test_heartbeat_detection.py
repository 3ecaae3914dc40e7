"""Heartbeat alarms in time-to-page: timed like every alarm, never what a tier's detection
target is about (warnings, not availability), so they cannot break detection-within-tier."""

from __future__ import annotations

from pathlib import Path

from tests.runtime import run_program
from vigil.detection.site import site_pages
from vigil.program import main

ROOT = Path(__file__).resolve().parents[2]


def test_heartbeats_are_timed_but_never_page():
    recording = run_program(main, {"vigil:inventory": str(ROOT / "inventory")})
    pages = site_pages(recording)
    beats = [a for p in pages for a in p.alarms if a.breakdown.name.endswith("-heartbeat-warning")]
    assert len(beats) == 13
    for beat in beats:
        assert not beat.pages and beat.severity == "warning" and not beat.availability
        assert (beat.breakdown.period, beat.breakdown.datapoints) == (3600, 3)
        # three silent hours plus alignment, ingestion and evaluation: well within a day
        assert 3 * 3600 <= beat.breakdown.seconds <= 86400
    for page in pages:
        if page.worst is not None:
            assert not page.worst.name.endswith("-heartbeat-warning")
            assert page.within_target is not False, page.site
