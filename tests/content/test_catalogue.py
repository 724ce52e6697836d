"""Materials saved from HQ's form: validation, tags, store scope, statistics."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from content_library.catalogue import (
    get_material, material_stats, materials_for_store, record_send, save_material, set_enabled, visible_to_store,
)
from content_library.files import MB, store_image
from content_library.forms import MaterialForm, MaterialInvalid, split_values
from content_library.storage import storage_for
from models import Customer, Material, MaterialTag, Store
from tests.content.helpers import image_bytes, outfit_form, product

TODAY = date(2026, 10, 15)


@pytest.fixture
def scene(runtime, db):
    with db.transaction() as session:
        return store_image(session=session, storage=storage_for(runtime.settings), data=image_bytes(),
                           filename="scene.png", max_bytes=20 * MB).id


def _stores(db):
    with db.transaction() as session:
        return {s.code: s for s in session.scalars(select(Store))}


def test_a_template_with_an_unknown_placeholder_is_refused_and_nothing_is_stored(db):
    form = MaterialForm(kind="copy", title="生日祝福", body="{salutation}生日快乐！{nickname}专属礼物已备好")
    with pytest.raises(MaterialInvalid) as caught:
        with db.transaction() as session:
            save_material(session=session, form=form)
    assert "未知占位符 {nickname}" in caught.value.errors["body"]
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Material)) == 0


def test_an_outfit_scoped_to_two_stores_is_invisible_to_a_third(db, org, scene):
    with db.transaction() as session:
        third = Store(code="BJ001", name="北京三里屯店", region="华北")
        session.add(third)
        shirt, trousers = product(session, "S1", "衬衫").id, product(session, "T1", "裤装").id
        form = outfit_form("秋日通勤搭配", [scene], [shirt, trousers], scope="stores",
                           store_ids=[org["SH001"], org["HZ001"]],
                           tags={"season": ["autumn"], "occasion": ["new_arrival"], "style": ["通勤"]})
        material_id = save_material(session=session, form=form).id
    stores = _stores(db)
    with db.transaction() as session:
        material = get_material(session=session, material_id=material_id)
        assert [i.product.sku for i in material.items] == ["S1", "T1"]
        assert visible_to_store(material, stores["SH001"], TODAY) and visible_to_store(material, stores["HZ001"], TODAY)
        assert not visible_to_store(material, stores["BJ001"], TODAY)
        assert [m.id for m in materials_for_store(session=session, store=stores["BJ001"], on=TODAY)] == []


def test_region_scope_validity_window_and_enabled_flag(db, org):
    with db.transaction() as session:
        form = MaterialForm(kind="link", title="双11 领券", link_url="https://shop.example.com/coupon/11",
                            scope="region", regions=["华东"], valid_from=date(2026, 11, 1),
                            valid_to=date(2026, 11, 11))
        material_id = save_material(session=session, form=form).id
    sh = _stores(db)["SH001"]
    with db.transaction() as session:
        material = get_material(session=session, material_id=material_id)
        assert visible_to_store(material, sh, date(2026, 11, 11))
        assert not visible_to_store(material, sh, date(2026, 11, 12))
        assert not visible_to_store(material, sh, TODAY)
        set_enabled(session=session, material_id=material_id, enabled=False)
    with db.transaction() as session:
        assert not visible_to_store(get_material(session=session, material_id=material_id), sh, date(2026, 11, 5))


def test_each_kind_checks_its_own_fields(db):
    cases = [
        (MaterialForm(kind="image", title="无图"), "files"),
        (MaterialForm(kind="link", title="链接", link_url="javascript:alert(1)"), "link_url"),
        (MaterialForm(kind="miniprogram", title="小程序", mini_appid="abc", file_ids=[]), "mini_appid"),
        (MaterialForm(kind="outfit", title="搭配", file_ids=[], product_ids=[]), "products"),
        (MaterialForm(kind="copy", title="", body=""), "title"),
        (MaterialForm(kind="copy", title="x", body="hi", tags={"tier": ["vip"]}), "tag_tier"),
        (MaterialForm(kind="copy", title="x", body="hi", scope="stores"), "scope"),
        (MaterialForm(kind="copy", title="x", body="hi", valid_from=date(2026, 2, 1), valid_to=date(2026, 1, 1)),
         "valid_to"),
    ]
    with db.transaction() as session:
        for form, field in cases:
            with pytest.raises(MaterialInvalid) as caught:
                save_material(session=session, form=form)
            assert field in caught.value.errors, (form, caught.value.errors)


def test_editing_replaces_tags_and_keeps_the_rest(db):
    with db.transaction() as session:
        form = MaterialForm(kind="copy", title="新品", body="{salutation}，新品到店", tags={"scene": ["通勤", "约会"]})
        material = save_material(session=session, form=form)
        form.tags = {"scene": ["约会", "度假"], "tier": ["first"]}
        save_material(session=session, form=form, material=material)
        material_id = material.id
    with db.transaction() as session:
        material = get_material(session=session, material_id=material_id)
        assert material.tag_values("scene") == ["约会", "度假"] and material.tag_values("tier") == ["first"]
        assert session.scalar(select(func.count()).select_from(MaterialTag)) == 3


def test_statistics_are_zero_until_sends_are_recorded(db, org):
    with db.transaction() as session:
        material_id = save_material(session=session, form=MaterialForm(kind="copy", title="t", body="b")).id
        other_id = save_material(session=session, form=MaterialForm(kind="copy", title="u", body="b")).id
        a, b = Customer(external_userid="wmA"), Customer(external_userid="wmB")
        session.add_all([a, b])
        session.flush()
        for customer_id in (a.id, a.id, b.id):
            record_send(session=session, material_id=material_id, customer_id=customer_id, guide_id=None)
    with db.transaction() as session:
        stats = material_stats(session=session, material_ids=[material_id, other_id])
    assert (stats[material_id].sends, stats[material_id].customers, stats[material_id].clicks) == (3, 2, 0)
    assert stats[other_id].sends == 0 and stats[other_id].attributed_orders == 0


def test_split_values_accepts_chinese_separators():
    assert split_values("通勤，约会、 度假,通勤") == ["通勤", "约会", "度假"]
