# UDP or TCP service run inside a node: tells each peer the address and port it saw, as JSON. UDP
# answers every datagram; TCP writes one line on accepting, then closes. Standard library only (-S).
# Usage: python3 -S port-echo-server.py --proto=udp|tcp --port=51820 --node=NAME --run=RUNID

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


def plain(address):
    return address[7:] if address.startswith("::ffff:") else address


def seen(node, peer, local):
    return json.dumps(
        {
            "node": node,
            "clientAddress": plain(peer[0]),
            "clientPort": peer[1],
            "localAddress": plain(local[0]),
            "localPort": local[1],
        },
        separators=(",", ":"),
    )


def serve_udp(server, node):
    local = server.getsockname()
    while True:
        try:
            _, peer = server.recvfrom(65535)
            answer = seen(node, peer, local)
            say("datagram " + answer)
            server.sendto((answer + "\n").encode(), peer)
        except OSError:
            pass


def serve_tcp_connection(conn, node):
    conn.settimeout(5)
    try:
        answer = seen(node, conn.getpeername(), conn.getsockname())
        say("connection " + answer)
        conn.sendall((answer + "\n").encode())
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
    proto = options["proto"]
    port = int(options["port"])
    node = options.get("node")
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    server = socket.socket(socket.AF_INET6, kind)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    try:
        server.bind(("::", port))
        if proto == "tcp":
            server.listen(128)
    except OSError as error:
        name = errno.errorcode.get(error.errno, "error")
        sys.stderr.write(f"cannot listen on {proto} port {port}: {name} ({error.strerror})\n")
        sys.exit(1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    say(f"ready on {proto} port {port}")
    if proto == "udp":
        serve_udp(server, node)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve_tcp_connection, args=(conn, node), daemon=True).start()


main()
