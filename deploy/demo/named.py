"""The tasks the seed articles describe, with their real figures.

Seed 000 is the 2024 article (Kim Thanh, Cam Giang, the Provincial Standing Committee),
seed 001 the 2023 one (Hai Duong City, Tu Ky, Thanh Mien, the province). Each figure
below quotes the sentence it comes from; figures the seeds do not give are marked
``ASSUMPTION``. The seeds name only some registrants; the others are the holders of the
post (see units.py), with generated names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from deploy.demo.models import ProgressBody
from shared.domain.events import Actual, Category, Direction, Kind, ProgressStatus, Target

DONE = ProgressStatus.completed
ONGOING = ProgressStatus.in_progress


@dataclass(frozen=True, slots=True)
class NamedTask:
    year: int
    post: str  # Post.key of the registrant's seat
    title: str
    category: Category
    kind: Kind
    targets: tuple[Target, ...]
    progress: tuple[ProgressBody, ...]
    description: str = ""

    @property
    def deadline(self) -> date:
        return date(self.year, 12, 31)


def target(metric: str, unit: str, value: float, at_most: bool = False) -> Target:
    direction = Direction.at_most if at_most else Direction.at_least
    return Target(metric=metric, unit=unit, target=value, direction=direction)


def report(day: date, status: ProgressStatus, note: str, **actuals: float) -> ProgressBody:
    values = tuple(Actual(metric=metric, value=value) for metric, value in actuals.items())
    return ProgressBody(reported_at=day, actuals=values, status=status, note=note)


# Seed 000: "Kim Thanh district will carry out site clearance for 26 projects with a total area
# of nearly 287 hectares. Of these, 15 projects have been completed with a total area of nearly
# 109 hectares; 11 projects are being implemented with an area of more than 177 hectares."
KIM_THANH_SITE_CLEARANCE = NamedTask(
    2024,
    "kim-thanh/chairman",
    "Accelerating the progress of site clearance and construction of key traffic works",
    Category.socio_economic,
    Kind.breakthrough,
    (target("site_clearance_projects", "projects", 26), target("site_clearance_area", "ha", 287)),
    (
        report(
            date(2024, 12, 31),
            ONGOING,
            "15 projects (nearly 109 ha) completed; 11 projects (more than 177 ha) under way. "
            "East-West Axis Road Phase 2: 233,090 m2 of 555 households cleared in just over "
            "4 months.",
            site_clearance_projects=15,
            site_clearance_area=109,
        ),
    ),
    "Kim Thanh District chose site clearance and key traffic works as its breakthrough task.",
)

# Seed 000: "the total public investment capital of the district will reach more than 400
# billion VND, an increase of about 50 billion VND compared to 2023, exceeding the plan by
# 229%". We read "exceeding the plan by 229%" as the usual Vietnamese "đạt 229% kế hoạch"
# (229% of the plan), so the plan is 400 / 2.29 = 174.7, rounded to 175 billion VND. (The
# literal reading, plan + 229%, would give 400 / 3.29 = 121.6.)
KIM_THANH_PUBLIC_INVESTMENT = NamedTask(
    2024,
    "kim-thanh/chairman",
    "Accelerating the disbursement of public investment capital in Kim Thanh District",
    Category.socio_economic,
    Kind.breakthrough,
    (target("public_investment_disbursed", "billion VND", 175),),
    (
        report(
            date(2024, 12, 31),
            DONE,
            "More than 400 billion VND, about 50 billion more than in 2023 (229% of the plan); "
            "third consecutive year of high disbursement.",
            public_investment_disbursed=400,
        ),
    ),
)

# Seed 000: "striving to reduce an average of 80% of meetings without sending documents and
# paper documents" (the 80% target) and "762 documents were transferred online to serve 124
# meetings and conferences of the District Party Committee, reaching 100% of the number of
# documents that could be sent online, exceeding the plan by 20%" (100% = 80% + 20 points).
# ASSUMPTION: the seed gives no targets for the two counts; 600 documents and 100 meetings.
CAM_GIANG_PAPERLESS = NamedTask(
    2024,
    "cam-giang/deputy-chief-of-office",
    "Applying information technology in meetings of the Standing Committee and the Executive "
    "Committee of the Cam Giang District Party Committee (paperless meetings)",
    Category.digital_transformation,
    Kind.breakthrough,
    (
        target("meeting_documents_sent_online_share", "%", 80),
        target("documents_sent_online", "documents", 600),
        target("meetings_served_online", "meetings", 100),
    ),
    (
        report(
            date(2024, 12, 31),
            DONE,
            "762 documents sent online for 124 meetings and conferences: 100% of the documents "
            "that could be sent online, 20 points above the plan.",
            meeting_documents_sent_online_share=100,
            documents_sent_online=762,
            meetings_served_online=124,
        ),
    ),
)

# Seed 000: "complete the socio-economic development targets for 2024, with economic growth in
# 2024 reaching over 9%" and "The province's economic growth reached 10.2%, the highest growth
# rate since 2014".
PROVINCE_GROWTH_2024 = NamedTask(
    2024,
    "tinh-uy/secretary",
    "Leading all levels and sectors to complete the 2024 socio-economic development targets, "
    "with economic growth over 9%",
    Category.socio_economic,
    Kind.breakthrough,
    (target("grdp_growth", "%", 9),),
    (
        report(
            date(2024, 12, 31),
            DONE,
            "Growth 10.2%: the highest since 2014 and the only double-digit year in the period.",
            grdp_growth=10.2,
        ),
    ),
)

# Seed 000: "the Provincial Party Committee completing its tasks well or better" and "The
# provincial Party Committee has been proposed to be classified as having excellently completed
# its tasks". Recorded as a yes/no target (1 = achieved).
PROVINCE_PARTY_BUILDING_2024 = NamedTask(
    2024,
    "tinh-uy/secretary",
    "Party building and the political system: the Provincial Party Committee completing its "
    "tasks well or better",
    Category.party_building,
    Kind.breakthrough,
    (target("party_committee_rated_well_or_better", "yes/no", 1),),
    (
        report(
            date(2024, 12, 31),
            DONE,
            "Proposed to be classified as having excellently completed its tasks.",
            party_committee_rated_well_or_better=1,
        ),
    ),
)

# Seed 000: "completing the arrangement of commune-level administrative units" and "Hai Duong
# has completed the reorganization of 57 commune-level administrative units into 29 units".
PROVINCE_COMMUNES_2024 = NamedTask(
    2024,
    "ubnd-tinh/chairman",
    "Completing the arrangement of commune-level administrative units",
    Category.administrative_reform,
    Kind.breakthrough,
    (
        target("commune_units_reorganised", "commune-level units", 57),
        target("commune_units_after_reorganisation", "commune-level units", 29, at_most=True),
    ),
    (
        report(
            date(2024, 12, 31),
            DONE,
            "57 commune-level administrative units reorganised into 29.",
            commune_units_reorganised=57,
            commune_units_after_reorganisation=29,
        ),
    ),
)

# Seed 000: "promoting the implementation of social security mechanisms and policies" and "The
# province has issued many social security policies". ASSUMPTION: "many" is recorded as a
# target of 5 policies and 6 issued.
PROVINCE_SOCIAL_SECURITY_2024 = NamedTask(
    2024,
    "ubnd-tinh/chairman",
    "Promoting the implementation of social security mechanisms and policies",
    Category.social_security,
    Kind.breakthrough,
    (target("social_security_policies_issued", "policies", 5),),
    (report(date(2024, 12, 31), DONE, "Many policies issued.", social_security_policies_issued=6),),
)

# Seed 000: "improving the quality of supervisions by the Provincial People's Council".
# ASSUMPTION: the seed gives no figure; 4 thematic supervisions planned, 4 carried out.
PROVINCE_SUPERVISION_2024 = NamedTask(
    2024,
    "hdnd-tinh/chairman",
    "Improving the quality of supervisions by the Provincial People's Council",
    Category.other,
    Kind.breakthrough,
    (target("thematic_supervisions", "supervisions", 4),),
    (
        report(
            date(2024, 12, 31), DONE, "Supervision programme completed.", thematic_supervisions=4
        ),
    ),
)

TASKS_2024: tuple[NamedTask, ...] = (
    KIM_THANH_SITE_CLEARANCE,
    KIM_THANH_PUBLIC_INVESTMENT,
    CAM_GIANG_PAPERLESS,
    PROVINCE_GROWTH_2024,
    PROVINCE_PARTY_BUILDING_2024,
    PROVINCE_COMMUNES_2024,
    PROVINCE_SOCIAL_SECURITY_2024,
    PROVINCE_SUPERVISION_2024,
)
