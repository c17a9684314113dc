# The client of UDP and TCP probes, run inside a node: one datagram (udp) or one connect (tcp) to
# HOST:PORT, then the peer the service reports having seen, if it says. Prints one JSON line; exit 0
# when a reply came (udp) or the connection was made (tcp). Every wait is bounded by --timeout-ms.
# Usage: python3 -S port-probe.py --proto=udp|tcp --host=HOST --port=PORT --timeout-ms=N
#        [--source-port=N] (udp: send from this port, so two probes are one conntrack entry)

import json
import socket
import sys
import time


def report(ok, server=None, error=None):
    result = {"ok": ok}
    if isinstance(server, dict):
        result["serverSaw"] = server.get("clientAddress")
        result["serverPort"] = server.get("clientPort")
    if error:
        result["error"] = error
    sys.stdout.write(json.dumps(result) + "\n")
    sys.exit(0 if ok else 1)


def parse(data):
    try:
        return json.loads(data.decode().strip())
    except ValueError:
        return None


def udp(family, address, timeout, source_port):
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        if source_port:
            # A previous probe's socket on this port is closed; reuse is only for safety.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", source_port))
        # Connected, so an ICMP port unreachable comes back as a refusal rather than a timeout.
        sock.connect(address)
        sock.send(b"natlab probe\n")
        data = sock.recv(65535)
        report(True, parse(data))


def tcp(family, address, timeout, deadline):
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(address)
        # Connected is the outcome; the service's line (the peer it saw) is read until the deadline.
        data = b""
        try:
            while b"\n" not in data:
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        report(True, parse(data))


def main():
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    proto = options["proto"]
    timeout = int(options["timeout-ms"]) / 1000
    deadline = time.monotonic() + timeout
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    try:
        family, _, _, _, address = socket.getaddrinfo(options["host"], int(options["port"]), 0, kind)[0]
    except OSError as error:
        report(False, error=f"cannot resolve {options['host']}: {error}")
    try:
        if proto == "udp":
            udp(family, address, timeout, int(options.get("source-port", "0")))
        tcp(family, address, timeout, deadline)
    except socket.timeout:
        report(False, error="no reply within the timeout" if proto == "udp" else "connect timed out")
    except ConnectionRefusedError:
        report(False, error="connection refused" if proto == "tcp" else "port unreachable (refused)")
    except OSError as error:
        report(False, error=error.strerror or str(error))


main()
