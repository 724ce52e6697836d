"""Corp customer tags: admin actions (with callbacks) and the API-side mutations (without)."""

from __future__ import annotations

from collections.abc import Sequence

from . import events, ids
from .errors import ApiError
from .models import Tag, TagGroup
from .world_contacts import ContactsMixin

MAX_CORP_TAGS = 3000


class TagsMixin(ContactsMixin):
    """Tag library of the corp."""

    # ----- world actions (admin console) ---------------------------------------------------
    def admin_creates_tag(self, group_name: str, tag_name: str, order: int = 0) -> str:
        """A new tag in a new group -> tag_group create; in an existing group -> tag create."""
        with self.lock:
            group = self.group_by_name(group_name)
            if group is not None:
                tag, created = self.add_tag_to_group(group, tag_name, order)
                if not created:
                    raise ValueError(f"tag {tag_name!r} already exists in {group_name!r}")
                return events.external_tag(self.corp_id, self.event_time(), tag.id, "create", tag_type="tag")
            group = self.create_tag_group(group_name, 0, [(tag_name, order)])
            return events.external_tag(self.corp_id, self.event_time(), group.group_id, "create",
                                       tag_type="tag_group")

    def admin_deletes_tag(self, tag_id: str) -> str:
        """Delete a tag (or, given a group id, the whole group); customers lose it."""
        with self.lock:
            if tag_id in self.tag_groups:
                self.delete_tags([], [tag_id])
                return events.external_tag(self.corp_id, self.event_time(), tag_id, "delete",
                                           tag_type="tag_group")
            if self.find_tag(tag_id) is None:
                raise ValueError(f"unknown tag {tag_id!r}")
            self.delete_tags([tag_id], [])
            return events.external_tag(self.corp_id, self.event_time(), tag_id, "delete", tag_type="tag")

    def admin_renames_tag(self, tag_id: str, new_name: str) -> str:
        """Rename a tag (or a tag group when given a group id): ChangeType update."""
        with self.lock:
            if tag_id in self.tag_groups:
                self.tag_groups[tag_id].group_name = new_name
                return events.external_tag(self.corp_id, self.event_time(), tag_id, "update",
                                           tag_type="tag_group")
            tag = self.find_tag(tag_id)
            if tag is None:
                raise ValueError(f"unknown tag {tag_id!r}")
            tag.name = new_name
            return events.external_tag(self.corp_id, self.event_time(), tag_id, "update", tag_type="tag")

    def admin_reorders_tags(self, group_id: str = "") -> str:
        """Drag-and-drop reordering: ChangeType shuffle, no TagType (Id may be empty)."""
        with self.lock:
            return events.external_tag(self.corp_id, self.event_time(), group_id, "shuffle")

    # ----- helpers shared with the API -----------------------------------------------------
    def tag_id(self, group_name: str, tag_name: str) -> str:
        """Look up a tag id by names (test convenience)."""
        with self.lock:
            group = self.group_by_name(group_name)
            tag = next((t for t in group.tags if t.name == tag_name), None) if group else None
            if tag is None:
                raise ValueError(f"no tag {group_name}/{tag_name}")
            return tag.id

    def group_by_name(self, group_name: str) -> TagGroup | None:
        with self.lock:
            return next((g for g in self.tag_groups.values() if g.group_name == group_name), None)

    def tag_count(self) -> int:
        with self.lock:
            return sum(len(g.tags) for g in self.tag_groups.values())

    def create_tag_group(self, group_name: str, order: int, tags: Sequence[tuple[str, int]]) -> TagGroup:
        with self.lock:
            group = TagGroup(ids.tag_id(), group_name, self.event_time(), order)
            self.tag_groups[group.group_id] = group
            for name, tag_order in tags:
                self.add_tag_to_group(group, name, tag_order)
            return group

    def add_tag_to_group(self, group: TagGroup, name: str, order: int) -> tuple[Tag, bool]:
        """Add a tag; an existing name in the group collapses onto the existing tag."""
        with self.lock:
            existing = next((t for t in group.tags if t.name == name), None)
            if existing is not None:
                return existing, False
            if self.tag_count() >= MAX_CORP_TAGS:
                raise ApiError(40058, "corp tag count exceeds 3000")
            tag = Tag(ids.tag_id(), name, self.event_time(), order, group.group_id)
            group.tags.append(tag)
            return tag, True

    def delete_tags(self, tag_ids: Sequence[str], group_ids: Sequence[str]) -> None:
        """Remove tags/groups, strip them from customers, drop groups left empty."""
        with self.lock:
            doomed = set(tag_ids)
            for gid in group_ids:
                doomed.update(t.id for t in self.tag_groups[gid].tags)
                del self.tag_groups[gid]
            for group in list(self.tag_groups.values()):
                group.tags = [t for t in group.tags if t.id not in doomed]
                if not group.tags:
                    del self.tag_groups[group.group_id]
            for rel in self.follows.values():
                for f in rel.values():
                    f.tag_ids = [t for t in f.tag_ids if t not in doomed]
