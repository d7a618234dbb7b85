import { describe, expect, it } from 'vitest';

import { escapeControlCharacters, formatTable, truncate } from './format-table.js';

describe('formatTable', () => {
  it('aligns columns to the widest cell', () => {
    const table = formatTable(
      ['ID', 'STATUS'],
      [
        ['a', 'pending'],
        ['abcdef', 'ok'],
      ],
    );

    expect(table.split('\n')).toEqual(['ID      STATUS', 'a       pending', 'abcdef  ok']);
  });

  it('leaves no trailing spaces', () => {
    const table = formatTable(['NAME', 'X'], [['long name', '']]);

    expect(table.split('\n').every((line) => line === line.trimEnd())).toBe(true);
  });

  it('escapes control characters in cells', () => {
    expect(formatTable(['A'], [['x\u001b[31my']])).toBe('A\nx\\u001b[31my');
  });
});

describe('truncate', () => {
  it('keeps text that fits', () => {
    expect(truncate('http://a.test/x', 15)).toBe('http://a.test/x');
  });

  it('cuts longer text and marks the cut', () => {
    expect(truncate('http://a.test/xyz', 10)).toBe('http://a.…');
  });
});

describe('escapeControlCharacters', () => {
  it('escapes newlines, escapes and C1 controls', () => {
    expect(escapeControlCharacters('a\nb\u001bc\u009bd')).toBe('a\\u000ab\\u001bc\\u009bd');
  });
});
