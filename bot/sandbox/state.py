"""The sandbox world: one WeCom corp held in memory (no Flask here).

Every mutation takes ``corp.lock``. World actions (what people do in the WeCom client) mutate the
state and return the decrypted plaintext XML WeCom would call back with, or None when WeCom sends
nothing. Changes made through the API produce no callback (protocol doc §2).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .world_groupsend import GroupSendMixin
from .world_jsapi import JsapiMixin
from .world_transfers import TransfersMixin


class SandboxCorp(TransfersMixin, GroupSendMixin, JsapiMixin):
    """The whole emulated corp: directory, customers, tags, groups, messages, media, tokens.

    ``secrets`` maps each secret to its app's agentid, or to None for the 客户联系 secret.
    """

    def __init__(self, corp_id: str, secrets: dict[str, int | None],
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(corp_id, secrets, clock)
        self._init_contacts()
        self._init_groups()
        self._init_messages()
        self._init_groupsend()
        self._init_jsapi()
        self._init_directory()
        self._init_transfers()

    def __repr__(self) -> str:
        return (f"SandboxCorp({self.corp_id!r}, members={len(self.members)}, "
                f"customers={len(self.customers)}, groups={len(self.groups)})")
