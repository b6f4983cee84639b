"""Reference data: shipped files with sources, loaded once, editable by administrators only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.core import reference
from models.core.entities import Department, Industry
from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import ensure_reference
from models.core.uow import Actor, unit_of_work

ADMIN = Actor("管理员", frozenset({"admin", "staff"}))
CLERK = Actor("科员", frozenset({"staff"}))


def test_every_file_names_its_source() -> None:
    for name in ("industries", "departments", "regions", "risk_levels"):
        assert reference.load_file(name)["source"]


def test_key_industries_carry_rule_flags(db) -> None:
    with db.read() as s:
        flags = {i.name: set(i.flags) for i in s.scalars(select(Industry))}
    assert "mining" in flags["矿山"] and "tailings" in flags["尾矿库"]
    assert "hazardous_goods" in flags["危险化学品运输"] and "metal_smelting" in flags["高温熔融/金属冶炼"]
    assert "construction" in flags["建筑施工"] and "urban_rail" in flags["城市轨道交通"]
    assert "crowded_place" in flags["宾馆饭店"] and "scenic_spot" in flags["旅游（景区）"]
    assert flags["一般制造业"] == set()


def test_region_tree(db) -> None:
    with db.read() as s:
        regions = reference.regions(s)
    city = next(r for r in regions if r.level == 1)
    assert len(reference.subtree_ids(regions, city.id)) == len(regions)
    district = next(r for r in regions if r.name == "北山县")
    sub = reference.subtree_ids(regions, district.id)
    assert len(sub) == 4  # the county and its three towns


def test_administrator_edits_survive_reloading(db) -> None:
    with db.read() as s:
        dept = s.scalar(select(Department).where(Department.code == "yjj"))
    with unit_of_work(db, ADMIN) as uow:
        reference.save_reference(uow, "department", {"name": "应急管理局（安委办）"},
                                 entity_id=dept.id, expected_version=dept.version)
        new_id = reference.save_reference(uow, "department", {"code": "rfb", "name": "人民防空办公室"})
    ensure_reference(db)
    with unit_of_work(db, ADMIN) as uow:
        assert reference.ensure_reference_data(uow) == 0
    with db.read() as s:
        assert s.get(Department, dept.id).name == "应急管理局（安委办）"
        assert s.get(Department, new_id).name == "人民防空办公室"
        assert s.scalar(select(func.count(Department.id)).where(Department.code == "yjj")) == 1


def test_only_administrators_edit_reference_data(db) -> None:
    with pytest.raises(PermissionDenied, match="修改参考数据"), unit_of_work(db, CLERK) as uow:
        reference.save_reference(uow, "department", {"code": "x", "name": "某局"})


def test_reference_codes_stay_unique(db) -> None:
    with pytest.raises(ValidationError, match="“yjj”已存在"), unit_of_work(db, ADMIN) as uow:
        reference.save_reference(uow, "department", {"code": "yjj", "name": "重复"})
