#!/usr/bin/env python3
"""Flood: new connections at the machine's full rate through --policy accept; afterwards usher's
counters and the clients' counts agree exactly, every accepted connection got the upstream's
whole reply, and the log has no error line.

DURATION (seconds, default 30) sets the length; SCALE=small makes it 1 s from 2 threads."""
import json
import os
import socket
import threading
import time

from common import Usher, main, raise_open_files, report

SCENARIO = "flood"
SMALL = os.environ.get("SCALE") == "small"
DURATION = 1 if SMALL else float(os.environ.get("DURATION", "30"))
THREADS = 2 if SMALL else 8


def client_loop(port, until, counts, lock):
    sent = complete = failed = 0
    while time.time() < until:
        sent += 1
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
                client.sendall(b"GET /flood HTTP/1.0\r\n\r\n")
                reply = b""
                while True:
                    chunk = client.recv(4096)
                    if not chunk:
                        break
                    reply += chunk
            complete += reply.startswith(b"HTTP/1.0 200 OK") and reply.endswith(b"You sent: GET /flood HTTP/1.0\n")
        except OSError:
            failed += 1
    with lock:
        counts["sent"] += sent
        counts["complete"] += complete
        counts["failed"] += failed


def flood():
    raise_open_files(20000)
    with Usher("--policy", "accept", "--log-level", "notice") as usher:
        counts, lock = {"sent": 0, "complete": 0, "failed": 0}, threading.Lock()
        until = time.time() + DURATION
        threads = [threading.Thread(target=client_loop, args=(usher.port, until, counts, lock)) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        usher.wait_for("quiet", lambda: json.loads(usher.client("listeners", "--json").stdout)[0]["counters"]["pending"] == 0, timeout=20)
        counters = json.loads(usher.client("listeners", "--json").stdout)[0]["counters"]
        ended = sum(counters[key] for key in ("accepted", "rejected", "withdrawn", "expired", "overflowed", "pending"))
        errors = usher.error_lines()
        rate = counts["sent"] / DURATION
        report(SCENARIO, f"{DURATION:.0f}s of new connections through --policy accept: counters add up and match the clients, every reply whole, no error line",
               f"{counts['sent']} sent ({rate:.0f}/s), {counts['complete']} whole replies, {counts['failed']} failed; usher: arrived {counters['arrived']} = "
               f"accepted {counters['accepted']} + the rest {ended - counters['accepted']}; {len(errors)} error line(s)",
               counters["arrived"] == ended == counters["accepted"] == counts["sent"] == counts["complete"] and not errors)


if __name__ == "__main__":
    main(SCENARIO, flood)
