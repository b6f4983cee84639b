"""What comes before and after the body of a plan: front matter, the document title, annexes.

``analyse(paragraphs and tables, wording)`` marks each item's ``role`` before the paragraphs are
classified, and returns what it found (``Front``):

- **Front matter**, at the start only, in parts. The *cover*: the first page (up to the first page
  title, page break or heading) when it holds a cover field such as "预案编号：…", or is a page of
  short, centred or Title-styled lines; a sentence on it is no cover line and stays (a preface).
  Then pages opened by a *page title*, a short paragraph whose words are one of
  ``Wording.pages`` (发布令, 编制、审核与批准, 修订记录, 目次, 附件 …, compared without spaces, so
  "目　　次" is 目次); a page runs to the next page title, page break or heading, a 目次 page
  while its lines look like table-of-contents lines. The title repeated over the body (Title-
  styled, or bold and centred) ends the front matter. All of it is dropped: the product prints
  it again from the plan's record.
- **Cover fields**: "label：value" in a table row (label cell, value cell) or in a paragraph;
  labels are ``Wording.cover_fields`` (预案编号, 版本号, 编制单位 …, compared without spaces, so
  "版 本 号" is 版本号); a value that is a blank mark such as "（未填写）" counts as missing.
- **The title**, by the first rule that gives one: the cover's 预案名称 field, else its
  Title-styled lines (封面标题 is based on Title), else those in its largest type, else its bold
  and centred ones (like lines in a row are one title over two or three lines); the title
  repeated over the body (a Title-styled one wins over a cover title read from type alone); the
  first Title-styled paragraph before any heading; the first paragraph when it is bold, centred
  and not numbered (with the like lines right after it); a single unnumbered Heading 1 followed
  by numbered Heading 2s — then every explicit heading level is shifted up one, the Heading 2s
  are the chapters. Never the file name.
- **Annexes**: a paragraph "附件N　标题" (附件1：…, 附件 一 …, or "附件N" over a title line) that
  is a heading (heading style, bold, centred, on a new page, or followed by its content) opens
  annex N; everything after it belongs to the annexes. The annex index (a 附件 page title,
  "附件：1．…", or two or more annex lines in a row) lists them and is dropped. "（另行装订）"
  marks an annex bound separately.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from plans.document import PageBreak
from plans.word_import.numbering import STRONG_KINDS, heading_like, label_kind, split_number
from plans.word_import.reader import Para, TableItem

Item = Para | TableItem

PART_LABELS = {"cover": "封面", "decree": "发布令", "signoff": "编制、审核与批准", "revisions": "修订记录",
               "toc": "目次", "annex_index": "附件目录"}


def squash(text: str) -> str:
    """Text compared without white space (目　　次 = 目次) and without a closing colon."""
    return re.sub(r"\s+", "", text).rstrip("：:")


def _separate_note(text: str, wording: Wording) -> bool:
    """The note on annexes bound separately ("注：本附件另行装订，……"), with or without its "注："."""
    plain = squash(text)
    return plain in wording.separate_notes or plain.removeprefix("注：").removeprefix("注:") in wording.separate_notes


def _squashed(mapping: Mapping[str, str]) -> dict[str, str]:
    return {squash(k): v for k, v in mapping.items()}


@dataclass(frozen=True)
class Wording:
    """The words front matter and annexes are recognised by (compared without spaces).

    ``cover_fields``: cover label → record field (``plan_no``, ``version_label``, ``title``,
    ``compiling_unit``, ``publish_date``, ``effective_date``, ``controlled``, ``copy_no``,
    ``holder``); ``pages``: page title → part (``decree``, ``signoff``, ``revisions``, ``toc``,
    ``annex_index``); ``separate_notes``: the text of an annex bound separately; ``blanks``: what a
    cover writes for a missing value; ``annexes``: annex title → the template's annex key.
    """

    cover_fields: Mapping[str, str]
    pages: Mapping[str, str]
    separate_notes: tuple[str, ...] = ()
    blanks: tuple[str, ...] = ()
    annexes: Mapping[str, str] = field(default_factory=dict)
    source_prefix: str = "数据来源："

    def extended(self, *, cover_fields: Mapping[str, str] | None = None, pages: Mapping[str, str] | None = None,
                 separate_notes: Iterable[str] = (), blanks: Iterable[str] = (),
                 annexes: Mapping[str, str] | None = None) -> Wording:
        """These words and ``self``'s (a caller's own wording, e.g. the product's front matter)."""
        return Wording(cover_fields={**self.cover_fields, **_squashed(cover_fields or {})},
                       pages={**self.pages, **_squashed(pages or {})},
                       separate_notes=tuple(dict.fromkeys((*self.separate_notes, *map(squash, separate_notes)))),
                       blanks=tuple(dict.fromkeys((*self.blanks, *map(squash, blanks)))),
                       annexes={**self.annexes, **_squashed(annexes or {})}, source_prefix=self.source_prefix)


# The usual words of Chinese plans (GB/T 29639-2020 appendix: cover, 批准页, 目次) and of this
# product's own export (plans/plans/templates/front_matter.json), which callers add with ``extended``.
DEFAULT_WORDING = Wording(
    cover_fields=_squashed({
        "预案编号": "plan_no", "编号": "plan_no", "文件编号": "plan_no", "预案编码": "plan_no", "文件编码": "plan_no",
        "版本号": "version_label", "版本": "version_label", "版次": "version_label",
        "预案名称": "title", "文件名称": "title", "编制单位": "compiling_unit", "编制部门": "compiling_unit",
        "发布日期": "publish_date", "实施日期": "effective_date", "施行日期": "effective_date",
        "生效日期": "effective_date", "受控状态": "controlled", "发放号": "copy_no", "分发号": "copy_no",
        "持有人": "holder"}),
    pages=_squashed({
        "发布令": "decree", "颁布令": "decree", "批准令": "decree", "批准页": "decree", "发布页": "decree",
        "签发页": "decree", "编制、审核与批准": "signoff", "编制审核与批准": "signoff", "编制、审核、批准": "signoff",
        "审批页": "signoff", "修订记录": "revisions", "修改记录": "revisions", "修订页": "revisions",
        "修订历史": "revisions", "版本记录": "revisions", "目次": "toc", "目录": "toc", "附件": "annex_index",
        "附件目录": "annex_index", "附件清单": "annex_index", "附件列表": "annex_index"}),
    separate_notes=(squash("本附件另行装订，随预案一并存档。"),),
    blanks=("（未填写）", "(未填写)", "未填写"),
)


@dataclass
class AnnexFound:
    """An annex of the document: its heading (or only its line in the annex index)."""

    number: int
    title: str
    separate: bool = False  # marked 另行装订
    heading: Para | None = None  # None: only listed in the annex index
    key: str | None = None  # the template annex with this title


@dataclass
class Front:
    parts: list[str] = field(default_factory=list)  # front matter parts dropped, in order
    fields: dict[str, str] = field(default_factory=dict)  # cover field → value ("" for a blank one)
    cover: bool = False
    cover_styled: bool = False  # the cover's title is Title-styled (or based on Title)
    title: str = ""
    title_from: str = ""  # cover_field, cover, body_title, title_style, bold_centred, heading1
    shifted: str = ""  # the single Heading 1 taken as the title (levels shifted up)
    annexes: list[AnnexFound] = field(default_factory=list)
    index_lines: int = 0  # lines of the annex index dropped
    index_entries: int = 0  # annexes the annex index lists


# ------------------------------------------------------------------------------------ recognising

_SENTENCE = set("。；;！!？?")
_CN_NUM = "[〇○零一二三四五六七八九十]"
_DATE_RE = re.compile(rf"^(?:\d{{4}}|{_CN_NUM}{{4}})\s*年(?:\s*(?:\d{{1,2}}|{_CN_NUM}{{1,3}})\s*月"
                      rf"(?:\s*(?:\d{{1,2}}|{_CN_NUM}{{1,3}})\s*日)?)?$")
_TOC_LINE_RE = re.compile(r"(?:\t|[.．…·‥\-—_]{2,}|\s{2,})\s*(?:\d{1,4}|[ivxlcdm]{1,6}|另行装订)\s*$|另行装订$", re.I)
_ANNEX_RE = re.compile(r"^附\s*件\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})"
                       r"(?:\s*[：:、．.—\-]\s*|\s+|(?=[^\d０-９])|$)(.*)$", re.DOTALL)
_INDEX_START_RE = re.compile(r"^附\s*件\s*[：:]\s*(.+)$", re.DOTALL)
_SEPARATE_RE = re.compile(r"\s*[（(]\s*另行装订\s*[）)]\s*$|\t\s*另行装订\s*$")
_FIELD_RE = re.compile(r"^([^：:]{1,10})[：:]\s*(.*)$", re.DOTALL)
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _number(text: str) -> int:
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


# Short lines that open a part of a plan, not its title.
_NOT_TITLES = {squash(t) for t in ("前言", "序言", "引言", "说明", "编制说明", "总则", "附则", "正文")}


def title_like(text: str) -> bool:
    """A line that can be a document title: short, one sentence at most, not numbered, no date."""
    text = text.strip()
    return (0 < len(text) <= 80 and not (_SENTENCE & set(text.rstrip("。"))) and split_number(text) is None
            and not _DATE_RE.match(text) and _ANNEX_RE.match(text) is None and squash(text) not in _NOT_TITLES)


def join_lines(parts: Iterable[str]) -> str:
    """Lines of one title joined: no space between Chinese characters, one between Latin words."""
    out = ""
    for part in (" ".join(x.split()) for p in parts for x in p.split("\n")):
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def page_title(p: Para, wording: Wording) -> str | None:
    """The front matter part a short paragraph opens (发布令 → decree), if it is a page title."""
    if not p.text or len(p.text) > 24 or "\t" in p.text:
        return None
    return wording.pages.get(squash(p.text))


def heading_start(p: Para) -> bool:
    """A paragraph that will be a heading (before classification: style, outline level, number)."""
    if not p.text or p.toc or _TOC_LINE_RE.search(p.text):
        return False
    if p.explicit_level is not None:
        return True
    if p.num_label is not None and p.num_level is not None and p.num_level.fmt != "bullet":
        return label_kind(p.num_label) in STRONG_KINDS and heading_like(p.text)
    m = split_number(p.text)
    return m is not None and (m.kind in STRONG_KINDS or m.kind == "decimal1") and heading_like(m.rest)


def _toc_line(p: Para) -> bool:
    return p.toc or bool(_TOC_LINE_RE.search(p.text))


def _page_break_only(p: Item) -> bool:
    return isinstance(p, Para) and not p.text and any(isinstance(x, PageBreak) for x in p.pieces)


def _blank(p: Item) -> bool:
    return isinstance(p, Para) and not p.text and all(isinstance(x, str | PageBreak) for x in p.pieces)


def _starts_page(items: list[Item], i: int) -> bool:
    """The item is the first on a page (a page break before it, or after the paragraph before)."""
    item = items[i]
    if isinstance(item, Para) and item.page_break_before:
        return True
    prev = items[i - 1] if i > 0 else None
    return isinstance(prev, Para) and (prev.ends_page or _page_break_only(prev))


def _short(text: str) -> bool:
    """A line of a cover or a table cell, not a sentence: short, no 。，；！？ in it."""
    return len(text.strip()) <= 60 and not ((_SENTENCE | set("。，,")) & set(text))


def _body_title_like(p: Para) -> bool:
    return bool(p.text) and (p.title_style or (p.bold and p.centred)) and title_like(p.text)


# ------------------------------------------------------------------------------------ cover fields


def _field(text: str, wording: Wording) -> tuple[str, str] | None:
    m = _FIELD_RE.match(text.strip())
    if not m:
        return None
    name = wording.cover_fields.get(squash(m.group(1)))
    return (name, m.group(2)) if name else None


def _clean_value(value: str, wording: Wording) -> str:
    value = " ".join(value.replace("_", " ").replace("＿", " ").split())
    return "" if squash(value) in wording.blanks else value


def cover_fields(items: list[Item], wording: Wording) -> tuple[dict[str, str], set[int]]:
    """Cover fields (field → value) and the ids of the paragraphs and tables holding them."""
    found: dict[str, str] = {}
    holders: set[int] = set()

    def put(name: str, value: str, holder: Item) -> None:
        holders.add(id(holder))
        value = _clean_value(value, wording)
        if value or name not in found:
            found[name] = value

    for item in items:
        if isinstance(item, TableItem):
            for row in item.table.rows:
                cells = [c.text.strip() for c in row]
                k = 0
                while k < len(cells):
                    name = wording.cover_fields.get(squash(cells[k]))
                    if name and k + 1 < len(cells):
                        put(name, cells[k + 1], item)
                        k += 2
                        continue
                    inline = _field(cells[k], wording)
                    if inline:
                        put(*inline, item)
                    k += 1
        elif item.text:
            for chunk in re.split(r"\t|\s{2,}|\u3000{2,}|\n", item.text):
                inline = _field(chunk, wording)
                if inline:
                    put(*inline, item)
    return found, holders


def cover_title(paras: list[Para], holders: set[int]) -> str:
    """The cover's title: its Title-styled lines, else those in its largest type (when the sizes
    differ), else its bold and centred lines, else its centred ones."""
    lines = [p for p in paras if p.text and id(p) not in holders and title_like(p.text)]
    rules: list[Callable[[Para], bool]] = [lambda p: p.title_style]
    sizes = {p.size for p in lines}
    if len(sizes) > 1:
        biggest = max(sizes)
        rules.append(lambda p: p.size == biggest)
    rules += [lambda p: p.bold and p.centred, lambda p: p.centred]
    for rule in rules:
        first = next((p for p in lines if rule(p)), None)
        if first is not None:
            return join_lines(_run_of(lines, first, rule))
    return ""


def _run_of(lines: list[Para], first: Para, same: Callable[[Para], bool]) -> list[str]:
    """``first`` and the lines right after it that are alike (a title over two or three lines)."""
    start = lines.index(first)
    out = [first.text]
    for p in lines[start + 1:start + 3]:
        if not same(p):
            break
        out.append(p.text)
    return out


# ---------------------------------------------------------------------------------------- analyse


def analyse(items: list[Item], wording: Wording) -> Front:
    """Mark the roles of front matter, title and annexes (see the module docstring)."""
    front = Front()
    pos = _cover(items, wording, front)
    pos = _pages(items, pos, wording, front)
    _annexes(items, pos, wording, front)
    body = [x for x in items if isinstance(x, Para) and not x.role]
    if not front.title:
        _body_title(body, front)
    elif body:
        _drop_repeated_title(body, front)
    _single_heading1(body, front)
    front.parts = list(dict.fromkeys(front.parts))
    return front


def _cover(items: list[Item], wording: Wording, front: Front) -> int:
    end = 0
    while end < len(items):
        item = items[end]
        if isinstance(item, Para) and (page_title(item, wording) or heading_start(item)
                                       or (end > 0 and _starts_page(items, end))):
            break
        end += 1
        if isinstance(item, Para) and item.ends_page:
            break
    region = items[:end]
    paras = [x for x in region if isinstance(x, Para)]
    lines = [p for p in paras if p.text]
    if not lines and not any(isinstance(x, TableItem) for x in region):
        return 0
    fields, holders = cover_fields(region, wording)
    followed = end < len(items) and isinstance(items[end], Para) and bool(page_title(items[end], wording))
    ended = end < len(items) and _starts_page(items, end)
    short = bool(lines) and len(lines) <= 12 and all(_short(p.text) for p in lines)
    looks = any(p.title_style or p.centred or p.bold for p in lines)
    if not (fields or ((followed or ended) and short and looks)):
        return 0
    front.cover, front.fields = True, fields
    front.parts.append("cover")
    paged = followed or ended
    for item in region:  # a sentence is no cover line: it stays (a preface on the cover's page)
        if isinstance(item, TableItem):
            short_cells = all(_short(c.text) for row in item.table.rows for c in row)
            if id(item) in holders or (paged and short_cells):
                item.role = "cover"
        elif _blank(item) or id(item) in holders or _short(item.text):
            item.role = "cover"
    if fields.get("title"):
        front.title, front.title_from = fields["title"], "cover_field"
    else:
        title = cover_title(paras, holders)
        if title:
            front.title, front.title_from = title, "cover"
            front.cover_styled = any(p.title_style for p in paras if p.text)
    return end


def _pages(items: list[Item], pos: int, wording: Wording, front: Front) -> int:
    n = len(items)
    while pos < n:
        item = items[pos]
        if _blank(item):
            item.role = "front" if front.parts or front.cover else item.role
            pos += 1
            continue
        part = page_title(item, wording) if isinstance(item, Para) else None
        if part is None:
            break
        front.parts.append(part)
        item.role = "front"
        pos += 1
        while pos < n:
            nxt = items[pos]
            if isinstance(nxt, Para) and not _blank(nxt):
                if page_title(nxt, wording) or _starts_page(items, pos):
                    break
                if part == "toc":
                    if not _toc_line(nxt):
                        break
                elif part == "annex_index":
                    if not (_ANNEX_RE.match(nxt.text) or _separate_note(nxt.text, wording)):
                        break
                elif heading_start(nxt) or (nxt.title_style and title_like(nxt.text)) or (
                        front.title and _body_title_like(nxt) and squash(nxt.text) == squash(front.title)):
                    break
            nxt.role = "front"
            pos += 1
    # the title over the body, once front matter has been seen
    if (front.parts or front.cover) and pos < n:
        item = items[pos]
        if isinstance(item, Para) and _body_title_like(item):
            if not front.title or (item.title_style and not front.cover_styled and front.title_from == "cover"):
                front.title, front.title_from = join_lines([item.text]), "body_title"
            if squash(item.text) == squash(front.title):
                item.role = "title"
                pos += 1
    return pos


def _heading_signal(items: list[Item], i: int) -> bool:
    p = items[i]
    assert isinstance(p, Para)
    return p.explicit_level is not None or p.title_style or p.bold or p.centred or _starts_page(items, i)


def _annex_line(p: Item) -> tuple[int, str, bool] | None:
    """(number, title, bound separately) of an "附件N　标题" line."""
    if not isinstance(p, Para) or not p.text:
        return None
    m = _ANNEX_RE.match(p.text)
    if not m:
        return None
    rest = m.group(2).strip()
    separate = bool(_SEPARATE_RE.search(rest))
    rest = _SEPARATE_RE.sub("", rest).strip()
    if rest and not heading_like(rest):
        return None
    return _number(m.group(1)), " ".join(rest.split()), separate


def _next_content(items: list[Item], i: int) -> int | None:
    j = i + 1
    while j < len(items):
        x = items[j]
        if isinstance(x, TableItem) or x.text or any(not isinstance(y, str) for y in x.pieces):
            return j
        j += 1
    return None


def _index_start(p: Para, wording: Wording) -> AnnexFound | bool:
    """Whether the paragraph opens an annex index: False, or True / the annex its line names."""
    if page_title(p, wording) == "annex_index":
        return True
    m = _INDEX_START_RE.match(p.text or "")
    if not m:
        return False
    listed = _listed(m.group(1))
    return listed if listed is not None else False


def _listed(text: str) -> AnnexFound | None:
    """A line of an annex index: "1．应急物资清单"."""
    numbered = split_number(text)
    if numbered is None or not numbered.kind.startswith("decimal") or not heading_like(numbered.rest):
        return None
    rest = numbered.rest
    separate = bool(_SEPARATE_RE.search(rest))
    return AnnexFound(_number(re.split(r"[.．、]", numbered.label)[0]), _SEPARATE_RE.sub("", rest).strip(), separate)


def _annexes(items: list[Item], pos: int, wording: Wording, front: Front) -> None:
    listed: list[AnnexFound] = []
    index = False
    current = -1
    for i in range(pos, len(items)):
        item = items[i]
        if item.role:
            continue
        if isinstance(item, TableItem):
            index = False
        else:
            opened = _index_start(item, wording) if current < 0 else False
            if opened is not False:
                index = True
                item.role = "annex_index"
                front.index_lines += 1
                if isinstance(opened, AnnexFound):
                    listed.append(opened)
                continue
            line = _annex_line(item)
            if line is not None:
                nxt = _next_content(items, i)
                if index:  # in an index only a real heading or a new page ends it
                    heading = item.explicit_level is not None or _starts_page(items, i)
                else:
                    heading = _heading_signal(items, i) or nxt is None or _annex_line(items[nxt]) is None
                if not heading:
                    item.role = "annex_index"
                    front.index_lines += 1
                    index = True
                    listed.append(AnnexFound(*line))
                    continue
                index = False
                number, title, separate = line
                item.role, item.annex = "annex", len(front.annexes)
                found = AnnexFound(number, title, separate, item)
                if not title and nxt is not None:
                    below = items[nxt]
                    if isinstance(below, Para) and title_like(below.text) and heading_like(below.text):
                        found.title = " ".join(below.text.split())
                        below.role, below.annex = "annex", item.annex
                front.annexes.append(found)
                current = item.annex
                continue
            if index:
                entry = _listed(item.text) if item.text else None
                if not item.text or _separate_note(item.text, wording) or entry is not None:
                    item.role = "annex_index"
                    front.index_lines += bool(item.text)
                    if entry is not None:
                        listed.append(entry)
                    continue
                index = False
        if current >= 0:
            item.annex = current
    front.index_entries = len(listed)
    headed = {(a.number, squash(a.title)) for a in front.annexes}
    separate = {(a.number, squash(a.title)) for a in listed if a.separate}
    for a in front.annexes:
        a.separate = a.separate or (a.number, squash(a.title)) in separate
    # annexes only listed in the index (bound separately, or their pages left out of the file)
    front.annexes += [a for a in listed if (a.number, squash(a.title)) not in headed]
    front.annexes.sort(key=lambda a: a.number)
    for a in front.annexes:
        a.key = wording.annexes.get(squash(a.title))
    if front.index_lines:
        front.parts.append("annex_index")


def _body_title(body: list[Para], front: Front) -> None:
    """The first paragraph when bold and centred (and the like lines right after it), else the
    first Title-styled paragraph before any heading."""
    lines = [p for p in body if p.text and not p.toc]
    if not lines:
        return
    first = lines[0]
    if first.bold and first.centred and first.explicit_level is None and title_like(first.text) \
            and not first.title_style:
        run = [first]
        for p in lines[1:3]:
            if not (p.bold and p.centred and p.explicit_level is None and title_like(p.text)):
                break
            run.append(p)
        for p in run:
            p.role = "title"
        front.title, front.title_from = join_lines(p.text for p in run), "bold_centred"
        return
    for p in lines:
        if p.title_style and title_like(p.text):
            p.role = "title"
            front.title, front.title_from = join_lines([p.text]), "title_style"
            return
        if heading_start(p):
            return


def _drop_repeated_title(body: list[Para], front: Front) -> None:
    """The title over the body when the cover already gave it (not taken twice, not lost)."""
    for p in body:
        if not p.text or p.toc:
            continue
        if (p.title_style or (p.bold and p.centred)) and squash(p.text) == squash(front.title):
            p.role = "title"
        return


def _numbered_heading(p: Para) -> bool:
    m = split_number(p.text)
    return (m is not None and bool(m.rest)) or (p.num_label is not None and p.num_level is not None
                                                and p.num_level.fmt != "bullet")


def _single_heading1(body: list[Para], front: Front) -> None:
    """A single unnumbered Heading 1 before numbered Heading 2s is the document's title."""
    explicit = [p for p in body if p.explicit_level is not None and p.text]
    ones = [p for p in explicit if p.explicit_level == 1]
    if len(ones) != 1 or explicit[0] is not ones[0] or _numbered_heading(ones[0]):
        return
    twos = [p for p in explicit if p.explicit_level == 2]
    if not twos or not _numbered_heading(twos[0]) or 2 * sum(map(_numbered_heading, twos)) < len(twos):
        return
    h1 = ones[0]
    for p in explicit:
        if p is not h1 and p.explicit_level is not None and p.explicit_level > 1:
            p.explicit_level -= 1
    front.shifted = " ".join(h1.text.split())
    if not front.title:
        front.title, front.title_from = front.shifted, "heading1"
        h1.role = "title"
    elif squash(h1.text) == squash(front.title):
        h1.role = "title"
    else:  # a title was found elsewhere: the Heading 1 is kept as a line of text
        h1.explicit_level = None
