"""Decrypted plaintext XML of the callbacks WeCom sends (protocol doc §3)."""

from __future__ import annotations

from collections.abc import Sequence


def cdata(value: str) -> str:
    """Wrap ``value`` in CDATA, splitting any embedded ``]]>``."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def el(name: str, value: str | int, *, raw: bool = False) -> str:
    """One element; strings go in CDATA unless ``raw``; ints are bare."""
    text = str(value) if raw or isinstance(value, int) else cdata(value)
    return f"<{name}>{text}</{name}>"


def _event(corp_id: str, created: int, event: str, parts: Sequence[str], sender: str = "sys") -> str:
    head = [el("ToUserName", corp_id), el("FromUserName", sender), el("CreateTime", created),
            el("MsgType", "event"), el("Event", event)]
    return "<xml>" + "".join(head) + "".join(parts) + "</xml>"


def external_contact(corp_id: str, created: int, change_type: str, userid: str, external_userid: str, *,
                     state: str | None = None, welcome_code: str | None = None,
                     source: str | None = None, fail_reason: str | None = None) -> str:
    """change_external_contact; FailReason precedes UserID as in the doc."""
    parts = [el("ChangeType", change_type)]
    if fail_reason is not None:
        parts.append(el("FailReason", fail_reason))
    parts += [el("UserID", userid), el("ExternalUserID", external_userid)]
    if state is not None:
        parts.append(el("State", state))
    if welcome_code is not None:
        parts.append(el("WelcomeCode", welcome_code))
    if source is not None:
        parts.append(el("Source", source))
    return _event(corp_id, created, "change_external_contact", parts)


def external_chat(corp_id: str, created: int, chat_id: str, change_type: str, *,
                  update_detail: str | None = None, join_scene: int | None = None,
                  quit_scene: int | None = None, changed: Sequence[str] | None = None,
                  last_ver: str | None = None, cur_ver: str | None = None) -> str:
    """change_external_chat (create / update / dismiss)."""
    parts = [el("ChatId", chat_id), el("ChangeType", change_type)]
    if update_detail is not None:
        parts.append(el("UpdateDetail", update_detail))
    if join_scene is not None:
        parts.append(el("JoinScene", join_scene))
    if quit_scene is not None:
        parts.append(el("QuitScene", quit_scene))
    if changed is not None:
        items = "".join(el("Item", m, raw=True) for m in changed)
        parts += [el("MemChangeCnt", len(changed)), f"<MemChangeList>{items}</MemChangeList>"]
    if last_ver is not None and cur_ver is not None:
        parts += [el("LastMemVer", last_ver, raw=True), el("CurMemVer", cur_ver, raw=True)]
    return _event(corp_id, created, "change_external_chat", parts)


def external_tag(corp_id: str, created: int, tag_id: str, change_type: str, *,
                 tag_type: str | None = None, strategy_id: int | None = None) -> str:
    """change_external_tag; ``shuffle`` carries no TagType."""
    parts = [el("Id", tag_id)]
    if tag_type is not None:
        parts.append(el("TagType", tag_type))
    parts.append(el("ChangeType", change_type))
    if strategy_id is not None:
        parts.append(el("StrategyId", strategy_id))
    return _event(corp_id, created, "change_external_tag", parts)


def template_card_event(corp_id: str, created: int, userid: str, *, event_key: str, task_id: str,
                        card_type: str, response_code: str, agent_id: int,
                        selected: Sequence[tuple[str, Sequence[str]]] | None = None,
                        event: str = "template_card_event") -> str:
    """A member clicked a button (or the menu) of an app template card."""
    parts = [el("EventKey", event_key), el("TaskId", task_id), el("CardType", card_type),
             el("ResponseCode", response_code), el("AgentID", agent_id)]
    if selected:
        items = []
        for question_key, option_ids in selected:
            options = "".join(el("OptionId", o) for o in option_ids)
            items.append(f"<SelectedItem>{el('QuestionKey', question_key)}"
                         f"<OptionIds>{options}</OptionIds></SelectedItem>")
        parts.append("<SelectedItems>" + "".join(items) + "</SelectedItems>")
    return _event(corp_id, created, event, parts, sender=userid)


def text_message(corp_id: str, created: int, userid: str, content: str, msg_id: int, agent_id: int) -> str:
    """A member typed text to the app (the §1.4 sample shape)."""
    parts = [el("ToUserName", corp_id), el("FromUserName", userid), el("CreateTime", created),
             el("MsgType", "text"), el("Content", content), el("MsgId", msg_id), el("AgentID", agent_id)]
    return "<xml>" + "".join(parts) + "</xml>"


def contact_change(corp_id: str, created: int, change_type: str, userid: str,
                   fields: Sequence[tuple[str, str | int]] = ()) -> str:
    """change_contact (通讯录变更): create_user / update_user carry the changed fields; delete_user only UserID."""
    parts = [el("ChangeType", change_type), el("UserID", userid)] + [el(name, value) for name, value in fields]
    return _event(corp_id, created, "change_contact", parts)
