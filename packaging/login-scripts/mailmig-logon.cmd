@echo off
rem mailmig-logon.cmd: migrate this user's mail settings at logon (Group Policy logon script).
rem
rem 1. Thunderbird, Becky!, Sylpheed, Claws Mail, Windows Live Mail: mailmig edits the profiles.
rem 2. Outlook and Outlook Express keep accounts in the registry: each key is exported to a .reg
rem    file, mailmig rewrites it and writes NAME.delta.reg (changed values only), which is
rem    imported. NAME.undo.reg (the old values) is kept in %LOCALAPPDATA%\mailmig\registry\undo.
rem Exit code 3 (a mail client is running) changes nothing: the next logon tries again.
rem Settings (set before calling, or edit the defaults below):
rem   MAILMIG_EXE     default: mailmig.exe beside this script (e.g. on NETLOGON)
rem   MAILMIG_POLICY  default: mailmig-policy.xml beside this script; none: built-in policy
rem This script exits 0 (all done), 3 (retry at next logon), 1 (some profile failed) or
rem 2 (mailmig.exe missing or the policy invalid); a logon never waits for a person.
setlocal EnableExtensions

if not defined MAILMIG_EXE set "MAILMIG_EXE=%~dp0mailmig.exe"
if not defined MAILMIG_POLICY set "MAILMIG_POLICY=%~dp0mailmig-policy.xml"
set "STATE=%LOCALAPPDATA%\mailmig"
set "LOG=%STATE%\mailmig.log"
set "WORK=%STATE%\registry"
set "UNDO=%WORK%\undo"
set "RESULT=0"
if not exist "%UNDO%" mkdir "%UNDO%"

if not exist "%MAILMIG_EXE%" (
  call :log "mailmig.exe not found at %MAILMIG_EXE%; nothing done"
  exit /b 2
)
set "POLICY_ARGS="
if exist "%MAILMIG_POLICY%" (
  set POLICY_ARGS=--policy "%MAILMIG_POLICY%"
) else (
  call :log "no policy at %MAILMIG_POLICY%; using the built-in policy"
)

rem --- 1. Profiles in files ----------------------------------------------------------------
"%MAILMIG_EXE%" apply --quiet --log "%LOG%" %POLICY_ARGS% < nul
call :record %ERRORLEVEL% "mail client profiles"

rem --- 2. Registry: one export per key, so a missing key (an Office not installed) is skipped.
call :registry outlook16 "HKCU\Software\Microsoft\Office\16.0\Outlook\Profiles" OUTLOOK.EXE
call :registry outlook15 "HKCU\Software\Microsoft\Office\15.0\Outlook\Profiles" OUTLOOK.EXE
call :registry outlook-mapi "HKCU\Software\Microsoft\Windows NT\CurrentVersion\Windows Messaging Subsystem\Profiles" OUTLOOK.EXE
call :registry outlook-express "HKCU\Software\Microsoft\Internet Account Manager" msimn.exe
exit /b %RESULT%

rem :registry NAME KEY CLIENT_EXE - export, migrate and import one key.
:registry
reg query "%~2" > nul 2>&1 || exit /b 0
set "REG_FILE=%WORK%\%~1.reg"
rem A delta left from an earlier logon must never be imported again.
del /q "%WORK%\%~1.delta.reg" "%WORK%\%~1.undo.reg" 2> nul
reg export "%~2" "%REG_FILE%" /y > nul 2>&1
if errorlevel 1 (
  call :log "reg export %~2 failed"
  call :record 1 "%~2"
  exit /b 0
)
"%MAILMIG_EXE%" apply --quiet --log "%LOG%" %POLICY_ARGS% "%REG_FILE%" < nul
set "CODE=%ERRORLEVEL%"
call :record %CODE% "%~2"
if not "%CODE%"=="0" exit /b 0
if not exist "%WORK%\%~1.delta.reg" exit /b 0
rem Value lines hold "=", headers and key lines do not; type decodes the UTF-16 of reg export.
type "%WORK%\%~1.delta.reg" | find "=" > nul || exit /b 0
rem The client writes its settings back when it exits: importing while it runs would be lost.
tasklist /fi "imagename eq %~3" /nh 2> nul | find /i "%~3" > nul
if not errorlevel 1 (
  call :log "%~3 started meanwhile; %~2 is retried at the next logon"
  call :record 3 "%~2"
  exit /b 0
)
reg import "%WORK%\%~1.delta.reg" > nul 2>&1
if errorlevel 1 (
  call :log "reg import %~1.delta.reg failed; the registry is unchanged"
  call :record 1 "%~2"
  exit /b 0
)
rem Keep the undo file under a name of its own: the next logon's export reuses %~1.reg.
call :stamp
move /y "%WORK%\%~1.undo.reg" "%UNDO%\%~1-%STAMP%.undo.reg" > nul
del /q "%WORK%\%~1.delta.reg" 2> nul
call :log "%~2 updated; undo with: reg import %UNDO%\%~1-%STAMP%.undo.reg"
exit /b 0

rem :record CODE WHAT - log one mailmig result and keep the worst for the exit code.
:record
if "%~1"=="0" (
  call :log "%~2: done"
) else if "%~1"=="3" (
  call :log "%~2: a mail client is running; skipped, retried at the next logon"
  if "%RESULT%"=="0" set "RESULT=3"
) else if "%~1"=="2" (
  call :log "%~2: usage error or invalid policy %MAILMIG_POLICY%"
  set "RESULT=2"
) else (
  call :log "%~2: some profile could not be read or written (exit %~1), left untouched"
  if not "%RESULT%"=="2" set "RESULT=1"
)
exit /b 0

:stamp
rem STAMP: date and time as a file name part (their format follows the locale).
setlocal EnableDelayedExpansion
set "S=%DATE%-%TIME%"
for %%C in (/ : . "," " ") do set "S=!S:%%~C=-!"
endlocal & set "STAMP=%S%"
exit /b 0

:log
>> "%LOG%" echo %DATE% %TIME% mailmig-logon: %~1
exit /b 0
