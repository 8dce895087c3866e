"""The landing contract: which entities exist, their columns, and the values they may take.

This module is the single source of truth. The loader checks files against it, the demo generator
writes to it, the README table and dbt staging models follow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FILE_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".parquet")
"""File formats accepted in `<LANDING_DIR>/<entity>/`."""

METADATA_COLUMNS = ("_source_file", "_source_row", "_loaded_at", "_file_id")
"""Columns the loader adds to every raw row: the file (relative to LANDING_DIR), the 1-based data
row in that file, when it was loaded (UTC), and the load order of the file (monotonic)."""


@dataclass(frozen=True)
class Entity:
    name: str
    key: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    version_column: str | None = None
    """Column whose latest value wins when a record is delivered again; None = the last loaded."""
    timestamp_columns: tuple[str, ...] = field(default=())
    description: str = ""

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.required)


def _ts(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in columns if c.endswith("_at"))


def _entity(
    name: str, key: str, columns: str, description: str, version_column: str | None = None
) -> Entity:
    cols = tuple(c.strip() for c in columns.split(","))
    required = tuple(c.rstrip("*") for c in cols if c.endswith("*"))
    plain = tuple(c.rstrip("*") for c in cols)
    return Entity(
        name=name,
        key=key,
        columns=plain,
        required=required,
        version_column=version_column,
        timestamp_columns=_ts(plain),
        description=description,
    )


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        _entity(
            "tickets",
            "ticket_id",
            "ticket_id*, created_at*, updated_at, customer_id*, assignee_id, team_id, channel*, "
            "priority, status*, type, category, tags, subject, created_by_role",
            "One row per ticket version; the latest updated_at wins.",
            version_column="updated_at",
        ),
        _entity(
            "ticket_events",
            "event_id",
            "event_id*, ticket_id*, created_at*, event_type*, actor_id, actor_role*, is_public, "
            "from_value, to_value, macro_id, body",
            "Comments, status changes, assignments and other changes on tickets.",
        ),
        _entity(
            "chat_conversations",
            "conversation_id",
            "conversation_id*, started_at*, ended_at, customer_id*, assignee_id, team_id, "
            "channel*, status, ticket_id",
            "One row per chat or messaging conversation.",
        ),
        _entity(
            "chat_messages",
            "message_id",
            "message_id*, conversation_id*, sent_at*, author_id, author_role*, body",
            "Messages inside chat conversations, from customers, agents and bots.",
        ),
        _entity(
            "calls",
            "call_id",
            "call_id*, queued_at*, answered_at, ended_at, direction*, customer_id, agent_id, "
            "team_id, hold_seconds, wrap_up_seconds, ticket_id",
            "Phone calls; an inbound call never answered is abandoned.",
        ),
        _entity(
            "survey_responses",
            "response_id",
            "response_id*, survey_type*, score*, responded_at*, sent_at, customer_id, ticket_id, "
            "conversation_id, call_id, agent_id, topic, comment",
            "CSAT (1-5), NPS (0-10) and CES (1-7) survey answers.",
        ),
        _entity(
            "agents",
            "agent_id",
            "agent_id*, name, email, team_id, role, timezone, hired_at, left_at",
            "Support agents, with hire and leave dates.",
        ),
        _entity("teams", "team_id", "team_id*, name, schedule_id", "Support teams (groups)."),
        _entity(
            "customers",
            "customer_id",
            "customer_id*, organization_id, name, email, segment, country, timezone, created_at",
            "Customers (end users / requesters).",
        ),
        _entity(
            "subscriptions",
            "subscription_id",
            "subscription_id*, customer_id*, started_at*, cancelled_at, plan, monthly_amount, "
            "cancellation_reason",
            "Customer subscriptions, for churn and retention.",
        ),
        _entity(
            "returns",
            "return_id",
            "return_id*, customer_id*, returned_at*, order_id, reason, amount",
            "Product returns, counted beside cancellations.",
        ),
        _entity(
            "kb_article_views",
            "view_id",
            "view_id*, article_id*, viewed_at*, customer_id, session_id, article_title, "
            "was_helpful",
            "Knowledge-base article views, for self-service deflection.",
        ),
        _entity(
            "macros",
            "macro_id",
            "macro_id*, title, kind, is_active",
            "Macros, automations and triggers that agents and rules apply.",
        ),
    )
}

# Canonical values (matching is case-insensitive, trimmed; `-` and spaces read as `_`).
TICKET_STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_CHANNELS = ("email", "web", "chat", "phone", "social", "messaging", "api", "other")
CHAT_CHANNELS = ("web_chat", "whatsapp", "messenger", "instagram", "sms", "social", "in_app")
ROLES = ("customer", "agent", "bot", "system")
EVENT_TYPES = (
    "comment",
    "status_change",
    "assignment",
    "team_change",
    "priority_change",
    "macro_applied",
    "automation",
    "tag_change",
)
SURVEY_SCALES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
CALL_DIRECTIONS = ("inbound", "outbound")
MACRO_KINDS = ("macro", "automation", "trigger")

# Value kinds beyond text, used to judge the column types of typed files (Parquet).
NUMBER_COLUMNS = frozenset({"score", "hold_seconds", "wrap_up_seconds", "monthly_amount", "amount"})
BOOLEAN_COLUMNS = frozenset({"is_public", "was_helpful", "is_active"})
LIST_COLUMNS = frozenset({"tags"})


def column_kind(column: str) -> str:
    """What a contract column holds: `timestamp` (every `*_at`), `number`, `boolean`, `list` or
    `text` (ids, codes, names and free text)."""
    if column.endswith("_at"):
        return "timestamp"
    if column in NUMBER_COLUMNS:
        return "number"
    if column in BOOLEAN_COLUMNS:
        return "boolean"
    if column in LIST_COLUMNS:
        return "list"
    return "text"


SYNONYMS = {
    "status": {"on_hold": ("on-hold", "hold", "onhold")},
    "role": {"customer": ("end-user", "end_user", "enduser", "requester"), "agent": ("admin",)},
}
