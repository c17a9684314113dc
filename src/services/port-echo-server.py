# UDP or TCP service run inside a node: tells each peer the address and port it saw, as JSON. UDP
# answers every datagram; TCP writes one line on accepting, then closes. Standard library only (-S).
# Usage: python3 -S port-echo-server.py --proto=udp|tcp --port=51820 --node=NAME --run=RUNID

import socket

from echo_service import accept_forever, listen, options, say, seen, send_and_close


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


def serve_tcp(conn, node):
    answer = seen(node, conn.getpeername(), conn.getsockname())
    say("connection " + answer)
    send_and_close(conn, (answer + "\n").encode())


def main():
    given = options()
    proto, port, node = given["proto"], int(given["port"]), given.get("node")
    kind = socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM
    server = listen(kind, port, f"{proto} port {port}")
    say(f"ready on {proto} port {port}")
    if proto == "udp":
        serve_udp(server, node)
    accept_forever(server, serve_tcp, node)


main()
