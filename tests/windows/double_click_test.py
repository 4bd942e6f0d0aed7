#!/usr/bin/env python3
"""The issue 17 demo under Wine: a double-clicked mailmig.exe in Japanese.

mailmig.exe is copied into a folder with its policy and its Japanese catalogue beside it, as the
zip ships it. Live Outlook keys (made with `wine reg add`) and a Thunderbird profile in the Wine
user's %APPDATA% are what it migrates. It is started with no arguments on a pseudo-terminal,
so that it owns its console as a double-clicked program does, with a Japanese UI language. The
driver answers "y", then checks the Japanese text on the screen, the wait at "Press Enter", the
exit code, the registry and prefs.js, and finally runs the printed undo command and checks that
both are back as they were.

Usage: double_click_test.py MAILMIG.EXE SOURCE_DIR WORK_DIR
(WINEPREFIX and a running Wine server come from the caller, as for every Windows test.)
Wine is never run inside a pipe (its server keeps the pipe open): its output goes to files.
"""
import fcntl
import getpass
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
import tty

EXE, SOURCE_DIR, WORK = (os.path.abspath(argument) for argument in sys.argv[1:4])
OFFICE = r"HKCU\Software\Microsoft\Office\16.0\Outlook"
ACCOUNT = OFFICE + r"\Profiles\Outlook\9375CFF0413111d3B88A00104B2A6676\00000002"
# A Japanese user: Wine takes its UI language from LC_MESSAGES and passes the variable on to
# Windows programs, where mailmig reads it before GetUserDefaultUILanguage(). The character set
# stays C.UTF-8, a locale every Debian has: Wine writes its console to the terminal in the Unix
# locale's character set, and a ja_JP.UTF-8 that is not installed would make that ASCII ("?").
JAPANESE = {"LANG": "C.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}
# Each step waits at most this long: Wine on a busy 2-core machine takes seconds per start.
STEP_SECONDS = 180


class Failure(Exception):
    pass


def wine(*args, env_extra=None):
    """Runs a Wine program with its streams on files; returns (exit code, its output)."""
    out_path = os.path.join(WORK, "wine.out")
    env = wine_environment(env_extra or {})
    with open(os.devnull, "rb") as stdin, open(out_path, "wb") as out:
        code = subprocess.call(["wine", *args], stdin=stdin, stdout=out, stderr=out, env=env,
                               timeout=STEP_SECONDS)
    with open(out_path, "rb") as out:
        return code, out.read().decode("utf-8", "replace")


def wine_environment(extra):
    env = dict(os.environ, WINEDEBUG="-all", **extra)
    env.pop("LC_ALL", None)  # it would hide LC_MESSAGES
    return env


def windows_path(unix_path):
    return "Z:" + unix_path.replace("/", "\\")


def utf16_hex(text):
    return (text.encode("utf-16-le") + b"\0\0").hex()


def add_value(name, kind, data):
    code, out = wine("reg", "add", ACCOUNT, "/v", name, "/t", kind, "/d", data, "/f")
    if code != 0:
        raise Failure(f"reg add {name}: exit {code}: {out}")


def export_registry(stem):
    target = os.path.join(WORK, stem + ".reg")
    code, out = wine("reg", "export", OFFICE, windows_path(target), "/y")
    if code != 0:
        raise Failure(f"reg export: exit {code}: {out}")
    with open(target, "rb") as exported:
        return exported.read()


def screen_text(raw):
    """The text a person reads: Wine's tty console moves the cursor instead of writing spaces
    and hides and shows it around each character; lines wrap at the console's width."""
    text = re.sub(rb"\x1b\[(\d*)C", lambda m: b" " * int(m.group(1) or b"1"), raw)
    text = re.sub(rb"\x1b\][^\x07]*\x07", b"", text)
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", text)
    return text.replace(b"\r", b"").decode("utf-8", "replace")


def squeezed(text):
    """Without any white space: a line wrapped at the console's edge still matches."""
    return re.sub(r"\s+", "", text)


class Console:
    """mailmig.exe on a pseudo-terminal, as a person at its console window sees it."""

    def __init__(self, argv, env):
        self.raw = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            # Keys reach Wine's console as typed (Enter as CR), whether or not it has put the
            # terminal in raw mode yet when they come.
            tty.setraw(0)
            os.chdir(WORK)
            os.execvpe(argv[0], argv, env)
        # A wide window keeps most lines whole.
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.status = None
        self.closed = False

    def read_for(self, seconds):
        """Reads what comes for up to `seconds`; False once the program has gone."""
        if self.closed:
            return False
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the terminal's last writer has gone
            chunk = b""
        self.closed = not chunk
        self.raw += chunk
        with open(os.path.join(WORK, "console.raw"), "wb") as saved:
            saved.write(self.raw)
        return not self.closed

    def watch(self, seconds):
        """Reads whatever comes for `seconds` (less if the program ends)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.read_for(max(0.0, deadline - time.monotonic())):
            pass

    def text(self):
        return screen_text(self.raw)

    def wait_for(self, expected, what):
        deadline = time.monotonic() + STEP_SECONDS
        while squeezed(expected) not in squeezed(self.text()):
            if time.monotonic() > deadline or not self.read_for(1.0):
                raise Failure(f"no {what} ({expected!r}) on the console; it shows:\n{self.text()}")

    def still_running(self):
        if self.status is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.status = status
        return False

    def send(self, keys):
        os.write(self.fd, keys)

    def exit_code(self):
        deadline = time.monotonic() + STEP_SECONDS
        while self.status is None:
            if not self.still_running():
                break
            if time.monotonic() > deadline:
                os.kill(self.pid, 9)
                raise Failure(f"mailmig.exe did not end after Enter; the console shows:\n"
                              f"{self.text()}")
            if not self.read_for(0.5):
                time.sleep(0.2)  # the terminal is closed: Wine is ending the process
        return os.waitstatus_to_exitcode(self.status)


def catalogue():
    """msgid -> msgstr of po/ja.po."""
    entries, msgid, text, kind = {}, None, "", None

    def finish():
        if kind == "str":
            entries[msgid] = unquote(text)

    with open(os.path.join(SOURCE_DIR, "po", "ja.po"), encoding="utf-8") as po:
        for line in po.read().split("\n"):
            if line.startswith('"') and kind:
                text += line
                continue
            finish()
            kind = None
            if line.startswith("msgid "):
                text, kind = line[6:], "id"
            elif line.startswith("msgstr "):
                msgid, text, kind = unquote(text), line[7:], "str"
    finish()
    return entries


def unquote(quoted):
    pieces = re.findall(r'"((?:[^"\\]|\\.)*)"', quoted)
    return "".join(pieces).replace('\\"', '"').replace("\\n", "\n")


def japanese(po, english):
    translated = po.get(english, "")
    if not translated or translated.isascii():
        raise Failure(f"po/ja.po has no Japanese for {english!r}")
    return translated


def appears(message, screen):
    """Whether a translated message, its {placeholders} filled by anything, is on the screen."""
    pieces = [re.escape(squeezed(piece)) for piece in re.split(r"\{\w+\}", message)]
    return re.search(".*?".join(pieces), squeezed(screen), re.DOTALL) is not None


def set_up():
    shutil.rmtree(WORK, ignore_errors=True)
    app = os.path.join(WORK, "app")
    os.makedirs(app)
    shutil.copy(EXE, os.path.join(app, "mailmig.exe"))
    shutil.copytree(os.path.join(os.path.dirname(EXE), "locale"), os.path.join(app, "locale"))
    with open(os.path.join(SOURCE_DIR, "fixtures", "policies", "004-kumail.xml"),
              encoding="utf-8") as policy:
        text = policy.read()
    # No server check: this test has no network (see the README's Windows section).
    text = text.replace("  <move match", '  <verification mode="off"/>\n  <move match', 1)
    with open(os.path.join(app, "mailmig-policy.xml"), "w", encoding="utf-8") as policy:
        policy.write(text)

    wine("reg", "delete", OFFICE, "/f")
    add_value("Account Name", "REG_BINARY", utf16_hex("京大 KUMail"))
    add_value("Email", "REG_BINARY", utf16_hex("tanaka@kumail.kyoto-u.ac.jp"))
    add_value("POP3 Server", "REG_BINARY", utf16_hex("pop.kumail.kyoto-u.ac.jp"))
    add_value("POP3 User", "REG_BINARY", utf16_hex("tanaka"))
    add_value("SMTP Server", "REG_BINARY", utf16_hex("smtp.kumail.kyoto-u.ac.jp"))
    add_value("SMTP Port", "REG_DWORD", "25")
    add_value("clsid", "REG_SZ", "{ED475411-B0D6-11D2-8C3B-00104B2A6676}")

    roaming = os.path.dirname(THUNDERBIRD)
    if not os.path.isdir(roaming):
        raise Failure(f"no %APPDATA% of the Wine user at {roaming}")
    shutil.rmtree(THUNDERBIRD, ignore_errors=True)
    shutil.copytree(os.path.join(SOURCE_DIR, "fixtures", "homes", "windows", "AppData", "Roaming",
                                 "Thunderbird"), THUNDERBIRD)
    shutil.rmtree(STATE, ignore_errors=True)
    return app


def clean_up():
    wine("reg", "delete", OFFICE, "/f")
    shutil.rmtree(THUNDERBIRD, ignore_errors=True)
    shutil.rmtree(STATE, ignore_errors=True)


def read_prefs():
    with open(PREFS, "rb") as prefs:
        return prefs.read()


def check(condition, message):
    if not condition:
        raise Failure(message)


def run_demo():
    app = set_up()
    po = catalogue()
    registry_before = export_registry("before")
    prefs_before = read_prefs()

    console = Console(["wine", os.path.join(app, "mailmig.exe")], wine_environment(JAPANESE))
    console.wait_for(japanese(po, "mailmig will change these mail accounts:"), "plan")
    console.wait_for(japanese(po, "Apply these changes? (d: show every setting) [y/N/d] "),
                     "question")
    check("(Outlook)" in console.text() and "(Thunderbird)" in console.text(),
          "the plan names not both Outlook and Thunderbird:\n" + console.text())
    check(console.still_running(), "mailmig.exe ended at its question")
    console.send(b"y\r")
    console.wait_for(japanese(po, "Press Enter to close this window."), "Press Enter")
    screen = console.text()
    # It waits for Enter: still there a moment later with nothing typed (a program that did not
    # wait would have ended as soon as it printed the line).
    console.watch(2.0)
    check(console.still_running(), "mailmig.exe did not wait at \"Press Enter\"")

    done = japanese(po, "Done: the settings of {accounts} mail accounts were changed "
                        "({changes} changes).")
    check(appears(done, screen), "no \"Done\" line:\n" + screen)
    undo = japanese(po, "Backups of the original files are in {folder}.\nTo undo this run: "
                        "{program} rollback{run}{state}\n")
    check(appears(undo, screen), "no backup folder and undo command:\n" + screen)
    undo_label = undo.split("\n")[1].split("{")[0].strip()
    match = re.search(re.escape(undo_label) + r"\s*(\S+mailmig\.exe)\s+rollback", screen)
    check(match is not None, f"no undo command ({undo_label!r}) on the console:\n" + screen)
    backup = re.search(r"([A-Z]:\\\S*\\backups\\)", screen)
    check(backup is not None and "/" not in backup.group(1),
          "the backup folder is not printed with backslashes:\n" + screen)
    check("\ufffd" not in screen and "Ã" not in screen and "å" not in screen,
          "mojibake on the console:\n" + screen)

    console.send(b"\r")
    code = console.exit_code()
    check(code == 0, f"exit code {code} after applying (0 expected):\n" + console.text())

    code, values = wine("reg", "query", ACCOUNT)
    check(code == 0 and "pop.gmail.com".encode("utf-16-le").hex().upper() in
          values.replace(" ", "").upper(),
          "the Outlook account does not name pop.gmail.com:\n" + values)
    check(export_registry("after") != registry_before, "the registry did not change")
    prefs_after = read_prefs()
    check(b'"pop.gmail.com"' in prefs_after and b'"pop.kumail.kyoto-u.ac.jp"' not in prefs_after,
          "prefs.js was not migrated")

    # The undo command as printed, run as a person would type it in cmd.exe.
    program = match.group(1)
    code, out = wine(program, "rollback", env_extra=JAPANESE)
    check(code == 0, f"the printed undo command failed (exit {code}):\n{out}")
    check(export_registry("undone") == registry_before,
          "the registry export after rollback differs from the one before")
    check(read_prefs() == prefs_before, "prefs.js after rollback differs from the one before")


HOME_PARTS = ["drive_c", "users", getpass.getuser(), "AppData"]
THUNDERBIRD = os.path.join(os.environ.get("WINEPREFIX", ""), *HOME_PARTS, "Roaming", "Thunderbird")
PREFS = os.path.join(THUNDERBIRD, "Profiles", "x8f2k1qz.default-release", "prefs.js")
STATE = os.path.join(os.environ.get("WINEPREFIX", ""), *HOME_PARTS, "Local", "mailmig")


def main():
    if not os.environ.get("WINEPREFIX"):
        print("FAIL: WINEPREFIX is not set (run through CTest of the Windows build)")
        return 1
    try:
        run_demo()
    except (Failure, subprocess.TimeoutExpired) as failure:
        print(f"FAIL: {failure}")
        return 1
    finally:
        clean_up()
    print("PASS: the Japanese double-click demo migrated Outlook and Thunderbird and was undone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
