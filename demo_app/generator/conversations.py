"""The second half of the demo generator: conversations and what was learned in them.

Per deal a handful of conversations over its lifetime (discovery first, a win/loss interview
after many closes), per account QBRs, support calls and check-ins; each with participants of
that account, tags, sometimes action items, evidence for an assumption and feature mentions.
"""

from deals_app.models import Conversation

from ..reference import catalog, vocabulary
from .deals import OPEN_STAGES
from .people import poisson
from .tables import (
    ACTION_ITEMS,
    CONVERSATION_TAGS,
    CONVERSATIONS,
    EVIDENCE,
    FEATURE_MENTIONS,
    PARTICIPANTS,
)

INFRA_LABEL = {
    "virtual_machines": "virtual machines",
    "containers": "containers",
    "serverless": "serverless functions",
    "bare_metal": "bare metal",
    "mainframe": "the mainframe",
    "unknown": "a mix of platforms",
}
EVIDENCE_KINDS = frozenset({"discovery", "demo", "check_in", "qbr", "win_loss"})
MENTION_KINDS = frozenset({"discovery", "demo", "check_in", "qbr", "support"})
CONVERSATIONS_PER_OPEN_DEAL = {
    "prospecting": (0, 1),
    "discovery": (1, 2),
    "evaluation": (2, 3),
    "proposal": (2, 4),
    "negotiation": (3, 5),
}
OPEN = frozenset(OPEN_STAGES)
# Chance that a conversation in a segment an assumption is about yields evidence for it.
EVIDENCE_IN_SEGMENT, EVIDENCE_ELSEWHERE, VERDICT_CLEAR = 0.03, 0.006, 0.85
MENTION_IN_SEGMENT, MENTION_ELSEWHERE = 0.035, 0.003
BLIND_SPOT_SKIP = 0.85  # share of recent conversations never logged in a blind-spot segment


class ConversationsMixin:
    """Mixed into DemoGenerator; uses its rng, ids, refs and as_of."""

    def _init_conversations(self) -> None:
        refs = self.refs
        self.tag_ids = refs.tags
        self.pm_pool = tuple(refs.users[u] for u in catalog.CONVERSATION_LOGGERS)
        self.pains_base = vocabulary.PAINS
        self.constraints_base = vocabulary.CONSTRAINTS
        self.topics_base = vocabulary.TOPICS

    def _prepare_conversations(self, acc) -> None:
        """Per account: the tags heard there and the assumptions and features it speaks to."""
        acc.dims = {
            "industry": acc.industry,
            "size_band": acc.band,
            "region": acc.region,
            "deployment_model": acc.deployment,
            "infrastructure": acc.infra,
            "lifecycle": acc.lifecycle,
        }
        pains, constraints = list(self.pains_base), list(self.constraints_base)
        topics = list(self.topics_base)
        for dimension, values, tags in vocabulary.SEGMENT_TAGS:
            if acc.dims[dimension] in values:
                for tag in tags:
                    target = (
                        pains
                        if tag in vocabulary.PAINS
                        else constraints
                        if tag in vocabulary.CONSTRAINTS
                        else topics
                    )
                    target.extend((tag,) * 6)
        acc.pains, acc.constraints, acc.topics = pains, constraints, topics
        rules = []
        for assumption_id, spec in zip(self.refs.assumptions, vocabulary.ASSUMPTIONS, strict=True):
            _statement, _area, dimension, holds, fails, quote_yes, quote_no = spec
            value = acc.dims[dimension]
            if value in holds:
                rules.append(
                    (assumption_id, EVIDENCE_IN_SEGMENT, VERDICT_CLEAR, quote_yes, quote_no)
                )
            elif value in fails:
                rules.append(
                    (assumption_id, EVIDENCE_IN_SEGMENT, 1 - VERDICT_CLEAR, quote_yes, quote_no)
                )
            else:
                rules.append((assumption_id, EVIDENCE_ELSEWHERE, 0.5, quote_yes, quote_no))
        acc.assumption_rules = rules
        acc.feature_rules = [
            (
                feature_id,
                MENTION_IN_SEGMENT
                if dimension is None or acc.dims[dimension] in values
                else MENTION_ELSEWHERE,
                quote,
            )
            for feature_id, (_t, _s, _d, dimension, values, quote) in zip(
                self.refs.features, vocabulary.FEATURES, strict=True
            )
        ]

    # -- per account ----------------------------------------------------------------------------

    def _conversations(self, acc, deals, batch) -> None:
        rng, as_of = self.rng, self.as_of
        for deal in deals:
            self._deal_conversations(acc, deal, batch)
        if acc.partner:
            for _ in range(rng.randint(1, 4)):
                kind = "other" if rng.random() < 0.6 else "check_in"
                self._talk(acc, None, kind, as_of - rng.randint(0, 700), batch)
            return
        won = sorted(d.close for d in deals if d.stage == "closed_won")
        if not won:
            for _ in range(poisson(rng, 2.0)):
                kind = "discovery" if rng.random() < 0.7 else "other"
                self._talk(acc, None, kind, as_of - rng.randint(0, 600), batch)
            return
        start = won[0]
        end = as_of if acc.lifecycle == "customer" else min(as_of, won[-1] + 365)
        day, qbrs = start + rng.randint(45, 100), 0
        while day <= end and qbrs < 8:
            if rng.random() < 0.75:
                self._talk(acc, None, "qbr", day, batch)
                qbrs += 1
            day += 91
        span = max(0, end - start)
        for kind, mean in (("support", 3.0), ("check_in", 2.0)):
            for _ in range(poisson(rng, mean)):
                self._talk(acc, None, kind, start + rng.randint(0, span), batch)

    def _deal_conversations(self, acc, deal, batch) -> None:
        rng, as_of = self.rng, self.as_of
        closed = deal.stage not in OPEN
        if closed:
            count = rng.randint(2, 7)
        else:
            count = rng.randint(*CONVERSATIONS_PER_OPEN_DEAL[deal.stage])
        end = deal.close if closed else as_of
        days = sorted(rng.randint(deal.created, end) for _ in range(count))
        last = count - 1
        for j, day in enumerate(days):
            phase = "early" if j == 0 else ("late" if j == last else "middle")
            kind = rng.choice(vocabulary.KINDS_BY_PHASE[phase])
            conversation_id = self._talk(acc, deal, kind, day, batch)
            if deal.whale and j == 0 and conversation_id is not None:
                self._deli_mention(acc, deal, conversation_id, batch, vocabulary.DELI_FEATURE[3])
        small = acc.band in ("smb", "mid_market")
        if not closed and small and self.deli_small_left and not deal.whale:
            self.deli_small_left -= 1
            self._deli_mention(acc, deal, None, batch, "Would be nice for our Swiss office.")
        if closed and rng.random() < (0.5 if deal.stage == "closed_lost" else 0.22):
            stated = ""
            if deal.stage == "closed_lost":
                stated = deal.loss_reason
                if rng.random() < 0.38:  # the buyer tells another story than the rep
                    stated = rng.choice(catalog.STATED_INSTEAD[deal.loss_reason])
            day = min(as_of, deal.close + rng.randint(4, 40))
            self._talk(acc, deal, "win_loss", day, batch, stated)
        if rng.random() < 0.06:  # sales logs a feature request straight on the deal
            candidates = [r for r in acc.feature_rules if r[1] == MENTION_IN_SEGMENT]
            feature_id, _p, quote = rng.choice(candidates)
            importance = "deal_blocker" if deal.stage == "closed_lost" else "important"
            batch[FEATURE_MENTIONS].append((feature_id, acc.id, deal.id, None, importance, quote))

    def _deli_mention(self, acc, deal, conversation_id, batch, quote) -> None:
        importance = "deal_blocker" if deal.whale else "nice_to_have"
        batch[FEATURE_MENTIONS].append(
            (self.refs.deli_feature, acc.id, deal.id, conversation_id, importance, quote)
        )

    # -- one conversation -----------------------------------------------------------------------

    def _talk(self, acc, deal, kind, day, batch, stated=""):
        """Emit one conversation with its participants, tags, action items, evidence, mentions."""
        rng, as_of = self.rng, self.as_of
        if day > as_of:
            day = as_of
        if acc.blind and as_of - day < 90 and rng.random() < BLIND_SPOT_SKIP:
            return None
        cid = self.ids.take(Conversation)
        pool = deal.contacts if deal is not None else acc.people
        if len(pool) < 2:
            pool = acc.people
        size = 1 + (rng.random() < 0.55) + (rng.random() < 0.2)
        people = rng.sample(pool, min(size, len(pool)))
        who = people[0]
        logged_by = rng.choice(self.pm_pool)
        pain = rng.choice(acc.pains)
        constraint = rng.choice(acc.constraints)
        on = self.date(day)
        context = {
            "pain": pain.lower(),
            "constraint": constraint.lower(),
            "who": who.name,
            "dept": (who.dept or "IT").lower(),
            "deal": deal.product if deal is not None else "platform",
            "quarter": f"Q{(on.month - 1) // 3 + 1} {on.year}",
            "infra": INFRA_LABEL[acc.infra],
            "buyer": deal.buyer.persona if deal is not None and deal.buyer else "CIO",
            "industry": (acc.industry or "your industry").lower(),
            "n": rng.choice((50, 200, 1000)),
        }
        title = rng.choice(vocabulary.TITLES[kind]).format(**context)
        notes = rng.choice(vocabulary.NOTES[kind]).format(**context)
        duration = rng.choice(vocabulary.DURATIONS[kind]) if rng.random() > 0.03 else None
        lost = deal is not None and deal.stage == "closed_lost"
        x = rng.random()
        if kind == "win_loss":
            sentiment = ("negative" if x < 0.55 else "neutral" if x < 0.9 else "positive") if lost \
                else ("positive" if x < 0.7 else "neutral" if x < 0.95 else "negative")  # fmt: skip
        elif kind == "support":
            sentiment = "negative" if x < 0.45 else "neutral" if x < 0.85 else "positive"
        else:
            sentiment = "positive" if x < 0.38 else "neutral" if x < 0.83 else "negative"
        batch[CONVERSATIONS].append(
            (cid, acc.id, deal.id if deal is not None else None, on, kind, logged_by, title, notes,
             duration, sentiment, stated)
        )  # fmt: skip
        participants = batch[PARTICIPANTS]
        for person in people:
            participants.append((cid, person.id))
        tags = {pain}
        if rng.random() < 0.35:
            tags.add(rng.choice(acc.pains))
        if rng.random() < 0.35:
            tags.add(constraint)
        if rng.random() < 0.5:
            tags.add(rng.choice(acc.topics))
        tag_rows, tag_ids = batch[CONVERSATION_TAGS], self.tag_ids
        for tag in sorted(tags):
            tag_rows.append((cid, tag_ids[tag]))
        if rng.random() < 0.4:
            for _ in range(1 + (rng.random() < 0.3)):
                text = rng.choice(vocabulary.ACTION_ITEMS[kind]).format(**context)
                owner = deal.owner if deal is not None and rng.random() < 0.4 else logged_by
                due = day + rng.randint(3, 21)
                done = due < as_of and rng.random() < 0.8
                batch[ACTION_ITEMS].append((cid, text, owner, self.date(due), done))
        if kind in EVIDENCE_KINDS:
            for assumption_id, chance, supports, quote_yes, quote_no in acc.assumption_rules:
                if rng.random() < chance:
                    verdict = rng.random() < supports
                    batch[EVIDENCE].append(
                        (assumption_id, cid, "supports" if verdict else "contradicts",
                         quote_yes if verdict else quote_no)
                    )  # fmt: skip
        if kind in MENTION_KINDS:
            for feature_id, chance, quote in acc.feature_rules:
                if rng.random() < chance:
                    x = rng.random()
                    if lost:
                        importance = "deal_blocker" if x < 0.35 else "critical" if x < 0.7 \
                            else "important"  # fmt: skip
                    else:
                        importance = "nice_to_have" if x < 0.3 else "important" if x < 0.7 \
                            else "critical" if x < 0.93 else "deal_blocker"  # fmt: skip
                    batch[FEATURE_MENTIONS].append(
                        (feature_id, acc.id, deal.id if deal is not None else None, cid,
                         importance, quote)
                    )  # fmt: skip
        return cid
