# natlab's spawner: starts the lab's commands for natlab, so natlab's node never forks. A fork from
# node blocks its one thread until the child has exec'd (2-3 ms each, far longer on a loaded
# machine); here, a small process forks on the other core. Standard library only (python3 -S).
#
# Protocol: JSON lines. natlab writes {"op": "spawn", "id", "argv", "path", "cwd", "stdin"},
# {"op": "write", "id", "data"}, {"op": "close", "id"}, {"op": "kill", "id", "signal"}. The spawner
# writes {"id", "event": "started", "pid"}, {"id", "event": "stdout" | "stderr", "data"},
# {"id", "event": "exit", "code", "signal"} (after all of that child's output) and
# {"id", "event": "error", "errno", "message"} when it could not start it.
# When natlab goes (its end of stdin closes), every child still running is killed, by pid.

import json
import os
import queue
import signal
import subprocess
import sys
import threading

out_lock = threading.Lock()
children = {}
children_lock = threading.Lock()


def send(message):
    line = json.dumps(message) + "\n"
    with out_lock:
        try:
            sys.stdout.write(line)
            sys.stdout.flush()
        except (BrokenPipeError, ValueError):
            # natlab is gone: the end of its stdin, on its way, ends this process and its children.
            pass


def pump(ident, name, stream):
    # read1: whatever is there now, so a readiness line arrives as soon as it is printed.
    while True:
        chunk = stream.read1(65536)
        if not chunk:
            break
        send({"id": ident, "event": name, "data": chunk.decode("utf-8", "replace")})


def watch(ident, child, pumps):
    for thread in pumps:
        thread.join()
    code = child.wait()
    with children_lock:
        children.pop(ident, None)
    if code < 0:
        send({"id": ident, "event": "exit", "code": None, "signal": signal.Signals(-code).name})
    else:
        send({"id": ident, "event": "exit", "code": code, "signal": None})


def spawn(request):
    ident = request["id"]
    env = dict(os.environ)
    env["PATH"] = request["path"]
    try:
        child = subprocess.Popen(
            request["argv"],
            stdin=subprocess.PIPE if request["stdin"] else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=request.get("cwd"),
            env=env,
            close_fds=True,
        )
    except OSError as error:
        name = os.strerror(error.errno) if error.errno else str(error)
        code = {2: "ENOENT", 13: "EACCES", 20: "ENOTDIR"}.get(error.errno, "E%s" % error.errno)
        send({"id": ident, "event": "error", "errno": code, "message": name})
        return
    if request["stdin"]:
        child.lines = queue.Queue()
        threading.Thread(target=feed, args=(child, child.lines), daemon=True).start()
    with children_lock:
        children[ident] = child
    send({"id": ident, "event": "started", "pid": child.pid})
    pumps = [
        threading.Thread(target=pump, args=(ident, name, stream), daemon=True)
        for name, stream in (("stdout", child.stdout), ("stderr", child.stderr))
    ]
    for thread in pumps:
        thread.start()
    threading.Thread(target=watch, args=(ident, child, pumps), daemon=True).start()


def feed(child, lines):
    # Its own thread: a child that does not read its stdin must not stall the other children.
    while True:
        data = lines.get()
        try:
            if data is None:
                child.stdin.close()
                return
            child.stdin.write(data.encode())
            child.stdin.flush()
        except (OSError, ValueError):
            # Gone already, or its stdin closed: its exit event says what became of it.
            return


def child_of(request):
    with children_lock:
        return children.get(request["id"])


def handle(request):
    op = request["op"]
    if op == "spawn":
        spawn(request)
        return
    child = child_of(request)
    if child is None:
        return
    if op == "write" and hasattr(child, "lines"):
        child.lines.put(request["data"])
    elif op == "close" and hasattr(child, "lines"):
        child.lines.put(None)
    elif op == "kill":
        try:
            child.send_signal(getattr(signal, request["signal"]))
        except OSError:
            pass


def main():
    try:
        for line in sys.stdin:
            handle(json.loads(line))
    finally:
        # natlab is gone (or this process failed): nothing it started may outlive it.
        with children_lock:
            running = list(children.values())
        for child in running:
            try:
                child.kill()
            except OSError:
                pass


main()
