"""a lean audit trail and store: one audit row per changed entity per command with its head, a
contentless search index, section text no longer stored twice, frozen versions compressed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:00:00

- ``audit_log``: the old trail (one row per changed field) is verified link by link and converted
  to one row per changed entity per unit of work (``changes`` as one JSON object), re-chained; its
  head goes to the new ``audit_head``. A broken old chain stops the upgrade (the file was backed up
  first). Conversions on the way: ``plan_attachment`` rows are the ``attachment`` rows of 0006
  (``plan_id`` → ``owner_id``); a section's ``search_text`` is gone (derived); its ``blocks`` are
  recorded by digest.
- ``plan_section.search_text`` is dropped: the text is derived from ``blocks``.
- The search index: SQLite gets a contentless FTS5 table (no copy of the text); PostgreSQL keeps its table.
  Both are emptied here and rebuilt when the database is next opened (``maintenance`` records the
  way the index was built; ``models.plans.search.ensure_index``).
- ``plan_version.content`` is stored zlib-compressed.

The hashing and digests of both trail formats are written out here (a migration never imports
live code, which changes later).
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BIG_COMMAND = 20_000  # old rows of one unit of work held in memory; larger ones are sorted by SQL
BATCH = 5000
FTS_TABLE = "plan_section_fts"
PG_TABLE = "plan_section_search"

OLD = sa.table("audit_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime), sa.column("actor", sa.String),
               sa.column("action", sa.String), sa.column("entity", sa.String), sa.column("entity_id", sa.Integer),
               sa.column("field", sa.String), sa.column("before", sa.Text), sa.column("after", sa.Text),
               sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
NEW_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "changes", "hash")


# --- both formats' hashing ------------------------------------------------------------------------------


def _canonical_at(at: datetime) -> str:
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _part(value: object) -> str:
    if value is None:
        return "-"
    text = value if isinstance(value, str) else _canonical_at(value) if isinstance(value, datetime) else str(value)
    return f"{len(text)}:{text}"


def _old_hash(row: Any) -> str:
    data = "|".join(_part(v) for v in (row.prev_hash, row.at, row.actor, row.action, row.entity, row.entity_id,
                                       row.field, row.before, row.after))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _new_hash(prev: str, at: datetime, actor: str, action: str, entity: str, entity_id: int, changes: str) -> str:
    data = "|".join(_part(v) for v in (prev, at, actor, action, entity, entity_id, changes))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _digest(value: Any) -> dict[str, Any]:
    data = json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _is_digest(value: Any) -> bool:
    # A trail written back down by this revision's downgrade keeps digests (a block list never is one).
    return isinstance(value, dict) and set(value) == {"bytes", "sha256"}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _decode(text: str | None) -> Any:
    return None if text is None else json.loads(text)


# --- old rows → new rows --------------------------------------------------------------------------------


def _field(entity: str, name: str, value: Any) -> tuple[str, Any] | None:
    """An old field under its new name and form (None: no longer recorded)."""
    if entity == "plan_section":
        if name == "search_text":
            return None
        if name == "blocks" and value is not None and not _is_digest(value):
            return name, _digest(value)
    if entity == "plan_attachment" and name == "plan_id":
        return "owner_id", value
    return name, value


def _convert(entity: str, rows: list[Any]) -> tuple[str, str, dict[str, Any]]:
    """One entity's old rows of one command → (action, entity, changes)."""
    new_entity = "attachment" if entity == "plan_attachment" else entity
    actions = {r.action for r in rows}
    if "purge" in actions:
        return "purge", new_entity, {}
    changes: dict[str, Any] = {}
    if "insert" in actions:
        if entity == "plan_attachment":
            changes["owner_type"] = "plan"
        for r in rows:
            named = _field(entity, r.field, _decode(r.after))
            if named is None:
                continue
            key, value = named
            if value is None:
                changes.pop(key, None)
            else:
                changes[key] = value
        return "insert", new_entity, changes
    for r in rows:
        before, after = _field(entity, r.field, _decode(r.before)), _field(entity, r.field, _decode(r.after))
        if before is None or after is None:
            continue
        key = after[0]
        first = changes[key][0] if key in changes else before[1]
        changes[key] = [first, after[1]]
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    deleted = changes.get("deleted_at")
    action = "update" if deleted is None else ("delete" if deleted[1] is not None else "restore")
    return action, new_entity, changes


def _group_in_order(rows: list[Any]) -> Iterator[tuple[str, int, list[Any]]]:
    groups: dict[tuple[str, int], list[Any]] = {}
    for r in rows:
        groups.setdefault((r.entity, r.entity_id), []).append(r)
    for (entity, entity_id), items in groups.items():
        yield entity, entity_id, items


def _group_sorted(bind: Any, first: int, last: int) -> Iterator[tuple[str, int, list[Any]]]:
    query = (sa.select(OLD).where(OLD.c.id.between(first, last))
             .order_by(OLD.c.entity, OLD.c.entity_id, OLD.c.id).execution_options(yield_per=BATCH))
    key: tuple[str, int] | None = None
    items: list[Any] = []
    for r in bind.execute(query):
        if (r.entity, r.entity_id) != key:
            if key is not None:
                yield key[0], key[1], items
            key, items = (r.entity, r.entity_id), []
        items.append(r)
    if key is not None:
        yield key[0], key[1], items


class _Writer:
    def __init__(self, bind: Any, table: sa.Table) -> None:
        self.bind, self.table = bind, table
        self.prev = GENESIS
        self.count = 0
        self.rows: list[dict[str, Any]] = []

    def command(self, at: datetime, actor: str, groups: Iterator[tuple[str, int, list[Any]]]) -> None:
        for entity, entity_id, items in groups:
            action, new_entity, changes = _convert(entity, items)
            if action == "update" and not changes:
                continue
            text = _compact(changes)
            self.prev = _new_hash(self.prev, at, actor, action, new_entity, entity_id, text)
            self.rows.append({"at": at, "actor": actor, "action": action, "entity": new_entity,
                              "entity_id": entity_id, "changes": text, "hash": self.prev})
            self.count += 1
            if len(self.rows) >= BATCH:
                self.flush()

    def flush(self) -> None:
        if self.rows:
            self.bind.execute(sa.insert(self.table), self.rows)
            self.rows = []


def _convert_trail(bind: Any) -> tuple[int, int, str]:
    new = sa.table("audit_log_v2", *(sa.column(c) for c in NEW_COLUMNS))
    writer = _Writer(bind, new)
    prev = GENESIS
    command_key: tuple[datetime, str] | None = None
    first = last = 0
    held: list[Any] = []
    big = False

    def finish() -> None:
        if command_key is None:
            return
        at, actor = command_key
        writer.command(at, actor, _group_sorted(bind, first, last) if big else _group_in_order(held))

    stream = bind.execute(sa.select(OLD).order_by(OLD.c.id).execution_options(yield_per=BATCH))
    for r in stream:
        if r.prev_hash != prev or _old_hash(r) != r.hash:
            raise RuntimeError(f"审计链在第 {r.id} 条记录处断开（记录被改动、删除或插入），数据库结构升级已停止。"
                               "升级前的备份在数据库文件旁；请从备份恢复或联系管理员。")
        prev = r.hash
        key = (r.at, r.actor)
        if key != command_key:
            finish()
            command_key, first, held, big = key, r.id, [], False
        last = r.id
        if not big:
            held.append(r)
            if len(held) > BIG_COMMAND:
                big, held = True, []
    finish()
    writer.flush()
    last_id = bind.scalar(sa.text("SELECT max(id) FROM audit_log_v2")) or 0
    return writer.count, last_id, writer.prev


def _create_trail(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )


def _compress(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"

    # The trail.
    _create_trail("audit_log_v2")
    count, last_id, last_hash = _convert_trail(bind)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
    op.drop_table("audit_log")
    op.rename_table("audit_log_v2", "audit_log")
    if not sqlite:
        op.execute("ALTER TABLE audit_log RENAME CONSTRAINT pk_audit_log_v2 TO pk_audit_log")
        op.execute("ALTER SEQUENCE IF EXISTS audit_log_v2_id_seq RENAME TO audit_log_id_seq")
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"], unique=False)
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.execute(sa.text("INSERT INTO audit_head (id, count, last_id, last_hash) VALUES (1, :c, :i, :h)")
               .bindparams(c=count, i=last_id, h=last_hash))

    # Derived data: the search index (rebuilt on the next open) and the section text.
    op.create_table(
        "maintenance",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_maintenance")),
    )
    if sqlite:
        op.execute(f"DROP TABLE {FTS_TABLE}")
        op.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(grams, content='', tokenize='unicode61')")
    else:
        op.execute(f"DELETE FROM {PG_TABLE}")
    with op.batch_alter_table("plan_section", schema=None) as batch_op:
        batch_op.drop_column("search_text")

    # Frozen versions, compressed.
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_z", sa.LargeBinary(), nullable=True))
    versions = sa.table("plan_version", sa.column("id", sa.Integer), sa.column("content", sa.JSON),
                        sa.column("content_z", sa.LargeBinary))
    ids = [row_id for (row_id,) in bind.execute(sa.select(versions.c.id).order_by(versions.c.id))]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = bind.execute(sa.select(versions.c.id, versions.c.content).where(versions.c.id.in_(chunk))).all()
        bind.execute(sa.update(versions).where(versions.c.id == sa.bindparam("vid"))
                     .values(content_z=sa.bindparam("z")),
                     [{"vid": r.id, "z": _compress(r.content)} for r in rows])
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.drop_column("content")
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.alter_column("content_z", new_column_name="content", existing_type=sa.LargeBinary(),
                              nullable=False)


# --- back to 0007 -----------------------------------------------------------------------------------


def _section_text(title: str, blocks: list[dict[str, Any]]) -> str:
    def block_text(b: dict[str, Any]) -> str:
        kind = b.get("type")
        if kind == "paragraph":
            return str(b.get("text", ""))
        if kind in ("bullet_list", "numbered_list"):
            return "\n".join(str(i) for i in b.get("items", ()))
        if kind == "table":
            return "\n".join("\t".join(str(c.get("text", "")) for c in row) for row in b.get("rows", ()))
        if kind == "image":
            return str(b.get("caption", ""))
        return ""

    return "\n".join(p for p in [title, *(block_text(b) for b in blocks)] if p)


def downgrade() -> None:
    """Back to the per-field trail (re-chained in its old way), stored section text, the FTS5 table
    with its own copy of the text, and uncompressed versions. Digests stay digests."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"

    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_j", sa.JSON(), nullable=True))
    versions = sa.table("plan_version", sa.column("id", sa.Integer), sa.column("content", sa.LargeBinary),
                        sa.column("content_j", sa.JSON))
    for r in bind.execute(sa.select(versions.c.id, versions.c.content)).all():
        bind.execute(sa.update(versions).where(versions.c.id == r.id)
                     .values(content_j=json.loads(zlib.decompress(r.content).decode("utf-8"))))
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.drop_column("content")
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.alter_column("content_j", new_column_name="content", existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table("plan_section", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    sections = sa.table("plan_section", sa.column("id", sa.Integer), sa.column("title", sa.String),
                        sa.column("blocks", sa.JSON), sa.column("search_text", sa.Text),
                        sa.column("deleted_at", sa.DateTime))
    rows = bind.execute(sa.select(sections.c.id, sections.c.title, sections.c.blocks, sections.c.deleted_at)).all()
    texts = {r.id: _section_text(r.title, r.blocks or []) for r in rows}
    if texts:
        bind.execute(sa.update(sections).where(sections.c.id == sa.bindparam("sid"))
                     .values(search_text=sa.bindparam("t")), [{"sid": k, "t": v} for k, v in texts.items()])
    if sqlite:
        op.execute(f"DROP TABLE {FTS_TABLE}")
        op.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(grams, tokenize='unicode61')")
    else:
        op.execute(f"DELETE FROM {PG_TABLE}")
    run = re.compile(r"[^\W_]+")

    def grams(value: str) -> str:
        runs = run.findall(value.lower())
        return " ".join([c for r in runs for c in r] + [r[i:i + 2] for r in runs for i in range(len(r) - 1)])

    live = [{"id": r.id, "grams": grams(texts[r.id])} for r in rows if r.deleted_at is None]
    if live:
        insert = (f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (:id, :grams)" if sqlite else
                  f"INSERT INTO {PG_TABLE} (section_id, grams) VALUES (:id, to_tsvector('simple', :grams))")
        bind.execute(sa.text(insert), live)
    op.drop_table("maintenance")

    # The trail: one row per field again, chained the old way.
    op.create_table(
        "audit_log_v1",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log_v1")),
    )
    new = sa.table("audit_log", sa.column("id", sa.Integer), sa.column("at", sa.DateTime), sa.column("actor"),
                   sa.column("action"), sa.column("entity"), sa.column("entity_id"), sa.column("changes"))
    old = sa.table("audit_log_v1", *(sa.column(c) for c in ("at", "actor", "action", "entity", "entity_id", "field",
                                                            "before", "after", "prev_hash", "hash")))
    prev = GENESIS
    out: list[dict[str, Any]] = []

    def enc(value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    for r in bind.execute(sa.select(new).order_by(new.c.id)).all():
        changes = json.loads(r.changes)
        items = [("*", None, enc({"id": r.entity_id}))] if r.action == "purge" else [
            (k, None, enc(v)) if r.action == "insert" else (k, enc(v[0]), enc(v[1])) for k, v in changes.items()]
        for name, before, after in items:
            row = {"at": r.at, "actor": r.actor, "action": r.action, "entity": r.entity, "entity_id": r.entity_id,
                   "field": name, "before": before, "after": after, "prev_hash": prev}
            prev = hashlib.sha256("|".join(_part(row[k]) for k in (
                "prev_hash", "at", "actor", "action", "entity", "entity_id", "field", "before", "after"))
                .encode("utf-8")).hexdigest()
            row["hash"] = prev
            out.append(row)
            if len(out) >= BATCH:
                bind.execute(sa.insert(old), out)
                out = []
    if out:
        bind.execute(sa.insert(old), out)
    op.drop_table("audit_head")
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_table("audit_log")
    op.rename_table("audit_log_v1", "audit_log")
    if not sqlite:
        op.execute("ALTER TABLE audit_log RENAME CONSTRAINT pk_audit_log_v1 TO pk_audit_log")
        op.execute("ALTER SEQUENCE IF EXISTS audit_log_v1_id_seq RENAME TO audit_log_id_seq")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)
