# HTTP service run inside a node: answers every request with the client address it saw, as JSON.
# Python without site packages (-S) and without http.server: it is listening after ~0.05 s of CPU,
# where node's http server took ~0.2 s (measured; see README, Benchmarks).
# Usage: python3 -S http-echo-server.py --port=80 --node=NAME --run=RUNID

import errno
import json
import signal
import socket
import sys
import threading

MAX_HEADER = 65536


def say(line):
    # In a --keep lab natlab exits and closes our stdout; the log is then lost, the service is not.
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except OSError:
        pass


def plain(address):
    return address[7:] if address.startswith("::ffff:") else address


def serve(conn, node):
    conn.settimeout(5)
    try:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < MAX_HEADER:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        if b"\r\n\r\n" not in data:
            return
        peer, local = conn.getpeername(), conn.getsockname()
        seen = json.dumps(
            {
                "node": node,
                "clientAddress": plain(peer[0]),
                "clientPort": peer[1],
                "localAddress": plain(local[0]),
                "localPort": local[1],
            },
            separators=(",", ":"),
        )
        say("request " + seen)
        body = (seen + "\n").encode()
        head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
        conn.sendall(f"{head}content-length: {len(body)}\r\n\r\n".encode() + body)
        conn.shutdown(socket.SHUT_WR)
        # Until the client closes: closing with its bytes unread would answer with a RST.
        while conn.recv(4096):
            pass
    except OSError:
        pass
    finally:
        conn.close()


def main():
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    port = int(options["port"])
    node = options.get("node")
    server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    try:
        server.bind(("::", port))
        server.listen(128)
    except OSError as error:
        name = errno.errorcode.get(error.errno, "error")
        sys.stderr.write(f"cannot listen on port {port}: {name} ({error.strerror})\n")
        sys.exit(1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    say(f"ready on port {port}")
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, node), daemon=True).start()


main()
