#!/usr/bin/env python3
"""Chaos: during a flood of requests that wait for an operator, two operators decide at random
through the CLI, a dashboard is attached (in a private tmux server) and resized, and the rules
are reloaded every second, while the host's listeners are sampled. Afterwards the invariant holds
exactly, no request was decided twice, and every request is in the journal once.

DURATION (seconds, default 30) sets the length; SCALE=small makes it 3 s."""
import collections
import json
import os
import random
import subprocess
import threading
import time

from common import USHER, Usher, ended, exchange, main, raise_open_files, report, scratch_folder

SCENARIO = "chaos"
SMALL = os.environ.get("SCALE") == "small"
DURATION = 3 if SMALL else float(os.environ.get("DURATION", "30"))
RULES = ['[[rule]]\nname = "even"\npath = ["/chaos/0*"]\naction = "accept"\n\n[default]\naction = "ask"\n',
         '[default]\naction = "ask"\n']


def clients(port, until, answers, lock):
    sent = 0
    while time.time() < until:
        sent += 1
        try:
            reply = exchange(port, f"GET /chaos/{sent % 10} HTTP/1.0\r\n\r\n".encode(), timeout=40)
            kind = "accepted" if b"200 OK" in reply else "rejected"
        except OSError:
            kind = "failed"
        with lock:
            answers[kind] += 1


def operator(usher, until, decided, lock, seed):
    generator = random.Random(seed)
    while time.time() < until + 2:
        listing = usher.client("ls", "--json")
        ids = [request["id"] for request in json.loads(listing.stdout or "[]")] if listing.returncode == 0 else []
        if not ids:
            time.sleep(0.05)
            continue
        chosen = generator.sample(ids, min(len(ids), generator.randint(1, 5)))
        verb = generator.choice(["accept", "reject"])
        result = usher.client(verb, *chosen)
        with lock:
            for line in result.stdout.splitlines():
                words = line.split()
                if len(words) >= 2 and words[1] in ("accepted", "rejected", "reset"):
                    decided[words[0]] += 1


def chaos():
    raise_open_files(20000)
    folder = scratch_folder("usher-torture-chaos-")
    rules, journal = os.path.join(folder, "rules.toml"), os.path.join(folder, "journal.sqlite")
    with open(rules, "w") as file:
        file.write(RULES[0])
    # The tmux server's socket lives in the scenario's folder: nothing is left in /tmp/tmux-UID.
    tmux = os.path.join(folder, "tmux.sock")
    # The journal is the daemon's own record of every request (this --journal follows Usher's none).
    usher = Usher("--rules", rules, "--pending-timeout", "20s", "--log-level", "notice", "--journal", journal)
    try:
        subprocess.run(["tmux", "-S", tmux, "new-session", "-d", "-x", "120", "-y", "35",
                        f"{USHER} top --control {usher.control}"], check=True)
        until = time.time() + DURATION
        answers, decided, lock = collections.Counter(), collections.Counter(), threading.Lock()
        threads = [threading.Thread(target=clients, args=(usher.port, until, answers, lock)) for _ in range(4)]
        threads += [threading.Thread(target=operator, args=(usher, until, decided, lock, seed)) for seed in (1, 2)]
        for thread in threads:
            thread.start()
        generator = random.Random(3)
        flip = 0
        while time.time() < until:
            flip += 1
            with open(rules, "w") as file:
                file.write(RULES[flip % 2])
            usher.client("rules", "reload")
            for _ in range(2):
                subprocess.run(["tmux", "-S", tmux, "resize-window", "-x", str(generator.randint(40, 200)),
                                "-y", str(generator.randint(10, 60))], capture_output=True)
                time.sleep(0.5)
        for thread in threads[4:]:
            thread.join()
        usher.client("accept", "all")
        for thread in threads[:4]:
            thread.join()
        screen = subprocess.run(["tmux", "-S", tmux, "capture-pane", "-p"], capture_output=True, text=True).stdout
        counters = json.loads(usher.client("listeners", "--json").stdout)[0]["counters"]
    finally:
        subprocess.run(["tmux", "-S", tmux, "kill-server"], capture_output=True)
    code = usher.stop()
    rows = [json.loads(line) for line in
            subprocess.run([USHER, "log", "--journal", journal, "--json", "--limit", "10000000"], capture_output=True, text=True).stdout.splitlines()]
    ids = collections.Counter(row["id"] for row in rows)
    twice = [request for request, count in decided.items() if count > 1]
    finished = ended(counters)
    errors = usher.error_lines()
    report(SCENARIO, f"{DURATION:.0f}s of requests decided by two operators at random, a dashboard resized, the rules reloaded each second: "
           "the invariant holds, nothing decided twice, each request in the journal once",
           f"{counters['arrived']} arrived = {finished} ended; operators decided {sum(decided.values())} ({len(twice)} twice); "
           f"clients: {answers['accepted']} accepted, {answers['rejected']} rejected, {answers['failed']} failed; journal {len(rows)} rows "
           f"({sum(1 for count in ids.values() if count > 1)} repeated); dashboard {'up' if 'usher' in screen else 'gone'}; exit {code}; "
           f"{len(errors)} error line(s)",
           counters["arrived"] == finished and not twice and len(rows) == counters["arrived"] == len(ids) and "usher" in screen
           and code == 0 and not errors and answers["failed"] == 0)


if __name__ == "__main__":
    main(SCENARIO, chaos)
