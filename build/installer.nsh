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

; A silent install or uninstall (IT's deployment tool) never closes a running app. electron-builder's
; own check answers its "close it?" question with OK in silent mode and kills the app, force-killing
; it a second later: the agent's call drops without a sign-out, and on a Remote Desktop host every
; agent's app goes. Instead the installer quits with exit code 1618 (Windows'
; ERROR_INSTALL_ALREADY_RUNNING, which SCCM and Intune retry by default; nothing else in the
; installer returns it) and changes nothing; docs/it-admin.md, "Deploying to a floor".
; An update started by the app itself (--updated: the app is quitting to install it) and a person
; at the screen keep electron-builder's behaviour: wait for the app, or ask before closing it.
; electron-builder includes this file before allowOnlyOneInstallerInstance.nsh, which then leaves
; out what its own check needs when this macro exists: getProcessInfo.nsh and $pid.
!include "getProcessInfo.nsh"
Var pid

!define APP_RUNNING_EXIT_CODE 1618

!macro customCheckAppRunning
  !insertmacro IS_POWERSHELL_AVAILABLE
  ${if} ${Silent}
  ${andIfNot} ${isUpdated}
    ; electron-builder's detection: any process started from $INSTDIR (every user's).
    !insertmacro FIND_PROCESS "${APP_EXECUTABLE_FILENAME}" $R0
    ${if} $R0 == 0
      DetailPrint `${PRODUCT_NAME} is running: nothing changed (exit code ${APP_RUNNING_EXIT_CODE}).`
      SetErrorLevel ${APP_RUNNING_EXIT_CODE}
      Quit
    ${endIf}
  ${endIf}
  !insertmacro _CHECK_APP_RUNNING
!macroend
