#!/usr/bin/env python3
"""Flood: new connections at the machine's full rate through --policy accept, then through rules
that reject every fourth (a probe path); afterwards usher's counters and the clients' counts
agree exactly, every connection got its whole answer, and the log has no error line.

DURATION (seconds, default 30) sets the length; SCALE=small makes it 1 s from 2 threads."""
import json
import os
import threading
import time

from common import Usher, ended, exchange, main, raise_open_files, report, scratch_folder

SCENARIO = "flood"
SMALL = os.environ.get("SCALE") == "small"
DURATION = 1 if SMALL else float(os.environ.get("DURATION", "30"))
THREADS = 2 if SMALL else 8


def client_loop(port, until, counts, lock, probes):
    """Connections one after another until `until`; with `probes`, every fourth asks for a path
    the rules reject."""
    sent = complete = refused = failed = 0
    while time.time() < until:
        sent += 1
        probe = probes and sent % 4 == 0
        path = b"/probe" if probe else b"/flood"
        try:
            reply = exchange(port, b"GET " + path + b" HTTP/1.0\r\n\r\n")
            if probe:
                refused += reply == b"HTTP/1.0 403 Forbidden\r\n\r\n"
            else:
                complete += reply.startswith(b"HTTP/1.0 200 OK") and reply.endswith(b"You sent: GET /flood HTTP/1.0\n")
        except OSError:
            failed += 1
    with lock:
        counts["sent"] += sent
        counts["complete"] += complete
        counts["refused"] += refused
        counts["failed"] += failed


def run_flood(usher, probes):
    counts, lock = {"sent": 0, "complete": 0, "refused": 0, "failed": 0}, threading.Lock()
    until = time.time() + DURATION
    threads = [threading.Thread(target=client_loop, args=(usher.port, until, counts, lock, probes)) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usher.wait_for("quiet", lambda: json.loads(usher.client("listeners", "--json").stdout)[0]["counters"]["pending"] == 0, timeout=20)
    return counts, json.loads(usher.client("listeners", "--json").stdout)[0]["counters"]


def flood():
    raise_open_files(20000)
    with Usher("--policy", "accept", "--log-level", "notice") as usher:
        counts, counters = run_flood(usher, probes=False)
        finished = ended(counters)
        errors = usher.error_lines()
        report(SCENARIO, f"{DURATION:.0f}s of new connections through --policy accept: counters add up and match the clients, every reply whole, no error line",
               f"{counts['sent']} sent ({counts['sent'] / DURATION:.0f}/s), {counts['complete']} whole replies, {counts['failed']} failed; usher: arrived {counters['arrived']} = "
               f"accepted {counters['accepted']} + the rest {finished - counters['accepted']}; {len(errors)} error line(s)",
               counters["arrived"] == finished == counters["accepted"] == counts["sent"] == counts["complete"] and not errors)


RULES = """inspect_delay = "2s"

[[rule]]
name = "probes"
path = ["/probe*"]
action = "reject"
message = "HTTP/1.0 403 Forbidden\\r\\n\\r\\n"

[default]
action = "accept"
"""


def flood_with_rules():
    rules = os.path.join(scratch_folder("usher-torture-rules-"), "rules.toml")
    with open(rules, "w") as file:
        file.write(RULES)
    with Usher("--rules", rules, "--log-level", "notice") as usher:
        counts, counters = run_flood(usher, probes=True)
        finished = ended(counters)
        errors = usher.error_lines()
        report(SCENARIO, f"{DURATION:.0f}s of new connections through rules (every fourth a probe the rules reject): counters add up, each got its answer",
               f"{counts['sent']} sent: {counts['complete']} proxied whole, {counts['refused']} refused with 403, {counts['failed']} failed; usher: "
               f"accepted {counters['accepted']}, rejected {counters['rejected']} of {counters['arrived']}; {len(errors)} error line(s)",
               counters["arrived"] == finished == counts["sent"] and counters["accepted"] == counts["complete"]
               and counters["rejected"] == counts["refused"] and counts["complete"] + counts["refused"] == counts["sent"] and not errors)


if __name__ == "__main__":
    main(SCENARIO, lambda: [step() for step in (flood, flood_with_rules)])
