#!/usr/bin/env python3
"""Idle and stuck peers: clients that come and go leave no descriptor behind; an upstream that
never answers, never reads, refuses or never completes the handshake costs a bounded amount.

SCALE=small runs it in seconds (as the test suite does)."""
import os
import socket
import threading
import time

from common import Usher, baseline, connect, main, report, raise_open_files

SCENARIO = "idle and stuck peers"
SMALL = os.environ.get("SCALE") == "small"


def comers_and_goers():
    count = 30 if SMALL else 600
    raise_open_files(count * 4 + 1000)
    with Usher("--policy", "accept") as usher:
        before = baseline(usher)
        clients = []
        for index in range(count):
            client = connect(usher.port)
            if index % 3 == 1:
                client.sendall(b"hello")
            elif index % 3 == 2:
                client.sendall(b"GET / HTTP/1.1\r\nHost: torture\r\n\r\n")
            clients.append(client)
        time.sleep(0.5)
        for index, client in enumerate(clients):
            if index % 2:
                client.shutdown(socket.SHUT_WR)
            else:
                client.close()
        time.sleep(0.2)
        for client in clients:
            client.close()
        back = usher.wait_for("baseline", lambda: usher.descriptors() <= before, timeout=20)
        report(SCENARIO, f"{count} silent, half-closing and keep-alive clients leave the descriptors at their baseline",
               f"{before} before, {usher.descriptors()} after", back)


def silent_upstream():
    """Accepts, never reads, never answers, never closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    held = []
    threading.Thread(target=lambda: [held.append(listener.accept()[0]) for _ in iter(int, 1)], daemon=True).start()
    return listener, held


def server_fin():
    listener, _ = silent_upstream()
    with Usher("--policy", "accept", "--upstream", f"127.0.0.1:{listener.getsockname()[1]}", "--server-fin-timeout", "2s") as usher:
        clients = [connect(usher.port) for _ in range(10 if SMALL else 100)]
        for client in clients:
            client.sendall(b"GET / HTTP/1.0\r\n\r\n")
            client.shutdown(socket.SHUT_WR)
        start = time.time()
        for client in clients:
            client.settimeout(30)
            client.recv(1)
        took = time.time() - start
        report(SCENARIO, "clients that finished, in front of an upstream that never answers, are closed after --server-fin-timeout 2s (by 3s)",
               f"all {len(clients)} closed after {took:.1f}s", took >= 2 and (SMALL or took <= 3.5))
    listener.close()


def upstream_never_reads():
    listener, _ = silent_upstream()
    with Usher("--policy", "accept", "--upstream", f"127.0.0.1:{listener.getsockname()[1]}") as usher:
        before = usher.rss_kib()
        client = connect(usher.port)
        client.setblocking(False)
        chunk = b"x" * (1 << 20)
        sent, peak, stalled = 0, before, None
        limit = (64 if SMALL else 1024) << 20
        while sent < limit:
            try:
                sent += client.send(chunk)
                stalled = None
            except BlockingIOError:
                stalled = stalled or time.time()
                if time.time() - stalled > 1:
                    break
                time.sleep(0.01)
            peak = max(peak, usher.rss_kib())
        client.close()
        grew = peak - before
        report(SCENARIO, "an upstream that never reads while a client pushes: usher's memory stays bounded (backpressure)",
               f"client could send {sent >> 20} MiB, then blocked; RSS peak +{grew} KiB", grew < 16 << 10)
    listener.close()


def refused_upstream():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    with Usher("--policy", "accept", "--upstream", f"127.0.0.1:{port}", "--log-level", "notice") as usher:
        closes = 0
        count = 20 if SMALL else 200
        for _ in range(count):
            client = connect(usher.port)
            client.settimeout(10)
            try:
                closes += client.recv(100) == b""
            except ConnectionResetError:
                pass
            client.close()
        lines = [line for line in usher.text().splitlines() if "upstream unreachable" in line]
        report(SCENARIO, "a refused upstream: each client gets an orderly close, the log one warning with a count, not one per client",
               f"{closes}/{count} closed in order; {len(lines)} warning line(s)", closes == count and len(lines) == 1)


def black_hole():
    """A listener whose backlog is full: the handshake never completes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(8):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", listener.getsockname()[1]))
        except BlockingIOError:
            pass
        fillers.append(filler)
    time.sleep(0.2)
    with Usher("--policy", "accept", "--upstream", f"127.0.0.1:{listener.getsockname()[1]}", "--connect-timeout", "1s") as usher:
        start = time.time()
        client = connect(usher.port)
        client.settimeout(15)
        answer = client.recv(100)
        took = time.time() - start
        report(SCENARIO, "an upstream that never completes the handshake: the client is closed after --connect-timeout 1s",
               f"{'closed' if answer == b'' else repr(answer)} after {took:.1f}s", answer == b"" and took >= 1 and (SMALL or took <= 3))
    for filler in fillers:
        filler.close()
    listener.close()


if __name__ == "__main__":
    main(SCENARIO, lambda: [step() for step in (comers_and_goers, server_fin, upstream_never_reads, refused_upstream, black_hole)])
