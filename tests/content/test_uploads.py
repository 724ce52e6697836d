"""Uploads are checked by content and size; a refused file leaves nothing behind."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from content_library.files import MB, store_image
from content_library.images import UploadRejected, inspect_image
from content_library.storage import LocalStorage, StorageError, storage_for
from models import MediaFile
from tests.content.helpers import EXE_BYTES, image_bytes

CAP = 20 * MB


def _count(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(MediaFile))


def test_an_image_is_stored_once_with_a_thumbnail(runtime, db):
    storage = storage_for(runtime.settings)
    data = image_bytes(size=(1200, 800), fmt="JPEG")
    with db.transaction() as session:
        first = store_image(session=session, storage=storage, data=data, filename="场景.jpg", max_bytes=CAP)
        again = store_image(session=session, storage=storage, data=data, filename="copy.jpg", max_bytes=CAP)
        assert again.id == first.id
        assert (first.width, first.height, first.content_type) == (1200, 800, "image/jpeg")
    assert storage.get(first.storage_key) == data
    thumb = inspect_image(storage.get(first.thumb_key), "t.jpg", CAP)
    assert thumb.format == "JPEG" and max(thumb.width, thumb.height) == 360
    assert sorted(storage.keys()) == sorted([first.storage_key, first.thumb_key])
    assert _count(db) == 1


def test_an_exe_renamed_jpg_is_refused_and_nothing_is_stored(runtime, db):
    storage = storage_for(runtime.settings)
    with pytest.raises(UploadRejected, match="「setup.jpg」的内容不是图片（检测到Windows 可执行程序"):
        with db.transaction() as session:
            store_image(session=session, storage=storage, data=EXE_BYTES, filename="setup.jpg", max_bytes=CAP)
    assert storage.keys() == [] and _count(db) == 0


def test_an_oversized_file_is_refused_and_nothing_is_stored(runtime, db):
    storage = storage_for(runtime.settings)
    big = image_bytes(fmt="PNG") + b"\0" * (CAP + 1)
    with pytest.raises(UploadRejected, match="超过 20 MB 上限"):
        with db.transaction() as session:
            store_image(session=session, storage=storage, data=big, filename="big.png", max_bytes=CAP)
    assert storage.keys() == [] and _count(db) == 0


@pytest.mark.parametrize("data, message", [
    (b"", "空文件"),
    (b"%PDF-1.7 not an image", "检测到PDF 文档"),
    (image_bytes(fmt="PNG")[:60], "损坏"),
    (image_bytes(fmt="BMP"), "只支持 JPG、PNG、GIF、WebP"),
])
def test_other_refusals_say_why(data, message):
    with pytest.raises(UploadRejected, match=message):
        inspect_image(data, "x.jpg", CAP)


def test_the_type_comes_from_the_content_not_the_name():
    inspected = inspect_image(image_bytes(fmt="PNG"), "photo.jpg", CAP)
    assert (inspected.format, inspected.extension, inspected.content_type) == ("PNG", "png", "image/png")
    assert inspected.storage_key == f"{inspected.sha256[:2]}/{inspected.sha256}.png"


def test_local_storage_refuses_keys_that_leave_its_folder(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    for key in ("../escape.png", "/etc/passwd", "a/../../b.png", "A/B.PNG"):
        with pytest.raises(StorageError):
            storage.put(key, b"x", "image/png")
    storage.put("ab/cd.png", b"x", "image/png")
    assert storage.exists("ab/cd.png") and storage.get("ab/cd.png") == b"x"
    storage.delete("ab/cd.png")
    assert not storage.exists("ab/cd.png")
