"""Full-text search over plan sections (P7): one query function for SQLite and PostgreSQL.

Chinese has no spaces, and users search for terms of one, two, three or more characters. Each
section's title and body are indexed as their single characters and their two-character grams
(within runs of letters and digits): a one-character term looks up its character, a two-character
term its gram, and a longer term the phrase of its consecutive grams ("应急预案" → 应急 急预 预案),
so every term length is answered from the index. On SQLite the grams live in a *contentless* FTS5
table (``plan_section_fts``: the index holds no copy of the text, which stays once in
``plan_section.blocks``; one column, title then body — a second column for the title made the
index 45 % larger); on PostgreSQL in a ``tsvector`` with a GIN index (``plan_section_search``). Both are written by ``index_sections`` inside the
caller's unit of work, so the index is always in step with the sections it describes. A section's
grams are computed from its stored title and blocks (``models.plans.text``), which is also how an
entry is removed again (a contentless table forgets a row when given the values it indexed);
``INDEX_VERSION`` names this way of computing them, and ``ensure_index`` rebuilds the index of a
database whose index was built another way.

Ranking stops early: the newest matching sections are read from the index in windows of
``WINDOW`` (FTS5 walks its doclists in rowid order and stops at the LIMIT), ranked — sections whose
title holds every word first, then by BM25 (ts_rank on PostgreSQL) — and the best ``limit`` of the
first window that fills the page are shown. Up to ``WINDOW`` matches the order is the exact ranking; "应急", found in most sections of a
city, is answered from its newest window instead of ranking 260,000 sections. ``count`` gives the
total (the search page asks for it off the window thread).

Why not FTS5 ``trigram`` / ``pg_trgm`` (design.md's first idea): neither can use its index for
terms under three characters, and two-character words (应急, 预案, 泄漏) are what users type most;
their fallback is a scan of every section's text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from models.plans.text import body_text

FTS_TABLE = "plan_section_fts"  # SQLite
PG_TABLE = "plan_section_search"  # PostgreSQL
INDEX_OBJECTS = (FTS_TABLE, PG_TABLE)  # outside the ORM metadata (migrations create them)
INDEX_VERSION = "2"  # grams of the title and body (models.plans.text); a change rebuilds the index
STATE_KEY = "plan_search_index"
WINDOW = 1000  # matching sections ranked per round (newest first)

_RUN = re.compile(r"[^\W_]+")  # runs of letters and digits (CJK included)


def _runs(value: str) -> list[str]:
    return _RUN.findall(value.lower())


def grams(value: str) -> str:
    """The index text: every character, then every two-character gram within each run."""
    runs = _runs(value)
    unigrams = [ch for run in runs for ch in run]
    bigrams = [run[i:i + 2] for run in runs for i in range(len(run) - 1)]
    return " ".join(unigrams + bigrams)


def query_terms(query: str) -> list[list[str]]:
    """Each search word as the token phrase that finds it (words are AND-ed)."""
    terms = []
    for word in query.split():
        for run in _runs(word):
            terms.append([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    return terms


def highlight_terms(query: str) -> list[str]:
    return [run for word in query.split() for run in _runs(word)]



Blocks = Sequence[Mapping[str, Any]]
Entry = tuple[int, str, Blocks]  # (section id, title, blocks) as stored


def _sql(dialect: str) -> tuple[str, str]:
    """(remove, add) as plain DBAPI statements (many rows: no per-row parameter handling)."""
    if dialect == "sqlite":
        return (f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, grams) VALUES ('delete', ?, ?)",
                f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (?, ?)")
    return (f"DELETE FROM {PG_TABLE} WHERE section_id = %s",
            f"INSERT INTO {PG_TABLE} (section_id, grams) VALUES (%s, to_tsvector('simple', %s))")


def _params(entries: Iterable[Entry]) -> list[tuple[int, str]]:
    return [(sid, grams(f"{title}\n{body_text(blocks)}")) for sid, title, blocks in entries]


def index_sections(session: Session, added: Iterable[Entry] = (), *, removed: Iterable[Entry] = ()) -> None:
    """Keep the index in step: ``removed`` entries (as they were stored) leave it, ``added`` ones
    (as they are now) enter it; a changed section is removed with its old values and added with
    its new ones. One statement per kind of change, all rows at once."""
    add, drop = list(added), list(removed)
    if not add and not drop:
        return
    conn = session.connection()
    delete, insert = _sql(conn.dialect.name)
    if drop:
        conn.exec_driver_sql(delete, _params(drop) if conn.dialect.name == "sqlite" else [(e[0],) for e in drop])
    if add:
        conn.exec_driver_sql(insert, _params(add))


def index_is_current(session: Session) -> bool:
    from models.core.entities import Maintenance

    state = session.get(Maintenance, STATE_KEY)
    return state is not None and state.value == INDEX_VERSION


def ensure_index(session: Session, *, batch: int = 2000) -> int:
    """Rebuild the index when it was built another way than ``INDEX_VERSION`` (after an upgrade);
    returns the number of sections indexed (0: it was current). Runs in the caller's unit of work."""
    from models.core.entities import Maintenance
    from models.plans.entities import PlanSection

    state = session.get(Maintenance, STATE_KEY)
    if state is not None and state.value == INDEX_VERSION:
        return 0
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
    else:
        conn.exec_driver_sql(f"DELETE FROM {PG_TABLE}")
    done = 0
    query = (select(PlanSection.id, PlanSection.title, PlanSection.blocks)
             .where(PlanSection.deleted_at.is_(None)).order_by(PlanSection.id))
    rows = session.execute(query.execution_options(yield_per=batch))
    chunk: list[Entry] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            index_sections(session, chunk)
            done += len(chunk)
            chunk = []
    index_sections(session, chunk)
    done += len(chunk)
    if state is None:
        session.add(Maintenance(key=STATE_KEY, value=INDEX_VERSION))
    else:
        state.value = INDEX_VERSION
    session.flush()
    return done


@dataclass(frozen=True)
class SearchFilter:
    enterprise_id: int | None = None
    kind: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class SearchHit:
    plan_id: int
    section_id: int
    section_key: str
    section_title: str
    plan_no: str
    plan_title: str
    enterprise: str
    kind: str
    status: str
    snippet: tuple[tuple[str, bool], ...]  # (text, highlighted) pieces

    def snippet_text(self, mark: tuple[str, str] = ("【", "】")) -> str:
        return "".join(f"{mark[0]}{t}{mark[1]}" if hit else t for t, hit in self.snippet)


def _fts_query(terms: list[list[str]]) -> str:
    return " AND ".join('"' + " ".join(tokens) + '"' for tokens in terms)


def _pg_query(terms: list[list[str]], params: dict[str, object]) -> str:
    parts = []
    for i, tokens in enumerate(terms):
        params[f"t{i}"] = " ".join(tokens)
        parts.append(f"phraseto_tsquery('simple', :t{i})")
    return "(" + " && ".join(parts) + ")"


def _candidates(session: Session, terms: list[list[str]], below: int | None) -> list[tuple[int, float]]:
    """The next window of matching section ids (newest first, ids < ``below``) with their scores
    (lower is better)."""
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = {"window": WINDOW}
    if dialect == "sqlite":
        params["q"] = _fts_query(terms)
        where = f"{FTS_TABLE} MATCH :q"
        if below is not None:
            params["below"] = below
            where += " AND rowid < :below"
        sql = (f"SELECT rowid, bm25({FTS_TABLE}) FROM {FTS_TABLE}"
               f" WHERE {where} ORDER BY rowid DESC LIMIT :window")
    else:
        q = _pg_query(terms, params)
        where = f"grams @@ {q}"
        if below is not None:
            params["below"] = below
            where += " AND section_id < :below"
        sql = (f"SELECT section_id, -ts_rank(grams, {q}) FROM {PG_TABLE} WHERE {where}"
               " ORDER BY section_id DESC LIMIT :window")
    return [(int(r[0]), float(r[1])) for r in session.execute(text(sql), params)]


_HITS = text(
    "SELECT s.id AS section_id, s.key, s.title AS section_title, p.id AS plan_id,"
    " p.plan_no, p.title AS plan_title, p.kind, p.status, p.enterprise_id, e.name AS enterprise"
    " FROM plan_section s JOIN plan p ON p.id = s.plan_id JOIN enterprise e ON e.id = p.enterprise_id"
    " WHERE s.id IN :ids AND s.deleted_at IS NULL AND p.deleted_at IS NULL"
).bindparams(bindparam("ids", expanding=True))


_BLOCKS = text("SELECT id, blocks FROM plan_section WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))


def _wanted(row: Any, flt: SearchFilter) -> bool:
    return ((flt.enterprise_id is None or row.enterprise_id == flt.enterprise_id)
            and (flt.kind is None or row.kind == flt.kind) and (flt.status is None or row.status == flt.status))


def search(session: Session, query: str, flt: SearchFilter | None = None, *, limit: int = 50) -> list[SearchHit]:
    """Sections of live plans containing every word of ``query``, best first (see the module text)."""
    terms = query_terms(query)
    if not terms or limit <= 0:
        return []
    flt = flt or SearchFilter()
    words = highlight_terms(query)
    found: list[tuple[int, float, int, Any]] = []
    below: int | None = None
    while True:
        window = _candidates(session, terms, below)
        if window:
            score = dict(window)
            for row in session.execute(_HITS, {"ids": list(score)}):
                if _wanted(row, flt):
                    in_title = all(w in row.section_title.lower() for w in words)
                    found.append((0 if in_title else 1, score[row.section_id], -row.section_id, row))
        if len(found) >= limit or len(window) < WINDOW:
            break
        below = window[-1][0]
    found.sort(key=lambda item: item[:3])
    shown = found[:limit]
    # The blocks (for the snippets) only of the hits shown, not of every candidate ranked.
    blocks_of = dict(session.execute(_BLOCKS, {"ids": [item[3].section_id for item in shown]}).all()) \
        if shown else {}
    hits = []
    for _title, _score, _neg, r in shown:
        blocks = blocks_of[r.section_id]
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        hits.append(SearchHit(plan_id=r.plan_id, section_id=r.section_id, section_key=r.key,
                              section_title=r.section_title, plan_no=r.plan_no, plan_title=r.plan_title,
                              enterprise=r.enterprise, kind=r.kind, status=r.status,
                              snippet=snippet(_display_text(r.section_title, body_text(blocks)), words)))
    return hits


@dataclass(frozen=True)
class SearchCount:
    """How many sections (hits) and how many plans match, however many are listed."""

    sections: int
    plans: int


def count(session: Session, query: str, flt: SearchFilter | None = None) -> SearchCount:
    """How many sections of live plans (matching the filter) contain every word of ``query``, and
    in how many plans (from the index; the search page asks for it off the window thread)."""
    terms = query_terms(query)
    if not terms:
        return SearchCount(0, 0)
    flt = flt or SearchFilter()
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = {}
    if dialect == "sqlite":
        params["q"] = _fts_query(terms)
        matched = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"
    else:
        matched = f"SELECT section_id FROM {PG_TABLE} WHERE grams @@ {_pg_query(terms, params)}"
    where = ["s.deleted_at IS NULL", "p.deleted_at IS NULL"]
    for column, value in (("p.enterprise_id", flt.enterprise_id), ("p.kind", flt.kind), ("p.status", flt.status)):
        if value is not None:
            name = column.split(".")[1]
            params[name] = value
            where.append(f"{column} = :{name}")
    sql = (f"SELECT count(*) AS sections, count(DISTINCT p.id) AS plans FROM plan_section s"
           f" JOIN plan p ON p.id = s.plan_id WHERE s.id IN ({matched}) AND {' AND '.join(where)}")
    row = session.execute(text(sql), params).one()
    return SearchCount(int(row.sections), int(row.plans))


def _display_text(title: str, body: str) -> str:
    return f"{title}：{body}" if body else title


def snippet(value: str, words: list[str], width: int = 60) -> tuple[tuple[str, bool], ...]:
    """A window of ``value`` around the first match, cut into (text, is_match) pieces."""
    lower = value.lower()
    first = min((i for i in (lower.find(w) for w in words) if i >= 0), default=0)
    start = max(0, first - width // 3)
    window = value[start:start + width]
    lw = window.lower()
    marks = [False] * len(window)
    for w in words:
        i = lw.find(w)
        while i >= 0:
            for j in range(i, i + len(w)):
                marks[j] = True
            i = lw.find(w, i + 1)
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append(("…", False))
    for ch, hit in zip(window, marks, strict=True):
        if pieces and pieces[-1][1] == hit and pieces[-1][0] != "…":
            pieces[-1] = (pieces[-1][0] + ch, hit)
        else:
            pieces.append((ch, hit))
    if start + width < len(value):
        pieces.append(("…", False))
    return tuple(pieces)
