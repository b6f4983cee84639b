"""plans layer: what a plan *document* is, independent of any file format or window.

- ``plans.document`` — the format-neutral document model (document → sections → blocks), its
  JSON, numbering, tree editing and plain text;
- ``plans.plans.templates`` — the GB/T 29639-2020 templates (data) and ``instantiate``;
- ``plans.completeness`` — what is still missing before printing;
- ``plans.diff`` — what changed between two versions;
- ``plans.word_import`` — reading an existing .docx plan.

Imports only ``models`` (and the standard library / python-docx / lxml); never PySide6.
"""
