#!/usr/bin/env python3
"""Descriptor exhaustion: under `ulimit -n 256`, 600 clients. usher stops accepting before the
limit (descriptors kept for the control socket, upstream connects and its files), leaves the rest
in the kernel backlog, says so once, keeps answering on the control socket and carrying admitted
connections, and takes the rest by itself as clients leave. A --max-connections the limit cannot
hold is refused at start, with the numbers.

SCALE=small uses 300 clients."""
import json
import os
import resource
import subprocess
import time

from common import USHER, Usher, connect, main, raise_open_files, report

SCENARIO = "descriptor exhaustion"
SMALL = os.environ.get("SCALE") == "small"


def pending(usher):
    listing = usher.client("listeners", "--json", timeout=20)
    return json.loads(listing.stdout)[0] if listing.returncode == 0 else None


def exhaustion():
    count = 300 if SMALL else 600
    raise_open_files(count * 2 + 1000)
    with Usher("--policy", "ask", "--pending-timeout", "none", open_files=256) as usher:
        clients = [connect(usher.port) for _ in range(count)]
        for client in clients:
            client.sendall(b"GET / HTTP/1.0\r\n\r\n")
        usher.wait_for("paused", lambda: (pending(usher) or {}).get("paused") is True, timeout=30)
        listener = pending(usher) or {}
        held = listener.get("pending", 0)
        descriptors = usher.descriptors()
        answers = usher.client("ls", "--json").returncode == 0
        paused_lines = [line for line in usher.text().splitlines() if " paused " in line or "paused listener" in line]
        report(SCENARIO, f"ulimit -n 256 and {count} clients: usher holds what the limit allows, the rest wait in the kernel backlog, one log line, the control socket answers",
               f"{held} held, {descriptors} descriptors open, {len(paused_lines)} paused line(s), usher ls {'answers' if answers else 'fails'}",
               0 < held < count and descriptors < 256 and len(paused_lines) == 1 and answers)
        # The admitted flow; as clients are answered and leave, the rest come in by themselves.
        served = 0
        deadline = time.time() + (60 if SMALL else 120)
        while served < count and time.time() < deadline:
            if usher.client("accept", "all").returncode not in (0, 1):
                break
            for client in clients:
                if client.fileno() < 0:
                    continue
                client.setblocking(False)
                try:
                    data = client.recv(4096)
                except BlockingIOError:
                    continue
                if b"200 OK" in data:
                    served += 1
                client.close()
            time.sleep(0.1)
        for client in clients:
            client.close()
        errors = usher.error_lines()
        report(SCENARIO, f"accepted in turns as the others leave, all {count} are served without an error line",
               f"{served}/{count} served; {len(errors)} error line(s)", served == count and not errors)


def refused_at_start():
    result = subprocess.run(
        [USHER, "serve", "--listen", "127.0.0.1:0", "--max-connections", "1000", "--journal", "none",
         "--control", f"/tmp/usher-torture-{os.getpid()}.sock"],
        capture_output=True, text=True, timeout=30,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256)))
    first = (result.stderr.strip().splitlines() or ["(nothing)"])[-1]
    report(SCENARIO, "--max-connections 1000 under ulimit -n 256 is refused at start, with the numbers",
           f"exit {result.returncode}: {first[:200]}", result.returncode == 64 and "256" in result.stderr)


if __name__ == "__main__":
    main(SCENARIO, lambda: [step() for step in (exhaustion, refused_at_start)])
