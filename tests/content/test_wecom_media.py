"""Material images get a WeCom media_id when first needed, cached and refreshed before its 3-day expiry."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.sandbox.errors import ApiError
from content_library.catalogue import get_material, save_material
from content_library.files import MB, store_image
from content_library.forms import MaterialForm
from content_library.payloads import Personal, attachments_for, text_for
from content_library.storage import storage_for
from content_library.wecom_media import media_ids_for_material
from models import MediaFile
from tasks.schedule import fire
from tests.content.helpers import image_bytes

NOW = datetime.now(timezone.utc)


def _material(runtime, db, title: str, images: list[bytes], enabled: bool = True) -> int:
    storage = storage_for(runtime.settings)
    with db.transaction() as session:
        ids = [store_image(session=session, storage=storage, data=d, filename=f"{title}{i}", max_bytes=20 * MB).id
               for i, d in enumerate(images)]
        form = MaterialForm(kind="image", title=title, file_ids=ids, enabled=enabled,
                            body="{salutation}，{guide}为您挑了几张{season}上新图")
        return save_material(session=session, form=form).id


def _media_ids(runtime, db, material_id: int) -> list[str]:
    with db.transaction() as session:
        material = get_material(session=session, material_id=material_id)
        return media_ids_for_material(client=runtime.wecom, storage=storage_for(runtime.settings),
                                      material=material, now=datetime.now(timezone.utc))


def test_uploaded_once_when_first_needed_and_reused(runtime, db, sandbox):
    material_id = _material(runtime, db, "上新", [image_bytes("#123", fmt="PNG"), image_bytes("#456", fmt="WEBP")])
    assert sandbox.media == {}                       # nothing is uploaded at save time
    first = _media_ids(runtime, db, material_id)
    assert len(first) == 2 and set(first) == set(sandbox.media)
    assert sandbox.media[first[1]].data.startswith(b"\xff\xd8\xff")   # WebP went to WeCom as JPEG
    assert _media_ids(runtime, db, material_id) == first              # cached: no second upload
    assert len(sandbox.media) == 2
    with db.transaction() as session:
        files = session.scalars(select(MediaFile).order_by(MediaFile.id)).all()
    for f in files:
        assert f.wecom_expires_at - f.wecom_uploaded_at == timedelta(days=3)


def test_the_scheduled_job_refreshes_media_in_use_before_it_expires(runtime, db, sandbox, clock, work):
    live = _material(runtime, db, "在用", [image_bytes("#111")])
    off = _material(runtime, db, "停用", [image_bytes("#222")], enabled=False)
    (old_live,), (old_off,) = _media_ids(runtime, db, live), _media_ids(runtime, db, off)
    clock.advance(2.5 * 86400)                       # WeCom's clock: half a day before expiry
    with db.transaction() as session:
        for f in session.scalars(select(MediaFile)):
            f.wecom_expires_at = datetime.now(timezone.utc) + timedelta(hours=12)
    assert fire("refresh-wecom-media", "test-slot")
    assert work() == 1
    (new_live,), (still_off,) = _media_ids(runtime, db, live), _media_ids(runtime, db, off)
    assert new_live != old_live and still_off == old_off
    clock.advance(0.6 * 86400)                       # the old upload is now past 3 days
    with pytest.raises(ApiError):
        sandbox.get_media(old_live)
    assert sandbox.get_media(new_live).data.startswith(b"\x89PNG")


def test_a_send_is_rendered_with_the_cached_media_ids(runtime, db):
    material_id = _material(runtime, db, "秋装", [image_bytes("#789")])
    media_ids = _media_ids(runtime, db, material_id)
    with db.transaction() as session:
        material = get_material(session=session, material_id=material_id)
        text = text_for(material, Personal(customer_name="王芳", customer_gender=2, guide="王芳"),
                        on=NOW.date().replace(month=10))
        attachments = attachments_for(material, media_ids)
    assert text == "王姐，王芳为您挑了几张秋季上新图"
    assert attachments == [{"msgtype": "image", "image": {"media_id": media_ids[0]}}]
