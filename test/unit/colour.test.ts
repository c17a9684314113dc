// Colour follows the terminal, NO_COLOR and FORCE_COLOR, and can be stripped again.

import { describe, expect, it } from 'vitest';
import { colourWanted, palette, stripColour } from '../../src/report/colour.ts';
import { glyphsFor } from '../../src/report/terminal-report.ts';
import { textTable } from '../../src/report/text-table.ts';

describe('colourWanted', () => {
  it('colours a terminal and nothing else by default', () => {
    expect(colourWanted({ tty: true, env: {} })).toBe(true);
    expect(colourWanted({ tty: false, env: {} })).toBe(false);
  });

  it('turns colour off for any non-empty NO_COLOR, even over FORCE_COLOR', () => {
    for (const value of ['1', '0', 'false', 'yes'])
      expect(colourWanted({ tty: true, env: { NO_COLOR: value } })).toBe(false);
    expect(colourWanted({ tty: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
  });

  it('ignores an empty NO_COLOR', () => {
    expect(colourWanted({ tty: true, env: { NO_COLOR: '' } })).toBe(true);
  });

  it('lets FORCE_COLOR turn colour on off a terminal, and "0" or "false" turn it off', () => {
    for (const value of ['', '1', '3', 'true'])
      expect(colourWanted({ tty: false, env: { FORCE_COLOR: value } })).toBe(true);
    for (const value of ['0', 'false'])
      expect(colourWanted({ tty: true, env: { FORCE_COLOR: value } })).toBe(false);
  });
});

describe('palette and stripColour', () => {
  it('wraps text in SGR codes when on, and stripColour takes them off again', () => {
    const on = palette(true);
    expect(on.red('x')).toBe('\x1b[31mx\x1b[0m');
    expect(stripColour(`${on.bold('a')} ${on.dim(on.green('b'))}`)).toBe('a b');
  });

  it('leaves text alone when off', () => {
    const off = palette(false);
    expect([off.green('a'), off.red('b'), off.dim('c'), off.bold('d')]).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });
});

describe('glyphsFor', () => {
  it('keeps Unicode marks on a terminal under NO_COLOR, without colour codes', () => {
    const g = glyphsFor(true, { NO_COLOR: '1' });
    expect(`${g.green(g.ok)}${g.red(g.fail)}${g.bold('x')}`).toBe('✓✗x');
  });
});

describe('textTable', () => {
  it('lines up coloured cells by what shows, and trims each line', () => {
    const { green, red } = palette(true);
    const lines = textTable([
      ['', '1 a.nft', '2 b'],
      ['check', green('✓'), red('✗')],
      ['verdict', 'PASS', 'FAIL'],
    ]).map(stripColour);
    expect(lines).toEqual([
      '         1 a.nft  2 b',
      'check    ✓        ✗',
      'verdict  PASS     FAIL',
    ]);
  });
});
