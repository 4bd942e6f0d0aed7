@echo off
rem mailmig-logon.cmd: migrate this user's mail settings at logon (Group Policy logon script).
rem
rem One "mailmig.exe apply" for the user who logs on, on every profile mailmig finds in the
rem user's own folders (%USERPROFILE%) and, as mailmig.exe supports it, the user's registry.
rem Its state is the user's own (%LOCALAPPDATA%\mailmig): every user is migrated once, at
rem their own logon, and a later logon finds nothing left to do.
rem Exit code 3 (a mail client is running, or a new server failed its check) leaves what it
rem held back unchanged: the next logon tries again.
rem Settings (set before calling, or edit the defaults below):
rem   MAILMIG_EXE     default: mailmig.exe beside this script (e.g. on NETLOGON)
rem   MAILMIG_POLICY  default: mailmig-policy.xml beside this script; none: built-in policy
rem   MAILMIG_VERIFY  default: unset, the policy's <verification> mode (mailmig.exe reads
rem                   the variable itself); "off" only where the servers cannot be reached
rem This script exits 0 (all done), 3 (retry at next logon), 1 (some profile failed) or
rem 2 (mailmig.exe missing or the policy invalid); a logon never waits for a person.
setlocal EnableExtensions

if not defined MAILMIG_EXE set "MAILMIG_EXE=%~dp0mailmig.exe"
if not defined MAILMIG_POLICY set "MAILMIG_POLICY=%~dp0mailmig-policy.xml"
set "STATE=%LOCALAPPDATA%\mailmig"
set "LOG=%STATE%\mailmig.log"
if not exist "%STATE%" mkdir "%STATE%"

if not exist "%MAILMIG_EXE%" (
  call :log "mailmig.exe not found at %MAILMIG_EXE%; nothing done"
  exit /b 2
)
rem mailmig's own messages (errors only) go to a file of their own while it appends to the log,
rem then into the log: the log cannot be open twice for writing.
set "OUTPUT=%STATE%\mailmig-output.txt"
if exist "%MAILMIG_POLICY%" (
  "%MAILMIG_EXE%" apply --quiet --log "%LOG%" --policy "%MAILMIG_POLICY%" < nul > "%OUTPUT%" 2>&1
) else (
  call :log "no policy at %MAILMIG_POLICY%; using the built-in policy"
  "%MAILMIG_EXE%" apply --quiet --log "%LOG%" < nul > "%OUTPUT%" 2>&1
)
set "CODE=%ERRORLEVEL%"
type "%OUTPUT%" >> "%LOG%"
del /q "%OUTPUT%" 2> nul

if "%CODE%"=="0" (
  call :log "done"
) else if "%CODE%"=="3" (
  call :log "a mail client is running, or a new server did not pass its check: what it held back is tried again at the next logon"
) else if "%CODE%"=="2" (
  call :log "usage error or invalid policy %MAILMIG_POLICY%; fix the deployment"
) else (
  call :log "some profile could not be read or written (exit %CODE%), left untouched; see the lines above"
  set "CODE=1"
)
exit /b %CODE%

:log
>> "%LOG%" echo %DATE% %TIME% mailmig-logon: %~1
exit /b 0
