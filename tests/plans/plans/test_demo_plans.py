"""Demo plans: every enterprise's plan system, written through the plan services."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

import plans.plans.demo as plan_demo
from models.core.audit import verify_chain
from models.core.database import Database
from models.core.entities import Industry
from models.enterprises.entities import Enterprise
from models.plans import deadlines as plan_deadlines
from models.plans import queries as pq
from models.plans import search
from models.plans import service as ps
from models.plans.entities import PLAN_STATUSES, Plan, PlanVersion
from models.plans.queries import PlanFilter
from models.plans.queries import page as plan_page
from plans import demo
from plans.completeness import Severity
from plans.document import NumberedList, Table, document_text
from plans.plans import store
from plans.plans.preprint import check_plan
from tests.conftest import BACKENDS, make_db

HAZARDOUS = ("hazchem", "fireworks")


def _generate(db: Database, count: int, seed: int = 1) -> demo.DemoResult:
    return demo.generate(db, count=count, seed=seed)


@pytest.fixture(scope="module", params=BACKENDS)
def small(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """20 demo enterprises with their plans, once per backend for the whole module."""
    db = make_db(request.param, tmp_path_factory.mktemp("small"))
    _generate(db, 20)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A larger sample (40 enterprises) on SQLite."""
    db = make_db("sqlite", tmp_path_factory.mktemp("sample"))
    _generate(db, 40)
    yield db
    db.dispose()


def test_the_product_list_runs_the_plans_after_the_enterprises_and_the_drills_after_them() -> None:
    names = [step.name for step in demo.STEPS]
    # supplies need the plans too; teams read the enterprises only; oversight (inspections, hazards, the
    # blacklist) and the incidents (which may activate plans) come last
    assert names == ["enterprises", plan_demo.STEP_NAME, "drills", "supplies", "teams", "oversight", "incidents"]


def test_every_enterprise_has_one_comprehensive_plan_heading_its_tree(small: Database) -> None:
    with small.read() as s:
        ents = {e.id: e for e in s.scalars(select(Enterprise))}
        plans = list(s.scalars(select(Plan).where(Plan.deleted_at.is_(None))))
    assert len(ents) == 20
    main = {}
    for p in plans:
        if p.kind == "comprehensive":
            assert p.enterprise_id not in main, "two 综合 plans for one enterprise"
            main[p.enterprise_id] = p
    assert set(main) == set(ents)
    for p in plans:
        ent = ents[p.enterprise_id]
        assert re.fullmatch(r"[A-Z]{2,4}-YA-20\d\d-\d\d", p.plan_no), p.plan_no
        assert p.compiling_unit == ent.name and p.approver == ent.principal
        if p.kind == "card":  # titled by its post, as the template has it: "储罐区操作工应急处置卡"
            assert p.title.endswith("应急处置卡")
        else:
            assert p.title.startswith(ent.name)
        if p.kind == "comprehensive":
            assert p.parent_plan_id is None and p.title.endswith("综合应急预案")
        else:
            assert p.kind in ("special", "onsite", "card")
            assert p.parent_plan_id == main[p.enterprise_id].id
    kinds = Counter(p.kind for p in plans)
    assert kinds["special"] and kinds["onsite"] and kinds["card"]
    assert 2.0 <= (len(plans) - kinds["card"]) / len(ents) <= 5.0
    assert 0.3 <= kinds["card"] / len(ents) <= 2.0


def test_content_is_written_for_the_enterprise(small: Database) -> None:
    with small.read() as s:
        mains = list(s.scalars(select(Plan).where(Plan.kind == "comprehensive").order_by(Plan.id).limit(2)))
        texts = []
        for p in mains:
            doc, _ = store.load_document(s, p.id)
            text = document_text(doc)
            ent = s.get(Enterprise, p.enterprise_id)
            assert ent is not None
            assert ent.name in text and ent.principal in text and ent.principal_phone in text
            assert "【待填写" not in text
            assert "1小时内" in text and "一级响应" in text and "三级响应" in text
            assert len(text) > 2500  # several pages
            texts.append(text)
    assert texts[0] != texts[1]


def test_published_plans_pass_the_completeness_check(small: Database) -> None:
    with small.read() as s:
        ids = list(s.scalars(select(Plan.id).where(Plan.status.in_(("published", "filed")))))
        assert ids
        for plan_id in ids:
            doc, _ = store.load_document(s, plan_id)
            data = ps.load(s, plan_id)[0]
            errors = [f.message for f in check_plan(doc, store.cover(data)) if f.severity is Severity.ERROR]
            assert not errors, (plan_id, errors)


def test_industry_supplies_and_special_plans(small: Database) -> None:
    with small.read() as s:
        rows = s.execute(select(Plan.id, Plan.title, Enterprise.name, Plan.kind)
                         .join(Enterprise, Plan.enterprise_id == Enterprise.id)).all()
        titles = {r.title for r in rows}
        hazchem_main = [r.id for r in rows if r.kind == "comprehensive" and "化工" in r.name]
        assert hazchem_main
        doc, _ = store.load_document(s, hazchem_main[0])
    assert any(t.endswith("危险化学品泄漏事故专项应急预案") for t in titles)
    assert any(t.endswith("现场处置方案") for t in titles)
    text = document_text(doc)
    assert "正压式空气呼吸器" in text and "化学防护服" in text


def test_search_finds_a_two_character_term_in_hazardous_enterprises_plans(small: Database) -> None:
    with small.read() as s:
        hits = search.search(s, "泄漏", limit=500)
        four = search.search(s, "应急预案", limit=5)
        codes = dict(s.execute(select(Enterprise.name, Enterprise.industry_id)).all())
        industry = dict(s.execute(select(Industry.id, Industry.code)).all())
    assert hits and four
    hazardous = {h.enterprise for h in hits if industry[codes[h.enterprise]].startswith(HAZARDOUS)}
    assert hazardous
    assert all("泄漏" in h.snippet_text() for h in hits)


def test_key_posts_get_cards_written_for_the_post(small: Database) -> None:
    """应急处置卡 hang under the 综合 plan, one per key post, with the post's own steps and phones."""
    with small.read() as s:
        cards = list(s.scalars(select(Plan).where(Plan.kind == "card").order_by(Plan.id)))
        assert cards
        for card in cards:
            parent = s.get(Plan, card.parent_plan_id)
            ent = s.get(Enterprise, card.enterprise_id)
            assert parent is not None and ent is not None
            assert parent.kind == "comprehensive" and parent.enterprise_id == ent.id
            assert card.template_key == "card"
            doc, _ = store.load_document(s, card.id)
            post = card.title.removesuffix("应急处置卡")
            assert post and [sec.key for sec in doc.sections] == ["post", "risks", "steps", "cautions", "phones"]
            text = document_text(doc)
            assert f"岗位：{post}；" in text and ent.name in text and "【待填写" not in text
            assert ent.principal in text and ent.principal_phone in text and parent.title in text
            steps = next(sec for sec in doc.sections if sec.key == "steps").blocks[0]
            assert isinstance(steps, NumberedList) and len(steps.items) >= 5
            assert steps.items[0].startswith("发现") and "119" in steps.items[0]
            phones = next(sec for sec in doc.sections if sec.key == "phones").blocks[0]
            assert isinstance(phones, Table) and {"班组长", "火警", "医疗急救"} <= {r[0].text for r in phones.rows}
        by_ent: dict[int, set[str]] = {}
        for card in cards:
            assert card.title not in by_ent.setdefault(card.enterprise_id, set()), "two cards for one post"
            by_ent[card.enterprise_id].add(card.title)
        hazchem = [c for c in cards if "化工" in s.get(Enterprise, c.enterprise_id).name]
    assert hazchem and any(("储罐区" in c.title or "仓库" in c.title or "库房" in c.title) for c in hazchem)
    assert len({c.title for c in cards}) >= 4  # posts of several industries, not one card copied


def test_card_posts_follow_the_hazard_sources_and_risk() -> None:
    from plans.plans.demo_content import CARD_POSTS, FAMILIES, Unit, card_posts

    unit = Unit(name="临江市恒泰化工有限公司", address="滨江路1号", city="临江市", district="江城区", street="",
                industry="化工", family=FAMILIES["chem"], risk="major", employees=300, on_shift=40,
                principal="张三", principal_phone="13800000000", safety="李四", safety_phone="13900000000",
                duty_phone="0539-1234567", hazards=("液氨储罐区", "液氯钢瓶库"), hazards_text="", department="",
                contacts=())
    posts = card_posts(unit)
    assert posts[0][1] == "液氨储罐区" and posts[0][0].name.replace("{place}", posts[0][1]) == "液氨储罐区操作工"
    assert {p.key for p, _ in posts} == {p.key for p in CARD_POSTS["chem"]}
    rng = random.Random(1)
    major = [plan_demo.card_specs(rng, unit, "major") for _ in range(50)]
    assert all(2 <= len(specs) <= 3 and specs[0].place == "液氨储罐区" for specs in major)
    low = [plan_demo.card_specs(rng, unit, "low") for _ in range(200)]
    assert 0.1 < sum(bool(specs) for specs in low) / len(low) < 0.5
    assert all(s.kind == "card" and s.post and s.facts()["岗位"] == s.post for specs in major for s in specs)


def test_statuses_span_the_lifecycle(sample: Database) -> None:
    with sample.read() as s:
        statuses = Counter(s.scalars(select(Plan.status)))
        versions = Counter(s.scalars(select(PlanVersion.plan_id)))
        labels = set(s.scalars(select(PlanVersion.version_label)))
        revising = list(s.scalars(select(Plan).where(Plan.status == "revising")))
        rows = plan_page(s, PlanFilter(), limit=10_000)
    assert set(statuses) == set(PLAN_STATUSES), statuses
    with sample.read() as s:
        card_statuses = Counter(s.scalars(select(Plan.status).where(Plan.kind == "card")))
    assert {"draft", "filed"} <= set(card_statuses) and len(card_statuses) >= 3, card_statuses
    assert max(versions.values()) >= 2 and {"V1.0", "V2.0"} <= labels
    assert all(p.revision_trigger and p.revision_trigger_date for p in revising)
    as_of = plan_demo.DEFAULT_AS_OF
    overdue = Counter(kind for row in rows for kind in plan_deadlines.plan_deadlines(row, as_of).overdue)
    assert overdue["filing"] and overdue["evaluation"] and overdue["revision"], overdue
    filed = [r for r in rows if r.status == "filed"]
    assert all(r.filing_submitted_date and r.publish_date for r in filed)
    assert all(r.publish_date is None or r.publish_date <= as_of for r in rows)


def test_audit_chain_and_data_verify(small: Database) -> None:
    from models.core.audit import verify_data
    from models.modules import entity_classes

    with small.read() as s:
        report = verify_chain(s)
        data = verify_data(s, entity_classes())
    assert report.ok, report.message()
    assert data.ok, data.message() + "; ".join(map(str, data.differences[:5]))


def _snapshot(db: Database) -> list[tuple[object, ...]]:
    with db.read() as s:
        plans = s.execute(select(Plan.plan_no, Plan.title, Plan.status, Plan.version_label, Plan.publish_date,
                                 Plan.filing_submitted_date, Plan.reviewers).order_by(Plan.id)).all()
        texts = []
        for plan_id in s.scalars(select(Plan.id).order_by(Plan.id)):
            doc, _ = store.load_document(s, plan_id)
            texts.append(document_text(doc))
        n_versions = s.scalar(select(func.count(PlanVersion.id)))
    return [*map(tuple, plans), *((t,) for t in texts), (n_versions,)]


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    snaps = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        db = make_db("sqlite", tmp_path / name)
        try:
            _generate(db, 6, seed=seed)
            snaps.append(_snapshot(db))
        finally:
            db.dispose()
    assert snaps[0] == snaps[1]
    assert snaps[0] != snaps[2]


def test_initials_and_abbreviations() -> None:
    assert plan_demo.initial("临") == "L" and plan_demo.initial("江") == "J" and plan_demo.initial("鑫") == "X"
    assert plan_demo.abbreviation("临江市恒泰化工有限公司", ["临江市", "临江"]) == "LJHT"
    assert plan_demo.abbreviation("江城区瑞丰建设工程有限公司", ["临江市", "江城区"]) == "JCRF"


def test_versions_differ_only_where_a_revision_would(sample: Database) -> None:
    from plans.diff import diff
    from plans.plans.demo_content import REVISED

    revisable = set().union(*REVISED.values())
    with sample.read() as s:
        plan_ids = list(s.scalars(select(PlanVersion.plan_id).group_by(PlanVersion.plan_id)
                                  .having(func.count() >= 2)))
        assert plan_ids
        for plan_id in plan_ids[:5]:
            versions = pq.versions(s, plan_id)
            first, last = (store.version_document(s, v.id) for v in (versions[0], versions[-1]))
            changed = {sd.key for sd in diff(first, last).sections if sd.changed}
            assert changed and changed <= revisable, changed
            assert [v.version_label for v in versions][:2] == ["V1.0", "V2.0"]
            assert all(v.reason for v in versions[1:])


def test_a_cancelled_demo_leaves_nothing_behind(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancelled in the plans step after a chunk was committed: the plans, their sections, versions
    and search entries and the enterprises are removed again; the trail shows it and still proves
    the data."""
    from models.core.audit import verify_data
    from models.core.errors import Cancelled
    from models.core.progress import Progress
    from models.modules import entity_classes
    from models.plans.entities import PlanSection

    monkeypatch.setattr(plan_demo, "CHUNK", 2)
    committed: list[int] = []

    def report(done: int, total: int, _message: str) -> None:
        with db.read() as s:
            committed.append(s.scalar(select(func.count(Plan.id))) or 0)
        if committed[-1] > 0:
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled):
        demo.generate(db, count=6, seed=2, progress=progress)
    assert max(committed) > 0  # plans had been committed before the cancel
    with db.read() as s:
        for cls in (Enterprise, Plan, PlanSection, PlanVersion):
            assert s.scalar(select(func.count(cls.id))) == 0, cls.__name__
        assert search.count(s, "应急").sections == 0 and search.search(s, "预案") == []
        assert verify_chain(s).ok and verify_data(s, entity_classes()).ok
