"""The window's shared machinery: one of each, used by every module's pages and dialogs.

Before writing a helper in a module, find the one here. The kit knows no module (no enterprise,
no plan): a module passes it what is special about itself.

- ``tasks``: the task runner — long work on a thread pool, writes on its single writer thread,
  progress after a moment, cancel, results on the main thread.
- ``writes``: the write flow — ``WriteOp(parent, runner, db, actor, work)`` runs ``work(uow)`` in
  one unit of work on the writer thread and sorts the outcome (saved, invalid, conflict, refused,
  busy, failed, cancelled) into callbacks with Chinese defaults. Every save in the window goes here.
- ``forms``: the form base ``RecordForm`` (loads a copy and its version, marks bad fields, the
  error banner, saves through the write flow) and ``FormErrors``, ``set_error``, field helpers.
- ``conflicts``: ``ConflictDialog`` — 此记录已被他人修改: 重新载入 or 比较, never overwrite.
- ``list_page``: the list page base ``ListPage`` (search, filters, 回收站, restore, delete, Excel
  export, context menu, double-click, one dialog at a time, writes through the write flow, columns
  fitted to their content, an empty list that says why).
- ``columns``: ``ColumnFit``, column widths sized to the content, the user's widths and order kept.
- ``empty``: ``EmptyState``, the text an empty list or table shows in place of its rows.
- ``areas``: ``BannerArea`` (an error banner of a few lines that scrolls) and ``FormArea`` (fields
  that scroll instead of being squeezed).
- ``windows``: ``fit_to_screen``, dialogs no larger than the screen and the main window.
- ``labels``: ``ElidedLabel``, one line whose middle part is cut with “…”.
- ``pages``: ``Page``, what every page of the main window offers (lazy load, stale refresh).
- ``paged``: ``PagedTableModel``, a table model over a paged SQL query, read in the background
  (never on the window thread); ``after_load`` for what must wait for the rows.
- ``sorting``: ``HeaderSorting``, header-click sorting in SQL.
- ``exporting``: ``ListExporter``, a list's 导出Excel in the background.
- ``records``: ``RecordsDialog``, a short list of records as a dialog (新建 / 编辑 / 删除 on the form base and
  the write flow).
- ``charts``: ``BarChart``, the one chart widget (QPainter; pages hand it ``ChartData``).
- ``dates``: ``DateField``, the one date field (Chinese format, clearable where optional), and how
  dates and times read.
- ``pickers``: ``EnterprisePicker`` (the one enterprise chooser), ``ReferenceChoices`` and
  ``fill_combo`` for reference lists.
- ``widgets``: the search box, the 回收站 switch, tidy toolbars.
- ``attachments``: a form's staged list of files.
- ``preview``: the PDF print preview.
- ``settings``: typed, versioned ``QSettings``.
- ``messages``: message boxes with Chinese buttons (one place, so tests replace them).
- ``errors`` and ``logs``: the log file, the last line of error handling, ``report_failure``.
"""
