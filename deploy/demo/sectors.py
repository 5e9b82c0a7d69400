"""Task templates of the provincial departments (see templates.py for the conventions)."""

from __future__ import annotations

from deploy.demo.templates import (
    AR,
    BT,
    CR,
    DIGITISED,
    DISBURSED,
    DT,
    FASTER,
    HOUSES,
    MOST,
    OCOP,
    ONLINE,
    OT,
    OVERDUE,
    PAR_RANK,
    POOR_RATE,
    PROJECTS,
    SE,
    SS,
    WASTE,
    M,
    Template,
    _t,
)

REVENUE = M("budget_revenue_vs_estimate", "%", 100, 110)
SETTLED = M("settlements_appraised", "dossiers", 300, 900)
FDI = M("fdi_registered", "million USD", 300, 1000)
ENTERPRISES = M("new_enterprises", "enterprises", 800, 1500)
INSURED = M("health_insurance_coverage", "%", 93, 96, decimals=1)
STATIONS = M("commune_health_stations_meeting_criteria", "stations", 10, 40)
HEALTH_RECORDS = M("electronic_health_records", "records", 500000, 1500000)
SCHOOLS = M("schools_meeting_national_standards", "schools", 15, 40)
AREA = M("concentrated_production_area", "ha", 200, 800, decimals=1)
CERTIFICATES = M("land_use_certificates_issued", "certificates", 2000, 6000)
ROADS = M("roads_completed", "km", 5, 30, decimals=1)
JOBS = M("jobs_created", "jobs", 30000, 36000)
TOURISTS = M("tourist_arrivals", "thousand visitors", 3000, 4500)
TECH = M("enterprises_applying_technology", "enterprises", 20, 60)
INSPECTIONS = M("inspections_completed", "inspections", 30, 80)
RECOVERED = M("funds_recovered", "billion VND", 10, 50)

SECTORS: dict[str, tuple[Template, ...]] = {
    "finance": (
        _t(
            AR,
            CR,
            "Managing public assets transparently",
            M("public_assets_registered", "assets", 500, 2000),
        ),
        _t(
            SE,
            CR,
            "Mobilising non-budget capital for infrastructure",
            M("non_budget_capital", "billion VND", 200, 800),
        ),
        _t(SE, BT, "Collecting the provincial budget revenue above the estimate", REVENUE),
        _t(AR, CR, "Shortening the appraisal of public investment settlements", SETTLED, OVERDUE),
        _t(SE, BT, "Speeding up public investment disbursement", DISBURSED),
        _t(DT, CR, "Electronic payment of budget expenditure", ONLINE),
        _t(
            AR,
            BT,
            "Settling overdue public investment projects",
            M("projects_settled", "projects", 20, 80),
        ),
    ),
    "investment": (
        _t(
            SE,
            BT,
            "Support for small and medium enterprises",
            M("smes_supported", "enterprises", 100, 400),
        ),
        _t(
            AR,
            BT,
            "Monitoring slow-moving investment projects",
            M("slow_projects_resolved", "projects", 10, 40),
        ),
        _t(SE, BT, "Attracting high-quality investment projects", PROJECTS, FDI),
        _t(SE, CR, "Supporting the founding of new enterprises", ENTERPRISES),
        _t(DT, BT, "Online registration for businesses and investors", ONLINE),
        _t(AR, CR, "Shortening investment procedures", FASTER, OVERDUE),
        _t(SE, CR, "Trade promotion for local products", M("trade_fairs_held", "fairs", 4, 12)),
    ),
    "home": (
        _t(AR, BT, "Raising the provincial PAR index ranking", PAR_RANK),
        _t(AR, CR, "Digitising civil servant records", DIGITISED),
        _t(AR, BT, "Reducing overdue dossiers in the sector", OVERDUE),
        _t(
            AR,
            CR,
            "Streamlining staff of public service units",
            M("staff_reduced", "%", 2, 5, decimals=1),
        ),
    ),
    "health": (
        _t(
            SS,
            CR,
            "Family doctor model in communes",
            M("communes_with_family_doctors", "communes", 20, 80),
        ),
        _t(
            OT, CR, "Food safety inspections", M("food_safety_inspections", "inspections", 100, 400)
        ),
        _t(SS, BT, "Raising health insurance coverage", INSURED),
        _t(SS, CR, "Commune health stations meeting national criteria", STATIONS),
        _t(DT, BT, "Electronic health records for residents", HEALTH_RECORDS),
        _t(DT, CR, "Cashless hospital payments", M("cashless_hospital_payments", "%", 30, 70)),
        _t(SS, BT, "Vaccination coverage of children", M("vaccination_coverage", "%", 95, 99)),
    ),
    "education": (
        _t(
            SS,
            CR,
            "Universal preschool education for 3- to 5-year-olds",
            M("preschool_enrolment", "%", 95, 100),
        ),
        _t(
            OT,
            BT,
            "Gifted students in national competitions",
            M("national_prizes", "prizes", 40, 90),
        ),
        _t(SS, BT, "Schools meeting national standards", SCHOOLS),
        _t(DT, CR, "Digital school records", M("schools_using_digital_records", "%", 80, 100)),
        _t(
            SS,
            CR,
            "Foreign language teaching in primary schools",
            M("english_teachers_trained", "teachers", 100, 400),
        ),
        _t(DT, BT, "Online admissions to year 1, year 6 and year 10", ONLINE),
        _t(
            SS,
            BT,
            "Repairing and building classrooms",
            M("classrooms_built", "classrooms", 100, 400),
        ),
    ),
    "agriculture": (
        _t(
            SE,
            BT,
            "Restructuring fruit orchards for export",
            M("export_orchard_area", "ha", 500, 2000, decimals=1),
        ),
        _t(
            OT,
            CR,
            "Irrigation works for climate adaptation",
            M("irrigation_works_upgraded", "works", 10, 40),
        ),
        _t(
            SE,
            BT,
            "Building advanced new-style rural communes",
            M("advanced_new_rural_communes", "communes", 10, 40),
        ),
        _t(SE, CR, "Developing OCOP products of the province", OCOP),
        _t(SE, BT, "Large-scale concentrated agricultural production", AREA),
        _t(
            SE,
            CR,
            "Digital traceability of farm products",
            M("products_with_qr_traceability", "products", 50, 200),
        ),
        _t(
            OT, CR, "Clean water for rural residents", M("rural_clean_water_coverage", "%", 95, 100)
        ),
    ),
    "digital": (
        _t(DT, CR, "Shared provincial data platform", M("databases_connected", "databases", 5, 20)),
        _t(DT, BT, "Full-process online public services", ONLINE, DIGITISED),
        _t(
            DT,
            CR,
            "Community digital technology teams",
            M("community_digital_teams", "teams", 100, 235),
        ),
        _t(
            DT,
            BT,
            "Digital signatures for civil servants",
            M("digital_signatures_issued", "signatures", 2000, 6000),
        ),
    ),
    "justice": (
        _t(AR, BT, "Online judicial record certificates", ONLINE),
        _t(
            DT,
            BT,
            "Digitising civil status records",
            M("civil_status_records_digitised", "records", 200000, 600000),
        ),
        _t(
            AR,
            CR,
            "Reviewing legal documents of the province",
            M("legal_documents_reviewed", "documents", 100, 400),
        ),
        _t(SS, CR, "Free legal aid for the poor", M("legal_aid_cases", "cases", 100, 300)),
    ),
    "land": (
        _t(
            OT,
            BT,
            "Handling environmental pollution hotspots",
            M("pollution_hotspots_handled", "sites", 3, 12),
        ),
        _t(AR, BT, "Issuing land use right certificates", CERTIFICATES, OVERDUE),
        _t(OT, CR, "Treating domestic waste", WASTE),
        _t(DT, CR, "Digital land database", M("communes_with_land_database", "communes", 20, 80)),
    ),
    "transport": (
        _t(SE, CR, "Maintaining rural roads", M("rural_roads_repaired", "km", 20, 80, decimals=1)),
        _t(SE, BT, "Completing key traffic works", ROADS),
        _t(AR, CR, "Online driving licence renewal", ONLINE),
        _t(OT, CR, "Reducing traffic accidents", M("traffic_deaths_change", "%", 5, 10, MOST)),
    ),
    "construction": (
        _t(DT, CR, "Online construction permits", ONLINE),
        _t(SS, BT, "Developing social housing", M("social_housing_units", "apartments", 300, 1500)),
        _t(AR, CR, "Shortening construction permit procedures", OVERDUE),
        _t(SE, CR, "Urban planning coverage", M("urban_zoning_plans_approved", "plans", 5, 20)),
    ),
    "labour": (
        _t(
            SS,
            BT,
            "Caring for people with meritorious services",
            M("gratitude_houses", "houses", 20, 100),
        ),
        _t(SS, BT, "Creating jobs for workers", JOBS),
        _t(SS, CR, "Supporting poor households", HOUSES, POOR_RATE),
        _t(
            SS,
            CR,
            "Vocational training for rural workers",
            M("workers_trained", "workers", 5000, 15000),
        ),
    ),
    "culture": (
        _t(
            SE, CR, "Digital tourism promotion", M("destinations_digitised", "destinations", 10, 40)
        ),
        _t(OT, CR, "Restoring historical and cultural relics", M("relics_restored", "sites", 2, 8)),
        _t(SE, BT, "Developing tourism", TOURISTS),
        _t(OT, BT, "Cultural villages and residential areas", M("cultural_villages", "%", 85, 95)),
    ),
    "science": (
        _t(DT, BT, "Innovation and start-up support", M("start_ups_supported", "start-ups", 5, 20)),
        _t(OT, BT, "Applying science and technology in enterprises", TECH),
        _t(
            OT,
            CR,
            "Science and technology tasks of the province",
            M("science_tasks_accepted", "tasks", 10, 30),
        ),
        _t(
            OT,
            CR,
            "Protecting intellectual property of local products",
            M("trademarks_registered", "trademarks", 5, 20),
        ),
    ),
    "inspectorate": (
        _t(
            AR,
            CR,
            "Preventing corruption in public procurement",
            M("procurement_audits", "audits", 10, 30),
        ),
        _t(AR, BT, "Completing the inspection plan", INSPECTIONS),
        _t(AR, CR, "Recovering misused public funds", RECOVERED),
        _t(
            AR,
            BT,
            "Resolving complaints and denunciations on time",
            M("complaints_resolved_share", "%", 90, 98),
        ),
    ),
}
