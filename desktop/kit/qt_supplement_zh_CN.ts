<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!--
  Chinese for the few texts of Qt's own dialogs that qtbase_zh_CN.qm (shipped with PySide6) lacks
  or words oddly, loaded after it (desktop.app.install_translations) so these win. Compile with
  `.venv/bin/pyside6-lrelease desktop/kit/qt_supplement_zh_CN.ts` (tests/desktop/test_app.py
  checks that the .qm says what this file says).
-->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message>
        <source>Page &amp;Set:</source>
        <translation>页面组(&amp;S)：</translation>
    </message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
</context>
</TS>
