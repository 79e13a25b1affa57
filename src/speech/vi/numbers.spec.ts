import { readDayOfMonth, readDecimal, readDigits, readInteger, readMonth, readOrdinal, romanValue, SOUTHERN } from './numbers.js';

describe('readInteger: Vietnamese number words', () => {
  const cases: Array<[string, string]> = [
    ['0', 'không'],
    ['1', 'một'],
    ['2', 'hai'],
    ['3', 'ba'],
    ['4', 'bốn'],
    ['5', 'năm'],
    ['6', 'sáu'],
    ['7', 'bảy'],
    ['8', 'tám'],
    ['9', 'chín'],
    ['10', 'mười'],
    ['11', 'mười một'],
    ['12', 'mười hai'],
    ['14', 'mười bốn'],
    ['15', 'mười lăm'],
    ['16', 'mười sáu'],
    ['19', 'mười chín'],
    ['20', 'hai mươi'],
    ['21', 'hai mươi mốt'],
    ['22', 'hai mươi hai'],
    ['24', 'hai mươi tư'],
    ['25', 'hai mươi lăm'],
    ['27', 'hai mươi bảy'],
    ['30', 'ba mươi'],
    ['31', 'ba mươi mốt'],
    ['34', 'ba mươi tư'],
    ['35', 'ba mươi lăm'],
    ['40', 'bốn mươi'],
    ['41', 'bốn mươi mốt'],
    ['44', 'bốn mươi tư'],
    ['45', 'bốn mươi lăm'],
    ['50', 'năm mươi'],
    ['55', 'năm mươi lăm'],
    ['61', 'sáu mươi mốt'],
    ['74', 'bảy mươi tư'],
    ['85', 'tám mươi lăm'],
    ['99', 'chín mươi chín'],
    ['100', 'một trăm'],
    ['101', 'một trăm linh một'],
    ['104', 'một trăm linh bốn'],
    ['105', 'một trăm linh năm'],
    ['109', 'một trăm linh chín'],
    ['110', 'một trăm mười'],
    ['111', 'một trăm mười một'],
    ['114', 'một trăm mười bốn'],
    ['115', 'một trăm mười lăm'],
    ['120', 'một trăm hai mươi'],
    ['121', 'một trăm hai mươi mốt'],
    ['124', 'một trăm hai mươi tư'],
    ['125', 'một trăm hai mươi lăm'],
    ['200', 'hai trăm'],
    ['305', 'ba trăm linh năm'],
    ['410', 'bốn trăm mười'],
    ['555', 'năm trăm năm mươi lăm'],
    ['999', 'chín trăm chín mươi chín'],
    ['1000', 'một nghìn'],
    ['1001', 'một nghìn không trăm linh một'],
    ['1005', 'một nghìn không trăm linh năm'],
    ['1010', 'một nghìn không trăm mười'],
    ['1015', 'một nghìn không trăm mười lăm'],
    ['1021', 'một nghìn không trăm hai mươi mốt'],
    ['1100', 'một nghìn một trăm'],
    ['1234', 'một nghìn hai trăm ba mươi tư'],
    ['2000', 'hai nghìn'],
    ['2021', 'hai nghìn không trăm hai mươi mốt'],
    ['2024', 'hai nghìn không trăm hai mươi tư'],
    ['2025', 'hai nghìn không trăm hai mươi lăm'],
    ['1975', 'một nghìn chín trăm bảy mươi lăm'],
    ['10000', 'mười nghìn'],
    ['10005', 'mười nghìn không trăm linh năm'],
    ['11000', 'mười một nghìn'],
    ['15000', 'mười lăm nghìn'],
    ['21000', 'hai mươi mốt nghìn'],
    ['24000', 'hai mươi tư nghìn'],
    ['25500', 'hai mươi lăm nghìn năm trăm'],
    ['100000', 'một trăm nghìn'],
    ['105000', 'một trăm linh năm nghìn'],
    ['150000', 'một trăm năm mươi nghìn'],
    ['500000', 'năm trăm nghìn'],
    ['1000000', 'một triệu'],
    ['1000005', 'một triệu không trăm linh năm'],
    ['1000010', 'một triệu không trăm mười'],
    ['1005000', 'một triệu không trăm linh năm nghìn'],
    ['1500000', 'một triệu năm trăm nghìn'],
    ['1600000', 'một triệu sáu trăm nghìn'],
    ['2000000', 'hai triệu'],
    ['2340000', 'hai triệu ba trăm bốn mươi nghìn'],
    ['12345678', 'mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám'],
    ['100000000', 'một trăm triệu'],
    ['1000000000', 'một tỷ'],
    ['1000000005', 'một tỷ không trăm linh năm'],
    ['1500000000', 'một tỷ năm trăm triệu'],
    ['21000000000', 'hai mươi mốt tỷ'],
    ['1000000000000', 'một nghìn tỷ'],
    ['1500000000000', 'một nghìn năm trăm tỷ'],
    ['07', 'bảy'],
    ['0005', 'năm'],
    ['000', 'không'],
  ];
  it.each(cases)('%s → %s', (digits, words) => expect(readInteger(digits)).toBe(words));

  const southern: Array<[string, string]> = [
    ['105', 'một trăm lẻ năm'],
    ['1000', 'một ngàn'],
    ['1005', 'một ngàn không trăm lẻ năm'],
    ['25000', 'hai mươi lăm ngàn'],
  ];
  it.each(southern)('southern %s → %s', (digits, words) => expect(readInteger(digits, SOUTHERN)).toBe(words));

  it('refuses anything but digits', () => expect(() => readInteger('1.5')).toThrow(/not a digit string/));
});

describe('the other readings', () => {
  const decimals: Array<[string, string | undefined, string]> = [
    ['3', '5', 'ba phẩy năm'],
    ['0', '5', 'không phẩy năm'],
    ['0', '05', 'không phẩy không năm'],
    ['3', '14', 'ba phẩy mười bốn'],
    ['12', '25', 'mười hai phẩy hai mươi lăm'],
    ['1.500.000', undefined, 'một triệu năm trăm nghìn'],
    ['1.500', '75', 'một nghìn năm trăm phẩy bảy mươi lăm'],
    ['3', '14159', 'ba phẩy một bốn một năm chín'],
  ];
  it.each(decimals)('%s,%s → %s', (whole, fraction, words) => expect(readDecimal(whole, fraction)).toBe(words));

  it.each([
    ['1', 'nhất'],
    ['2', 'hai'],
    ['4', 'tư'],
    ['10', 'mười'],
    ['21', 'hai mươi mốt'],
  ])('ordinal thứ %s → %s', (digits, words) => expect(readOrdinal(digits)).toBe(words));

  it.each([
    ['1', 'một'],
    ['4', 'tư'],
    ['04', 'tư'],
    ['11', 'mười một'],
    ['12', 'mười hai'],
  ])('tháng %s → %s', (digits, words) => expect(readMonth(digits)).toBe(words));

  it.each([
    ['1', 'mùng một'],
    ['01', 'mùng một'],
    ['10', 'mùng mười'],
    ['11', 'mười một'],
    ['27', 'hai mươi bảy'],
  ])('day %s → %s', (digits, words) => expect(readDayOfMonth(digits)).toBe(words));

  it('reads digits one by one', () => expect(readDigits('0912')).toBe('không chín một hai'));

  it.each([
    ['I', 1],
    ['IV', 4],
    ['IX', 9],
    ['XIV', 14],
    ['XV', 15],
    ['XL', 40],
    ['IIII', null],
    ['VX', null],
    ['', null],
  ])('Roman %s → %s', (text, value) => expect(romanValue(text as string)).toBe(value));
});
