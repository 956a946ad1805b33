import { readFileSync, writeFileSync } from 'node:fs';

/** bench/results.md, which `npm run bench` rewrites whole and `npm run bench:history` and `bench:expiry` edit in place. */
const RESULTS = new URL('./results.md', import.meta.url);

export const HISTORY_MARKERS = ['<!-- history:start -->', '<!-- history:end -->'] as const;
/** `npm run bench:expiry` (bench/expiry-sweep.ts) writes its own section between these. */
export const EXPIRY_MARKERS = ['<!-- expiry-sweep:start -->', '<!-- expiry-sweep:end -->'] as const;
/** `npx tsx bench/replay-scale.ts` writes its own section between these. */
export const REPLAY_MARKERS = ['<!-- replay-scale:start -->', '<!-- replay-scale:end -->'] as const;
/** Sections written by their own scripts: `npm run bench` keeps them as they are. */
const KEPT_SECTIONS = [HISTORY_MARKERS, EXPIRY_MARKERS, REPLAY_MARKERS];

type Markers = readonly [string, string];

function markedSection(text: string, [open, close]: Markers): string | undefined {
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

/** Replaces the section between `markers` of bench/results.md (or appends it), leaving the rest alone. */
export function writeSection(markers: Markers, section: string): void {
  const current = currentResults();
  const old = markedSection(current, markers);
  writeFileSync(RESULTS, old ? current.replace(old, () => section) : `${current.trimEnd()}\n\n${section}\n`);
}

/** Replaces the history section of bench/results.md (or appends it), leaving the rest alone. */
export const writeHistorySection = (section: string): void => writeSection(HISTORY_MARKERS, section);

/** The full bench's report with the sections of their own scripts (history, expiry sweep, replay) kept from the last runs. */
export function withKeptSections(markdown: string): string {
  const current = currentResults();
  const kept = KEPT_SECTIONS.map((markers) => markedSection(current, markers)).filter((section) => section !== undefined);
  return [markdown.trimEnd(), ...kept].join('\n\n');
}
