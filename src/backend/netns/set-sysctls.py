# Sets every node's sysctls inside the node's own network namespace, all in this one process:
# `ip netns exec NS sysctl` costs a process per node. Reads its job as JSON on stdin:
# [{"node": N, "netns": NS, "settings": [[key, path under /proc/sys, value], ...]}, ...]
import ctypes
import json
import os
import sys

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def fail(node, key, why):
    sys.stderr.write(json.dumps({"node": node, "key": key, "error": why}) + "\n")
    sys.exit(1)


def enter(node, netns):
    fd = os.open("/run/netns/" + netns, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            fail(node, None, "setns: " + os.strerror(ctypes.get_errno()))
        # Never write a setting anywhere but in the node's own namespace.
        here, there = os.stat("/proc/self/ns/net"), os.fstat(fd)
        if (here.st_dev, here.st_ino) != (there.st_dev, there.st_ino):
            fail(node, None, "not inside the node's namespace after setns")
    finally:
        os.close(fd)


for job in json.load(sys.stdin):
    enter(job["node"], job["netns"])
    for key, path, value in job["settings"]:
        if not path.startswith("net/") or ".." in path.split("/"):
            fail(job["node"], key, "not a net.* setting")
        try:
            with open("/proc/sys/" + path, "w") as setting:
                setting.write(value)
        except OSError as error:
            fail(job["node"], key, error.strerror)
