# What the echo services (http-echo-server.py, port-echo-server.py) share: their log line, the peer
# as JSON, a dual-stack socket on the port, and the accept loop with its polite close.

import errno
import json
import signal
import socket
import sys
import threading


def say(line):
    # In a --keep lab natlab exits and closes our stdout; the log is then lost, the service is not.
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except OSError:
        pass


def options():
    return dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)


def plain(address):
    return address[7:] if address.startswith("::ffff:") else address


def seen(node, peer, local):
    """The peer and local ends as the service saw them, one line of JSON. A UDP socket on every
    address knows only its port, so its local address is left out rather than given as "::"."""
    view = {"node": node, "clientAddress": plain(peer[0]), "clientPort": peer[1]}
    if local[0] not in ("::", "0.0.0.0"):
        view["localAddress"] = plain(local[0])
    view["localPort"] = local[1]
    return json.dumps(view, separators=(",", ":"))


def listen(kind, port, label):
    """A socket on every address (IPv4 too) of the port, or exit 1 saying why not."""
    server = socket.socket(socket.AF_INET6, kind)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    try:
        server.bind(("::", port))
        if kind == socket.SOCK_STREAM:
            server.listen(128)
    except OSError as error:
        name = errno.errorcode.get(error.errno, "error")
        sys.stderr.write(f"cannot listen on {label}: {name} ({error.strerror})\n")
        sys.exit(1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return server


def send_and_close(conn, data):
    conn.sendall(data)
    conn.shutdown(socket.SHUT_WR)
    # Until the client closes: closing with its bytes unread would answer with a RST.
    while conn.recv(4096):
        pass


def accept_forever(server, serve, node):
    """Each connection in its own thread, with a bound on every wait and the socket always closed."""
    while True:
        conn, _ = server.accept()
        threading.Thread(target=guarded, args=(serve, conn, node), daemon=True).start()


def guarded(serve, conn, node):
    conn.settimeout(5)
    try:
        serve(conn, node)
    except OSError:
        pass
    finally:
        conn.close()
