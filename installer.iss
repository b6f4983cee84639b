; Inno Setup script for the Windows installer of 应急预案与演练管理系统.
; Minimal until the packaging issue: it installs a frozen bundle built into dist\emergency-desk\
; (PyInstaller one-folder build of desktop/__main__.py, with the package data that pyproject.toml
; ships as data: models/core/migrations, models/*/refdata (*.json), plans/plans/templates (*.json),
; exports/styles (*.json), exports/fonts.json and exports/fonts/ (the fallback CJK font with its NOTICE
; and licence), desktop/kit/*.qm (Qt's missing Chinese strings), and the
; PySide6 QtPdf/QtPdfWidgets/QtPrintSupport modules used by the print preview) and creates Start-menu
; and desktop shortcuts.

#define AppName "应急预案与演练管理系统"
#define AppExe "emergency-desk.exe"
#define AppVersion "0.1.0"

[Setup]
AppId={{6A1F2E0C-8E0B-4F57-9C61-3E2D6B0E5D11}
AppName={#AppName}
AppVersion={#AppVersion}
DefaultDirName={autopf}\emergency-desk
DefaultGroupName={#AppName}
OutputBaseFilename=emergency-desk-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "dist\emergency-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "创建桌面快捷方式"; GroupDescription: "附加任务："

[Run]
Filename: "{app}\{#AppExe}"; Description: "启动{#AppName}"; Flags: nowait postinstall skipifsilent
