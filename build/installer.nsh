; electron-builder's NSIS include (electron-builder.yml: nsis.include).
;
; Uninstalling leaves no login item behind: the app registers itself to start at login with
; Electron's app.setLoginItemSettings, which writes a value named after the app id (LOGIN_ITEM_NAME
; in src/main/shell/login-item.ts) under HKCU\...\Run, and may add one of the same name under
; Explorer\StartupApproved\Run (the Task Manager's on/off switch). Left there, Windows tries to
; start a deleted program at every login.
;
; Only for a real uninstall: an update runs the old version's uninstaller too (isUpdated), and the
; agent's start-at-login choice must survive it. The uninstaller reaches the hive of the user who
; runs it; for a per-machine install removed by an administrator, other users' values stay
; (docs/it-admin.md says how to clear them).

!macro customUnInstall
  ${ifNot} ${isUpdated}
    DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "com.oneyun.agent-desktop"
    DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run" "com.oneyun.agent-desktop"
  ${endIf}
!macroend
