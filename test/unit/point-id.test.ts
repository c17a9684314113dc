// Capture points are written and read as node:iface in one place.

import { describe, expect, it } from 'vitest';
import { ifaceOf, nodeOf, parsePoint, pointId } from '../../src/plan/point-id.ts';

describe('capture-point ids', () => {
  it('writes "node:iface" and reads it back', () => {
    expect(pointId('router', 'wan0')).toBe('router:wan0');
    expect(parsePoint(pointId('router', 'wan0'))).toEqual({ node: 'router', iface: 'wan0' });
  });

  it('reads a bare node name as a node without an interface', () => {
    expect(parsePoint('lan')).toEqual({ node: 'lan', iface: '' });
    expect(parsePoint('lan:')).toEqual({ node: 'lan', iface: '' });
    expect(parsePoint('')).toEqual({ node: '', iface: '' });
  });

  it('refuses text with more than one ":"', () => {
    expect(parsePoint('a:eth0:x')).toBeUndefined();
    expect(parsePoint('::')).toBeUndefined();
  });

  it('names the node and the interface of an id', () => {
    expect(nodeOf('sw:client')).toBe('sw');
    expect(ifaceOf('sw:client')).toBe('client');
    expect(nodeOf('sw')).toBe('sw');
    expect(ifaceOf('sw')).toBe('');
    expect(ifaceOf('sw.5:eth0.5')).toBe('eth0.5');
  });
});
