"""plans layer: what a *document* is, independent of any file format or window.

The generic document machinery (drill reports, duty rosters and statistics reports are documents
built on it too):
- ``plans.document`` — the format-neutral document model (document → sections → blocks), its
  JSON, numbering, tree editing and plain text;
- ``plans.template`` — document templates: section skeletons as data, validated against the
  placeholders and layouts a kind of document allows, and ``instantiate``;
- ``plans.completeness`` — what is still missing before printing, against a given template;
- ``plans.diff`` — what changed between two versions;
- ``plans.word_import`` — reading an existing .docx into a document.

One sub-package per kind of printed document: ``plans.plans`` (应急预案: the GB/T 29639-2020
templates, the print model with front matter and annexes, the pre-print check, storage, demo).
At the top, the product's compositions in explicit lists: ``plans.demo`` (demo steps) and
``plans.annexes`` (annex builders). Nothing registers itself by being imported.

Imports only ``models`` (and the standard library / python-docx / lxml); never PySide6.
"""
