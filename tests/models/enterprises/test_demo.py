"""Demo data: realistic, deterministic, audited, all-or-nothing."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from models.core import demo, reference
from models.core.audit import verify_chain, verify_data
from models.core.database import Database
from models.core.entities import AuditLog, Industry, Region
from models.core.errors import Cancelled, PermissionDenied
from models.core.progress import Progress
from models.core.uow import Actor
from models.enterprises import demo as enterprise_demo
from models.enterprises import rules as uscc
from models.enterprises.entities import Enterprise, EnterpriseContact
from models.enterprises.queries import has_enterprises
from models.modules import entity_classes, open_database
from tests.factories import demo_enterprises


def _enterprise_rows(db: Database) -> list[tuple]:
    with db.read() as s:
        return [tuple(r) for r in s.execute(
            select(Enterprise.name, Enterprise.uscc, Enterprise.address, Enterprise.principal,
                   Enterprise.principal_phone, Enterprise.employees, Enterprise.major_hazard_sources)
            .order_by(Enterprise.id))]


def _audit_count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(AuditLog.id))) or 0


def test_small_scale_covers_every_reference_value(db: Database) -> None:
    assert not has_enterprises(db)
    result = demo_enterprises(db, scale="small", seed=1)
    assert has_enterprises(db)
    assert result.enterprises == demo.SCALES["small"] == 50
    with db.read() as s:
        assert s.scalar(select(func.count(Enterprise.id))) == 50
        contacts = s.scalar(select(func.count(EnterpriseContact.id)))
        assert contacts == result.contacts
        per_enterprise = Counter(s.scalars(select(EnterpriseContact.enterprise_id)))
        assert set(per_enterprise.values()) <= {2, 3, 4, 5} and len(per_enterprise) == 50
        used = s.execute(select(Enterprise.industry_id, Enterprise.risk_level_id, Enterprise.department_id,
                                Enterprise.region_id)).all()
        assert {c.id for c in reference.industries(s)} == {u.industry_id for u in used}
        assert {c.id for c in reference.risk_levels(s)} == {u.risk_level_id for u in used}
        assert {c.id for c in reference.departments(s)} == {u.department_id for u in used}
        streets = {c.id for c in reference.regions(s) if c.level == 3}
        assert streets == {u.region_id for u in used}
    assert "企业 50 家" in result.message() and f"联系人 {result.contacts} 人" in result.message()


def test_credit_codes_are_valid_unique_and_match_the_region(db: Database) -> None:
    demo_enterprises(db, scale="small", seed=3)
    with db.read() as s:
        rows = s.execute(select(Enterprise.uscc, Region.code, Region.parent_code)
                         .join(Region, Enterprise.region_id == Region.id)).all()
        city_code = s.scalar(select(Region.code).where(Region.level == 1))
    codes = [r.uscc for r in rows]
    assert len(set(codes)) == len(codes) == 50
    for r in rows:
        assert uscc.is_valid(r.uscc), r.uscc
        assert r.uscc[0] == "9" and r.uscc[1] in "123"
        assert r.uscc[2:8] in {r.parent_code, city_code}


def test_names_look_like_real_registrations(db: Database) -> None:
    demo_enterprises(db, scale="small", seed=1)
    with db.read() as s:
        regions = s.execute(select(Region.name, Region.level)).all()
        names = list(s.scalars(select(Enterprise.name)))
    city = next(r.name for r in regions if r.level == 1)
    prefixes = {city, city.removesuffix("市")} | {r.name for r in regions if r.level == 2}
    prefix = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
    company = re.compile(rf"^({prefix})[\u4e00-\u9fff]{{2,3}}[\u4e00-\u9fff]{{2,6}}"
                         r"(有限公司|有限责任公司|股份有限公司)([\u4e00-\u9fff]{1,4}尾矿库)?$")
    shop = re.compile(rf"^({prefix})+[\u4e00-\u9fff]{{4,10}}(经营部|商行)$")
    coop = re.compile(r"^[\u4e00-\u9fff（）]+乡村旅游专业合作社$")
    odd = [n for n in names if not (company.match(n) or shop.match(n) or coop.match(n))]
    assert not odd
    assert len(set(names)) == len(names)
    assert sum(n.endswith("有限公司") for n in names) >= 40  # companies dominate
    # Tailings dams are named after the mining company that owns them.
    with db.read() as s:
        tailings = list(s.scalars(select(Enterprise.name).join(Industry).where(Industry.code == "tailings")))
    assert tailings and all(n.endswith("尾矿库") and "矿业" in n for n in tailings)


def test_values_are_plausible(db: Database) -> None:
    demo_enterprises(db, scale="small", seed=5)
    with db.read() as s:
        rows = s.execute(select(Enterprise, Industry.flags).join(Industry)).all()
        phones = list(s.execute(select(EnterpriseContact.phone, EnterpriseContact.mobile)))
    for ent, _flags in rows:
        assert 0 < ent.on_shift_headcount <= ent.employees
        assert ent.address.startswith("临江市")
        assert re.fullmatch(r"1[358]\d{9}", ent.principal_phone)
    hazardous = [ent for ent, flags in rows if "hazardous_goods" in flags or "metal_smelting" in flags]
    with_sources = [e for e in hazardous if "重大危险源" in e.major_hazard_sources]
    assert len(with_sources) >= len(hazardous) // 2
    for phone, mobile in phones:
        assert phone == "" or re.fullmatch(r"0539-[2-8]\d{6}", phone)
        assert mobile == "" or re.fullmatch(r"1[358]\d{9}", mobile)


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    dbs = [open_database(str(tmp_path / f"{name}.sqlite")) for name in ("a", "b", "c")]
    try:
        demo_enterprises(dbs[0], seed=7, count=40)
        demo_enterprises(dbs[1], seed=7, count=40)
        demo_enterprises(dbs[2], seed=8, count=40)
        first, again, other = (_enterprise_rows(d) for d in dbs)
        assert first == again
        assert [r[:2] for r in first] != [r[:2] for r in other]
        assert len({r[1] for r in first} & {r[1] for r in other}) < 3
    finally:
        for d in dbs:
            d.dispose()


def test_every_row_is_audited_and_the_chain_verifies(db: Database) -> None:
    result = demo_enterprises(db, count=20, seed=2)
    with db.read() as s:
        assert verify_chain(s).ok
        inserted = dict(s.execute(select(AuditLog.entity, func.count(func.distinct(AuditLog.entity_id)))
                                  .where(AuditLog.action == "insert").group_by(AuditLog.entity)).all())
        actors = set(s.scalars(select(AuditLog.actor).where(AuditLog.entity == "enterprise")))
    assert inserted["enterprise"] == 20
    assert inserted["enterprise_contact"] == result.contacts
    assert actors == {"系统"}


def test_cancel_removes_every_committed_chunk(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks commit as they go (memory and WAL stay small); a cancel purges what was committed, and
    the trail shows both: each record's insert and its purge."""
    monkeypatch.setattr(enterprise_demo, "FLUSH_EVERY", 5)
    before = _audit_count(db)
    seen: list[int] = []

    def report(done: int, _total: int, _message: str) -> None:
        seen.append(done)
        if done >= 10:  # two chunks are already committed
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(Cancelled) as info:
        demo_enterprises(db, count=30, progress=progress)
    assert "取消" in str(info.value)
    assert 10 in seen
    assert not has_enterprises(db)
    with db.read() as s:
        assert s.scalar(select(func.count(EnterpriseContact.id))) == 0
        assert verify_chain(s).ok
        assert verify_data(s, entity_classes()).ok
        actions = dict(s.execute(select(AuditLog.action, func.count(AuditLog.id)).where(AuditLog.id > before)
                                 .group_by(AuditLog.action)).all())
    assert actions["insert"] == actions["purge"] >= 10


def test_progress_reaches_the_total(db: Database) -> None:
    reports: list[tuple[int, int, str]] = []
    demo_enterprises(db, count=12, progress=Progress(lambda d, t, m: reports.append((d, t, m))))
    assert reports[0][0] == 0 and reports[-1][0] == reports[-1][1] == 12
    assert all(m for _, _, m in reports)


def test_unknown_scale_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="未知的演示数据规模“huge”"):
        demo_enterprises(db, scale="huge")
    assert not has_enterprises(db)


def test_needs_the_admin_role(db: Database) -> None:
    with pytest.raises(PermissionDenied):
        demo_enterprises(db, count=3, actor=Actor("值班员", frozenset({"staff"})))
    assert not has_enterprises(db)


def test_second_run_adds_without_collisions(db: Database) -> None:
    demo_enterprises(db, count=15, seed=1)
    demo_enterprises(db, count=15, seed=1)  # same seed: the same draws, so every code must be re-drawn
    with db.read() as s:
        codes = list(s.scalars(select(Enterprise.uscc)))
        names = list(s.scalars(select(Enterprise.name)))
    assert len(codes) == len(set(codes)) == 30
    assert len(names) == len(set(names)) == 30


def test_later_modules_extend_the_steps(db: Database) -> None:
    seen: list[int] = []

    def drills(ctx: demo.DemoContext) -> None:
        seen.extend(e.id for e in ctx.enterprises)
        ctx.report(len(ctx.enterprises), "正在生成演示演练…")
        ctx.tally("drills", "演练", 2 * len(ctx.enterprises))

    step = demo.DemoStep("drills", "演练", drills)
    result = demo.generate(db, [enterprise_demo.STEP, step], count=4)
    assert len(seen) == 4 and result.others == (("演练", 8),)
    assert "演练 8" in result.message()


def test_planner_statistics_are_refreshed(sqlite_db: Database) -> None:
    demo_enterprises(sqlite_db, count=5)
    with sqlite_db.read() as s:
        tables = set(s.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")))
    assert {"enterprise", "enterprise_contact", "audit_log"} <= tables
