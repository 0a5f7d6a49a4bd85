#!/usr/bin/env python3
"""Drive csrkit in a real pseudo-terminal: a tiny expect(1).

usage: pty_driver.py SCRIPT.json -- csrkit ARGS...
SCRIPT is a list of [pattern, reply] pairs: wait until the screen output
(ANSI codes stripped) matches the regex `pattern` since the last match,
then type `reply`. Exits with the child's exit code (128 + N when a
signal N ended it); prints the whole transcript to stdout, then one line
`[pty_driver] cursor=visible|hidden echo=on|off icanon=on|off` telling
how the child left the terminal (the last cursor show/hide sequence it
wrote, and the line discipline's flags after it exited). Fails (exit 99)
if a pattern does not show up within 20 seconds. PTY_COLS sets the
terminal's width (default 160).
"""
import fcntl, json, os, pty, re, select, struct, sys, termios, time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\r")

def main():
    script = json.load(open(sys.argv[1]))
    argv = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    cols = int(os.environ.get("PTY_COLS", "160"))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    transcript = b""
    seen = 0  # transcript offset after the last match

    def pump(timeout):
        nonlocal transcript
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        if not data:
            return False
        transcript += data
        return True

    for pattern, reply in script:
        deadline = time.time() + 20
        rx = re.compile(pattern.encode())
        while True:
            clean = ANSI.sub(b"", transcript[seen:])
            m = rx.search(clean)
            if m:
                seen = len(transcript)
                break
            if time.time() > deadline or not pump(0.2):
                sys.stdout.write(ANSI.sub(b"", transcript).decode("utf-8", "replace"))
                sys.stdout.write(f"\n[pty_driver] timed out waiting for {pattern!r}\n")
                os.kill(pid, 9)
                sys.exit(99)
        time.sleep(0.05)
        os.write(fd, reply.encode())
    while pump(0.5):
        pass
    _, status = os.waitpid(pid, 0)
    try:
        lflag = termios.tcgetattr(fd)[3]
        echo = "on" if lflag & termios.ECHO else "off"
        icanon = "on" if lflag & termios.ICANON else "off"
    except termios.error:
        echo = icanon = "unknown"
    hidden = transcript.rfind(b"\x1b[?25l") > transcript.rfind(b"\x1b[?25h")
    sys.stdout.write(ANSI.sub(b"", transcript).decode("utf-8", "replace"))
    cursor = "hidden" if hidden else "visible"
    sys.stdout.write(f"\n[pty_driver] cursor={cursor} echo={echo} icanon={icanon}\n")
    code = os.waitstatus_to_exitcode(status)
    sys.exit(128 - code if code < 0 else code)

main()
