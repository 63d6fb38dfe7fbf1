"""Deals of the demo generator: stages, amounts, the persona map, outcomes and business cases.

Who is on a deal decides how it ends: with both an economic buyer and a champion a deal wins
far more often, and more still when the champion has a path to the buyer; segments shift the
odds and the loss reasons (VM and on-prem estates lose on missing features, regulated
industries on compliance, small companies on price).
"""

from decimal import Decimal

from deals_app.models import Deal

from ..reference import catalog, vocabulary
from .people import Profile, Weighted, path_exists, poisson
from .tables import BUSINESS_CASES, DEAL_ROLES, DEALS, Batch

OPEN_STAGES = ("prospecting", "discovery", "evaluation", "proposal", "negotiation")
STAGE_EDGES = (0.15, 0.35, 0.6, 0.8)  # share of the sales cycle elapsed -> open stage


class DealsMixin:
    """Mixed into DemoGenerator; uses its rng, ids, refs, as_of and partner_people."""

    def _deals(self, acc: Profile, whale: bool, batch: Batch) -> list:
        rng = self.rng
        mean = catalog.DEALS_PER_ACCOUNT[acc.band]
        deals = [self._whale_deal(acc, batch)] if whale else []
        deals += [self._deal(acc, batch) for _ in range(poisson(rng, mean))]
        return deals

    def _deal(self, acc: Profile, batch: Batch, *, product=None, stage=None, amount=None):
        rng, as_of = self.rng, self.as_of
        lo, hi = catalog.CYCLE_DAYS[acc.band]
        cycle = rng.randint(lo, hi)
        if acc.industry == "Public sector":
            cycle = int(cycle * 1.35)
        is_open = stage is not None or rng.random() < (0.52 if acc.blind else 0.4)
        if is_open:
            elapsed = rng.randint(3, int(cycle * 1.1))
            created = as_of - elapsed
            close = created + cycle
            if close <= as_of:  # slipped past its date: pushed out again
                close = as_of + rng.randint(7, 45)
            if stage is None:
                progress = elapsed / cycle
                stage = OPEN_STAGES[sum(progress >= edge for edge in STAGE_EDGES)]
        else:
            close = as_of - rng.randint(1, 820)
            created = close - cycle
        deal = DealPlan(self.ids.take(Deal), stage, created, close)
        roles = self._roles(acc, deal, batch)
        if not is_open:
            deal.stage = (
                "closed_won" if rng.random() < self._win_chance(acc, deal) else "closed_lost"
            )
        if amount is None and rng.random() > 0.03:
            size = catalog.DEAL_SIZE[acc.band] * catalog.INDUSTRY_DEAL_FACTOR.get(acc.industry, 1)
            if acc.blind and is_open:
                size *= 1.5
            amount = max(1000, round(size * rng.lognormvariate(0, 0.55) / 500) * 500)
        deal.amount = amount
        product = product or rng.choice(catalog.PRODUCT_LINES)
        deal.name = f"{acc.name} – {product}"
        deal.product = product
        loss_reason = loss_notes = competitor = ""
        if deal.stage == "closed_lost":
            loss_reason = self._loss_reason(acc, deal)
            if loss_reason == "competitor" or rng.random() < 0.35:
                competitor = rng.choice(catalog.COMPETITORS)
            loss_notes = catalog.LOSS_NOTES[loss_reason].format(
                pct=rng.randint(15, 60), competitor=competitor or "a competitor"
            )
        elif rng.random() < 0.4:
            competitor = rng.choice(catalog.COMPETITORS)
        deal.loss_reason = loss_reason
        cost = None
        if deal.stage in ("closed_won", "closed_lost") and rng.random() < 0.3:
            cost = round(amount * rng.uniform(0.04, 0.2)) if amount else rng.randint(2000, 15000)
            cost = Decimal(cost)
        created_on = None if rng.random() < 0.02 else self.date(created)
        deal.owner = rng.choice(acc.owners)
        batch[DEALS].append(
            (deal.id, acc.id, deal.name, deal.stage, None if amount is None else Decimal(amount),
             created_on, self.date(close), deal.owner, loss_reason, loss_notes, competitor, cost,
             "")
        )  # fmt: skip
        self._emit_roles(deal, roles, batch)
        self._business_cases(deal, batch)
        return deal

    def _whale_deal(self, acc: Profile, batch: Batch):
        deal = self._deal(
            acc,
            batch,
            product=vocabulary.WHALE_PRODUCT,
            stage="negotiation",
            amount=vocabulary.WHALE_DEAL_AMOUNT,
        )
        deal.whale = True
        return deal

    def _roles(self, acc: Profile, deal, batch: Batch) -> list:
        """The persona map of one deal: (person, role, stance) triples."""
        rng = self.rng
        people = acc.people
        roots = [p for p in people if p.seniority == "c_level"]
        middles = [p for p in people if p.seniority in ("vp", "director")]
        managers = [p for p in people if p.seniority == "manager"]
        ics = [p for p in people if p.seniority == "ic"]
        cfo = next((p for p in roots if p.persona == "CFO"), None)
        roles = []
        buyer = champion = None
        if rng.random() < 0.66:
            x = rng.random()
            if cfo is not None and x < 0.4:
                buyer = cfo
            elif x < 0.8:
                buyer = roots[0]
            else:
                buyer = rng.choice(middles)
            y = rng.random()
            deal.buyer_stance = "supporter" if y < 0.45 else "neutral" if y < 0.9 else "opponent"
            roles.append((buyer, "economic_buyer", deal.buyer_stance))
        if rng.random() < 0.64:
            pool = managers if rng.random() < 0.5 else (middles if rng.random() < 0.5 else ics)
            champion = rng.choice(pool or managers)
            if champion is buyer:
                champion = rng.choice(managers)
            roles.append((champion, "champion", "supporter"))
        if ics and rng.random() < 0.5:
            roles.append((rng.choice(ics), "technical_evaluator", "neutral"))
        roles.extend(
            (person, "user", "supporter" if rng.random() < 0.6 else "neutral")
            for person in rng.sample(ics, min(len(ics), rng.randint(0, 2)))
        )
        if middles and rng.random() < 0.2:
            roles.append((rng.choice(middles), "decision_maker", "neutral"))
        if buyer is not roots[0] and rng.random() < 0.15:
            roles.append((roots[0], "executive_sponsor", "supporter"))
        procurement = next((p for p in managers if p.persona == "Procurement manager"), None)
        if procurement is not None and rng.random() < 0.5:
            roles.append((procurement, "legal_procurement", "neutral"))
        if rng.random() < 0.08:
            security = next((p for p in middles if p.persona == "Security lead"), None)
            roles.append((security or rng.choice(people), "blocker", "opponent"))
        if self.partner_people and rng.random() < 0.08:  # a partner's consultant on the deal
            role = rng.choice(("influencer", "technical_evaluator", "other"))
            roles.append((rng.choice(self.partner_people), role, "supporter"))
        if rng.random() < 0.03:
            roles.append((rng.choice(people), "other", "neutral"))
        deal.buyer, deal.champion = buyer, champion
        deal.path = bool(buyer and champion and path_exists([champion], [buyer]))
        deal.contacts = list(dict.fromkeys(p for p, _r, _s in roles if p in people)) or [roots[0]]
        return roles

    def _emit_roles(self, deal, roles, batch: Batch) -> None:
        rng = self.rng
        seen = set()
        primary_done = rng.random() > 0.88  # some deals have no primary contact
        end = min(deal.close, self.as_of) if deal.stage in OPEN_STAGES else deal.close
        span = max(0, end - deal.created)
        rows = batch[DEAL_ROLES]
        for person, role, stance in roles:
            if (person.id, role) in seen:
                continue
            seen.add((person.id, role))
            primary = False
            if not primary_done and (role == "champion" or deal.champion is None):
                primary = primary_done = True
            if deal.stage == "closed_won" and role == "economic_buyer":
                stance = "supporter"
            engaged = None
            if rng.random() < 0.9:
                engaged = self.date(end - min(span, int(rng.expovariate(1 / 18))))
            rows.append((deal.id, person.id, role, primary, stance, engaged, ""))

    def _win_chance(self, acc: Profile, deal) -> float:
        chance = 0.2
        if deal.buyer and deal.champion:
            chance += 0.36 if deal.path else 0.22
        elif deal.buyer or deal.champion:
            chance += 0.04
        if deal.champion is not None and deal.champion.has_left:
            chance -= 0.1
        if deal.buyer_stance == "opponent":
            chance -= 0.12
        chance += {"containers": 0.08, "serverless": 0.05, "virtual_machines": -0.05}.get(
            acc.infra, 0
        )
        chance += {"smb": 0.05, "strategic": -0.04}.get(acc.band, 0)
        if acc.industry == "Public sector":
            chance -= 0.06
        chance += 0.1 * (1 - (self.as_of - deal.close) / 820) - 0.05  # getting better lately
        return min(0.9, max(0.03, chance))

    def _loss_reason(self, acc: Profile, deal) -> str:
        rng = self.rng
        if deal.champion is not None and deal.champion.has_left and rng.random() < 0.6:
            return "champion_left"
        weights = []
        for reason, weight in self.loss_reasons:
            if reason == "missing_feature" and (
                acc.infra == "virtual_machines" or acc.deployment == "on_prem"
            ):
                weight *= 2.2
            elif reason == "security_compliance" and acc.industry in (
                "Financial services", "Healthcare", "Public sector",
            ):  # fmt: skip
                weight *= 2.5
            elif reason == "price" and acc.band == "smb":
                weight *= 1.8
            elif reason == "champion_left":
                weight = 1
            weights.append((reason, weight))
        return Weighted(weights).pick(rng)

    def _business_cases(self, deal, batch: Batch) -> None:
        rng = self.rng
        chance = {"closed_won": 0.8, "closed_lost": 0.45, "prospecting": 0.1, "discovery": 0.3}
        if rng.random() >= chance.get(deal.stage, 0.65):
            return
        buyer_persona = deal.buyer.persona if deal.buyer else None
        metrics = catalog.METRIC_BY_BUYER.get(buyer_persona, tuple(catalog.BUSINESS_CASES))
        first = rng.choice(metrics)
        chosen = [first]
        if rng.random() < 0.2:
            second = rng.choice(tuple(catalog.BUSINESS_CASES))
            if second != first:
                chosen.append(second)
        for metric in chosen:
            text = rng.choice(catalog.BUSINESS_CASES[metric]).format(n=rng.choice((3, 5, 20, 40)))
            value = None
            if rng.random() < 0.9:
                base = deal.amount or catalog.DEAL_SIZE["mid_market"]
                value = Decimal(round(base * rng.uniform(1.2, 4.0) / 1000) * 1000)
            batch[BUSINESS_CASES].append((deal.id, metric, text, value))


class DealPlan:
    """A deal while it is generated (the conversations need its dates, people and outcome)."""

    __slots__ = (
        "id", "stage", "created", "close", "amount", "name", "product", "owner", "loss_reason",
        "buyer", "champion", "path", "contacts", "whale", "buyer_stance",
    )  # fmt: skip

    def __init__(self, id_, stage, created, close):
        self.id, self.stage, self.created, self.close = id_, stage, created, close
        self.whale, self.buyer_stance = False, None
