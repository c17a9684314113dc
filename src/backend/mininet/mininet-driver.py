#!/usr/bin/python3
"""natlab's Mininet driver: builds a natlab topology plan with Mininet's Python API.

Reads the plan as JSON on stdin (one line), builds it, prints {"pids": {node: pid}} as one JSON line
on stdout, then waits. Closing stdin, SIGTERM or SIGINT stops the network and exits.

- Hosts and routers are Mininet Hosts; switches are LinuxBridge switches, each in its own network
  namespace. Every veth is born in its namespaces with the planned names, MACs and ifindexes.
- Addresses, bridges, sysctls and routes are natlab's: it configures every node through the same
  per-namespace batches as its own backend, so both backends configure a node identically.
- Nothing on the host changes: natlab starts this driver in a network namespace of its own, and
  Mininet's resource-limit tuning (global sysctls) and its machine-wide cleanup are never called.
"""

import json
import signal
import sys

from mininet.link import Link
from mininet.net import Mininet
from mininet.node import Host
from mininet.nodelib import LinuxBridge


class PlannedLink(Link):
    """A veth pair created in node1's namespace with its peer born in node2's, with fixed ifindexes:
    the kernel defers link events by up to a second when both ends share an ifindex."""

    indexes = {}

    @classmethod
    def makeIntfPair(cls, intf1, intf2, addr1=None, addr2=None, node1=None, node2=None,
                     deleteIntfs=True, runCmd=None):
        i1 = cls.indexes[(node1.name, intf1)]
        i2 = cls.indexes[(node2.name, intf2)]
        out = node1.cmd('ip link add name %s index %d address %s type veth peer name %s index %d '
                        'address %s netns %d' % (intf1, i1, addr1, intf2, i2, addr2, node2.pid))
        if out.strip():
            raise Exception('creating %s:%s - %s:%s: %s' % (node1.name, intf1, node2.name, intf2, out))


class PortBridge(LinuxBridge):
    """A LinuxBridge switch in its own namespace. natlab's batch for the node makes its bridge (br0,
    with the planned MAC) and enslaves every port, as it does for its own switches."""

    def __init__(self, name, **params):
        params['inNamespace'] = True
        LinuxBridge.__init__(self, name, **params)

    def start(self, _controllers):
        self.cmd('ip link set lo up')

    def stop(self, deleteIntfs=True):
        Host.stop(self, deleteIntfs)


def build(plan):
    # Mininet.init() would raise global limits (kernel.pty.max and others): skip it.
    Mininet.inited = True
    net = Mininet(controller=None, build=False, autoSetMacs=False)
    for number, node in enumerate(plan['nodes'], start=1):
        for iface in node['interfaces']:
            if 'ifindex' in iface:
                PlannedLink.indexes[(node['name'], iface['name'])] = iface['ifindex']
        if node['kind'] == 'switch':
            # Switch names like "lan" carry no datapath id: give one (unused without OpenFlow).
            net.addSwitch(node['name'], cls=PortBridge, dpid='%016x' % number)
        else:
            net.addHost(node['name'], ip=None, mac=None)
    macs = {(n['name'], i['name']): i.get('mac') for n in plan['nodes'] for i in n['interfaces']}
    for link in plan['links']:
        a, b = link['a'], link['b']
        net.addLink(a['node'], b['node'], intfName1=a['iface'], intfName2=b['iface'],
                    addr1=macs[(a['node'], a['iface'])], addr2=macs[(b['node'], b['iface'])],
                    cls=PlannedLink)
    net.build()
    for switch in net.switches:
        switch.start([])
    return net


def main():
    plan = json.loads(sys.stdin.readline())
    net = build(plan)
    stopping = []

    def stop(*_args):
        if not stopping:
            stopping.append(True)
            net.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(json.dumps({'pids': {n.name: n.pid for n in net.hosts + net.switches}}), flush=True)
    sys.stdin.read()
    stop()


if __name__ == '__main__':
    main()
