"""Task templates for the generated (not seed-named) demo registrations.

A template is a category, a kind, a title (``{u}`` is the unit's name) and up to three
measurable metrics with a plausible target range. Metric names are ASCII identifiers and
each metric always has the same unit, so the report's ``metrics`` section sums cleanly.
The ranges are plausible orders of magnitude for one province: demo figures, not facts
from the seeds. This module holds the localities and the Party and State bodies;
sectors.py the provincial departments.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.events import Category, Direction, Kind

SE, PB, SS = Category.socio_economic, Category.party_building, Category.social_security
DT, AR, OT = Category.digital_transformation, Category.administrative_reform, Category.other
BT, CR = Kind.breakthrough, Kind.creative
MOST = Direction.at_most


@dataclass(frozen=True, slots=True)
class Metric:
    metric: str
    unit: str
    low: float
    high: float
    direction: Direction = Direction.at_least
    decimals: int = 0  # 0: whole numbers


@dataclass(frozen=True, slots=True)
class Template:
    category: Category
    kind: Kind
    title: str
    metrics: tuple[Metric, ...]


def _t(category: Category, kind: Kind, title: str, *metrics: Metric) -> Template:
    return Template(category, kind, title, metrics)


M = Metric
SITE_PROJECTS = M("site_clearance_projects", "projects", 4, 20)
SITE_AREA = M("site_clearance_area", "ha", 15, 150, decimals=1)
INVESTED = M("public_investment_disbursed", "billion VND", 80, 400)
DISBURSED = M("public_investment_disbursement_rate", "%", 92, 100, decimals=1)
ADVANCED_NTM = M("advanced_new_rural_communes", "communes", 2, 8)
MODEL_NTM = M("model_new_rural_communes", "communes", 1, 3)
OCOP = M("ocop_products_3_star_or_more", "products", 5, 20)
ONLINE = M("online_dossier_share", "%", 60, 95)
DIGITISED = M("records_digitised", "records", 5000, 40000)
OVERDUE = M("overdue_dossier_share", "%", 1, 3, MOST, 1)
FASTER = M("dossier_processing_time_reduction", "%", 10, 30)
NEW_MEMBERS = M("new_party_members", "members", 60, 250)
RATED_GOOD = M("party_organisations_rated_good_or_better", "%", 80, 95)
HOUSES = M("houses_built_or_repaired_for_poor_households", "houses", 10, 80)
POOR_RATE = M("poor_household_rate", "%", 0.5, 2.0, MOST, 2)
PROJECTS = M("investment_projects_attracted", "projects", 3, 15)
CAPITAL = M("registered_investment_capital", "billion VND", 300, 3000)
WASTE = M("domestic_waste_treated_share", "%", 85, 98)
GREEN = M("green_public_spaces_built", "sites", 3, 20)
PAPERLESS = M("paperless_meeting_share", "%", 60, 90)
DOCUMENTS = M("documents_sent_online", "documents", 1500, 4000)
SUPERVISIONS = M("thematic_supervisions", "supervisions", 3, 8)
PETITIONS = M("voter_petitions_resolved_share", "%", 90, 98)
INSPECTED_ORGS = M("party_organisations_inspected", "organisations", 3, 60)
INSPECTED_MEMBERS = M("party_members_inspected", "members", 5, 120)
FOLLOWED_UP = M("conclusions_followed_up_share", "%", 90, 100)
DENUNCIATIONS = M("petitions_resolved_share", "%", 90, 100)
TRAINED = M("cadres_trained", "cadres", 200, 500)
ROTATED = M("cadres_rotated", "cadres", 10, 40)
PAR_RANK = M("par_index_rank", "rank", 8, 20, MOST)
STUDY = M("resolution_study_participation", "%", 92, 100)
SESSIONS = M("online_study_sessions", "sessions", 20, 80)
MODELS = M("good_models_replicated", "models", 20, 200)
ARTICLES = M("articles_published", "articles", 200, 800)
RECRUITED = M("members_recruited", "members", 2000, 10000)

LOCAL = (
    _t(SE, BT, "Accelerating site clearance for key projects in {u}", SITE_PROJECTS, SITE_AREA),
    _t(SE, BT, "Speeding up public investment disbursement in {u}", INVESTED, DISBURSED),
    _t(
        SE,
        BT,
        "Building advanced and model new-style rural communes in {u}",
        ADVANCED_NTM,
        MODEL_NTM,
    ),
    _t(SE, CR, "Developing OCOP products with local brands in {u}", OCOP),
    _t(DT, BT, "Digital transformation of administrative procedures in {u}", ONLINE, DIGITISED),
    _t(AR, CR, "Reducing overdue administrative dossiers in {u}", OVERDUE, FASTER),
    _t(PB, BT, "Improving grassroots party organisations in {u}", NEW_MEMBERS, RATED_GOOD),
    _t(SS, CR, "Eliminating temporary and dilapidated houses in {u}", HOUSES, POOR_RATE),
    _t(SE, BT, "Attracting investment into industrial clusters in {u}", PROJECTS, CAPITAL),
    _t(OT, CR, "Improving the urban landscape and sanitation in {u}", WASTE, GREEN),
)

BODIES: dict[str, tuple[Template, ...]] = {
    "local": LOCAL,
    "province": (
        _t(SE, BT, "Removing obstacles to the province's key investment projects", DISBURSED),
        _t(AR, BT, "Improving the provincial public administration indices", PAR_RANK, OVERDUE),
        _t(DT, CR, "Paperless meetings of the provincial leadership", PAPERLESS, DOCUMENTS),
        _t(SE, BT, "Attracting large investment projects into industrial zones", PROJECTS, CAPITAL),
        _t(SS, BT, "Eliminating temporary houses across the province", HOUSES, POOR_RATE),
        _t(SE, CR, "Developing the province's OCOP products", OCOP),
        _t(OT, BT, "Improving environmental sanitation across the province", WASTE),
        _t(PB, BT, "Building grassroots party organisations across the province", RATED_GOOD),
    ),
    "council": (
        _t(OT, BT, "Improving the quality of thematic supervision", SUPERVISIONS, PETITIONS),
        _t(DT, CR, "Paperless sessions of the Provincial People's Council", PAPERLESS),
        _t(OT, CR, "Resolving voters' petitions on time", PETITIONS),
        _t(AR, CR, "Question-and-answer sessions on public administration", SUPERVISIONS),
    ),
    "organising": (
        _t(
            PB, BT, "Building the team of leaders and managers (Project 02-DA/TU)", TRAINED, ROTATED
        ),
        _t(PB, CR, "Digitising party member records", DIGITISED),
        _t(PB, BT, "Admitting new party members among workers and young people", NEW_MEMBERS),
        _t(PB, CR, "Rating grassroots party organisations by measurable criteria", RATED_GOOD),
    ),
    "propaganda": (
        _t(PB, CR, "Bringing Party resolutions to party members online", STUDY, SESSIONS),
        _t(PB, BT, "Replicating good mass mobilisation models", MODELS),
        _t(OT, CR, "Countering false and hostile information online", ARTICLES),
        _t(PB, BT, "Studying and following Ho Chi Minh's thought and example", STUDY, MODELS),
    ),
    "inspection": (
        _t(PB, BT, "Improving Party inspection and supervision", INSPECTED_ORGS, INSPECTED_MEMBERS),
        _t(PB, CR, "Following up the conclusions of inspections", FOLLOWED_UP),
        _t(AR, BT, "Resolving petitions and denunciations on time", DENUNCIATIONS, OVERDUE),
        _t(PB, CR, "Supervising the declaration of assets and income", INSPECTED_MEMBERS),
    ),
    "mass": (
        _t(PB, BT, "Recruiting new members of the organisation", RECRUITED),
        _t(SS, CR, "Houses of great solidarity for poor households", HOUSES),
        _t(OT, CR, "Replicating good models of the movement", MODELS),
    ),
    "party-office": (
        _t(DT, CR, "Paperless meetings of the Party committee", PAPERLESS),
        _t(AR, CR, "Digitising Party archives", DIGITISED),
    ),
}
