"""Storing uploaded images: checked first, stored once per content, with a thumbnail."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content_library.images import inspect_image, thumbnail
from content_library.storage import Storage
from models import MediaFile

MB = 1024 * 1024


def store_image(*, session: Session, storage: Storage, data: bytes, filename: str, max_bytes: int) -> MediaFile:
    """Check an upload and store it (original and thumbnail); the same content is stored once.

    Raises UploadRejected before anything is written when the file is refused.
    """
    inspected = inspect_image(data, filename, max_bytes)
    existing = session.scalars(select(MediaFile).where(MediaFile.sha256 == inspected.sha256)).one_or_none()
    if existing is not None:
        return existing
    thumb = thumbnail(data)
    storage.put(inspected.storage_key, data, inspected.content_type)
    storage.put(inspected.thumb_key, thumb, "image/jpeg")
    media = MediaFile(
        sha256=inspected.sha256, storage_key=inspected.storage_key, thumb_key=inspected.thumb_key,
        content_type=inspected.content_type, size_bytes=inspected.size_bytes, width=inspected.width,
        height=inspected.height, original_name=(filename or "")[:255],
    )
    try:
        with session.begin_nested():   # a concurrent upload of the same content may win the unique key
            session.add(media)
    except IntegrityError:
        return session.scalars(select(MediaFile).where(MediaFile.sha256 == inspected.sha256)).one()
    return media


def content_type_of(key: str) -> str:
    """The content type of a stored object, from its content-addressed key's extension."""
    extension = key.rsplit(".", 1)[-1]
    return {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}.get(
        extension, "application/octet-stream")
