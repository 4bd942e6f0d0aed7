<#
.SYNOPSIS
  Migrates this user's mail settings at logon (Group Policy logon script); mailmig-logon.cmd
  in PowerShell.
.DESCRIPTION
  1. Thunderbird, Becky!, Sylpheed, Claws Mail, Windows Live Mail: mailmig edits the profiles.
  2. Outlook and Outlook Express keep accounts in the registry: each key is exported to a .reg
     file, mailmig rewrites it and writes NAME.delta.reg (changed values only), which is
     imported. NAME.undo.reg (the old values) is kept in %LOCALAPPDATA%\mailmig\registry\undo.
  mailmig's exit code 3 (a mail client is running) changes nothing: the next logon retries.
  Exits 0 (all done), 3 (retry at next logon), 1 (some profile failed) or 2 (mailmig.exe
  missing or the policy invalid). Never prompts.
.PARAMETER MailmigExe
  Default: mailmig.exe beside this script (e.g. on NETLOGON).
.PARAMETER Policy
  Default: mailmig-policy.xml beside this script; when missing, mailmig's built-in policy.
#>
[CmdletBinding()]
param(
  [string]$MailmigExe = (Join-Path $PSScriptRoot 'mailmig.exe'),
  [string]$Policy = (Join-Path $PSScriptRoot 'mailmig-policy.xml')
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$StateDir = Join-Path $env:LOCALAPPDATA 'mailmig'
$LogFile = Join-Path $StateDir 'mailmig.log'
$WorkDir = Join-Path $StateDir 'registry'
$UndoDir = Join-Path $WorkDir 'undo'
$script:Result = 0

function Write-MailmigLog([string]$Message) {
  $line = '{0} mailmig-logon: {1}' -f (Get-Date -Format 's'), $Message
  # A log that cannot be written must not stop the migration.
  try { Add-Content -LiteralPath $LogFile -Value $line -Encoding UTF8 } catch { }
}

# Logs one result and keeps the worst for the exit code (2 > 1 > 3 > 0).
function Register-Result([int]$Code, [string]$What) {
  switch ($Code) {
    0 { Write-MailmigLog "${What}: done" }
    3 {
      Write-MailmigLog "${What}: a mail client is running; skipped, retried at the next logon"
      if ($script:Result -eq 0) { $script:Result = 3 }
    }
    2 {
      Write-MailmigLog "${What}: usage error or invalid policy $Policy"
      $script:Result = 2
    }
    default {
      Write-MailmigLog "${What}: some profile could not be read or written (exit $Code), left untouched"
      if ($script:Result -ne 2) { $script:Result = 1 }
    }
  }
}

# Runs a program without input or visible output; returns its exit code. 'Continue' because
# Windows PowerShell 5.1 turns a native program's stderr into a terminating error under 'Stop'.
function Invoke-Native([string]$Program, [string[]]$Arguments) {
  $ErrorActionPreference = 'Continue'
  $null | & $Program @Arguments 2>&1 | Out-Null
  return $LASTEXITCODE
}

function Invoke-Mailmig([string[]]$Paths) {
  $arguments = @('apply', '--quiet', '--log', $LogFile)
  if (Test-Path -LiteralPath $Policy) { $arguments += @('--policy', $Policy) }
  return Invoke-Native $MailmigExe ($arguments + $Paths)
}

# Exports one registry key, migrates the export and imports the changed values.
function Update-RegistryKey([string]$Name, [string]$Key, [string]$ClientProcess) {
  if (-not (Test-Path -LiteralPath "Registry::$($Key -replace '^HKCU', 'HKEY_CURRENT_USER')")) {
    return  # that Office or Outlook Express is not installed for this user
  }
  $export = Join-Path $WorkDir "$Name.reg"
  $delta = Join-Path $WorkDir "$Name.delta.reg"
  $undo = Join-Path $WorkDir "$Name.undo.reg"
  # A delta left from an earlier logon must never be imported again.
  Remove-Item -LiteralPath $delta, $undo -Force -ErrorAction SilentlyContinue

  if ((Invoke-Native 'reg.exe' @('export', $Key, $export, '/y')) -ne 0) {
    Register-Result 1 "reg export $Key"
    return
  }

  $code = Invoke-Mailmig @($export)
  Register-Result $code $Key
  if ($code -ne 0 -or -not (Test-Path -LiteralPath $delta)) { return }
  # Value lines hold "="; a delta of headers and keys only means nothing changed.
  if (-not (Select-String -LiteralPath $delta -Pattern '=' -SimpleMatch -Quiet)) { return }
  # The client writes its settings back when it exits: an import while it runs would be lost.
  if (Get-Process -Name $ClientProcess -ErrorAction SilentlyContinue) {
    Register-Result 3 "$Key ($ClientProcess started meanwhile)"
    return
  }
  if ((Invoke-Native 'reg.exe' @('import', $delta)) -ne 0) {
    Register-Result 1 "reg import $delta (the registry is unchanged)"
    return
  }
  # Keep the undo file under a name of its own: the next logon's export reuses $Name.reg.
  $kept = Join-Path $UndoDir ('{0}-{1}.undo.reg' -f $Name, (Get-Date -Format 'yyyyMMdd-HHmmss'))
  Move-Item -LiteralPath $undo -Destination $kept -Force
  Remove-Item -LiteralPath $delta -Force
  Write-MailmigLog "$Key updated; undo with: reg import `"$kept`""
}

try {
  New-Item -ItemType Directory -Force -Path $UndoDir | Out-Null
  if (-not (Test-Path -LiteralPath $MailmigExe)) {
    Write-MailmigLog "mailmig.exe not found at $MailmigExe; nothing done"
    exit 2
  }
  if (-not (Test-Path -LiteralPath $Policy)) {
    Write-MailmigLog "no policy at $Policy; using the built-in policy"
  }

  Register-Result (Invoke-Mailmig @()) 'mail client profiles'

  # One export per key, so a key that is missing (an Office not installed) is skipped alone.
  Update-RegistryKey 'outlook16' 'HKCU\Software\Microsoft\Office\16.0\Outlook\Profiles' 'OUTLOOK'
  Update-RegistryKey 'outlook15' 'HKCU\Software\Microsoft\Office\15.0\Outlook\Profiles' 'OUTLOOK'
  Update-RegistryKey 'outlook-mapi' `
    'HKCU\Software\Microsoft\Windows NT\CurrentVersion\Windows Messaging Subsystem\Profiles' 'OUTLOOK'
  Update-RegistryKey 'outlook-express' 'HKCU\Software\Microsoft\Internet Account Manager' 'msimn'
} catch {
  # Anything unexpected (a folder that cannot be made, a failed move) is logged, never shown.
  Write-MailmigLog "failed: $($_.Exception.Message)"
  exit 1
}
exit $script:Result
