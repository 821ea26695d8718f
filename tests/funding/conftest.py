from __future__ import annotations

from datetime import date

import pytest

from highneeds.accounts.roles import SYSTEM
from highneeds.funding import services
from highneeds.funding.models import AreaOfNeed, Band, Framework


@pytest.fixture
def mainstream_framework(db):
    return Framework.objects.get(code="mainstream-top-up")


@pytest.fixture
def band_of(mainstream_framework):
    return lambda code, fw=None: Band.objects.select_related("framework").get(framework=fw or mainstream_framework,
                                                                             code=code)


@pytest.fixture
def area_of(mainstream_framework):
    return lambda code, fw=None: AreaOfNeed.objects.get(framework=fw or mainstream_framework, code=code)


@pytest.fixture
def banded_child(make_child, make_establishment, band_of, area_of):
    """A child at a maintained primary with band 1 in cognition and learning and a commitment priced by it."""
    school = make_establishment(establishment_type="MS_LA")
    child = make_child(establishment=school)
    services.set_child_band(actor=SYSTEM, child=child, band=band_of("1"), area=area_of("CL"),
                            effective_from=date(2026, 4, 1), evidence="Reading age 3 years behind",
                            decided_by="officer")
    commitment = services.create_commitment(actor=SYSTEM, child=child, establishment=school,
                                            setting_type="mainstream", start=date(2026, 4, 1), source="plan",
                                            band=band_of("1"), source_reference="Plan section F")
    return child, school, commitment
