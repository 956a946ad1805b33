import { readFileSync, writeFileSync } from 'node:fs';

/** bench/results.md, which `npm run bench` rewrites whole and `npm run bench:history` edits in place. */
const RESULTS = new URL('./results.md', import.meta.url);

export const HISTORY_MARKERS = ['<!-- history:start -->', '<!-- history:end -->'] as const;

function historySection(text: string): string | undefined {
  const [open, close] = HISTORY_MARKERS;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  return start >= 0 && end > start ? text.slice(start, end + close.length) : undefined;
}

function currentResults(): string {
  try {
    return readFileSync(RESULTS, 'utf8');
  } catch {
    return '';
  }
}

/** Replaces the history section of bench/results.md (or appends it), leaving the rest alone. */
export function writeHistorySection(section: string): void {
  const current = currentResults();
  const old = historySection(current);
  writeFileSync(RESULTS, old ? current.replace(old, section) : `${current.trimEnd()}\n\n${section}\n`);
}

/** The full bench's report with the history section kept from the last `npm run bench:history`. */
export function withHistorySection(markdown: string): string {
  const kept = historySection(currentResults());
  return kept ? `${markdown.trimEnd()}\n\n${kept}` : markdown;
}
