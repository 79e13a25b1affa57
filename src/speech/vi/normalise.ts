import type { Lexicon } from './lexicon.js';
import { NORTHERN, readDayOfMonth, readDecimal, readDigits, readInteger, readMonth, readOrdinal, romanValue, type NumberStyle } from './numbers.js';

/**
 * Vietnamese text as an announcer reads it aloud (SPEC §10): a pure function of the text, the
 * lexicon and the regional number style. Passes run in a fixed order, each turning one kind of
 * written form into words, so a later pass never sees digits an earlier one already read:
 * document numbers, phone numbers, abbreviations, dates, times, quantities, ranges, numbers,
 * unknown acronyms, symbols.
 */
export function normaliseVietnamese(text: string, lexicon: Lexicon, style: NumberStyle = NORTHERN): string {
  let out = text.normalize('NFC').replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/\r\n?/g, '\n');
  out = out.replace(/^[ \t]*[-+•*▪●][ \t]+/gm, '');
  for (const pass of PASSES) out = pass(out, lexicon, style);
  return tidy(out);
}

type Pass = (text: string, lexicon: Lexicon, style: NumberStyle) => string;

/** Not inside a word or number (JavaScript's \b knows only ASCII letters). */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const alternation = (keys: Iterable<string>) => [...keys].sort((a, b) => b.length - a.length).map(escape).join('|');
const before = (text: string, offset: number, chars = 40) => text.slice(Math.max(0, offset - chars), offset);
const padded = (words: string) => ` ${words} `;

// ── document numbers: "Nghị định số 07/2021/NĐ-CP" → "Nghị định số bảy năm … của Chính phủ" ──

const DOCUMENT = new RegExp(`(?:([Ss]ố)\\s+)?(?<![\\p{L}\\p{N}/])(\\d{1,5})(?:/(\\d{4}))?/(\\p{Lu}[\\p{L}\\d&]*(?:-\\p{Lu}[\\p{L}\\d&]*)*)${E}`, 'gu');

const documentNumbers: Pass = (text, lexicon, style) =>
  text.replace(DOCUMENT, (match, so: string | undefined, number: string, year: string | undefined, symbol: string, offset: number) => {
    const parts = symbol.split('-');
    const type = lexicon.documentTypes.get(parts[0]);
    const issuers = (type ? parts.slice(1) : parts).map((part) => issuerWords(part, lexicon, style));
    const named = type && before(text, offset).toLowerCase().includes(type.toLowerCase());
    const words = [type && !named ? type : '', so ?? 'số', readInteger(number, style), year ? `năm ${readInteger(year, style)}` : '', issuers.length ? `của ${issuers.join(', ')}` : ''];
    return padded(words.filter(Boolean).join(' '));
  });

/** "UBND" → "Ủy ban nhân dân", "QH13" → "Quốc hội khóa mười ba", unknown codes spelled. */
function issuerWords(part: string, lexicon: Lexicon, style: NumberStyle): string {
  const known = lexicon.documentIssuers.get(part) ?? lexicon.abbreviations.get(part);
  if (known) return known;
  const term = /^(\p{L}+)(\d+)$/u.exec(part);
  if (term) return `${issuerWords(term[1], lexicon, style)} khóa ${readInteger(term[2], style)}`;
  return spell(part);
}

// ── phone numbers, digit by digit ──

const PHONE_KEYWORD = new RegExp(`${B}(điện thoại|Điện thoại|ĐT|SĐT|đt|sđt|[Hh]otline|[Đđ]ường dây nóng|[Ss]ố máy|[Gg]ọi|[Ff]ax)(\\s*(?:số\\s*)?:?\\s*)(\\+?\\d[\\d .-]{0,18}\\d|\\d)${E}`, 'gu');
/** A Vietnamese number from its leading 0 (or +84): 10 or 11 digits, grouped as the writer grouped them. */
const NATIONAL = /(?<![\d.,+])(?:\+84|0)\d{1,3}(?:[ .-]?\d{2,4}){1,3}(?![.,]?\d)/g;
const HOTLINE = /(?<![\d.,])(1[89]00)[ .]?(\d{4}|\d{2}[ .]\d{2}|\d{3}[ .]?\d{3})(?!\d)/g;

/** "0912.345.678" → "không chín một hai, ba bốn năm, sáu bảy tám" (its own separators, or 4-3-3). */
function readPhone(written: string): string {
  const country = /^\+\d{2}/.exec(written)?.[0];
  let groups = written.slice(country?.length ?? 0).split(/[ .-]+/).filter(Boolean);
  if (groups.length === 1 && groups[0].length >= 9) {
    const d = groups[0];
    const first = d.length === 9 ? 3 : 4;
    groups = [d.slice(0, first), d.slice(first, first + 3), d.slice(first + 3)];
  }
  return [...(country ? [`cộng ${readDigits(country.slice(1))}`] : []), ...groups.map(readDigits)].join(', ');
}

const phoneNumbers: Pass = (text) =>
  text
    .replace(PHONE_KEYWORD, (_m, keyword: string, gap: string, number: string) => `${keyword}${gap}${readPhone(number)}`)
    .replace(NATIONAL, (match: string) => {
      const digits = match.replace(/\D/g, '');
      const ok = match.startsWith('+84') ? digits.length >= 10 && digits.length <= 11 : digits.length === 10 || digits.length === 11;
      return ok ? readPhone(match) : match;
    })
    .replace(HOTLINE, (match: string) => readPhone(match));

// ── abbreviations from the lexicon ──

const abbreviationCache = new WeakMap<Map<string, string>, RegExp | null>();
const abbreviations: Pass = (text, lexicon) => {
  let pattern = abbreviationCache.get(lexicon.abbreviations);
  if (pattern === undefined) {
    pattern = lexicon.abbreviations.size ? new RegExp(`${B}(${alternation(lexicon.abbreviations.keys())})(?![\\p{L}\\p{N}])`, 'gu') : null;
    abbreviationCache.set(lexicon.abbreviations, pattern);
  }
  return pattern ? text.replace(pattern, (key: string) => lexicon.abbreviations.get(key)!) : text;
};

// ── dates ──

const validDate = (day: number, month: number) => day >= 1 && day <= 31 && month >= 1 && month <= 12;
const saidBefore = (text: string, offset: number, word: string) => new RegExp(`(^|[^\\p{L}])${word}\\s*$`, 'iu').test(before(text, offset, 20));

function dateWords(day: string, month: string, year: string | undefined, style: NumberStyle): string {
  return [readDayOfMonth(day, style), 'tháng', readMonth(month, style), ...(year ? ['năm', readInteger(year, style)] : [])].join(' ');
}

const FULL_DATE = /(?<![\d/.,-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/]|[.,]\d)/g;
const ISO_DATE = /(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d/-])/g;
const DAY_RANGE = /(?<![\d/.,])(\d{1,2})\s*[-–]\s*(\d{1,2})([/.])(\d{1,2})(?:\3(\d{4}))?(?![\d/]|[.,]\d)/g;
const DAY_MONTH = new RegExp(`${B}([Nn]gày|[Hh]ôm)(\\s+)(\\d{1,2})[/.-](\\d{1,2})(?![\\d/]|[.,]\\d)`, 'gu');
const MONTH_YEAR = /(?<![\d/.,-])(\d{1,2})\/(\d{4})(?![\d/])/g;
const DAY_WORDS = new RegExp(`${B}([Nn]gày|[Mm]ùng|[Mm]ồng)(\\s+)(\\d{1,2})(?=\\s+tháng${E})`, 'gu');
const MONTH_WORDS = new RegExp(`${B}([Tt]háng)(\\s+)(\\d{1,2})(?!\\d|[.,/]\\d)`, 'gu');

const dates: Pass = (text, _lexicon, style) =>
  text
    .replace(FULL_DATE, (match, day: string, _sep, month: string, year: string, offset: number, whole: string) => {
      if (!validDate(Number(day), Number(month))) return match;
      return padded(`${saidBefore(whole, offset, 'ngày') ? '' : 'ngày '}${dateWords(day, month, year, style)}`);
    })
    .replace(ISO_DATE, (match, year: string, month: string, day: string, offset: number, whole: string) => {
      if (!validDate(Number(day), Number(month))) return match;
      return padded(`${saidBefore(whole, offset, 'ngày') ? '' : 'ngày '}${dateWords(day, month, year, style)}`);
    })
    .replace(DAY_RANGE, (match, from: string, to: string, _sep, month: string, year: string | undefined, offset: number, whole: string) => {
      if (!validDate(Number(from), Number(month)) || !validDate(Number(to), Number(month)) || Number(from) >= Number(to)) return match;
      const prefix = saidBefore(whole, offset, 'ngày') ? '' : 'ngày ';
      return padded(`${prefix}${readDayOfMonth(from, style)} đến ${dateWords(to, month, year, style)}`);
    })
    .replace(DAY_MONTH, (match, word: string, gap: string, day: string, month: string) =>
      validDate(Number(day), Number(month)) ? `${word}${gap}${dateWords(day, month, undefined, style)} ` : match,
    )
    .replace(MONTH_YEAR, (match, month: string, year: string, offset: number, whole: string) => {
      if (Number(month) < 1 || Number(month) > 12) return match;
      return padded(`${saidBefore(whole, offset, 'tháng') ? '' : 'tháng '}${readMonth(month, style)} năm ${readInteger(year, style)}`);
    })
    .replace(DAY_WORDS, (match, word: string, gap: string, day: string) =>
      Number(day) >= 1 && Number(day) <= 31 ? `${word}${gap}${/^ngày$/i.test(word) ? readDayOfMonth(day, style) : readInteger(day, style)}` : match,
    )
    .replace(MONTH_WORDS, (match, word: string, gap: string, month: string) =>
      Number(month) >= 1 && Number(month) <= 12 ? `${word}${gap}${readMonth(month, style)}` : match,
    );

// ── times: 6h, 6h30, 6g30, 17:00, 7-9h ──

const HOUR_RANGE = new RegExp(`${B}(\\d{1,2})\\s*[-–]\\s*(\\d{1,2})\\s?h${E}`, 'gu');
const CLOCK = /(?<![\d:.,])(\d{1,2}):(\d{2})(?![\d:]|[.,]\d)/g;
const HOURS = new RegExp(`${B}(\\d{1,2})(?:h(\\d{2})?|g(\\d{2}))(?:'|ph|p)?${E}`, 'gu');

function timeWords(hour: string, minute: string | undefined, rest: string, style: NumberStyle): string | null {
  if (Number(hour) > 24 || (minute !== undefined && Number(minute) > 59)) return null;
  const minutes = minute !== undefined && Number(minute) > 0 ? ` ${readInteger(minute, style)}${/^\s*phút/.test(rest) ? '' : ' phút'}` : '';
  return padded(`${readInteger(hour, style)} giờ${minutes}`);
}

const times: Pass = (text, _lexicon, style) =>
  text
    .replace(HOUR_RANGE, (match, from: string, to: string) =>
      Number(from) <= 24 && Number(to) <= 24 ? padded(`${readInteger(from, style)} đến ${readInteger(to, style)} giờ`) : match,
    )
    .replace(CLOCK, (match, hour: string, minute: string, offset: number, whole: string) => timeWords(hour, minute, whole.slice(offset + match.length), style) ?? match)
    .replace(HOURS, (match, hour: string, minuteH: string | undefined, minuteG: string | undefined, offset: number, whole: string) =>
      timeWords(hour, minuteH ?? minuteG, whole.slice(offset + match.length), style) ?? match,
    )
    .replace(/(giờ|phút)\s*[-–]\s*(?=\p{L})/gu, '$1 đến ');

// ── ordinals, weekdays, Roman numerals after the words that take them ──

const ORDINAL = new RegExp(`${B}([Tt]hứ)(\\s+)(\\d{1,3})${E}`, 'gu');
const ROMAN_AFTER = new RegExp(`${B}([Qq]uý|[Cc]hương|[Pp]hần|[Mm]ục|[Kk]hóa|[Kk]hoá|[Kk]ỳ|[Ll]ần|[Tt]hế kỷ|[Đđ]ại hội|[Đđ]iều|[Tt]hứ)(\\s+)([IVXLC]+)${E}`, 'gu');

const ordinals: Pass = (text, _lexicon, style) =>
  text
    .replace(ROMAN_AFTER, (match, word: string, gap: string, roman: string) => {
      const value = romanValue(roman);
      if (value === null) return match;
      return `${word}${gap}${/^thứ$/i.test(word) ? readOrdinal(String(value), style) : readInteger(String(value), style)}`;
    })
    .replace(ORDINAL, (_m, word: string, gap: string, n: string) => `${word}${gap}${readOrdinal(n, style)}`);

// ── quantities: numbers with a unit or a percent sign, negative numbers ──

const NUMBER = '(\\d{1,3}(?:\\.\\d{3})+(?!\\.?\\d)|\\d+)(?:,(\\d+))?';

const unitCache = new WeakMap<Map<string, string>, RegExp | null>();
const quantities: Pass = (text, lexicon, style) => {
  let pattern = unitCache.get(lexicon.units);
  if (pattern === undefined) {
    pattern = lexicon.units.size ? new RegExp(`(?<![\\p{L}\\d.,])${NUMBER}(\\s?)(${alternation(lexicon.units.keys())})(?![\\p{L}\\p{N}])`, 'gu') : null;
    unitCache.set(lexicon.units, pattern);
  }
  let out = text.replace(new RegExp(`(^|[\\s(:;])[-−](?=\\d)`, 'gmu'), '$1âm ').replace(/(?<=\d)\s*[-–]\s*(?=\d)/g, ' đến ');
  out = out.replace(new RegExp(`(?<![\\p{L}\\d.,])${NUMBER}\\s?%`, 'gu'), (_m, whole: string, fraction: string | undefined) => padded(`${readDecimal(whole, fraction, style)} phần trăm`));
  if (pattern) {
    out = out.replace(pattern, (_m, whole: string, fraction: string | undefined, _gap, unit: string) => padded(`${readDecimal(whole, fraction, style)} ${lexicon.units.get(unit)}`));
  }
  // "500.000 đồng/người/tháng": so much per person, per month.
  return out.replace(/(?<=\p{L})\s*\/\s*(ngày|tuần|tháng|quý|năm|người|hộ|lần|suất|lượt|buổi|khẩu|con|kg|m2|ha)(?!\p{L})/gu, ' một $1');
};

// ── the remaining numbers (a slash or colon left between them reads "trên": 24/7, 1:500) ──

const numbers: Pass = (text, _lexicon, style) =>
  text
    .replace(/(?<=\d)\s*[/:]\s*(?=\d)/g, ' trên ')
    .replace(new RegExp(`(?<![\\d.])(\\d+)((?:\\.\\d+)+)(?![\\d])`, 'g'), (match: string) =>
      /^\d{1,3}(\.\d{3})+$/.test(match) ? match : padded(match.split('.').map((part) => readInteger(part, style)).join(' chấm ')),
    )
    .replace(new RegExp(NUMBER, 'g'), (_m, whole: string, fraction: string | undefined) => padded(readDecimal(whole, fraction, style)));

// ── acronyms nobody listed: spelled letter by letter ──

const LETTERS: Record<string, string> = {
  A: 'a', Ă: 'á', Â: 'ớ', B: 'bê', C: 'xê', D: 'dê', Đ: 'đê', E: 'e', Ê: 'ê', F: 'ép', G: 'giê', H: 'hát', I: 'i', J: 'giây', K: 'ca',
  L: 'e-lờ', M: 'em-mờ', N: 'en-nờ', O: 'o', Ô: 'ô', Ơ: 'ơ', P: 'pê', Q: 'quy', R: 'e-rờ', S: 'ét-xì', T: 'tê', U: 'u', Ư: 'ư',
  V: 'vê', W: 'vê kép', X: 'ích-xì', Y: 'i dài', Z: 'dét',
};

export function spell(token: string): string {
  return [...token].map((ch) => LETTERS[ch.toUpperCase()] ?? (/\d/.test(ch) ? readDigits(ch) : ch)).join(' ');
}

/** A written Vietnamese syllable (tone marks and vowel marks ignored): capitals such as "KHẨN" are words, not acronyms. */
const SYLLABLE = /^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?(uy[eê]?|[aeiouy]{1,3})(ch|ng|nh|[cmnpt])?$/;
function isSyllable(word: string): boolean {
  return SYLLABLE.test(word.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase());
}

const acronyms: Pass = (text) =>
  text.replace(new RegExp(`${B}(\\p{Lu}{2,8})(?!\\p{L})`, 'gu'), (token: string, _t, offset: number, whole: string) => {
    if (isSyllable(token)) return token;
    // A line of capitals is a heading, not a string of acronyms: leave its words alone.
    const line = whole.slice(whole.lastIndexOf('\n', offset) + 1, (whole.indexOf('\n', offset) + 1 || whole.length + 1) - 1);
    const words = line.match(/\p{L}+/gu) ?? [];
    const capitals = words.filter((w) => w.length > 1 && w === w.toUpperCase()).length;
    if (words.length >= 4 && capitals / words.length > 0.7 && capitals > 3) return token;
    return spell(token);
  });

// ── symbols ──

const symbols: Pass = (text) =>
  text
    .replace(/\s*&\s*/g, ' và ')
    .replace(/%/g, ' phần trăm ')
    .replace(/[~≈]\s*/g, ' khoảng ')
    .replace(/≥\s*/g, ' từ ')
    .replace(/≤\s*/g, ' không quá ')
    .replace(/>\s*/g, ' trên ')
    .replace(/<\s*/g, ' dưới ')
    .replace(/(?<=\p{L})\s*\/\s*(?=\p{L})/gu, ' ')
    .replace(/@/g, ' a còng ');

const PASSES: Pass[] = [documentNumbers, phoneNumbers, abbreviations, dates, times, ordinals, quantities, numbers, acronyms, symbols];

/** One space between words, none before punctuation, lines kept (they are pauses). */
function tidy(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ ([,.;:!?)])/g, '$1').replace(/\( /g, '(').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
