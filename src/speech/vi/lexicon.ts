/**
 * The words the normaliser looks up, read from a plain text file a district officer can edit:
 *
 *   [abbreviations]          # anywhere in the text
 *   BHXH = bảo hiểm xã hội
 *   [document types]         # first part of a document symbol: 07/2021/NĐ-CP
 *   NĐ = nghị định
 *   [document issuers]       # the other parts: CP, UBND, BYT, ...
 *   CP = Chính phủ
 *   [units]                  # only after a number: 5 km, 500.000đ
 *   km = ki-lô-mét
 *
 * Keys are case-sensitive. A later file (LOA_SPEECH_LEXICON) adds entries and overrides the built-in ones.
 */
export interface Lexicon {
  abbreviations: Map<string, string>;
  documentTypes: Map<string, string>;
  documentIssuers: Map<string, string>;
  units: Map<string, string>;
}

const SECTIONS: Record<string, keyof Lexicon> = {
  abbreviations: 'abbreviations',
  'document types': 'documentTypes',
  'document issuers': 'documentIssuers',
  units: 'units',
};

export class LexiconError extends Error {}

export const emptyLexicon = (): Lexicon => ({ abbreviations: new Map(), documentTypes: new Map(), documentIssuers: new Map(), units: new Map() });

/** Parses the file format above; `source` names the file in errors (line numbers included). */
export function parseLexicon(text: string, source = 'lexicon'): Lexicon {
  const lexicon = emptyLexicon();
  let section: keyof Lexicon | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const where = `${source}:${index + 1}`;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = SECTIONS[header[1].trim().toLowerCase()] ?? null;
      if (!section) throw new LexiconError(`${where}: unknown section [${header[1]}] (use ${Object.keys(SECTIONS).map((s) => `[${s}]`).join(', ')})`);
      return;
    }
    const entry = /^(\S(?:.*?\S)?)\s*=\s*(\S.*)$/.exec(line);
    if (!entry) throw new LexiconError(`${where}: expected "KEY = words", got "${line}"`);
    if (!section) throw new LexiconError(`${where}: entry before any [section]`);
    lexicon[section].set(entry[1].normalize('NFC'), entry[2].normalize('NFC'));
  });
  return lexicon;
}

/** `extra`'s entries added to (and replacing) `base`'s. */
export function mergeLexicons(base: Lexicon, extra: Lexicon): Lexicon {
  const merged = emptyLexicon();
  for (const key of Object.keys(merged) as Array<keyof Lexicon>) merged[key] = new Map([...base[key], ...extra[key]]);
  return merged;
}
