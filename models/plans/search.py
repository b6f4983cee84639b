"""Full-text search over plan sections (P7): one query function for SQLite and PostgreSQL.

Chinese has no spaces, and users search for terms of one, two, three or more characters. Each
section's text is indexed as its single characters and its two-character grams (within runs of
letters and digits): a one-character term looks up its character, a two-character term its gram,
and a longer term the phrase of its consecutive grams ("应急预案" → 应急 急预 预案), so every term
length is answered from the index. On SQLite the grams live in an FTS5 table
(``plan_section_fts``); on PostgreSQL in a ``tsvector`` with a GIN index (``plan_section_search``).
Both are written by ``index_sections`` inside the caller's unit of work, so the index is always
in step with the sections it describes.

Why not FTS5 ``trigram`` / ``pg_trgm`` (design.md's first idea): neither can use its index for
terms under three characters, and two-character words (应急, 预案, 泄漏) are what users type most;
their fallback is a scan of every section's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

FTS_TABLE = "plan_section_fts"  # SQLite
PG_TABLE = "plan_section_search"  # PostgreSQL
INDEX_OBJECTS = (FTS_TABLE, PG_TABLE)  # outside the ORM metadata (migrations create them)

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


_SQL = {
    "sqlite": (text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"),
               text(f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (:id, :grams)")),
    "postgresql": (text(f"DELETE FROM {PG_TABLE} WHERE section_id = :id"),
                   text(f"INSERT INTO {PG_TABLE} (section_id, grams) VALUES (:id, to_tsvector('simple', :grams))")),
}


def index_sections(session: Session, items: Iterable[tuple[int, str | None]], *, new: bool = False) -> None:
    """Put (section id, text) into the index; ``None`` text removes the section from it.

    ``new``: the sections were just inserted (ids never used before), so there is nothing to
    replace and the rows are only added. One statement per kind of change, all rows at once.
    """
    items = list(items)
    if not items:
        return
    conn = session.connection()
    delete, insert = _SQL["sqlite" if conn.dialect.name == "sqlite" else "postgresql"]
    if not new:
        conn.execute(delete, [{"id": sid} for sid, _ in items])
    rows = [{"id": sid, "grams": grams(value)} for sid, value in items if value is not None]
    if rows:
        conn.execute(insert, rows)


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


def _match_clause(dialect: str, terms: list[list[str]], params: dict[str, object]) -> str:
    if dialect == "sqlite":
        params["q"] = " AND ".join('"' + " ".join(tokens) + '"' for tokens in terms)
        return f"s.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q)"
    parts = []
    for i, tokens in enumerate(terms):
        params[f"t{i}"] = " ".join(tokens)
        parts.append(f"phraseto_tsquery('simple', :t{i})")
    return f"s.id IN (SELECT section_id FROM {PG_TABLE} WHERE grams @@ ({' && '.join(parts)}))"


def _where(session: Session, terms: list[list[str]], flt: SearchFilter | None,
           params: dict[str, object]) -> str:
    """The WHERE clause shared by ``search`` and ``count`` (its values go into ``params``)."""
    flt = flt or SearchFilter()
    dialect = session.get_bind().dialect.name
    where = [_match_clause(dialect, terms, params), "s.deleted_at IS NULL", "p.deleted_at IS NULL"]
    for column, value in (("p.enterprise_id", flt.enterprise_id), ("p.kind", flt.kind),
                          ("p.status", flt.status)):
        if value is not None:
            name = column.split(".")[1]
            params[name] = value
            where.append(f"{column} = :{name}")
    return " AND ".join(where)


_FROM = " FROM plan_section s JOIN plan p ON p.id = s.plan_id JOIN enterprise e ON e.id = p.enterprise_id"


@dataclass(frozen=True)
class SearchCount:
    """How many sections (hits) and how many plans match, however many are listed."""

    sections: int
    plans: int


def count(session: Session, query: str, flt: SearchFilter | None = None) -> SearchCount:
    """The number of sections ``search`` finds for ``query`` without a limit (from the index)."""
    terms = query_terms(query)
    if not terms:
        return SearchCount(0, 0)
    params: dict[str, object] = {}
    where = _where(session, terms, flt, params)
    row = session.execute(text(f"SELECT count(*) AS sections, count(DISTINCT p.id) AS plans{_FROM}"
                               f" WHERE {where}"), params).one()
    return SearchCount(int(row.sections), int(row.plans))


def search(session: Session, query: str, flt: SearchFilter | None = None, *, limit: int = 50) -> list[SearchHit]:
    """Sections of live plans containing every word of ``query``, best first (plan, then order)."""
    terms = query_terms(query)
    if not terms:
        return []
    params: dict[str, object] = {"limit": limit}
    where = _where(session, terms, flt, params)
    sql = text(
        "SELECT s.id AS section_id, s.key, s.title AS section_title, s.search_text, p.id AS plan_id,"
        " p.plan_no, p.title AS plan_title, p.kind, p.status, e.name AS enterprise"
        f"{_FROM} WHERE {where}"
        " ORDER BY e.name, p.plan_no, s.plan_id, s.id LIMIT :limit")
    words = highlight_terms(query)
    return [SearchHit(plan_id=r.plan_id, section_id=r.section_id, section_key=r.key,
                      section_title=r.section_title, plan_no=r.plan_no, plan_title=r.plan_title,
                      enterprise=r.enterprise, kind=r.kind, status=r.status,
                      snippet=snippet(_display_text(r.section_title, r.search_text), words))
            for r in session.execute(sql, params)]


def _display_text(title: str, body: str) -> str:
    # plans.document.plain_text starts with the section's title; older rows may not.
    return body if body.startswith(title) else f"{title}：{body}" if body else title


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
