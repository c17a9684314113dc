# HTTP service run inside a node: answers every request with the client address it saw, as JSON.
# Python without site packages (-S) and without http.server: it is listening after ~0.05 s of CPU,
# where node's http server took ~0.2 s (measured; see README, Benchmarks).
# Usage: python3 -S http-echo-server.py --port=80 --node=NAME --run=RUNID

import socket

from echo_service import accept_forever, listen, options, say, seen, send_and_close

MAX_HEADER = 65536


def serve(conn, node):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < MAX_HEADER:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    if b"\r\n\r\n" not in data:
        return
    answer = seen(node, conn.getpeername(), conn.getsockname())
    say("request " + answer)
    body = (answer + "\n").encode()
    head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
    send_and_close(conn, f"{head}content-length: {len(body)}\r\n\r\n".encode() + body)


def main():
    given = options()
    port = int(given["port"])
    server = listen(socket.SOCK_STREAM, port, f"port {port}")
    say(f"ready on port {port}")
    accept_forever(server, serve, given.get("node"))


main()
