// Address parsing and matching, on ipaddr.js. Strict: IPv4 only in dotted-quad form.

import ipaddr from 'ipaddr.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

export function parseAddress(text: string): Address | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

export interface Cidr {
  address: Address;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const [addr, bits, ...rest] = text.split('/');
  if (addr === undefined || bits === undefined || rest.length > 0 || !/^\d{1,3}$/.test(bits)) {
    return undefined;
  }
  const address = parseAddress(addr);
  const prefix = Number(bits);
  if (!address || prefix > (address.kind() === 'ipv4' ? 32 : 128)) return undefined;
  return { address, prefix };
}

/** True when `address` lies in `cidr` (same family). */
export function cidrContains(cidr: Cidr, address: Address): boolean {
  if (cidr.address.kind() !== address.kind()) return false;
  return address.match([cidr.address, cidr.prefix] as [Address, number]);
}

/** The same address however written: 2001:db8::0001 is 2001:db8::1 (text that is no address: equal text). */
export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  const [x, y] = [a, b].map((t) => (t === undefined ? undefined : parseAddress(t)));
  if (!x || !y) return a === b;
  return x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}

/** A match pattern: address or CIDR, optionally negated with a leading "!". */
export interface AddressPattern {
  negate: boolean;
  cidr: Cidr;
}

export function parseAddressPattern(text: string): AddressPattern | undefined {
  const negate = text.startsWith('!');
  const body = negate ? text.slice(1) : text;
  const single = parseAddress(body);
  const cidr = single
    ? { address: single, prefix: single.kind() === 'ipv4' ? 32 : 128 }
    : parseCidr(body);
  return cidr ? { negate, cidr } : undefined;
}

/** Does the textual address (as decoded) satisfy the pattern? */
export function addressMatches(pattern: AddressPattern, text: string | undefined): boolean {
  const address = text === undefined ? undefined : parseAddress(text);
  const inside = address !== undefined && cidrContains(pattern.cidr, address);
  return pattern.negate ? address !== undefined && !inside : inside;
}

/** The broadcast address of an IPv4 subnet, "10.0.0.5/24" -> "10.0.0.255"; none for IPv6, /31, /32. */
export function ipv4Broadcast(text: string): string | undefined {
  const cidr = parseCidr(text);
  if (cidr?.address.kind() !== 'ipv4' || cidr.prefix >= 31) return undefined;
  return ipaddr.IPv4.broadcastAddressFromCIDR(text).toString();
}
