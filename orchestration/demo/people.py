"""Teams, agents, customers and macros: the reference entities everything else points to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo import vocab
from orchestration.demo.ids import concat, make_ids, null_where, pick, timestamps
from orchestration.demo.timeline import DAY, HOUR, Period, utc_offsets

NEVER = np.iinfo(np.int64).max // 4
GHOST_AGENTS = 5
"""Assignee ids that tickets use but the agents file lacks (deleted agents)."""


@dataclass
class Teams:
    ids: pa.Array
    tz: tuple[str, ...]
    open_hour: np.ndarray
    close_hour: np.ndarray
    offsets: np.ndarray  # (team, hour of period) -> seconds from UTC

    @property
    def n(self) -> int:
        return len(self.ids)


def build_teams(period: Period) -> tuple[Teams, pa.Table]:
    ids = pa.array([t[0] for t in vocab.TEAMS])
    table = pa.table(
        {
            "team_id": ids,
            "name": pa.array([t[1] for t in vocab.TEAMS]),
            "schedule_id": pa.array([t[2] for t in vocab.TEAMS], pa.string()),
        }
    )
    teams = Teams(
        ids=ids,
        tz=tuple(t[3] for t in vocab.TEAMS),
        open_hour=np.array([t[4] for t in vocab.TEAMS]),
        close_hour=np.array([t[5] for t in vocab.TEAMS]),
        offsets=np.stack([utc_offsets(period, t[3]) for t in vocab.TEAMS]),
    )
    return teams, table


@dataclass
class Agents:
    """Arrays over agents; the last GHOST_AGENTS entries are not written to the agents file."""

    ids: pa.Array
    team: np.ndarray
    hired_at: np.ndarray
    left_at: np.ndarray  # NEVER when still employed
    speed: np.ndarray  # multiplies reply delays (< 1 is faster)
    quality: np.ndarray  # standard normal; higher means better CSAT, fewer reopens
    core: np.ndarray  # present for the whole period

    @property
    def n(self) -> int:
        return len(self.team)

    def pick(self, rng: np.random.Generator, team: np.ndarray, t: np.ndarray) -> np.ndarray:
        """An agent of `team` employed at `t` (and for a month after) for every element."""
        out = np.zeros(len(team), dtype=np.int64)
        real = np.arange(self.n - GHOST_AGENTS)
        for k in range(int(team.max(initial=-1)) + 1):
            rows = np.flatnonzero(team == k)
            members = real[self.team[real] == k]
            core = members[self.core[members]]
            weight = 1.0 / self.speed[members]
            cum = np.cumsum(weight) / weight.sum()
            for _ in range(6):
                if len(rows) == 0:
                    break
                draw = members[
                    np.minimum(np.searchsorted(cum, rng.random(len(rows))), len(members) - 1)
                ]
                ok = (self.hired_at[draw] <= t[rows]) & (self.left_at[draw] > t[rows] + 30 * DAY)
                out[rows[ok]] = draw[ok]
                rows = rows[~ok]
            out[rows] = core[rng.integers(0, len(core), len(rows))]
        return out


def agent_count(tickets: int) -> int:
    return int(np.clip(round(tickets / 2500) + 12, 15, 200))


def build_agents(
    rng: np.random.Generator, tickets: int, period: Period, teams: Teams
) -> tuple[Agents, pa.Table]:
    n = agent_count(tickets)
    share = np.array(vocab.TEAM_AGENT_SHARE)
    per_team = np.maximum(np.floor(share * n).astype(int), 3)
    per_team[0] += n - per_team.sum()
    team = np.repeat(np.arange(teams.n), per_team)
    rank = np.concatenate([np.arange(c) for c in per_team])
    core = rank < 2
    span = period.end - period.start
    before = core | (rng.random(n) < 0.6)
    hired = np.where(
        before,
        period.start - rng.integers(30 * DAY, 1500 * DAY, n),
        period.start + (rng.random(n) * (span - 45 * DAY)).astype(np.int64),
    )
    hired = hired - hired % DAY + 9 * HOUR  # start at 09:00 UTC
    tenure = rng.integers(120 * DAY, 900 * DAY, n)
    leaves = ~core & (rng.random(n) < 0.3) & (hired + tenure < period.end - DAY)
    left = np.where(leaves, hired + tenure, NEVER)
    speed = rng.lognormal(0.0, 0.35, n)
    quality = rng.normal(0.0, 1.0, n)

    first = rng.integers(0, len(vocab.FIRST_NAMES), n)
    last = rng.integers(0, len(vocab.LAST_NAMES), n)
    ids = make_ids("AG", np.arange(1, n + GHOST_AGENTS + 1), 4)
    real_ids = ids.slice(0, n)
    first_s, last_s = pick(vocab.FIRST_NAMES, first), pick(vocab.LAST_NAMES, last)
    email = concat(
        pc.utf8_lower(first_s), ".", pc.utf8_lower(last_s), ".", real_ids, "@support.example.com"
    )
    left_mask = left == NEVER
    table = pa.table(
        {
            "agent_id": real_ids,
            "name": concat(first_s, " ", last_s),
            "email": email,
            "team_id": pick(teams.ids, team),
            "role": pa.array(np.full(n, "agent")),
            "timezone": pick(teams.tz, team),
            "hired_at": timestamps(hired),
            "left_at": timestamps(np.where(left_mask, 0, left), left_mask),
        }
    )
    ghost_team = np.arange(GHOST_AGENTS) % teams.n
    agents = Agents(
        ids=ids,
        team=np.concatenate([team, ghost_team]),
        hired_at=np.concatenate([hired, np.full(GHOST_AGENTS, period.start - 1000 * DAY)]),
        left_at=np.concatenate([left, np.full(GHOST_AGENTS, NEVER)]),
        speed=np.concatenate([speed, np.ones(GHOST_AGENTS)]),
        quality=np.concatenate([quality, np.zeros(GHOST_AGENTS)]),
        core=np.concatenate([core, np.zeros(GHOST_AGENTS, dtype=bool)]),
    )
    return agents, table


@dataclass
class Customers:
    """Arrays over customers; entries past `known` are ids missing from the customers file."""

    ids: pa.Array
    known: int
    region: np.ndarray
    segment: np.ndarray  # index into vocab.SEGMENTS
    created_at: np.ndarray

    def pick(self, rng: np.random.Generator, region: np.ndarray, t: np.ndarray) -> np.ndarray:
        """A customer of `region` who existed at `t`, busier segments more often."""
        out = np.zeros(len(t), dtype=np.int64)
        weight_by_segment = np.array(vocab.SEGMENT_CONTACT_WEIGHT)
        for r in range(len(vocab.REGIONS)):
            rows = np.flatnonzero(region == r)
            members = np.flatnonzero(self.region[: self.known] == r)
            members = members[np.argsort(self.created_at[members], kind="stable")]
            weight = weight_by_segment[self.segment[members]]
            cum = np.cumsum(weight) / weight.sum()
            for _ in range(4):
                if len(rows) == 0:
                    break
                draw = members[
                    np.minimum(np.searchsorted(cum, rng.random(len(rows))), len(members) - 1)
                ]
                ok = self.created_at[draw] <= t[rows]
                out[rows[ok]] = draw[ok]
                rows = rows[~ok]
            existing = np.searchsorted(self.created_at[members], t[rows], side="right")
            out[rows] = members[(rng.random(len(rows)) * np.maximum(existing, 1)).astype(np.int64)]
        return out


def build_customers(
    rng: np.random.Generator, tickets: int, period: Period
) -> tuple[Customers, pa.Table]:
    n = max(150, tickets // 4)
    unknown = max(3, n // 400)
    loc_weight = np.array([loc[3] for loc in vocab.LOCATIONS], dtype=float)
    loc = rng.choice(len(vocab.LOCATIONS), size=n, p=loc_weight / loc_weight.sum())
    region_of_loc = np.array([vocab.REGIONS.index(loc[2]) for loc in vocab.LOCATIONS])
    region = region_of_loc[loc]
    segment = rng.choice(len(vocab.SEGMENTS), size=n, p=vocab.SEGMENT_SHARE)
    # Every region keeps a few long-standing customers so any ticket time can find one.
    for r in range(len(vocab.REGIONS)):
        region[r * 3 : r * 3 + 3] = r
        loc[r * 3 : r * 3 + 3] = np.flatnonzero(region_of_loc == r)[0]
    span = period.end - period.start
    existing = rng.random(n) < 0.55
    existing[:9] = True
    created = np.where(
        existing,
        period.start - (rng.random(n) * 3 * 365 * DAY).astype(np.int64),
        period.start + (rng.random(n) ** 0.85 * span).astype(np.int64),
    )
    created = np.minimum(created, period.end)

    # Organisations: enterprise customers share a few, small businesses one each (mostly).
    org = np.full(n, -1, dtype=np.int64)
    ent, smb = segment == 0, segment == 1
    n_ent_org = max(1, int(ent.sum()) // 8)
    org[ent] = rng.integers(0, n_ent_org, int(ent.sum()))
    org[smb] = n_ent_org + rng.integers(0, max(1, int(smb.sum() * 0.7)), int(smb.sum()))

    ids = make_ids("CU", np.arange(1, n + unknown + 1), 7)
    real_ids = ids.slice(0, n)
    first_s = pick(vocab.FIRST_NAMES, rng.integers(0, len(vocab.FIRST_NAMES), n))
    last_s = pick(vocab.LAST_NAMES, rng.integers(0, len(vocab.LAST_NAMES), n))
    email = concat(
        pc.utf8_lower(first_s), ".", pc.utf8_lower(last_s), ".", real_ids, "@example.com"
    )
    no_org = org < 0
    table = pa.table(
        {
            "customer_id": real_ids,
            "organization_id": null_where(make_ids("ORG", org + 1, 6), no_org),
            "name": concat(first_s, " ", last_s),
            "email": email,
            "segment": pick(vocab.SEGMENTS, np.where(segment == 3, -1, segment)),
            "country": pick([c[0] for c in vocab.LOCATIONS], loc),
            "timezone": pick([c[1] for c in vocab.LOCATIONS], loc),
            "created_at": timestamps(created),
        }
    )
    customers = Customers(
        ids=ids,
        known=n,
        region=np.concatenate([region, rng.integers(0, len(vocab.REGIONS), unknown)]),
        segment=np.concatenate([segment, np.full(unknown, 3)]),
        created_at=np.concatenate([created, np.full(unknown, period.start - 2000 * DAY)]),
    )
    return customers, table


@dataclass
class Macros:
    ids: pa.Array
    active_macros: np.ndarray  # indices of active agent macros
    automations: np.ndarray
    triggers: np.ndarray
    reminder_automation: int


def build_macros() -> tuple[Macros, pa.Table]:
    n = len(vocab.MACROS)
    kinds = np.array([m[1] for m in vocab.MACROS])
    active = np.ones(n, dtype=bool)
    active[list(vocab.INACTIVE_MACROS)] = False
    ids = make_ids("MC", np.arange(1, n + 1), 3)
    table = pa.table(
        {
            "macro_id": ids,
            "title": pa.array([m[0] for m in vocab.MACROS]),
            "kind": pa.array(kinds),
            "is_active": pa.array(active),
        }
    )
    macros = Macros(
        ids=ids,
        active_macros=np.flatnonzero(active & (kinds == "macro")),
        automations=np.flatnonzero(active & (kinds == "automation")),
        triggers=np.flatnonzero(active & (kinds == "trigger")),
        reminder_automation=next(
            i for i, m in enumerate(vocab.MACROS) if m[0].startswith("Remind pending")
        ),
    )
    return macros, table
