#!/usr/bin/env python3
"""The luvirt shell as a person and as a pipe see it, against test:///default.

    test_repl.py tty LUVIRT     the REPL through a pseudo-terminal
    test_repl.py stdin LUVIRT   lines from a pipe, a file, /dev/null; the
                                installed layout (../share/luvirt)

LUVIRT_DATADIR must name the scripts folder. Every run gets a fresh temporary
HOME and XDG folders, so nothing of the user's is read or written.
Only the standard library: pty, os, select, subprocess.
"""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

URI = "test:///default"
PROMPT = r"luvirt # "
# Terminal control sequences readline writes (cursor moves, bracketed paste).
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r|\x07")

failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def sandbox_env(root):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("XDG_") and k not in ("LUVIRT_DEFAULT_URI", "LUVIRT_PATH")}
    env.update({
        "HOME": root,
        "XDG_CONFIG_HOME": os.path.join(root, "config"),
        "XDG_DATA_HOME": os.path.join(root, "data"),
        "XDG_STATE_HOME": os.path.join(root, "state"),
        "XDG_CACHE_HOME": os.path.join(root, "cache"),
        "LUVIRT_DEFAULT_URI": URI,
        "TERM": "xterm",
        "INPUTRC": "/dev/null",
        "LC_ALL": "C.UTF-8",
    })
    return env


class Terminal:
    """A child process on a pseudo-terminal, and what it printed so far."""

    def __init__(self, argv, env):
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.raw = b""
        self.pos = 0  # where the next expect starts looking
        self.status = None

    def text(self):
        return CONTROL.sub("", self.raw.decode("utf-8", "replace"))

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return True
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # EIO: the child is gone
            data = b""
        if not data:
            return False
        self.raw += data
        return True

    def expect(self, pattern, timeout=10.0, since=None):
        """Waits until pattern appears after the last match (or after since, a
        position from mark()); returns the match or None."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.text(), self.pos if since is None else since)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                return None

    def mark(self):
        """The position after the last match (stable: later output cannot shift it)."""
        return self.pos

    def settle(self, seconds):
        """Reads whatever comes for a while."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self._read(deadline - time.monotonic()):
            pass

    def send(self, s):
        os.write(self.fd, s.encode())

    def wait(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                return os.waitstatus_to_exitcode(status)
            self._read(0.05)
        return None

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self.fd)

    def transcript(self):
        return self.text()


def find_history(root, line):
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            try:
                with open(p, encoding="utf-8", errors="replace") as fh:
                    if line in [l.rstrip() for l in fh.read().splitlines()]:
                        return p
            except OSError:
                pass
    return None


def test_tty(luvirt, root):
    term = Terminal([luvirt, "-c", URI], sandbox_env(root))
    try:
        check(term.expect(PROMPT) is not None, "the REPL shows its prompt")

        # Completion of a domain name from the live connection.
        line_start = term.mark()
        term.send("dominfo te")
        term.expect("dominfo te")
        time.sleep(0.3)  # the completion cache is refreshed in a task at start
        term.send("\t")
        check(term.expect(r"dominfo test", 5, since=line_start) is not None,
              "Tab completes 'dominfo te' to 'test'")
        term.send("\r")
        check(term.expect(r"Name:\s+test") is not None, "the completed line runs dominfo test")
        check(term.expect(PROMPT) is not None, "the prompt comes back")

        # History: Up recalls the last line, and the file is written per line.
        term.send("\x1b[A")
        check(term.expect(r"dominfo test", 5) is not None, "Up arrow recalls 'dominfo test'")
        term.send("\r")
        check(term.expect(r"Name:\s+test") is not None, "the recalled line runs again")
        term.expect(PROMPT)
        hist = find_history(root, "dominfo test")
        check(hist is not None, "the history file holds the line (%s)" % hist)

        # The loop keeps running while a person types.
        term.send("lua luvirt.spawn(function() luvirt.sleep(300) print('tick-tock') "
                  "io.stdout:flush() end)\r")
        term.expect(PROMPT)
        term.send("dom")
        check(term.expect(r"tick-tock", 5) is not None,
              "a background task prints while the prompt waits for input")

        # Ctrl-C at the prompt drops the half-typed line.
        term.send("\x03")
        term.expect(PROMPT)
        term.send("domstate test\r")
        check(term.expect(r"\brunning\b") is not None, "Ctrl-C at the prompt clears the line")
        term.expect(PROMPT)

        # Ctrl-C at the continuation prompt drops the unfinished Lua chunk.
        term.send("lua for i = 1, 2 do\r")
        check(term.expect(r">> ", 5) is not None, "an unfinished chunk asks for more")
        term.send("\x03")
        check(term.expect(PROMPT, 5) is not None, "Ctrl-C drops it: the command prompt is back")

        # Ctrl-C while a line's task waits: the task ends, the shell stays.
        term.send("lua luvirt.sleep(10000) print('slept-through')\r")
        time.sleep(0.5)
        t0 = time.monotonic()
        term.send("\x03")
        back = term.expect(PROMPT, 5)
        check(back is not None and time.monotonic() - t0 < 5,
              "Ctrl-C cancels a 10 s sleep and the prompt returns")
        check(not re.search(r"^slept-through$", term.text(), re.M),
              "the cancelled chunk did not go on")
        term.send("domstate test\r")
        check(term.expect(r"\brunning\b") is not None, "the shell answers the next command")
        term.expect(PROMPT)

        # Ctrl-C while a line's task computes (no wait to cancel: the hook).
        term.send("lua while true do end\r")
        time.sleep(0.5)
        term.send("\x03")
        check(term.expect(PROMPT, 5) is not None, "Ctrl-C stops a busy Lua loop")
        term.send("dominfo test\r")
        check(term.expect(r"Name:\s+test") is not None, "the shell still works after that")
        term.expect(PROMPT)

        # Stopped and continued (Ctrl-Z, fg) at the prompt: the line editor still works.
        os.kill(term.pid, signal.SIGSTOP)
        time.sleep(0.2)
        os.kill(term.pid, signal.SIGCONT)
        term.send("domstate te\t\r")
        check(term.expect(r"\brunning\b") is not None, "the prompt works after SIGSTOP/SIGCONT")
        term.expect(PROMPT)

        # Ctrl-D leaves with status 0.
        term.send("\x04")
        code = term.wait(10)
        check(code == 0, "Ctrl-D leaves with exit status 0 (got %s)" % code)
    finally:
        if failures:
            print("---- transcript ----\n" + term.transcript() + "\n---- end ----")
        term.kill()

    # A new session reads the history file: Up recalls the last line of the last one.
    term = Terminal([luvirt, "-c", URI], sandbox_env(root))
    try:
        term.expect(PROMPT)
        term.send("\x1b[A")
        check(term.expect(r"domstate test", 5) is not None,
              "a new session recalls the previous session's last line")
        term.send("\r")
        check(term.expect(r"\brunning\b") is not None, "and runs it")
        term.expect(PROMPT)
        term.send("\x04")
        check(term.wait(10) == 0, "the second session ends with status 0")
    finally:
        term.kill()


def run(argv, env, stdin=None, input_=None, cwd=None, timeout=20):
    return subprocess.run(argv, env=env, stdin=stdin, input=input_, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)


def test_stdin(luvirt, root):
    env = sandbox_env(root)

    p = run([luvirt, "-c", URI], env, input_=b"list --all\ndomstate test\n")
    out = p.stdout.decode()
    check(p.returncode == 0 and re.search(r"\btest\b", out) and "running" in out,
          "lines from a pipe run (status %d)" % p.returncode)
    check("luvirt #" not in out, "no prompt is printed for piped input")

    path = os.path.join(root, "lines.txt")
    with open(path, "w") as f:
        f.write("domstate test\nquit\ndomstate test\n")
    with open(path, "rb") as f:
        p = run([luvirt, "-c", URI], env, stdin=f)
    check(p.returncode == 0 and p.stdout.decode().count("running") == 1,
          "lines from a regular file run, up to quit (status %d)" % p.returncode)

    with open(os.devnull, "rb") as f:
        p = run([luvirt, "-c", URI], env, stdin=f)
    check(p.returncode == 0 and p.stdout == b"", "/dev/null as input: nothing, status 0")

    # A task from an earlier line runs while the pipe is quiet.
    proc = subprocess.Popen([luvirt, "-c", URI], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.stdin.write(b"lua luvirt.spawn(function() luvirt.sleep(100) "
                         b"print('bg-done') io.stdout:flush() end)\n")
        proc.stdin.flush()
        got = b""
        deadline = time.monotonic() + 5
        while b"bg-done" not in got and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.2)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                got += chunk
        check(b"bg-done" in got, "a spawned task runs while the input pipe is idle")
        proc.stdin.close()
        check(proc.wait(10) == 0, "end of piped input leaves with status 0")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    # Exit statuses of one command.
    p = run([luvirt, "-c", URI, "domstate", "test"], env)
    check(p.returncode == 0, "a command that works: status 0")
    p = run([luvirt, "-c", URI, "domstate", "no-such-domain"], env)
    check(p.returncode == 1 and p.stderr.decode().startswith("error: "),
          "a failing command: status 1 and 'error: ...' (%d)" % p.returncode)
    p = run([luvirt, "-c", URI, "no-such-command"], env)
    check(p.returncode == 2, "an unknown command: status 2 (%d)" % p.returncode)

    # Ctrl-C (SIGINT) while one command waits: status 130, promptly.
    proc = subprocess.Popen([luvirt, "-c", URI, "-e", "lua luvirt.sleep(10000)"], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    time.sleep(0.5)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    check(time.monotonic() - t0 < 5 and proc.returncode == 130,
          "SIGINT ends a sleeping command at once, status 130 (%s)" % proc.returncode)

    # The installed layout: BIN/luvirt finds BIN/../share/luvirt, from any directory.
    datadir = os.environ.get("LUVIRT_DATADIR")
    if check(datadir is not None, "LUVIRT_DATADIR names the scripts folder"):
        prefix = os.path.join(root, "prefix")
        os.makedirs(os.path.join(prefix, "bin"))
        os.makedirs(os.path.join(prefix, "share"))
        shutil.copy2(luvirt, os.path.join(prefix, "bin", "luvirt"))
        os.symlink(os.path.abspath(datadir), os.path.join(prefix, "share", "luvirt"))
        env2 = dict(env)
        del env2["LUVIRT_DATADIR"]
        p = run([os.path.join(prefix, "bin", "luvirt"), "-c", URI, "list", "--all"], env2,
                cwd="/")
        check(p.returncode == 0 and re.search(r"\btest\b", p.stdout.decode()),
              "a relocated binary finds ../share/luvirt (status %d: %s)"
              % (p.returncode, p.stderr.decode().strip()))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("tty", "stdin"):
        print(__doc__)
        return 2
    luvirt = os.path.abspath(sys.argv[2])
    root = tempfile.mkdtemp(prefix="luvirt-repl-")
    try:
        (test_tty if sys.argv[1] == "tty" else test_stdin)(luvirt, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
