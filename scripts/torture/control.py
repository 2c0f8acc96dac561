#!/usr/bin/env python3
"""Control-plane abuse: more clients than --max-control-connections, idle connections, a
subscriber that never reads while traffic passes, lines too long or nested too deep, floods of
bad lines.

SCALE=small runs it in seconds (as the test suite does)."""
import os
import random
import socket
import threading
import time

from common import Usher, connect, main, raise_open_files, report

SCENARIO = "control-plane abuse"
SMALL = os.environ.get("SCALE") == "small"


def unix(path):
    client = socket.socket(socket.AF_UNIX)
    client.settimeout(10)
    client.connect(path)
    return client


def too_many():
    limit = 20 if SMALL else 256
    extra = 10 if SMALL else 44
    raise_open_files(2000)
    with Usher("--max-control-connections", str(limit)) as usher:
        held = []
        for _ in range(limit):
            client = unix(usher.control)
            client.sendall(b'{"id":1,"op":"hello"}\n')
            client.recv(4096)
            held.append(client)
        refused = 0
        for _ in range(extra):
            client = unix(usher.control)
            refused += b"too_many_connections" in client.recv(4096)
            client.close()
        lines = [line for line in usher.text().splitlines() if "control connection limit reached" in line]
        answered = usher.client("ls").returncode != 0  # the CLI is turned away too while all are held
        for client in held:
            client.close()
        usher.wait_for("room", lambda: usher.client("ls").returncode == 0, timeout=10)
        report(SCENARIO, f"--max-control-connections {limit}: the next {extra} get too_many_connections, one log line, room again when some close",
               f"{refused}/{extra} refused; {len(lines)} log line(s); usher ls answers after", refused == extra and len(lines) == 1 and answered)


def read_all(sock, timeout=20):
    """Everything the peer sends until it closes (or `timeout` passes): (bytes, closed)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(1 << 16)
            if not chunk:
                return data, True
            data += chunk
    except socket.timeout:
        return data, False


def silent_subscriber():
    count = 2500 if SMALL else 20000
    with Usher("--policy", "accept", "--log-level", "notice") as usher:
        # A second subscriber that reads: it hears the cut-off as a notice event.
        watcher = unix(usher.control)
        watcher.sendall(b'{"id":"o","op":"subscribe"}\n')
        heard = []
        reading = threading.Thread(target=lambda: heard.append(read_all(watcher, timeout=60)[0]), daemon=True)
        reading.start()
        subscriber = unix(usher.control)
        subscriber.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        subscriber.sendall(b'{"id":"w","op":"subscribe"}\n')
        before = usher.rss_kib()
        peak = before
        start = time.time()
        for index in range(count):
            client = connect(usher.port)
            client.sendall(b"GET / HTTP/1.0\r\n\r\n")
            client.recv(1)
            client.close()
            if index % 200 == 0:
                peak = max(peak, usher.rss_kib())
        took = time.time() - start
        data, closed = read_all(subscriber)
        # The error line follows what the socket held; a subscriber that reads nothing for 5 s
        # after the cut-off is closed without it.
        told = b'"code":"lagging"' in data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        cut_lines = [line for line in usher.text().splitlines() if "control subscriber cut off" in line]
        watcher.shutdown(socket.SHUT_RDWR)
        reading.join(10)
        noticed = bool(heard) and b'"source":"subscribers"' in heard[0] and b"cut off" in heard[0]
        report(SCENARIO, f"a subscriber that never reads while {count} requests pass: cut off (a lagging notice to the log "
                         "and to other subscribers), usher's memory stays bounded, the gate does not wait",
               f"{count / took:.0f} req/s; {'closed' if closed else 'still open'}; lagging error line read by it: {'yes' if told else 'no (it read nothing for 5 s)'}; "
               f"notice heard by another subscriber: {'yes' if noticed else 'no'}; {len(cut_lines)} log line(s); RSS peak +{peak - before} KiB",
               closed and noticed and len(cut_lines) == 1 and peak - before < 64 << 10)
        subscriber.close()


def fatal_lines():
    with Usher("--policy", "ask") as usher:
        verdicts = []
        for name, line in (("a line of 1 MiB", b"x" * (1 << 20)),
                           ("JSON nested 30,000 deep", b'{"op":"hello","x":' + b"[" * 30000 + b"]" * 30000 + b"}")):
            client = unix(usher.control)
            client.sendall(line + b'\n{"id":"after","op":"hello"}\n')
            data, closed = read_all(client)
            code = b"line_too_long" if b"1 MiB" in name.encode() else b"too_deep"
            verdicts.append((name, code in data and closed and b'"after"' not in data))
            client.close()
        alive = usher.process.poll() is None and usher.client("ls").returncode == 0
        report(SCENARIO, "a line over 64 KiB, or JSON nested deeper than 32: an error, then the close; the line after is not read",
               "; ".join(f"{name}: {'error and close' if kept else 'NOT closed with its error'}" for name, kept in verdicts)
               + f"; daemon {'up' if alive else 'down'}",
               alive and all(kept for _, kept in verdicts))


def fuzz():
    count = 500 if SMALL else 100000
    random.seed(7)
    pieces = ['{"op":"decide","ids":[1,2]}', '{"op":"hello","id":1e400}', '{"op":"journal","limit":-1}', '{"op":"\\u0000"}',
              '{"op":"snapshot","op":"decide"}', '{"v":99999999999999999999}', '[' * 30 + ']' * 30,
              '{"op":"decide","all":true,"decision":"accept","for":"1e9h"}', '{"op":"forget","name":"' + "x" * 5000 + '"}',
              '{"op":"subscribe","host":"yes"}', '"just a string"', '{"op":"reload","apply_pending":null}', '\xff\xfe']
    with Usher("--policy", "ask") as usher:
        client = unix(usher.control)
        answered = 0
        for index in range(count):
            line = random.choice(pieces)
            if random.random() < 0.3:
                cut = random.randrange(len(line))
                line = line[:cut] + chr(random.randrange(32, 0x2FF)) + line[cut + 1:]
            client.sendall(line.encode("utf-8", "replace") + b"\n")
            if index % 100 == 99:
                client.sendall(b'{"id":"mark","op":"hello"}\n')
                data = b""
                while b'"id":"mark"' not in data:
                    chunk = client.recv(1 << 16)
                    if not chunk:
                        raise RuntimeError("the daemon closed the connection")
                    data += chunk
                answered += 100
        alive = usher.process.poll() is None and usher.client("ls").returncode == 0
        report(SCENARIO, f"{count} mangled request lines (seed 7): answered in order (a hello after every 100), the connection and the daemon stay up",
               f"{answered} answered; daemon {'up' if alive else 'down'}", alive and answered == count)


if __name__ == "__main__":
    main(SCENARIO, lambda: [step() for step in (too_many, silent_subscriber, fatal_lines, fuzz)])
