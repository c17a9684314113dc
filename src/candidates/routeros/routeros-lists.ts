// RouterOS interface lists declared in the export itself (`/interface list` and `/interface list
// member`, as defconf writes WAN and LAN), resolved onto the scenario's interfaces. A list the export
// declares replaces the scenario's list of that name; the others stay as the scenario gives them.

import type { AddCommand } from './lex-routeros.ts';
import { takeProperties } from './routeros-rule.ts';
import type { RouterOsMaps } from './translate-routeros.ts';

export function withExportLists(commands: readonly AddCommand[], maps: RouterOsMaps): RouterOsMaps {
  const declared = new Map<string, string[]>();
  for (const command of commands) {
    if (command.menu !== '/interface list' && command.menu !== '/interface list member') continue;
    const { take, fail, flag, leftover } = takeProperties(command.properties);
    take('comment');
    const off = flag('disabled');
    if (command.menu === '/interface list') {
      const name = take('name');
      if (!name)
        throw fail({ key: 'name', value: '', line: command.line, column: 1 }, 'a list needs name');
      for (const p of ['include', 'exclude'].map(take))
        if (p) throw fail(p, 'list inclusion is not supported');
      const unknown = leftover();
      if (unknown) throw fail(unknown, 'unknown or unsupported property');
      if (!declared.has(name.value)) declared.set(name.value, []);
      continue;
    }
    const list = take('list');
    const iface = take('interface');
    const unknown = leftover();
    if (unknown) throw fail(unknown, 'unknown or unsupported property');
    if (!list || !iface) {
      const where = list ?? iface ?? { key: 'list', value: '', line: command.line, column: 1 };
      throw fail(where, 'a list member needs list and interface');
    }
    const mapped = maps.interfaces[iface.value];
    if (!mapped)
      throw fail(
        iface,
        `interface "${iface.value}" has no scenario interface; map it with --iface-map ${iface.value}=<iface>`,
      );
    if (off) continue;
    declared.set(list.value, [...(declared.get(list.value) ?? []), mapped]);
  }
  return { ...maps, interfaceLists: { ...maps.interfaceLists, ...Object.fromEntries(declared) } };
}
