// The parse itself: Ethernet, 802.1Q, ARP, IPv4, IPv6 (with extension headers), TCP, UDP, ICMP and
// ICMPv6 header fields as numbers and byte offsets, allocating nothing. decodeFrame turns them into a
// Packet; bulk work (a flow table over a big pcap) reads them directly, one reused object for all.
// Never throws on short input: a frame cut by the snap length is parsed as far as it goes.

import type { Packet } from './packet.ts';

const ETH_IPV4 = 0x0800;
const ETH_ARP = 0x0806;
const ETH_VLAN = 0x8100;
const ETH_IPV6 = 0x86dd;
const IP_ICMP = 1;
const IP_TCP = 6;
const IP_UDP = 17;
const IP_ICMPV6 = 58;
const IPV6_FRAGMENT = 44;

function isIpv6Extension(next: number): boolean {
  return next === 0 || next === 43 || next === 60 || next === 51;
}

export class FrameFields {
  data: Uint8Array = new Uint8Array(0);
  /** Where the frame starts and ends in `data`: offsets below are into `data`, not the frame. */
  start = 0;
  end = 0;
  ethertype = 0;
  /** -1: no 802.1Q tag. */
  vlan = -1;
  /** 0: no ARP. */
  arpOp = 0;
  /** Offset of the ARP body. */
  arpOffset = 0;
  /** 0: no IP header. */
  ipVersion: 0 | 4 | 6 = 0;
  /** The transport protocol, after any IPv6 extension headers. */
  ipProtocol = 0;
  ipTtl = 0;
  /** IPv4 identification; -1 for IPv6. */
  ipId = -1;
  /** The IPv6 flow label (20 bits); -1 for IPv4. */
  ipFlowLabel = -1;
  /** IPv4 total length, or IPv6 payload length + 40. */
  ipLength = 0;
  /** Offsets of the source and destination address bytes (4 or 16 of them). */
  srcOffset = 0;
  dstOffset = 0;
  /** 0: no such header. */
  l4: 0 | typeof IP_TCP | typeof IP_UDP | typeof IP_ICMP = 0;
  icmpV6 = false;
  sport = 0;
  dport = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpFlags = 0;
  tcpWindow = 0;
  icmpType = 0;
  icmpCode = 0;
  payloadOffset = 0;
  payloadLength = 0;
  /** The transport payload's end in the captured bytes, as the IP length says. */
  payloadEnd = 0;
  truncated: Packet['truncated'] = undefined;
  malformed: Packet['malformed'] = undefined;

  /** Parses data[start, end): a frame inside a whole pcap needs no copy or view of its own. */
  parse(data: Uint8Array, start = 0, end = data.length): this {
    this.data = data;
    this.start = start;
    this.end = end;
    this.ethertype = 0;
    this.vlan = -1;
    this.arpOp = 0;
    this.ipVersion = 0;
    this.ipId = -1;
    this.ipFlowLabel = -1;
    this.l4 = 0;
    this.icmpV6 = false;
    this.truncated = undefined;
    this.malformed = undefined;
    if (end - start < 14) {
      this.truncated = 'ethernet';
      return this;
    }
    let ethertype = u16(data, start + 12);
    let offset = start + 14;
    if (ethertype === ETH_VLAN && end - start >= 18) {
      this.vlan = u16(data, start + 14) & 0x0fff;
      ethertype = u16(data, start + 16);
      offset = start + 18;
    }
    this.ethertype = ethertype;
    if (ethertype === ETH_ARP) this.parseArp(offset);
    else if (ethertype === ETH_IPV4) this.parseIpv4(offset);
    else if (ethertype === ETH_IPV6) this.parseIpv6(offset);
    return this;
  }

  private parseArp(o: number): void {
    // Ethernet/IPv4 ARP only: hardware length 6, protocol length 4.
    if (this.end < o + 28) {
      this.truncated = 'arp';
      return;
    }
    this.arpOp = u16(this.data, o + 6);
    this.arpOffset = o;
  }

  private parseIpv4(o: number): void {
    const data = this.data;
    if (this.end < o + 20) {
      this.truncated = 'ipv4';
      return;
    }
    const headerLength = ((data[o] ?? 0) & 0x0f) * 4;
    const totalLength = u16(data, o + 2);
    this.ipVersion = 4;
    this.ipProtocol = data[o + 9] ?? 0;
    this.ipTtl = data[o + 8] ?? 0;
    this.ipId = u16(data, o + 4);
    this.ipLength = totalLength;
    this.srcOffset = o + 12;
    this.dstOffset = o + 16;
    if (headerLength < 20) {
      this.malformed = 'ipv4';
      return;
    }
    // Only the first fragment carries the transport header.
    if ((u16(data, o + 6) & 0x1fff) !== 0) return;
    this.parseTransport(o + headerLength, totalLength - headerLength, this.ipProtocol);
  }

  private parseIpv6(o: number): void {
    const data = this.data;
    if (this.end < o + 40) {
      this.truncated = 'ipv6';
      return;
    }
    const payloadLength = u16(data, o + 4);
    let next = data[o + 6] ?? 0;
    this.ipVersion = 6;
    this.ipFlowLabel = (((data[o + 1] ?? 0) & 0x0f) << 16) | u16(data, o + 2);
    this.ipProtocol = next;
    this.ipTtl = data[o + 7] ?? 0;
    this.ipLength = payloadLength + 40;
    this.srcOffset = o + 8;
    this.dstOffset = o + 24;
    let offset = o + 40;
    let remaining = payloadLength;
    // Walk the extension headers to the transport header.
    for (let hops = 0; hops < 8; hops++) {
      if (isIpv6Extension(next)) {
        if (this.end < offset + 2) return;
        const length =
          next === 51 ? ((data[offset + 1] ?? 0) + 2) * 4 : ((data[offset + 1] ?? 0) + 1) * 8;
        next = data[offset] ?? 0;
        offset += length;
        remaining -= length;
      } else if (next === IPV6_FRAGMENT) {
        if (this.end < offset + 8) return;
        if ((u16(data, offset + 2) & 0xfff8) !== 0) return;
        next = data[offset] ?? 0;
        offset += 8;
        remaining -= 8;
      } else {
        break;
      }
    }
    this.ipProtocol = next;
    this.parseTransport(offset, remaining, next);
  }

  private parseTransport(o: number, length: number, protocol: number): void {
    const data = this.data;
    this.payloadEnd = Math.min(o + length, this.end);
    if (protocol === IP_TCP) {
      if (this.end < o + 20) {
        this.truncated = 'tcp';
        return;
      }
      const headerLength = ((data[o + 12] ?? 0) >> 4) * 4;
      this.l4 = IP_TCP;
      this.sport = u16(data, o);
      this.dport = u16(data, o + 2);
      this.tcpSeq = u32(data, o + 4);
      this.tcpAck = u32(data, o + 8);
      this.tcpFlags = data[o + 13] ?? 0;
      this.tcpWindow = u16(data, o + 14);
      this.payloadOffset = o + headerLength;
      this.payloadLength = Math.max(0, length - headerLength);
    } else if (protocol === IP_UDP) {
      if (this.end < o + 8) {
        this.truncated = 'udp';
        return;
      }
      this.l4 = IP_UDP;
      this.sport = u16(data, o);
      this.dport = u16(data, o + 2);
      this.payloadOffset = o + 8;
      this.payloadLength = Math.max(0, u16(data, o + 4) - 8);
    } else if (protocol === IP_ICMP || protocol === IP_ICMPV6) {
      if (this.end < o + 4) {
        this.truncated = 'icmp';
        return;
      }
      this.l4 = IP_ICMP;
      this.icmpV6 = protocol === IP_ICMPV6;
      this.icmpType = data[o] ?? 0;
      this.icmpCode = data[o + 1] ?? 0;
      this.payloadOffset = o + 8;
      this.payloadLength = Math.max(0, length - 8);
    }
  }
}

// Big-endian reads by hand: a DataView per frame costs more than the rest of the parse.
export function u16(data: Uint8Array, o: number): number {
  return ((data[o] ?? 0) << 8) | (data[o + 1] ?? 0);
}

export function u32(data: Uint8Array, o: number): number {
  return (((data[o] ?? 0) << 24) | ((data[o + 1] ?? 0) << 16) | u16(data, o + 2)) >>> 0;
}

export const L4 = { TCP: IP_TCP, UDP: IP_UDP, ICMP: IP_ICMP } as const;
