"""Demo data: two stores, their members in the sandbox and the app, and a channel code per guide."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.flows.channels import create_channel
from bot.sandbox import SandboxCorp
from models import Channel, Guide, Store

STORES = [("SH001", "上海南京路店", "华东", 2), ("HZ001", "杭州湖滨店", "华东", 3)]
MEMBERS = [
    ("wangfang", "王芳", "SH001", "guide"), ("lixiao", "李晓", "SH001", "guide"),
    ("zhangli", "张丽", "SH001", "manager"), ("chenjing", "陈静", "HZ001", "guide"),
    ("zhoumin", "周敏", "HZ001", "manager"), ("hq_yunying", "总部运营", None, "hq"),
]


def seed_sandbox(corp: SandboxCorp) -> None:
    """Put the demo corp's departments and members into a fresh sandbox world."""
    for code, name, _region, dept in STORES:
        corp.add_department(dept, name)
    depts = {code: dept for code, _n, _r, dept in STORES}
    for userid, name, store, role in MEMBERS:
        position = {"manager": "店长", "hq": "总部运营"}.get(role, "导购")
        corp.add_member(userid, name, department=[depts.get(store, 1)], position=position)


def seed_app(runtime) -> bool:
    """Create stores, guides and one channel per guide in the app; False if already seeded."""
    with runtime.db.transaction() as session:
        if session.scalar(select(func.count()).select_from(Store)):
            return False
        stores = {}
        for code, name, region, dept in STORES:
            stores[code] = Store(code=code, name=name, region=region, wecom_department_id=dept)
            session.add(stores[code])
        session.flush()
        for userid, name, store, role in MEMBERS:
            session.add(Guide(userid=userid, name=name, role=role, store_id=stores[store].id if store else None))
    with runtime.db.transaction() as session:
        for userid, _name, _store, role in MEMBERS:
            if role == "guide":
                create_channel(session=session, client=runtime.wecom, guide_userid=userid, campaign="门店活码")
    return True


def seed_cadences(runtime) -> int:
    """The default care cadences, idempotently (`cadences seed`); return how many were added."""
    from bot.services.todos_cadences import seed_defaults

    with runtime.db.transaction() as session:
        return seed_defaults(session=session)


def channel_count(runtime) -> int:
    """How many channel codes the app has."""
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Channel))


def guide_userids(runtime) -> list[str]:
    """Userids of every guide (role guide)."""
    with runtime.db.transaction() as session:
        return list(session.scalars(select(Guide.userid).where(Guide.role == "guide")))
