// Conntrack, counter and kernel-health expectations judged on kernel state recorded from real runs.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelChecks } from '../../src/check/kernel-checks.ts';
import { findSplats, parseKmsgRecord } from '../../src/kernel-state/kernel-health.ts';
import { parseConntrack } from '../../src/kernel-state/parse-conntrack.ts';
import { parseNftCounters } from '../../src/kernel-state/parse-counters.ts';
import type { KernelState } from '../../src/kernel-state/read-kernel-state.ts';
import type { KernelChecksPlan } from '../../src/plan/topology-plan.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/kernel-state/${name}`, import.meta.url), 'utf8').split('\n');

const conntrack = fixture('conntrack-extended.txt').filter((l) => l !== '');
const state: KernelState[] = [
  {
    node: 'router',
    conntrack,
    entries: parseConntrack(conntrack),
    counters: parseNftCounters(fixture('nft-list-ruleset-a.txt')),
    policies: [],
  },
];
const none: KernelChecksPlan = { conntrack: [], counters: [], health: false };

describe('conntrack expectations', () => {
  it("finds the SYN_SENT [UNREPLIED] entry by its fields, others left don't-care", () => {
    const [check] = kernelChecks({
      kernelChecks: {
        ...none,
        conntrack: [
          {
            on: 'router',
            match: {
              proto: 'tcp',
              state: 'SYN_SENT',
              status: ['UNREPLIED'],
              orig: { dst: '203.0.113.0/24', dport: 80 },
            },
            expect: 'seen',
          },
        ],
      },
      kernelState: state,
    });
    expect(check).toMatchObject({
      id: 'conntrack:router-conntrack-has-tcp-syn-sent-unreplied-orig-203-0-113-0-24-80',
      ok: true,
      detail: expect.stringMatching(
        /^2 of 6 entries on router match; first: ipv4 2 tcp 6 111 SYN_SENT/,
      ),
    });
  });

  it('fails an absent expectation that matches, and a seen one that does not, saying what was there', () => {
    const checks = kernelChecks({
      kernelChecks: {
        ...none,
        conntrack: [
          { name: 'no assured', on: 'router', match: { status: ['ASSURED'] }, expect: 'absent' },
          { name: 'related', on: 'router', match: { related: true }, expect: 'seen' },
          {
            name: 'reply via nat',
            on: 'router',
            match: { reply: { dst: '!203.0.113.1' } },
            expect: 'seen',
          },
        ],
      },
      kernelState: state,
    });
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ['conntrack:no-assured', false],
      ['conntrack:related', false],
      ['conntrack:reply-via-nat', false],
    ]);
    expect(checks[1]?.detail).toMatch(
      /^0 of 6 entries on router match; the table held: ipv4 2 icmp/,
    );
  });
});

describe('counter expectations', () => {
  it('sums the matching rules, by table name alone or with its family, and by comment', () => {
    const checks = kernelChecks({
      kernelChecks: {
        ...none,
        counters: [
          { on: 'router', rule: { table: 'nat', comment: 'hairpin' }, packets: { atLeast: 1 } },
          {
            name: 'forward',
            on: 'router',
            rule: { table: 'inet filter', chain: 'forward' },
            packets: { exactly: 8 },
            bytes: { atMost: 476 },
          },
          { name: 'dnat idle', on: 'router', rule: { handle: 4 }, packets: { exactly: 1 } },
          { name: 'missing', on: 'router', rule: { chain: 'input' }, packets: { exactly: 0 } },
        ],
      },
      kernelState: state,
    });
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ['counter:router-rule-nat-hairpin-counted-at-least-1-packet', true],
      ['counter:forward', true],
      ['counter:dnat-idle', false],
      ['counter:missing', false],
    ]);
    expect(checks[0]?.detail).toBe(
      '4 packet(s), 234 byte(s) over nft ip nat/postrouting#3 (oifname "rb" counter masquerade comment "hairpin")',
    );
    expect(checks[3]?.detail).toMatch(
      /^no counted rule on router matches input; its counters: nft ip nat\/postrouting#3, /,
    );
  });

  it('judges nothing where kernel state was not read', () => {
    const plan = { ...none, counters: [{ on: 'router', rule: {}, packets: { exactly: 0 } }] };
    expect(kernelChecks({ kernelChecks: plan })).toEqual([]);
  });
});

describe('kernel health', () => {
  const health = { ...none, health: true };

  it('passes an unchanged taint and a clean log, and fails a new taint or a WARNING', () => {
    const clean = kernelChecks({
      kernelChecks: health,
      kernelState: [],
      health: { taintBefore: 0, taintAfter: 0, splats: [], problems: [] },
    });
    expect(clean).toEqual([
      {
        id: 'kernel-health',
        name: 'kernel health: taint unchanged, no WARNING or BUG logged',
        ok: true,
        detail: 'taint 0, no splat in the kernel log during the run',
      },
    ]);
    const [bad] = kernelChecks({
      kernelChecks: health,
      health: {
        taintBefore: 0,
        taintAfter: 512,
        splats: ['[12.5] WARNING: CPU: 1 PID: 7 at net/netfilter/nf_conntrack_core.c:1234'],
        problems: [],
      },
    });
    expect(bad?.ok).toBe(false);
    expect(bad?.detail).toMatch(
      /^taint went from 0 to 512; 1 splat line\(s\) in the kernel log: \[12\.5\] WARNING/,
    );
  });

  it('says what it could not read, and is not run when turned off', () => {
    const [check] = kernelChecks({
      kernelChecks: health,
      health: {
        taintBefore: 0,
        taintAfter: 0,
        splats: [],
        problems: ['kernel log not read: /dev/kmsg: EPERM'],
      },
    });
    expect(check?.detail).toMatch(/\(kernel log not read: \/dev\/kmsg: EPERM\)$/);
    expect(kernelChecks({ kernelChecks: none, health: { splats: [], problems: [] } })).toEqual([]);
  });

  it('reads /dev/kmsg records and finds the lines that open a splat', () => {
    const records = [
      '6,27001,5000000,-;veth0: entered promiscuous mode',
      '4,27002,6250000,-;------------ [ cut here ]------------',
      '4,27003,6250001,-;WARNING: CPU: 0 PID: 1 at net/core/dev.c:1 foo+0x1/0x2',
      '1,27004,7000000,-;BUG: kernel NULL pointer dereference, address: 0000000000000000',
      'not a record',
    ].map(parseKmsgRecord);
    expect(records[0]).toEqual({ seq: 27001, text: '[5.000000] veth0: entered promiscuous mode' });
    expect(records[4]).toBeUndefined();
    expect(findSplats(records.filter((r) => r !== undefined))).toEqual([
      '[6.250001] WARNING: CPU: 0 PID: 1 at net/core/dev.c:1 foo+0x1/0x2',
      '[7.000000] BUG: kernel NULL pointer dereference, address: 0000000000000000',
    ]);
  });
});
