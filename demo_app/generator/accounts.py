"""The demo data generator: accounts, people, deals and their roles, as plain row tuples.

One ``random.Random(seed)`` drives everything, account after account, so the same seed, scale
and as-of date give the same rows. Rows refer to each other through primary keys handed out
by an ``IdAllocator`` before anything is written; the generator yields a ``Batch`` of rows per
slice of accounts and keeps only what later accounts need (the partners' people).

The patterns a dashboard should show are built in here: deals with both an economic buyer and
a champion win far more often; a champion without a path to the buyer wins less; VM and
on-prem accounts lose on missing features, regulated industries on compliance; APAC and Energy
carry pipeline with few recent conversations; one huge deal asks for a "deli counter" feature.
"""

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

from accounts_app.models import Account
from personas_app.models import Contact

from ..reference import catalog
from .conversations import ConversationsMixin
from .deals import OPEN_STAGES, DealsMixin
from .people import Person, Profile, Weighted, ascii_slug, name_pools
from .tables import ACCOUNTS, ADVOCACIES, CONTACTS, Batch
from .writers import IdAllocator

SEED = 20_240_601
ACCOUNTS_PER_UNIT = 200  # accounts at scale 1


class DemoGenerator(DealsMixin, ConversationsMixin):
    """Yields batches of rows for ``round(200 × scale)`` accounts."""

    def __init__(self, *, as_of: dt.date, scale: float, refs, ids: IdAllocator, seed=SEED):
        self.rng = random.Random(seed)
        self.as_of = as_of.toordinal()
        self.refs, self.ids = refs, ids
        self.n_accounts = max(12, round(ACCOUNTS_PER_UNIT * scale))
        self.n_partners = max(2, round(self.n_accounts * 0.05))
        self.pools = name_pools(seed)
        self.countries = Weighted((row, row[2]) for row in catalog.COUNTRIES)
        self.industries = Weighted((row, row[1]) for row in catalog.INDUSTRIES)
        self.bands = Weighted((row, row[1]) for row in catalog.SIZE_BANDS)
        self.deployments = Weighted(catalog.DEPLOYMENT_MODELS)
        self.infras = {k: Weighted(v) for k, v in catalog.INFRASTRUCTURE_BY_DEPLOYMENT.items()}
        self.loss_reasons = catalog.LOSS_REASONS
        self.used_names: set[str] = set()
        self.partner_people: list[Person] = []
        self.deli_small_left = 3
        self.dates: dict[int, dt.date] = {}
        self._init_conversations()

    # -- driving --------------------------------------------------------------------------------

    def batches(self, accounts_per_batch: int) -> Iterator[Batch]:
        """Batches of rows; ``needs`` is how many leading batches a batch refers to.

        Only the partners' people (the first accounts) are referred to across batches.
        """
        partner_batches = -(-self.n_partners // accounts_per_batch)
        for number, start in enumerate(range(0, self.n_accounts, accounts_per_batch), start=1):
            batch = Batch()
            batch.needs = min(number - 1, partner_batches)
            for index in range(start, min(start + accounts_per_batch, self.n_accounts)):
                self._account(index, batch)
                batch.accounts += 1
            yield batch

    def date(self, ordinal: int) -> dt.date:
        value = self.dates.get(ordinal)
        if value is None:
            value = self.dates[ordinal] = dt.date.fromordinal(ordinal)
        return value

    # -- accounts -------------------------------------------------------------------------------

    def _account(self, index: int, batch: Batch) -> None:
        rng = self.rng
        partner = index < self.n_partners
        whale = index == self.n_partners
        country, region, _w, _locale, cities = self.countries.pick(rng)
        industry, _w, templates = self.industries.pick(rng)
        band, _w, employees = self.bands.pick(rng)
        deployment = self.deployments.pick(rng)
        infra = self.infras[deployment].pick(rng)
        if partner:
            industry, templates = "Software", catalog.PARTNER_TEMPLATES
        if whale:  # a strategic Swiss bank behind the deli-counter request
            country, region, cities = "Switzerland", "EMEA", ("Zurich", "Geneva")
            industry, templates = "Financial services", catalog.INDUSTRIES[0][2]
            band, employees = "strategic", (60_000, 90_000)
            deployment, infra = "on_prem", "virtual_machines"
        employee_count = rng.randint(*employees) if employees else None
        name = self._company_name(country, cities, templates)
        if not partner and not whale and rng.random() < 0.025:
            industry = ""  # an import that lacked it
        revenue = None
        if employee_count and rng.random() < 0.85:
            revenue = Decimal(round(employee_count * rng.uniform(120, 420)) * 1000)
        acc = Profile(
            id=self.ids.take(Account),
            name=name,
            domain=f"{ascii_slug(name)}.example",
            industry=industry,
            band=band,
            country=country,
            region=region,
            deployment=deployment,
            infra=infra,
            partner=partner,
            blind=region in catalog.BLIND_SPOT_REGIONS or industry in catalog.BLIND_SPOT_INDUSTRIES,
            names=self.pools[country],
            owners=tuple(self.refs.users[u] for u in catalog.OWNERS_BY_REGION[region]),
        )
        self._people(acc, batch)
        deals = [] if partner else self._deals(acc, whale, batch)
        acc.lifecycle = self._lifecycle(acc, deals)
        batch[ACCOUNTS].append(
            (acc.id, name, acc.domain, "", industry, employee_count, revenue, country, region,
             deployment, infra, acc.lifecycle)
        )  # fmt: skip
        self._prepare_conversations(acc)
        self._conversations(acc, deals, batch)

    def _company_name(self, country, cities, templates) -> str:
        rng = self.rng
        lasts = self.pools[country][1]
        name = ""
        for attempt in range(12):
            name = rng.choice(templates).format(
                last=rng.choice(lasts)[0], last2=rng.choice(lasts)[0], city=rng.choice(cities)
            )
            if attempt > 5:
                name = f"{name} {rng.choice(catalog.NAME_SUFFIXES)}"
            if name not in self.used_names:
                break
        base, n = name, 2
        while name in self.used_names:
            name, n = f"{base} {n}", n + 1
        self.used_names.add(name)
        return name

    def _lifecycle(self, acc: Profile, deals: list) -> str:
        if acc.partner:
            return "partner"
        won = [d.close for d in deals if d.stage == "closed_won"]
        if not won:
            return "prospect"
        has_open = any(d.stage in OPEN_STAGES for d in deals)
        if not has_open and self.as_of - max(won) > 400 and self.rng.random() < 0.75:
            return "churned"
        return "customer"

    # -- people ---------------------------------------------------------------------------------

    def _people(self, acc: Profile, batch: Batch) -> None:
        rng = self.rng
        if acc.partner:
            root = self._person(acc, batch, None, None, "c_level", "Managing Director", "")
            for _ in range(rng.randint(3, 5)):
                self.partner_people.append(self._person(acc, batch, "Solutions consultant", root))
            return
        size = {"smb": (4, 5), "mid_market": (4, 7), "enterprise": (5, 8), "strategic": (6, 8)}
        n = rng.randint(*size.get(acc.band, (4, 6)))
        root = self._person(acc, batch, "CTO" if rng.random() < 0.45 else "CIO", None)
        made = 1
        cfo = None
        if acc.band in ("enterprise", "strategic") and n >= 6 and rng.random() < 0.55:
            cfo = self._person(acc, batch, "CFO", None)
            made += 1
        middles = [
            self._person(acc, batch, persona, root)
            for persona in rng.sample(catalog.MIDDLE_PERSONAS, 2 if n >= 6 else 1)
        ]
        made += len(middles)
        managers = [
            self._person(acc, batch, persona, rng.choice(middles))
            for persona in rng.sample(catalog.MANAGER_PERSONAS, 2 if n >= 7 else 1)
        ]
        made += len(managers)
        if cfo is not None and made < n - 1:
            self._person(acc, batch, "Procurement manager", cfo)
            made += 1
        leads = managers + middles
        while made < n:
            boss = managers[0] if rng.random() < 0.6 else rng.choice(leads)
            self._person(acc, batch, rng.choice(catalog.IC_PERSONAS), boss)
            made += 1
        self._advocacy(acc, batch, root, cfo, middles, managers)

    def _person(self, acc, batch, persona, boss, seniority=None, title=None, dept=None) -> Person:
        rng = self.rng
        if persona is not None:
            seniority, titles, dept = catalog.POSITIONS[persona]
            title = rng.choice(titles)
        first, first_ascii = rng.choice(acc.names[0])
        last, last_ascii = rng.choice(acc.names[1])
        has_left = boss is not None and rng.random() < 0.045
        person = Person(
            self.ids.take(Contact), persona, seniority, first, last, boss, has_left, dept
        )
        persona_id = None
        if persona is not None and rng.random() < 0.93:  # a few contacts lack a persona
            persona_id = self.refs.personas[persona]
        batch[CONTACTS].append(
            (person.id, acc.id, first, last, title, f"{first_ascii}.{last_ascii}@{acc.domain}",
             dept, seniority, persona_id, boss.id if boss else None, "", has_left)
        )  # fmt: skip
        acc.people.append(person)
        return person

    def _advocacy(self, acc, batch, root, cfo, middles, managers) -> None:
        """Who champions to whom: chains upwards, across branches, and from outside advisors."""
        rng = self.rng
        edges = []
        if cfo is not None and rng.random() < 0.5:
            edges.append((rng.choice(middles), cfo, "Briefed finance on the business case."))
        if len(middles) > 1 and rng.random() < 0.4:
            edges.append((managers[-1], middles[-1], "Pushes the pilot results to the other VP."))
        ics = [p for p in acc.people if p.seniority == "ic"]
        if ics and rng.random() < 0.45:
            ic = rng.choice(ics)
            audience = rng.choice(managers)
            if audience is not ic.boss:
                edges.append((ic, audience, "Shared the pilot dashboards."))
        if managers and rng.random() < 0.25:
            edges.append((managers[0], root, "Raised it in the leadership meeting."))
        if self.partner_people and rng.random() < 0.05:
            advisor = rng.choice(self.partner_people)
            edges.append(
                (advisor, rng.choice([root, *middles]), "Outside advisor recommending us.")
            )
        seen = set()
        for advocate, audience, note in edges:
            if (advocate.id, audience.id) in seen or advocate is audience:
                continue
            seen.add((advocate.id, audience.id))
            advocate.up.append(audience)
            batch[ADVOCACIES].append((advocate.id, audience.id, note))
