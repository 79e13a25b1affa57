import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeLexicons, parseLexicon, type Lexicon } from './lexicon.js';

/** The built-in word list, shipped beside this module (copied into dist by the build). */
export const BUILT_IN_LEXICON = join(import.meta.dirname, 'lexicon.vi.txt');

/** The built-in lexicon, extended by a district's own file when one is named. */
export function loadLexicon(extraFile?: string): Lexicon {
  const builtIn = parseLexicon(readFileSync(BUILT_IN_LEXICON, 'utf8'), BUILT_IN_LEXICON);
  return extraFile ? mergeLexicons(builtIn, parseLexicon(readFileSync(extraFile, 'utf8'), extraFile)) : builtIn;
}
