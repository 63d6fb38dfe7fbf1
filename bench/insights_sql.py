"""Hand-written PostgreSQL computing the figures of an insights recompute, for bench/insights.py.

What a database engineer would write to get the same figures straight from SQL: for each family
of metrics one query that aggregates the big table per account and then groups the accounts by
every dimension at once with GROUPING SETS (each saved segment is a set of its own, over a
membership flag built from the segment's filter). Medians use percentile_cont. The figures come
back as plain rows keyed by (dimension, value, …) so that bench/insights.py can compare them
with the published snapshot.
"""

import datetime as dt
import time
from decimal import Decimal

DIMENSIONS = (
    "industry",
    "size_band",
    "country",
    "region",
    "deployment_model",
    "infrastructure",
    "lifecycle",
)


class HandSQL:
    def __init__(self, *, workspace_id: int, segments: list[tuple[int, dict]], today: dt.date):
        self.ws = workspace_id
        self.today = today
        self.since = today - dt.timedelta(days=90)
        self.params: list = []
        flags = []
        for segment_id, filters in segments:
            conditions = []
            for dim, value in sorted(filters.items()):
                values = value if isinstance(value, list) else [value]
                conditions.append(f"a.{dim} = ANY(%(seg_{segment_id}_{dim})s)")
                self.params.append((f"seg_{segment_id}_{dim}", values))
            condition = " AND ".join(conditions) or "TRUE"
            flags.append((f"seg_{segment_id}", f"CASE WHEN {condition} THEN 1 END"))
        self.flags = flags
        self.keys = [*DIMENSIONS, *(name for name, _ in flags)]

    # -- building blocks ---------------------------------------------------------------------

    def _columns(self) -> str:
        """The dimension values and segment flags of account ``a``, computed once per row."""
        dims = [f"COALESCE(NULLIF(a.{d}, ''), 'unknown') AS {d}" for d in DIMENSIONS]
        return ", ".join([*dims, *(f"{expr} AS {name}" for name, expr in self.flags)])

    def _keys(self) -> str:
        return ", ".join(f"x.{k}" for k in self.keys)

    def _sets(self, extra: str = "") -> str:
        suffix = f", {extra}" if extra else ""
        return "GROUPING SETS (" + ", ".join(f"(x.{k}{suffix})" for k in self.keys) + ")"

    def _grouping(self) -> str:
        return "GROUPING(" + self._keys() + ") AS g"

    def _key(self, row: dict):
        """(dimension, value) of a grouping-sets row; None for a segment's non-members."""
        mask = row["g"]
        n = len(self.keys)
        for i, key in enumerate(self.keys):
            if not mask & (1 << (n - 1 - i)):
                if key.startswith("seg_"):
                    if row[key] is None:
                        return None
                    return (f"segment:{key[4:]}", None)
                return (key, row[key])
        raise ValueError(row)

    def _run(self, cursor, sql: str) -> list[dict]:
        params = {"ws": self.ws, "today": self.today, "since": self.since}
        params.update(dict(self.params))
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        rows = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            key = self._key(row)
            if key is not None:
                row["_key"] = key
                rows.append(row)
        return rows

    def _per_account(self, inner: str, measures: str, extra: str = "") -> str:
        """Aggregate ``inner`` (account_id, …) per account first, then by every dimension."""
        extra_cols = f", x.{extra}" if extra else ""
        return f"""
            WITH f AS ({inner})
            SELECT {self._keys()}{extra_cols}, {measures}, {self._grouping()}
            FROM (SELECT f.*, {self._columns()}
                  FROM f JOIN accounts_app_account a ON a.id = f.account_id) x
            GROUP BY {self._sets(f"x.{extra}" if extra else "")}
        """  # noqa: S608 - identifiers from code, values as parameters

    # -- the families ------------------------------------------------------------------------

    def queries(self) -> dict[str, str]:
        open_stages = "('prospecting','discovery','evaluation','proposal','negotiation')"
        return {
            "accounts": f"""
                SELECT {self._keys()}, COUNT(*) AS accounts, {self._grouping()}
                FROM (SELECT {self._columns()} FROM accounts_app_account a
                      WHERE a.workspace_id = %(ws)s) x
                GROUP BY {self._sets()}
            """,  # noqa: S608
            "outcomes": self._per_account(
                f"""SELECT account_id, COUNT(*) AS deals,
                        COUNT(*) FILTER (WHERE stage IN {open_stages}) AS open_deals,
                        COUNT(*) FILTER (WHERE stage = 'closed_won') AS won,
                        COUNT(*) FILTER (WHERE stage = 'closed_lost') AS lost,
                        COALESCE(SUM(amount) FILTER (WHERE stage = 'closed_won'), 0) AS revenue,
                        COALESCE(SUM(amount) FILTER (WHERE stage IN {open_stages}), 0) AS pipeline,
                        COALESCE(SUM(cost_of_sale) FILTER (WHERE stage IN
                            ('closed_won','closed_lost')), 0) AS cost_recorded
                    FROM deals_app_deal WHERE workspace_id = %(ws)s GROUP BY account_id""",  # noqa: S608
                """SUM(x.deals) AS deals, SUM(x.open_deals) AS open_deals, SUM(x.won) AS won,
                   SUM(x.lost) AS lost, SUM(x.revenue) AS revenue_won,
                   SUM(x.pipeline) AS pipeline, SUM(x.cost_recorded) AS cost_recorded""",
            ),
            "covered": self._per_account(
                f"""SELECT d.account_id,
                        COUNT(*) FILTER (WHERE d.stage IN {open_stages}) AS open_deals,
                        COUNT(*) FILTER (WHERE d.stage = 'closed_won') AS won,
                        COUNT(*) FILTER (WHERE d.stage = 'closed_lost') AS lost
                    FROM deals_app_deal d
                    WHERE d.workspace_id = %(ws)s
                      AND EXISTS (SELECT 1 FROM deals_app_dealrole r
                                  WHERE r.deal_id = d.id AND r.role = 'economic_buyer')
                      AND EXISTS (SELECT 1 FROM deals_app_dealrole r
                                  WHERE r.deal_id = d.id AND r.role = 'champion')
                    GROUP BY d.account_id""",  # noqa: S608
                "SUM(x.open_deals) AS covered_open, SUM(x.won) AS covered_won, "
                "SUM(x.lost) AS covered_lost",
            ),
            "minutes": self._per_account(
                """SELECT d.account_id, COALESCE(SUM(c.duration_minutes), 0) AS minutes
                    FROM deals_app_conversation c JOIN deals_app_deal d ON d.id = c.deal_id
                    WHERE c.workspace_id = %(ws)s AND d.stage IN ('closed_won','closed_lost')
                      AND d.cost_of_sale IS NULL
                    GROUP BY d.account_id""",
                "SUM(x.minutes) AS minutes",
            ),
            "claimed": self._per_account(
                """SELECT d.account_id, COALESCE(SUM(b.estimated_annual_value), 0) AS claimed
                    FROM deals_app_businesscase b JOIN deals_app_deal d ON d.id = b.deal_id
                    WHERE b.workspace_id = %(ws)s AND d.stage <> 'closed_lost'
                    GROUP BY d.account_id""",
                "SUM(x.claimed) AS value_claimed",
            ),
            "stated": self._per_account(
                """SELECT l.account_id, COUNT(*) AS stated,
                        COUNT(*) FILTER (WHERE l.stated_reason <> l.loss_reason) AS mismatched
                    FROM (SELECT DISTINCT ON (c.deal_id) d.account_id, c.stated_reason,
                                 d.loss_reason
                          FROM deals_app_conversation c JOIN deals_app_deal d ON d.id = c.deal_id
                          WHERE c.workspace_id = %(ws)s AND c.kind = 'win_loss'
                            AND c.stated_reason <> '' AND d.stage = 'closed_lost'
                          ORDER BY c.deal_id, c.occurred_on DESC, c.id DESC) l
                    GROUP BY l.account_id""",
                "SUM(x.stated) AS stated, SUM(x.mismatched) AS mismatched",
            ),
            "surveys": self._per_account(
                """SELECT d.account_id, COUNT(*) AS sent,
                        COUNT(*) FILTER (WHERE s.answered_at IS NOT NULL) AS answered
                    FROM surveys_app_survey s JOIN deals_app_deal d ON d.id = s.deal_id
                    WHERE s.workspace_id = %(ws)s
                    GROUP BY d.account_id""",
                "SUM(x.sent) AS surveys_sent, SUM(x.answered) AS surveys_answered",
            ),
            "competitors": self._per_account(
                """SELECT d.account_id, lower(btrim(s.competitor)) AS competitor,
                        COUNT(*) AS n, COUNT(DISTINCT s.deal_id) AS deals
                    FROM surveys_app_survey s JOIN deals_app_deal d ON d.id = s.deal_id
                    WHERE s.workspace_id = %(ws)s AND s.answered_at IS NOT NULL
                      AND s.alternative = 'competitor' AND s.competitor <> ''
                    GROUP BY d.account_id, lower(btrim(s.competitor))""",
                "SUM(x.n) AS surveys, SUM(x.deals) AS deals",
                extra="competitor",
            ),
            "recent": self._per_account(
                """SELECT account_id, COUNT(*) AS n FROM deals_app_conversation
                    WHERE workspace_id = %(ws)s AND occurred_on BETWEEN %(since)s AND %(today)s
                    GROUP BY account_id""",
                "SUM(x.n) AS conversations_90d",
            ),
            "cycles": f"""
                SELECT {self._keys()},
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY x.days) AS median_cycle_days,
                    {self._grouping()}
                FROM (SELECT d.close_date - d.created_on AS days, {self._columns()}
                      FROM deals_app_deal d JOIN accounts_app_account a ON a.id = d.account_id
                      WHERE d.workspace_id = %(ws)s AND d.stage = 'closed_won'
                        AND d.created_on IS NOT NULL AND d.close_date IS NOT NULL) x
                GROUP BY {self._sets()}
            """,  # noqa: S608
            "reasons": self._per_account(
                """SELECT account_id, loss_reason, COUNT(*) AS n FROM deals_app_deal
                    WHERE workspace_id = %(ws)s AND stage = 'closed_lost'
                    GROUP BY account_id, loss_reason""",
                "SUM(x.n) AS deals",
                extra="loss_reason",
            ),
            "pains": self._per_account(
                """SELECT c.account_id, t.tag_id, COUNT(*) AS n
                    FROM deals_app_conversation_tags t
                    JOIN deals_app_conversation c ON c.id = t.conversation_id
                    JOIN deals_app_tag g ON g.id = t.tag_id
                    WHERE c.workspace_id = %(ws)s AND g.kind = 'pain'
                    GROUP BY c.account_id, t.tag_id""",
                "SUM(x.n) AS conversations, COUNT(*) AS accounts",
                extra="tag_id",
            ),
            "trend": self._per_account(
                """SELECT account_id, to_char(close_date, 'YYYY-"Q"Q') AS quarter,
                        COUNT(*) FILTER (WHERE stage = 'closed_won') AS won,
                        COUNT(*) FILTER (WHERE stage = 'closed_lost') AS lost,
                        COALESCE(SUM(amount) FILTER (WHERE stage = 'closed_won'), 0) AS revenue
                    FROM deals_app_deal
                    WHERE workspace_id = %(ws)s AND stage IN ('closed_won','closed_lost')
                      AND close_date IS NOT NULL
                    GROUP BY account_id, quarter""",
                "SUM(x.won) AS won, SUM(x.lost) AS lost, SUM(x.revenue) AS revenue_won",
                extra="quarter",
            ),
            "feature_accounts": self._per_account(
                """SELECT DISTINCT feature_id, account_id FROM insights_app_featuremention
                    WHERE workspace_id = %(ws)s""",
                "COUNT(*) AS accounts",
                extra="feature_id",
            ),
            "feature_deals": self._per_account(
                """SELECT fd.feature_id, d.account_id,
                        COALESCE(SUM(d.amount) FILTER (WHERE d.stage <> 'closed_lost'), 0)
                            AS demand,
                        COALESCE(SUM(d.amount) FILTER (WHERE d.stage = 'closed_lost'), 0)
                            AS lost,
                        MAX(d.amount) FILTER (WHERE d.stage <> 'closed_lost') AS largest
                    FROM (SELECT DISTINCT feature_id, deal_id FROM insights_app_featuremention
                          WHERE workspace_id = %(ws)s AND deal_id IS NOT NULL) fd
                    JOIN deals_app_deal d ON d.id = fd.deal_id
                    GROUP BY fd.feature_id, d.account_id""",
                "SUM(x.demand) AS demand, SUM(x.lost) AS lost, MAX(x.largest) AS largest",
                extra="feature_id",
            ),
            "evidence": self._per_account(
                """SELECT e.assumption_id, c.account_id,
                        COUNT(*) FILTER (WHERE e.verdict = 'supports') AS supports,
                        COUNT(*) FILTER (WHERE e.verdict = 'contradicts') AS contradicts
                    FROM insights_app_evidence e
                    JOIN deals_app_conversation c ON c.id = e.conversation_id
                    WHERE e.workspace_id = %(ws)s
                    GROUP BY e.assumption_id, c.account_id""",
                "SUM(x.supports) AS supports, SUM(x.contradicts) AS contradicts",
                extra="assumption_id",
            ),
        }

    def run(self, cursor, timings: dict | None = None) -> dict[str, list[dict]]:
        """Every family's rows; ``timings`` gets each query's seconds (last run)."""
        results = {}
        for name, sql in self.queries().items():
            started = time.perf_counter()
            results[name] = self._run(cursor, sql)
            if timings is not None:
                timings[name] = time.perf_counter() - started
        return results


def figures(results: dict[str, list[dict]], *, hourly_cost: Decimal, labels: dict[str, str]):
    """The hand-SQL results as {(dimension, value): {metric: figure}} like the snapshot's."""
    out: dict[tuple, dict] = {}

    def at(row) -> dict:
        dim, value = row["_key"]
        return out.setdefault((dim, labels.get(dim, value)), {})

    for row in results["accounts"]:
        at(row)["accounts"] = row["accounts"]
    for row in results["outcomes"]:
        f = at(row)
        for name in ("deals", "open_deals", "won", "lost"):
            f[name] = int(row[name])
        f["revenue_won"] = Decimal(row["revenue_won"]).quantize(Decimal("0.01"))
        f["pipeline"] = Decimal(row["pipeline"]).quantize(Decimal("0.01"))
        f["_cost_recorded"] = Decimal(row["cost_recorded"])
    for row in results["minutes"]:
        at(row)["_minutes"] = int(row["minutes"])
    for f in out.values():
        if "_cost_recorded" in f:
            cost = f.pop("_cost_recorded") + hourly_cost * Decimal(f.pop("_minutes", 0)) / 60
            f["cost_of_sale"] = cost.quantize(Decimal("0.01"))
    for row in results["covered"]:
        f = at(row)
        f["covered_open"], f["covered_won"], f["covered_lost"] = (
            int(row["covered_open"]),
            int(row["covered_won"]),
            int(row["covered_lost"]),
        )
    for row in results["claimed"]:
        at(row)["value_claimed"] = Decimal(row["value_claimed"]).quantize(Decimal("0.01"))
    for row in results["stated"]:
        f = at(row)
        f["stated"], f["mismatched"] = int(row["stated"]), int(row["mismatched"])
    for row in results["recent"]:
        at(row)["conversations_90d"] = int(row["conversations_90d"])
    for row in results["surveys"]:
        f = at(row)
        f["surveys_sent"], f["surveys_answered"] = (
            int(row["surveys_sent"]),
            int(row["surveys_answered"]),
        )
    for row in results["competitors"]:
        at(row).setdefault("competitors", {})[row["competitor"]] = (
            int(row["surveys"]),
            int(row["deals"]),
        )
    for row in results["cycles"]:
        at(row)["median_cycle_days"] = float(row["median_cycle_days"])
    for row in results["reasons"]:
        at(row).setdefault("loss_reasons", {})[row["loss_reason"] or "unknown"] = int(row["deals"])
    for row in results["pains"]:
        at(row).setdefault("pains", {})[row["tag_id"]] = (
            int(row["conversations"]),
            int(row["accounts"]),
        )
    for row in results["trend"]:
        at(row).setdefault("trend", {})[row["quarter"]] = (
            int(row["won"]),
            int(row["lost"]),
            Decimal(row["revenue_won"]).quantize(Decimal("0.01")),
        )
    for row in results["feature_accounts"]:
        at(row).setdefault("features", {}).setdefault(row["feature_id"], {})["accounts"] = int(
            row["accounts"]
        )
    for row in results["feature_deals"]:
        feature = at(row).setdefault("features", {}).setdefault(row["feature_id"], {})
        feature["demand"] = Decimal(row["demand"]).quantize(Decimal("0.01"))
        feature["lost"] = Decimal(row["lost"]).quantize(Decimal("0.01"))
    for row in results["evidence"]:
        at(row).setdefault("evidence", {})[row["assumption_id"]] = (
            int(row["supports"]),
            int(row["contradicts"]),
        )
    return out
