/**
 * Vietnamese number words, the way an announcer reads them: mười / mươi, mốt, tư, lăm, linh (lẻ),
 * and every group after the first read in full ("một nghìn không trăm linh năm").
 * Works on digit strings, so any length is exact (no floating point, no 2^53 limit).
 */

export interface NumberStyle {
  /** 1,000: "nghìn" (northern, default) or "ngàn" (southern). */
  thousand: 'nghìn' | 'ngàn';
  /** The zero tens of 105: "linh" (default) or "lẻ" (southern). */
  zeroTens: 'linh' | 'lẻ';
}

export const NORTHERN: NumberStyle = { thousand: 'nghìn', zeroTens: 'linh' };
export const SOUTHERN: NumberStyle = { thousand: 'ngàn', zeroTens: 'lẻ' };

export const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;

/** 0-999 as words; `full` reads the hundreds even when zero ("không trăm linh năm"), as inside a larger number. */
function readTriple(value: number, full: boolean, style: NumberStyle): string[] {
  const [hundreds, tens, units] = [Math.floor(value / 100), Math.floor(value / 10) % 10, value % 10];
  const words: string[] = [];
  const saidHundreds = full || hundreds > 0;
  if (saidHundreds) words.push(DIGIT_WORDS[hundreds], 'trăm');
  if (tens === 0) {
    if (units > 0) words.push(...(saidHundreds ? [style.zeroTens, DIGIT_WORDS[units]] : [DIGIT_WORDS[units]]));
  } else if (tens === 1) {
    words.push('mười');
    if (units > 0) words.push(units === 5 ? 'lăm' : DIGIT_WORDS[units]);
  } else {
    words.push(DIGIT_WORDS[tens], 'mươi');
    if (units > 0) words.push(units === 1 ? 'mốt' : units === 4 ? 'tư' : units === 5 ? 'lăm' : DIGIT_WORDS[units]);
  }
  return words;
}

/** Below one billion (at most 9 digits, no leading zeros needed); `full`: a higher part was already said. */
function readBelowBillion(digits: string, full: boolean, style: NumberStyle): string[] {
  const padded = digits.padStart(9, '0');
  const groups = [Number(padded.slice(0, 3)), Number(padded.slice(3, 6)), Number(padded.slice(6, 9))];
  const scales = ['triệu', style.thousand, ''];
  const words: string[] = [];
  let said = full;
  groups.forEach((group, i) => {
    if (group === 0) return;
    words.push(...readTriple(group, said, style));
    if (scales[i]) words.push(scales[i]);
    said = true;
  });
  return words;
}

function readDigitsAsNumber(digits: string, full: boolean, style: NumberStyle): string[] {
  if (digits.length <= 9) return readBelowBillion(digits, full, style);
  const high = digits.slice(0, -9).replace(/^0+/, '');
  const low = digits.slice(-9);
  const words = high ? [...readDigitsAsNumber(high, full, style), 'tỷ'] : [];
  return [...words, ...readBelowBillion(low, full || !!high, style)];
}

/** "1005" → "một nghìn không trăm linh năm"; leading zeros are ignored ("07" → "bảy"); "0" → "không". */
export function readInteger(digits: string, style: NumberStyle = NORTHERN): string {
  if (!/^\d+$/.test(digits)) throw new Error(`not a digit string: ${digits}`);
  const significant = digits.replace(/^0+/, '');
  if (!significant) return DIGIT_WORDS[0];
  return readDigitsAsNumber(significant, false, style).join(' ');
}

/** "0912" → "không chín một hai". */
export function readDigits(digits: string): string {
  return [...digits].map((d) => DIGIT_WORDS[Number(d)]).join(' ');
}

/**
 * The part after "phẩy": leading zeros one by one, then up to three digits as a number ("0,05" →
 * "không phẩy không năm", "3,14" → "ba phẩy mười bốn"), longer tails digit by digit.
 */
export function readFraction(digits: string, style: NumberStyle = NORTHERN): string {
  const zeros = /^0*/.exec(digits)![0];
  const rest = digits.slice(zeros.length);
  const words: string[] = [...zeros].map(() => DIGIT_WORDS[0]);
  if (rest) words.push(rest.length <= 3 ? readInteger(rest, style) : readDigits(rest));
  return words.join(' ');
}

/** "1.500.000" or "1500000,5" (Vietnamese marks: `.` groups thousands, `,` is the decimal mark). */
export function readDecimal(integerDigits: string, fractionDigits: string | undefined, style: NumberStyle = NORTHERN): string {
  const whole = readInteger(integerDigits.replace(/\./g, ''), style);
  return fractionDigits ? `${whole} phẩy ${readFraction(fractionDigits, style)}` : whole;
}

/** Ordinal after "thứ": 1 → "nhất", 4 → "tư", else the number. */
export function readOrdinal(digits: string, style: NumberStyle = NORTHERN): string {
  const n = digits.replace(/^0+/, '');
  if (n === '1') return 'nhất';
  if (n === '4') return 'tư';
  return readInteger(digits, style);
}

/** Month names: "tháng tư" for April, the number otherwise. */
export function readMonth(digits: string, style: NumberStyle = NORTHERN): string {
  return Number(digits) === 4 ? 'tư' : readInteger(digits, style);
}

/** Day of the month: 1-10 are "mùng một" … "mùng mười". */
export function readDayOfMonth(digits: string, style: NumberStyle = NORTHERN): string {
  const day = Number(digits);
  return day >= 1 && day <= 10 ? `mùng ${readInteger(digits, style)}` : readInteger(digits, style);
}

const ROMAN: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100 };

/** "XIV" → 14; null for anything that is not a canonical Roman numeral up to 399. */
export function romanValue(text: string): number | null {
  if (!/^C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$/.test(text) || !text) return null;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const value = ROMAN[text[i]];
    const next = ROMAN[text[i + 1]] ?? 0;
    total += value < next ? -value : value;
  }
  return total;
}
