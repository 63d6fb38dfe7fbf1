"""Reference data of the demo data set: the fixed vocabulary the generator draws from.

Everything here is plain, ordered data (tuples and dicts), so the generator stays
deterministic: the same seed walks the same lists in the same order.
"""

# --- Users -------------------------------------------------------------------------------------

DEMO_PASSWORD = "deallens-demo"  # noqa: S105 - a published demo login, not a secret
LOGIN_URL = "http://127.0.0.1:8000/login/"

# (username, role, first name, last name): the four logins printed at the end of a run.
DEMO_LOGINS = (
    ("demo-admin", "admin", "Ada", "Admin"),
    ("demo-pm", "pm", "Priya", "Menon"),
    ("demo-sales", "sales", "Sam", "Carter"),
    ("demo-exec", "exec", "Elena", "Novak"),
)
# Colleagues who own deals and log conversations; they cannot log in (unusable password).
OTHER_SALES = (
    ("demo-sales-marcus", "Marcus", "Reed"),
    ("demo-sales-ana", "Ana", "Keller"),
    ("demo-sales-kenji", "Kenji", "Watanabe"),
    ("demo-sales-lucia", "Lucía", "Ortega"),
)
OTHER_PMS = (("demo-pm-noor", "Noor", "Haddad"), ("demo-pm-tomas", "Tomás", "Lindqvist"))
# Who logs conversations: mostly the demo PM.
CONVERSATION_LOGGERS = ("demo-pm",) * 5 + ("demo-pm-noor",) * 3 + ("demo-pm-tomas",) * 2
# Who owns the deals of a region (the demo sales user covers NA and EMEA with a colleague).
OWNERS_BY_REGION = {
    "NA": ("demo-sales", "demo-sales-marcus"),
    "EMEA": ("demo-sales", "demo-sales-ana"),
    "APAC": ("demo-sales-kenji",),
    "LATAM": ("demo-sales-lucia",),
}

# --- Accounts ----------------------------------------------------------------------------------

# (industry, weight, name templates). {last}/{last2} are surnames of the country, {city} a city.
INDUSTRIES = (
    (
        "Financial services",
        18,
        (
            "{last} Bank",
            "{city} Savings Bank",
            "{last} Capital",
            "{last} & {last2} Financial",
            "{city} Mutual Insurance",
            "{last} Asset Management",
            "{city} Credit Union",
        ),
    ),
    (
        "Healthcare",
        14,
        (
            "{city} Health",
            "{last} Medical Group",
            "{city} General Hospital",
            "{last} Pharma",
            "{last} Diagnostics",
            "{city} Care Network",
            "{last} Biosciences",
        ),
    ),
    (
        "Retail",
        13,
        (
            "{last} Stores",
            "{city} Market",
            "{last} & {last2} Outfitters",
            "{last} Home",
            "{city} Grocers",
            "{last} Retail Group",
            "{last} Fashion",
        ),
    ),
    (
        "Manufacturing",
        14,
        (
            "{last} Industries",
            "{last} Machine Works",
            "{city} Steel",
            "{last} Components",
            "{last} Automotive",
            "{last} & {last2} Manufacturing",
            "{city} Plastics",
        ),
    ),
    (
        "Telecommunications",
        8,
        (
            "{city} Telecom",
            "{last} Networks",
            "{last} Communications",
            "{city} Mobile",
            "{last} Broadband",
            "{last} Fiber",
        ),
    ),
    (
        "Public sector",
        10,
        (
            "City of {city}",
            "{city} County",
            "{city} Transit Authority",
            "{city} Water Authority",
            "{city} School District",
            "{city} Revenue Office",
        ),
    ),
    (
        "Software",
        13,
        (
            "{last} Labs",
            "{last} Software",
            "{last} Systems",
            "{last} Technologies",
            "{city} Cloud",
            "{last} Analytics",
            "{last} & {last2} Digital",
        ),
    ),
    (
        "Energy",
        8,
        (
            "{city} Energy",
            "{last} Power",
            "{city} Utilities",
            "{last} Oil & Gas",
            "{last} Renewables",
            "{city} Grid",
        ),
    ),
)
PARTNER_TEMPLATES = (
    "{last} Consulting",
    "{last} & {last2} Partners",
    "{city} Systems Integrators",
    "{last} IT Services",
    "{last} Advisory",
)
NAME_SUFFIXES = ("Group", "Holdings", "International", "Global")

# (country, region, weight, Faker locale or None for the hand-written names below, cities)
# fmt: off
COUNTRIES = (
    ("United States", "NA", 30, "en_US", ("Chicago", "Austin", "Denver", "Boston", "Atlanta",
                                          "Seattle", "Phoenix", "Columbus", "Charlotte",
                                          "Portland", "Nashville", "Pittsburgh")),
    ("Canada", "NA", 5, "en_CA", ("Toronto", "Calgary", "Ottawa", "Halifax", "Winnipeg")),
    ("United Kingdom", "EMEA", 8, "en_GB", ("Leeds", "Bristol", "Manchester", "Glasgow",
                                            "Cardiff", "Oxford", "Belfast")),
    ("Germany", "EMEA", 7, "de_DE", ("Munich", "Hamburg", "Stuttgart", "Cologne", "Leipzig",
                                     "Dresden", "Bremen")),
    ("France", "EMEA", 5, "fr_FR", ("Lyon", "Toulouse", "Nantes", "Lille", "Bordeaux")),
    ("Netherlands", "EMEA", 3, "nl_NL", ("Utrecht", "Eindhoven", "Rotterdam", "Delft")),
    ("Sweden", "EMEA", 2, "sv_SE", ("Gothenburg", "Malmo", "Uppsala", "Lund")),
    ("Spain", "EMEA", 3, "es_ES", ("Valencia", "Seville", "Bilbao", "Zaragoza")),
    ("Italy", "EMEA", 3, "it_IT", ("Turin", "Bologna", "Verona", "Genoa")),
    ("Switzerland", "EMEA", 2, "de_CH", ("Zurich", "Basel", "Bern", "Lausanne")),
    ("United Arab Emirates", "EMEA", 1, None, ("Dubai", "Abu Dhabi", "Sharjah")),
    ("South Africa", "EMEA", 1, "zu_ZA", ("Johannesburg", "Durban", "Pretoria")),
    ("Japan", "APAC", 5, "ja_JP", ("Osaka", "Nagoya", "Fukuoka", "Sapporo", "Kobe")),
    ("Australia", "APAC", 4, "en_AU", ("Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide")),
    ("India", "APAC", 5, "en_IN", ("Pune", "Bengaluru", "Chennai", "Hyderabad", "Mumbai")),
    ("Singapore", "APAC", 2, "en_GB", ("Singapore", "Jurong", "Tampines")),
    ("South Korea", "APAC", 2, None, ("Seoul", "Busan", "Incheon", "Daejeon")),
    ("Brazil", "LATAM", 4, "pt_BR", ("Curitiba", "Campinas", "Recife", "Porto Alegre")),
    ("Mexico", "LATAM", 3, "es_MX", ("Monterrey", "Guadalajara", "Puebla", "Queretaro")),
    ("Chile", "LATAM", 1, "es_CL", ("Santiago", "Valparaiso", "Concepcion")),
    ("Colombia", "LATAM", 1, "es_CO", ("Bogota", "Medellin", "Cali")),
    ("Argentina", "LATAM", 1, "es_AR", ("Cordoba", "Rosario", "Mendoza")),
)
# fmt: on
# Romanised names for the countries whose Faker locale writes another script.
HAND_NAMES = {
    "United Arab Emirates": (
        ("Ahmed", "Fatima", "Omar", "Layla", "Khalid", "Mariam", "Yousef", "Noura", "Hamad"),
        ("Al Mansoori", "Haddad", "Al Hashimi", "Nasser", "Al Marri", "Khoury", "Saleh"),
    ),
    "South Korea": (
        ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Seo-jun", "Su-bin"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"),
    ),
}

# employee_count ranges per size band; missing counts give size band "unknown".
SIZE_BANDS = (
    ("smb", 20, (12, 99)),
    ("mid_market", 34, (100, 999)),
    ("enterprise", 30, (1000, 9999)),
    ("strategic", 13, (10000, 120000)),
    ("unknown", 3, None),
)
DEPLOYMENT_MODELS = (
    ("on_prem", 25), ("hybrid", 36), ("single_cloud", 17), ("multi_cloud", 17), ("unknown", 5),
)  # fmt: skip
# Infrastructure given the deployment model: most of the market still runs on VMs.
# fmt: off
INFRASTRUCTURE_BY_DEPLOYMENT = {
    "on_prem": (("virtual_machines", 58), ("bare_metal", 16), ("mainframe", 14),
                ("containers", 8), ("unknown", 4)),
    "hybrid": (("virtual_machines", 56), ("containers", 22), ("bare_metal", 8), ("mainframe", 6),
               ("serverless", 3), ("unknown", 5)),
    "single_cloud": (("containers", 40), ("virtual_machines", 32), ("serverless", 22),
                     ("unknown", 6)),
    "multi_cloud": (("containers", 48), ("virtual_machines", 30), ("serverless", 16),
                    ("unknown", 6)),
    "unknown": (("virtual_machines", 50), ("unknown", 50)),
}
# fmt: on
# Mean number of deals per account by size band (a Poisson draw around it).
# fmt: off
DEALS_PER_ACCOUNT = {"smb": 2.3, "mid_market": 3.8, "enterprise": 5.0, "strategic": 6.9,
                     "unknown": 2.5}
# Typical deal size (USD) and sales cycle (days) per size band.
DEAL_SIZE = {"smb": 14_000, "mid_market": 55_000, "enterprise": 160_000, "strategic": 420_000,
             "unknown": 40_000}
CYCLE_DAYS = {"smb": (25, 80), "mid_market": (45, 140), "enterprise": (80, 220),
              "strategic": (120, 330), "unknown": (40, 160)}
INDUSTRY_DEAL_FACTOR = {"Telecommunications": 1.4, "Financial services": 1.3, "Energy": 1.2,
                        "Public sector": 0.9, "Retail": 0.85}
# fmt: on
# Blind spots: segments with plenty of pipeline where few conversations were logged lately.
BLIND_SPOT_REGIONS = ("APAC",)
BLIND_SPOT_INDUSTRIES = ("Energy",)

# --- People ------------------------------------------------------------------------------------

# (name, kind, goals, pains, success metric)
# fmt: off
PERSONAS = (
    ("SRE", "user", "Keep services inside their SLOs and cut the toil of on-call.",
     "Alert fatigue; dashboards spread over five tools; manual VM patching.", "MTTR"),
    ("Platform engineer", "user", "Give product teams a paved road to production.",
     "Every team deploys differently; VMs and Kubernetes are run with different tools.",
     "Lead time for changes"),
    ("DevOps lead", "champion", "Automate releases and infrastructure across on-prem and cloud.",
     "Pipelines break on legacy hosts; no budget line for another tool.",
     "Deployment frequency"),
    ("Data analyst", "user", "Trustworthy numbers without waiting on engineering.",
     "Exports from three systems that never agree.", "Time to insight"),
    ("Engineering manager", "champion", "Ship the roadmap with a team that is not burned out.",
     "Incidents eat a third of every sprint.", "Team velocity"),
    ("IT operations manager", "user", "Keep thousands of VMs patched, monitored and compliant.",
     "Change freezes; agents are not allowed on production hosts.", "Uptime"),
    ("Enterprise architect", "influencer",
     "One coherent target architecture across clouds and data centres.",
     "Shadow IT: every business unit buys its own tools.", "Platform consolidation"),
    ("Security lead", "influencer", "Pass audits and keep the attack surface small.",
     "Every new agent is a new risk; vendor questionnaires take weeks.",
     "Audit findings closed"),
    ("Procurement manager", "influencer", "Predictable spend and fewer vendors.",
     "Usage-based pricing is hard to forecast.", "Savings against budget"),
    ("Infrastructure director", "champion",
     "Retire the legacy monitoring stack before its contract ends.",
     "Data-centre exit deadline; Kubernetes skills gap.", "Infrastructure cost per workload"),
    ("VP Engineering", "buyer", "Deliver more with the same headcount.",
     "Hiring freeze; too much time spent on maintenance.", "Headcount productivity"),
    ("CIO", "buyer", "Lower IT run costs and reduce operational risk.",
     "Budget pressure from the board; two failed migrations.", "Cost savings"),
    ("CTO", "buyer", "Move thousands of engineers to the new platform without stalling delivery.",
     "Migration fatigue; competing priorities.", "Adoption across engineering"),
    ("CFO", "buyer", "Cut costs and make technology spend predictable.",
     "Cloud bills that grow faster than revenue.", "Cost savings"),
    ("Solutions consultant", "influencer", "Land a successful implementation for the client.",
     "Clients choose tools before the architecture is settled.", "Billable utilisation"),
)
# persona -> (seniority, titles, department)
POSITIONS = {
    "CIO": ("c_level", ("Chief Information Officer",), "IT"),
    "CTO": ("c_level", ("Chief Technology Officer",), "Engineering"),
    "CFO": ("c_level", ("Chief Financial Officer",), "Finance"),
    "VP Engineering": ("vp", ("VP Engineering", "VP of Platform Engineering"), "Engineering"),
    "Infrastructure director": ("director", ("Director of Infrastructure",
                                             "Head of Infrastructure"), "IT"),
    "Security lead": ("director", ("Director of Information Security", "Head of Security"),
                      "Security"),
    "Engineering manager": ("manager", ("Engineering Manager", "SRE Manager"), "Engineering"),
    "IT operations manager": ("manager", ("IT Operations Manager", "Infrastructure Manager"), "IT"),
    "Procurement manager": ("manager", ("Procurement Manager", "Strategic Sourcing Manager"),
                            "Procurement"),
    "SRE": ("ic", ("Site Reliability Engineer", "Senior SRE", "Staff SRE"), "Engineering"),
    "Platform engineer": ("ic", ("Platform Engineer", "Senior Platform Engineer"), "Engineering"),
    "DevOps lead": ("ic", ("DevOps Lead", "Lead DevOps Engineer"), "Engineering"),
    "Data analyst": ("ic", ("Data Analyst", "Senior Data Analyst", "Analytics Engineer"), "Data"),
    "Enterprise architect": ("ic", ("Enterprise Architect", "Principal Architect"), "IT"),
    "Solutions consultant": ("ic", ("Solutions Consultant", "Senior Consultant",
                                    "Principal Consultant"), "Professional services"),
}
MIDDLE_PERSONAS = ("VP Engineering", "Infrastructure director", "Security lead")
MANAGER_PERSONAS = ("Engineering manager", "IT operations manager")
IC_PERSONAS = ("SRE", "SRE", "Platform engineer", "Platform engineer", "DevOps lead",
               "Data analyst", "Enterprise architect")
# fmt: on

# --- Deals -------------------------------------------------------------------------------------

PRODUCT_LINES = (
    "Observability platform",
    "VM fleet monitoring",
    "Incident response",
    "Kubernetes monitoring",
    "Log analytics",
    "Platform expansion",
    "Pilot",
    "Enterprise licence",
    "Security add-on",
    "Renewal",
)
COMPETITORS = (
    "Stackwatch",
    "Lumen Metrics",
    "Orbital Ops",
    "VantagePoint",
    "Kestrel APM",
    "In-house tooling",
)
# Loss reasons with their base weights; segments shift them (see generator).
LOSS_REASONS = (
    ("price", 22),
    ("missing_feature", 18),
    ("competitor", 18),
    ("no_decision", 16),
    ("timing", 10),
    ("security_compliance", 7),
    ("champion_left", 4),
    ("other", 5),
)
# What buyers say in win/loss interviews when it is not what the rep recorded.
STATED_INSTEAD = {
    "price": ("missing_feature", "missing_feature", "competitor"),
    "competitor": ("missing_feature", "price", "security_compliance"),
    "no_decision": ("timing", "price", "champion_left"),
    "timing": ("no_decision", "price"),
    "missing_feature": ("competitor", "price"),
    "security_compliance": ("missing_feature", "no_decision"),
    "champion_left": ("no_decision",),
    "other": ("price", "missing_feature"),
}
LOSS_NOTES = {
    "price": "Came in {pct}% above budget; procurement would not move.",
    "missing_feature": "Needed agentless collection for the VM estate; not on our roadmap yet.",
    "competitor": "Chose {competitor} after a side-by-side pilot.",
    "no_decision": "Project stalled; no owner after the re-org.",
    "timing": "Pushed to next fiscal year behind a data-centre move.",
    "security_compliance": "Security review failed on data residency.",
    "champion_left": "Our champion left; the successor restarted the evaluation.",
    "other": "Budget moved to a different initiative.",
}
BUSINESS_CASES = {
    "cost_savings": (
        "Retire {n} legacy monitoring tools and their licences.",
        "Cut cloud spend on idle VMs by {n}%.",
    ),
    "productivity": (
        "Move {n} engineers to one platform and cut on-call toil.",
        "Give {n} analysts self-serve dashboards.",
    ),
    "revenue_growth": (
        "Reduce checkout downtime during peak season.",
        "Launch {n} new digital services a year.",
    ),
    "risk_reduction": (
        "Pass the annual audit without findings.",
        "Cut mean time to recovery by {n}%.",
    ),
    "other": ("Consolidate vendors after the merger.",),
}
METRIC_BY_BUYER = {
    "CFO": ("cost_savings", "cost_savings", "cost_savings", "risk_reduction"),
    "CTO": ("productivity", "productivity", "revenue_growth", "cost_savings"),
    "CIO": ("cost_savings", "risk_reduction", "productivity"),
    "VP Engineering": ("productivity", "productivity", "risk_reduction"),
}
