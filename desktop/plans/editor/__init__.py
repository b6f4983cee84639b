"""The plan content editor (编辑预案内容): section tree, content blocks, completeness, drafts."""

from desktop.plans.editor.plan_editor import PlanEditor

__all__ = ["PlanEditor"]
