const COLUMN_GAP = '  ';

/**
 * Lays out rows under a header row in left-aligned columns two spaces apart, one line each,
 * without trailing spaces. Cells are escaped with {@link escapeControlCharacters} first.
 */
export function formatTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  const lines = [header, ...rows].map((row) => row.map(escapeControlCharacters));
  const widths = header.map((_, column) =>
    Math.max(...lines.map((row) => (row[column] ?? '').length)),
  );

  return lines
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join(COLUMN_GAP)
        .trimEnd(),
    )
    .join('\n');
}

/** Shortens text to at most `max` characters, ending with "…" when something was cut. */
export function truncate(text: string, max: number): string {
  const characters = [...text];
  if (characters.length <= max) {
    return text;
  }
  return characters.slice(0, Math.max(0, max - 1)).join('') + '…';
}

/**
 * Replaces control characters with `\uXXXX`, so text from the API (a URL, an error from an
 * endpoint) cannot move the cursor or send escape sequences to the terminal.
 */
export function escapeControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the purpose here
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (character) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
