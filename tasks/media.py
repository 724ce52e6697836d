"""Keep WeCom media_ids of material images fresh (they expire 3 days after upload)."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from content_library.storage import storage_for
from content_library.wecom_media import files_to_refresh, upload_file
from models import MediaFile
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)


class MediaRefreshFailed(RuntimeError):
    """Some files could not be re-uploaded; RQ retries the job."""


def refresh_wecom_media() -> int:
    """Re-upload every in-use image whose media_id expires within a day; return how many were refreshed."""
    runtime = job_runtime()
    now = datetime.now(timezone.utc)
    storage = storage_for(runtime.settings)
    with runtime.db.transaction() as session:
        ids = files_to_refresh(session=session, now=now, today=now.astimezone(runtime.settings.tz).date())
    refreshed, failed = 0, []
    for file_id in ids:   # one transaction per file: a failure leaves the others refreshed
        try:
            with runtime.db.transaction() as session:
                upload_file(client=runtime.wecom, storage=storage, file=session.get(MediaFile, file_id))
            refreshed += 1
        except Exception as exc:  # noqa: BLE001 - collected and re-raised below
            log.warning("media refresh of file %s failed: %s", file_id, exc)
            failed.append(file_id)
    if failed:
        raise MediaRefreshFailed(f"files {failed} not refreshed ({refreshed} refreshed)")
    return refreshed
