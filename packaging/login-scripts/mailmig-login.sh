#!/bin/sh
# mailmig-login.sh: migrate the user's mail settings once per login session (Linux, macOS).
#
# Works both ways it is deployed: sourced by /etc/profile (copied to /etc/profile.d/) or run by
# a desktop-session autostart entry (mailmig.desktop). Everything happens in a subshell with
# stdin from /dev/null, so nothing leaks into the login shell, nothing prompts, nothing is
# printed, and a failure never breaks the login: mailmig's result only goes to the log.
#
# Settings (environment variables, or shell assignments in $MAILMIG_LOGIN_CONF, by default
# /etc/mailmig/login.conf):
#   MAILMIG_BIN      the executable (default: mailmig in PATH, then /usr/bin, /usr/local/bin,
#                    /opt/mailmig/bin)
#   MAILMIG_POLICY   the policy (default: the first of mailmig-policy.xml beside the
#                    executable, the older names /etc/mailmig/mailmig-policy.xml and
#                    /usr/local/etc/mailmig/mailmig-policy.xml, and /etc/mailmig/policy.xml;
#                    none: mailmig's built-in policy). When set but missing, nothing runs: a
#                    policy other than the one IT chose must never be applied.
#   MAILMIG_LOG      the log (default: $XDG_STATE_HOME/mailmig/mailmig.log, beside the journal)
#   MAILMIG_LOGIN_DISABLE=1  turns the script off.
(
  # Logs one line; the log folder is private because mailmig's state lives beside it.
  log() {
    mkdir -p "$(dirname "$MAILMIG_LOG")" 2>/dev/null &&
      printf '%s mailmig-login: %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$*" >>"$MAILMIG_LOG"
  } 2>/dev/null

  # The first existing path among the arguments.
  first_existing() {
    for candidate in "$@"; do
      if [ -e "$candidate" ]; then
        printf '%s\n' "$candidate"
        return 0
      fi
    done
    return 1
  }

  umask 077
  [ -n "${HOME:-}" ] && [ -d "$HOME" ] || exit 0
  conf=${MAILMIG_LOGIN_CONF:-/etc/mailmig/login.conf}
  # shellcheck source=/dev/null
  [ -r "$conf" ] && . "$conf"
  [ "${MAILMIG_LOGIN_DISABLE:-0}" = 1 ] && exit 0

  state_home=${XDG_STATE_HOME:-$HOME/.local/state}
  MAILMIG_LOG=${MAILMIG_LOG:-$state_home/mailmig/mailmig.log}

  # Once per session: XDG_RUNTIME_DIR lives exactly as long as the user's session (logind
  # removes it at logout). mkdir is atomic, so the profile.d and autostart copies cannot both
  # run. Without it (macOS) the per-user TMPDIR is used, which lasts until reboot.
  session_dir=${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}
  marker="$session_dir/mailmig-login-$(id -u)-${XDG_SESSION_ID:-session}"
  if ! mkdir "$marker" 2>/dev/null; then
    # A marker someone else made cannot prove we ran: run anyway (mailmig locks profiles).
    [ -O "$marker" ] && exit 0
    log "cannot mark the session in $session_dir; running without the once-per-session guard"
  fi

  if [ -n "${MAILMIG_BIN:-}" ]; then
    binary=$MAILMIG_BIN
  else
    binary=$(command -v mailmig ||
      first_existing /usr/bin/mailmig /usr/local/bin/mailmig /opt/mailmig/bin/mailmig) ||
      binary=""
  fi
  if [ -z "$binary" ] || [ ! -x "$binary" ]; then
    log "mailmig not found (${binary:-searched PATH, /usr/bin, /usr/local/bin, /opt/mailmig/bin}); nothing done"
    exit 0
  fi

  if [ -n "${MAILMIG_POLICY:-}" ]; then
    if [ ! -r "$MAILMIG_POLICY" ]; then
      log "policy $MAILMIG_POLICY cannot be read; nothing done"
      exit 0
    fi
    policy=$MAILMIG_POLICY
  else
    # The older names come before the package's /etc/mailmig/policy.xml, which is only a
    # sample until IT edits it.
    policy=$(first_existing "$(dirname "$binary")/mailmig-policy.xml" \
      /etc/mailmig/mailmig-policy.xml /usr/local/etc/mailmig/mailmig-policy.xml \
      /etc/mailmig/policy.xml) || policy=""
  fi

  if [ -n "$policy" ]; then
    "$binary" apply --quiet --log "$MAILMIG_LOG" --policy "$policy"
  else
    "$binary" apply --quiet --log "$MAILMIG_LOG"
  fi
  status=$?
  case $status in
    0) log "done (policy: ${policy:-built-in})" ;;
    3) log "a mail client is running, or mailmig's --timeout passed; the profiles skipped are retried at the next login" ;;
    1) log "some profile could not be read or written (left untouched); see the lines above" ;;
    2) log "usage error or invalid policy ${policy:-built-in}; fix the deployment" ;;
    *) log "mailmig exited with status $status" ;;
  esac
  exit 0
) </dev/null >/dev/null 2>&1
true
