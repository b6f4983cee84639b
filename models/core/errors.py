"""Errors the core raises. Every message is Chinese and fit to show to a user as it is."""

from __future__ import annotations

from dataclasses import dataclass


class DeskError(Exception):
    """Base of every expected error; ``str(error)`` is a Chinese sentence for the user."""


@dataclass(frozen=True)
class FieldError:
    """One rejected field: ``field`` is the attribute name, ``label`` its Chinese label."""

    field: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}：{self.message}"


class ValidationError(DeskError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("；".join(str(e) for e in errors))

    def for_field(self, field: str) -> list[FieldError]:
        return [e for e in self.errors if e.field == field]


class ConflictError(DeskError):
    """A save carried a stale version: somebody else saved the record in between.

    The message says what happened and that nothing was written; what to do next is the caller's
    to offer (the window: 重新载入 or 比较; the CLI: run the command again on the new version)."""

    def __init__(self, entity_label: str, entity_id: int | None, expected: int | None,
                 actual: int | None) -> None:
        self.entity_label = entity_label
        self.entity_id = entity_id
        self.expected = expected
        self.actual = actual
        if entity_id is None:
            text = "此记录已被他人修改，保存被拒绝，没有写入任何内容。"
        elif actual is None:
            text = f"此{entity_label}（编号 {entity_id}）已被他人删除或修改，保存被拒绝，没有写入任何内容。"
        elif expected is None:  # the caller saw no such record, somebody has since made one
            text = (f"此记录已被他人修改：您打开时还没有这条{entity_label}，现已由他人设置（编号 {entity_id}，"
                    f"第 {actual} 版）。保存被拒绝，没有写入任何内容。")
        else:
            text = (
                f"此记录已被他人修改：您打开的是{entity_label}（编号 {entity_id}）的第 {expected} 版，"
                f"数据库中已是第 {actual} 版。保存被拒绝，没有写入任何内容。"
            )
        super().__init__(text)


class NotFoundError(DeskError):
    def __init__(self, entity_label: str, entity_id: object) -> None:
        self.entity_label = entity_label
        self.entity_id = entity_id
        super().__init__(f"找不到{entity_label}（编号 {entity_id}），它可能已被删除。")


class PermissionDenied(DeskError):
    def __init__(self, actor: str, command_label: str) -> None:
        self.actor = actor
        self.command_label = command_label
        super().__init__(f"用户“{actor}”无权执行“{command_label}”。")


class ImmutableError(DeskError):
    def __init__(self, entity_label: str) -> None:
        super().__init__(f"{entity_label}一经保存便不可修改。")


class StateError(DeskError):
    """A command does not apply to the record's current state (e.g. publishing a retired plan)."""


class DatabaseOpenError(DeskError):
    pass


class BusyError(DeskError):
    """Another desk held the database's single writer longer than a save may wait."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"数据库正忙：另一位用户正在保存数据，等待 {seconds:g} 秒后仍未轮到。"
                         "您填写的内容没有丢失，请稍后再保存。")


class Cancelled(DeskError):
    def __init__(self) -> None:
        super().__init__("操作已取消，未写入任何数据。")
