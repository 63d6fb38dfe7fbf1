"""What is said and learned in the demo data: tags, conversation texts, assumptions, features.

Plain, ordered data like ``catalog``: the generator walks it in the same order on every run.
"""

# --- Conversations -----------------------------------------------------------------------------

# (name, kind) of every tag.
PAINS = (
    "Alert fatigue",
    "Slow incident response",
    "Tool sprawl",
    "Cloud cost overruns",
    "Manual VM patching",
    "Audit preparation",
    "Skills gap",
    "Legacy monitoring end of life",
    "Siloed data",
    "Migration risk",
    "Unplanned downtime",
    "Slow releases",
)
CONSTRAINTS = (
    "No agents on production hosts",
    "Air-gapped network",
    "Data residency",
    "Budget freeze",
    "Change freeze",
    "SOC 2 report required",
    "Mainframe dependency",
    "Procurement cycle over 6 months",
)
TOPICS = (
    "Pricing",
    "Kubernetes migration",
    "OpenTelemetry",
    "Single sign-on",
    "Dashboards",
    "Integrations",
    "Roadmap",
    "Onboarding",
    "Security review",
    "Renewal",
)
# Segment -> extra pains/constraints/topics heard there (dimension, values, tags).
SEGMENT_TAGS = (
    (
        "infrastructure",
        ("virtual_machines",),
        ("Manual VM patching", "Legacy monitoring end of life", "No agents on production hosts"),
    ),
    (
        "infrastructure",
        ("containers", "serverless"),
        ("Slow releases", "Alert fatigue", "Kubernetes migration", "OpenTelemetry"),
    ),
    ("infrastructure", ("mainframe",), ("Mainframe dependency", "Skills gap")),
    ("deployment_model", ("single_cloud", "multi_cloud"), ("Cloud cost overruns",)),
    ("deployment_model", ("on_prem",), ("Air-gapped network", "Change freeze")),
    (
        "industry",
        ("Financial services", "Healthcare"),
        ("Audit preparation", "SOC 2 report required"),
    ),
    (
        "industry",
        ("Public sector",),
        ("Procurement cycle over 6 months", "Skills gap", "Budget freeze"),
    ),
    ("industry", ("Telecommunications", "Energy"), ("Unplanned downtime",)),
    ("region", ("EMEA",), ("Data residency",)),
)
KINDS_BY_PHASE = {
    "early": ("discovery",),
    "middle": ("demo", "demo", "discovery", "check_in"),
    "late": ("check_in", "check_in", "demo", "other"),
}
DURATIONS = {
    "discovery": (30, 45, 60),
    "demo": (45, 60, 90),
    "check_in": (15, 30, 30),
    "qbr": (60, 90),
    "support": (15, 30, 45),
    "win_loss": (30, 45),
    "other": (15, 30, 60),
}
TITLES = {
    "discovery": ("Discovery: {pain}", "Intro call with {who}", "Discovery call – {dept}"),
    "demo": ("Demo for the {dept} team", "Product demo – {deal}", "Technical deep dive"),
    "check_in": ("Check-in with {who}", "Pilot check-in", "Weekly sync – {deal}"),
    "qbr": ("QBR {quarter}",),
    "support": ("Escalation: {pain}", "Support call – agent rollout", "Support: {pain}"),
    "win_loss": ("Win/loss interview – {deal}",),
    "other": ("Reference call", "Executive dinner", "Partner sync", "Roadmap preview"),
}
NOTES = {
    "discovery": (
        "{who} described {pain} as the main problem. They run most workloads on {infra}.",
        "Heard about {pain}; {constraint} limits what they can install.",
        "Mapped the buying committee. {pain} costs them several hours a week.",
    ),
    "demo": (
        "Showed the dashboards; {who} asked how it works with {constraint}.",
        "Walked through incident workflows. Strong interest, open question on pricing.",
        "Demoed the agent rollout. Concern: {constraint}.",
    ),
    "check_in": (
        "Pilot on track; {pain} still the headline.",
        "Status update. Waiting on the security review.",
        "{who} wants a business case for the {buyer}.",
    ),
    "qbr": (
        "Usage up quarter over quarter. Next: expand to the {dept} team.",
        "Reviewed adoption; {pain} improved, {constraint} still blocks rollout.",
    ),
    "support": ("Rollout stuck on {constraint}.", "Escalated {pain}; workaround shared."),
    "win_loss": (
        "Asked why they decided as they did. {who} spoke openly.",
        "Interview after the decision; notes for the roadmap review.",
    ),
    "other": ("Informal conversation; relationship building.", "Shared the roadmap under NDA."),
}
ACTION_ITEMS = {
    "discovery": (
        "Send the case study for {industry}",
        "Book a demo for the {dept} team",
        "Share the security questionnaire answers",
    ),
    "demo": (
        "Send pricing for {n} hosts",
        "Set up a pilot environment",
        "Answer the questions on {constraint}",
    ),
    "check_in": ("Follow up on the pilot success criteria", "Draft the business case with {who}"),
    "qbr": ("Propose the expansion plan", "Schedule training for new teams"),
    "support": ("Open a ticket for {pain}", "Share the agent rollout guide"),
    "win_loss": ("Write up the loss review", "Share findings with the product team"),
    "other": ("Send a thank-you note",),
}

# --- What we learn -----------------------------------------------------------------------------

# (statement, area, dimension, values where it holds, values where it fails,
#  quote when it holds, quote when it fails)
ASSUMPTIONS = (
    (
        "Teams on virtual machines won't adopt an agent-based product.",
        "Deployment",
        "infrastructure",
        ("virtual_machines",),
        ("containers",),
        "We cannot install agents on the VM fleet; change control would never allow it.",
        "We bake the agent into the container image; it is a non-issue for us.",
    ),
    (
        "Financial services buyers need an on-prem deployment before they will pilot.",
        "Deployment",
        "industry",
        ("Financial services",),
        ("Software", "Retail"),
        "Nothing leaves our data centre during a pilot; that is policy.",
        "Happy to pilot on your cloud; we just need SSO.",
    ),
    (
        "Mid-market teams will onboard themselves without a solutions engineer.",
        "Onboarding",
        "size_band",
        ("mid_market", "smb"),
        ("strategic", "enterprise"),
        "We had it running in an afternoon from the docs.",
        "We need a named engineer on site for the rollout.",
    ),
    (
        "EMEA buyers block on data residency, not on price.",
        "Compliance",
        "region",
        ("EMEA",),
        ("NA",),
        "Price is fine; the data must stay in the EU.",
        "Residency is not a question for us; the price is.",
    ),
    (
        "Hybrid shops want one console across on-prem and cloud.",
        "Product",
        "deployment_model",
        ("hybrid",),
        ("single_cloud",),
        "Two consoles is exactly the problem we have today.",
        "We are all in one cloud; the native console is enough.",
    ),
    (
        "CFOs sign off on cost-savings cases that pay back within 12 months.",
        "Pricing",
        "lifecycle",
        ("customer",),
        ("prospect",),
        "Finance approved it because payback was under a year.",
        "Finance wants a three-year TCO before they look at payback.",
    ),
    (
        "Public sector buyers will accept SaaS once it is FedRAMP-authorised.",
        "Compliance",
        "industry",
        ("Public sector",),
        (),
        "With the authorisation we can buy from the framework.",
        "Even with FedRAMP our policy says on-prem.",
    ),
)

# (title, status, description, dimension, values it is asked for in, quote)
FEATURES = (
    (
        "Agentless VM monitoring",
        "planned",
        "Collect metrics from VMs through the hypervisor API.",
        "infrastructure",
        ("virtual_machines",),
        "We cannot put agents on 4,000 VMs.",
    ),
    (
        "Air-gapped on-prem installer",
        "in_progress",
        "Install and update without internet access.",
        "deployment_model",
        ("on_prem",),
        "Our network has no route to the internet.",
    ),
    (
        "SAML single sign-on",
        "shipped",
        "Log in through the customer's identity provider.",
        None,
        (),
        "SSO is a must for every tool we buy.",
    ),
    (
        "FedRAMP Moderate authorisation",
        "new",
        "Authorise the SaaS offering for US agencies.",
        "industry",
        ("Public sector",),
        "We can only buy authorised services.",
    ),
    (
        "Mainframe log ingestion",
        "declined",
        "Ingest SMF records from z/OS.",
        "infrastructure",
        ("mainframe",),
        "Half our incidents start on the mainframe.",
    ),
    (
        "OpenTelemetry native ingest",
        "in_progress",
        "Accept OTLP traces and metrics directly.",
        "infrastructure",
        ("containers", "serverless"),
        "Everything we run already emits OTLP.",
    ),
    (
        "Cost dashboards per team",
        "planned",
        "Show each team what its infrastructure costs.",
        "deployment_model",
        ("single_cloud", "multi_cloud"),
        "Finance wants cost per team.",
    ),
    (
        "Multi-cloud inventory view",
        "new",
        "One inventory across AWS, Azure and GCP.",
        "deployment_model",
        ("multi_cloud",),
        "We lose track of what runs where.",
    ),
    (
        "EU-only data storage",
        "planned",
        "Keep all customer data in EU regions.",
        "region",
        ("EMEA",),
        "The data must stay in the EU.",
    ),
    (
        "Role-based access per business unit",
        "new",
        "Scope dashboards and data by business unit.",
        "size_band",
        ("enterprise", "strategic"),
        "Each business unit must see only its own data.",
    ),
    (
        "ServiceNow integration",
        "planned",
        "Open and sync incidents in ServiceNow.",
        "industry",
        ("Financial services", "Healthcare", "Public sector"),
        "Every incident has to land in ServiceNow.",
    ),
    (
        "Kubernetes operator",
        "shipped",
        "Deploy and upgrade collectors with an operator.",
        "infrastructure",
        ("containers",),
        "We manage everything through operators.",
    ),
)
# The "deli counter": one huge deal asks for something nobody else needs much.
DELI_FEATURE = (
    "Dedicated single-tenant Swiss region",
    "new",
    "Run a dedicated instance in a Swiss data centre for one customer.",
    "Without a Swiss region there is no deal.",
)
WHALE_DEAL_AMOUNT = 4_800_000
WHALE_PRODUCT = "Dedicated Swiss region"

SEGMENTS = (
    (
        "VM estate in regulated industries",
        "Financial services, healthcare and public sector accounts on virtual machines.",
        {
            "industry": ["Financial services", "Healthcare", "Public sector"],
            "infrastructure": "virtual_machines",
        },
    ),
    (
        "Cloud-native",
        "Accounts on containers or serverless.",
        {"infrastructure": ["containers", "serverless"]},
    ),
    (
        "Strategic EMEA",
        "The largest accounts in Europe, the Middle East and Africa.",
        {"size_band": "strategic", "region": "EMEA"},
    ),
)
