import { mergeLexicons, parseLexicon } from './lexicon.js';
import { loadLexicon } from './lexicon-files.js';
import { normaliseVietnamese, spell } from './normalise.js';
import { SOUTHERN } from './numbers.js';

const lexicon = loadLexicon();
const say = (text: string) => normaliseVietnamese(text, lexicon);

describe('normaliseVietnamese', () => {
  const numbers: Array<[string, string]> = [
    ['Có 5 hộ', 'Có năm hộ'],
    ['Có 15 hộ', 'Có mười lăm hộ'],
    ['Có 21 hộ', 'Có hai mươi mốt hộ'],
    ['Có 24 hộ', 'Có hai mươi tư hộ'],
    ['Có 105 hộ', 'Có một trăm linh năm hộ'],
    ['Tổng số 1.005 người', 'Tổng số một nghìn không trăm linh năm người'],
    ['1.600.000 lượt phát', 'một triệu sáu trăm nghìn lượt phát'],
    ['12.345.678 người', 'mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám người'],
    ['2.500 hộ', 'hai nghìn năm trăm hộ'],
    ['dân số 100.000', 'dân số một trăm nghìn'],
    ['1000 người', 'một nghìn người'],
    ['10 năm', 'mười năm'],
    ['0 đồng', 'không đồng'],
    ['tăng 3,5 lần', 'tăng ba phẩy năm lần'],
    ['hệ số 0,05', 'hệ số không phẩy không năm'],
    ['đạt 1,6 triệu lượt', 'đạt một phẩy sáu triệu lượt'],
    ['1.234,5 tấn', 'một nghìn hai trăm ba mươi tư phẩy năm tấn'],
    ['mục 2.3', 'mục hai chấm ba'],
    ['phiên bản 1.2.10', 'phiên bản một chấm hai chấm mười'],
    ['nhiệt độ -5 độ', 'nhiệt độ âm năm độ'],
    ['Có 3, 4 hoặc 5 hộ', 'Có ba, bốn hoặc năm hộ'],
    ['số 4', 'số bốn'],
    ['Quốc lộ 1A', 'Quốc lộ một A'],
    ['F0', 'F không'],
  ];
  it.each(numbers)('numbers: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const percentages: Array<[string, string]> = [
    ['đạt 95%', 'đạt chín mươi lăm phần trăm'],
    ['đạt 95 %', 'đạt chín mươi lăm phần trăm'],
    ['tăng 12,5%', 'tăng mười hai phẩy năm phần trăm'],
    ['100% hộ dân', 'một trăm phần trăm hộ dân'],
    ['từ 10-15%', 'từ mười đến mười lăm phần trăm'],
    ['giảm 0,5%', 'giảm không phẩy năm phần trăm'],
    ['mức 4,5% tiền lương', 'mức bốn phẩy năm phần trăm tiền lương'],
  ];
  it.each(percentages)('percentages: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const dates: Array<[string, string]> = [
    ['từ 01/7/2025', 'từ ngày mùng một tháng bảy năm hai nghìn không trăm hai mươi lăm'],
    ['ngày 27/01/2021', 'ngày hai mươi bảy tháng một năm hai nghìn không trăm hai mươi mốt'],
    ['Ngày 15/4/2024', 'Ngày mười lăm tháng tư năm hai nghìn không trăm hai mươi tư'],
    ['hạn chót 31/12/2025.', 'hạn chót ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm hai mươi lăm.'],
    ['ngày 05/10/2025', 'ngày mùng năm tháng mười năm hai nghìn không trăm hai mươi lăm'],
    ['ngày 10/10/2025', 'ngày mùng mười tháng mười năm hai nghìn không trăm hai mươi lăm'],
    ['ngày 11/11/2025', 'ngày mười một tháng mười một năm hai nghìn không trăm hai mươi lăm'],
    ['ngày 20.11.2025', 'ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi lăm'],
    ['ngày 20-11-2025', 'ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi lăm'],
    ['ngày 2025-07-01', 'ngày mùng một tháng bảy năm hai nghìn không trăm hai mươi lăm'],
    ['ngày 27/01', 'ngày hai mươi bảy tháng một'],
    ['ngày 2/9', 'ngày mùng hai tháng chín'],
    ['hôm 30/4', 'hôm ba mươi tháng tư'],
    ['ngày 5 tháng 7 năm 2025', 'ngày mùng năm tháng bảy năm hai nghìn không trăm hai mươi lăm'],
    ['ngày 20 tháng 4', 'ngày hai mươi tháng tư'],
    ['tháng 4', 'tháng tư'],
    ['tháng 12', 'tháng mười hai'],
    ['từ tháng 7/2025', 'từ tháng bảy năm hai nghìn không trăm hai mươi lăm'],
    ['kể từ 7/2025', 'kể từ tháng bảy năm hai nghìn không trăm hai mươi lăm'],
    ['từ ngày 25-27/01/2025', 'từ ngày hai mươi lăm đến hai mươi bảy tháng một năm hai nghìn không trăm hai mươi lăm'],
    ['từ 5-7/8', 'từ ngày mùng năm đến mùng bảy tháng tám'],
    ['năm 2025', 'năm hai nghìn không trăm hai mươi lăm'],
    ['giai đoạn 2021-2025', 'giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm'],
    ['ngày 32/13/2025', 'ngày ba mươi hai trên mười ba trên hai nghìn không trăm hai mươi lăm'],
    ['phục vụ 24/7', 'phục vụ hai mươi tư trên bảy'],
  ];
  it.each(dates)('dates: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const times: Array<[string, string]> = [
    ['lúc 6h', 'lúc sáu giờ'],
    ['lúc 6h30', 'lúc sáu giờ ba mươi phút'],
    ['lúc 6h30\'', 'lúc sáu giờ ba mươi phút'],
    ['lúc 06h05', 'lúc sáu giờ năm phút'],
    ['lúc 6g30', 'lúc sáu giờ ba mươi phút'],
    ['lúc 17:00', 'lúc mười bảy giờ'],
    ['lúc 17:30', 'lúc mười bảy giờ ba mươi phút'],
    ['lúc 7:05 sáng', 'lúc bảy giờ năm phút sáng'],
    ['từ 7-9h', 'từ bảy đến chín giờ'],
    ['từ 7 - 9h sáng', 'từ bảy đến chín giờ sáng'],
    ['từ 7h-9h', 'từ bảy giờ đến chín giờ'],
    ['từ 7h30 - 11h', 'từ bảy giờ ba mươi phút đến mười một giờ'],
    ['từ 13:30-17:00', 'từ mười ba giờ ba mươi phút đến mười bảy giờ'],
    ['lúc 6h30 phút', 'lúc sáu giờ ba mươi phút'],
    ['lúc 0h', 'lúc không giờ'],
    ['lúc 24:00', 'lúc hai mươi tư giờ'],
    ['tỷ lệ 1:500', 'tỷ lệ một trên năm trăm'],
    ['vào 6h sáng thứ 2', 'vào sáu giờ sáng thứ hai'],
    ['17:00 ngày 01/7/2025', 'mười bảy giờ ngày mùng một tháng bảy năm hai nghìn không trăm hai mươi lăm'],
  ];
  it.each(times)('times: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const money: Array<[string, string]> = [
    ['1.500.000 đồng', 'một triệu năm trăm nghìn đồng'],
    ['2 triệu đồng', 'hai triệu đồng'],
    ['500.000đ', 'năm trăm nghìn đồng'],
    ['500.000 đ', 'năm trăm nghìn đồng'],
    ['1.500.000 VNĐ', 'một triệu năm trăm nghìn đồng'],
    ['1.500.000 VND', 'một triệu năm trăm nghìn đồng'],
    ['1,5 triệu đồng', 'một phẩy năm triệu đồng'],
    ['50.000 đồng/người/tháng', 'năm mươi nghìn đồng một người một tháng'],
    ['22.500đ/tháng', 'hai mươi hai nghìn năm trăm đồng một tháng'],
    ['100 USD', 'một trăm đô la Mỹ'],
    ['mức lương cơ sở 2.340.000 đồng/tháng', 'mức lương cơ sở hai triệu ba trăm bốn mươi nghìn đồng một tháng'],
    ['đơn vị tính: VNĐ', 'đơn vị tính: đồng'],
    ['1 tỷ đồng', 'một tỷ đồng'],
    ['1.000.000.000 đồng', 'một tỷ đồng'],
  ];
  it.each(money)('money: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const units: Array<[string, string]> = [
    ['cách 5 km', 'cách năm ki-lô-mét'],
    ['gió 60 km/h', 'gió sáu mươi ki-lô-mét một giờ'],
    ['lượng mưa 200 mm', 'lượng mưa hai trăm mi-li-mét'],
    ['lượng mưa 150mm', 'lượng mưa một trăm năm mươi mi-li-mét'],
    ['diện tích 3 ha', 'diện tích ba héc-ta'],
    ['nhà 50 m2', 'nhà năm mươi mét vuông'],
    ['nhiệt độ 39°C', 'nhiệt độ ba mươi chín độ xê'],
    ['nhiệt độ 39 độ C', 'nhiệt độ ba mươi chín độ xê'],
    ['nặng 2,5 kg', 'nặng hai phẩy năm ki-lô-gam'],
    ['500g', 'năm trăm gam'],
    ['sâu 1,2 m', 'sâu một phẩy hai mét'],
    ['5 lần', 'năm lần'],
  ];
  it.each(units)('units: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const phones: Array<[string, string]> = [
    ['gọi 0912345678', 'gọi không chín một hai, ba bốn năm, sáu bảy tám'],
    ['liên hệ 0912.345.678', 'liên hệ không chín một hai, ba bốn năm, sáu bảy tám'],
    ['liên hệ 0912 345 678', 'liên hệ không chín một hai, ba bốn năm, sáu bảy tám'],
    ['liên hệ 0912-345-678', 'liên hệ không chín một hai, ba bốn năm, sáu bảy tám'],
    ['điện thoại: 0214 3840 123', 'điện thoại: không hai một bốn, ba tám bốn không, một hai ba'],
    ['ĐT: 02143840123', 'điện thoại: không hai một bốn, ba tám bốn, không một hai ba'],
    ['SĐT 0987654321', 'số điện thoại không chín tám bảy, sáu năm bốn, ba hai một'],
    ['hotline 1900 9068', 'hotline một chín không không, chín không sáu tám'],
    ['tổng đài 1900.9068', 'tổng đài một chín không không, chín không sáu tám'],
    ['đường dây nóng 113', 'đường dây nóng một một ba'],
    ['gọi 114 khi có cháy', 'gọi một một bốn khi có cháy'],
    ['số +84912345678', 'số cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám'],
    ['Fax: 0214.3840.123', 'Fax: không hai một bốn, ba tám bốn không, một hai ba'],
    ['liên hệ 0214.3840.123', 'liên hệ không hai một bốn, ba tám bốn không, một hai ba'],
    ['liên hệ 024 3825 6789', 'liên hệ không hai bốn, ba tám hai năm, sáu bảy tám chín'],
  ];
  it.each(phones)('phones: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const documents: Array<[string, string]> = [
    ['theo Nghị định số 07/2021/NĐ-CP', 'theo Nghị định số bảy năm hai nghìn không trăm hai mươi mốt của Chính phủ'],
    ['thực hiện số 07/2021/NĐ-CP', 'thực hiện nghị định số bảy năm hai nghìn không trăm hai mươi mốt của Chính phủ'],
    ['Nghị định 07/2021/NĐ-CP ngày 27/01/2021', 'Nghị định số bảy năm hai nghìn không trăm hai mươi mốt của Chính phủ ngày hai mươi bảy tháng một năm hai nghìn không trăm hai mươi mốt'],
    ['Quyết định số 123/QĐ-UBND', 'Quyết định số một trăm hai mươi ba của Ủy ban nhân dân'],
    ['Quyết định 22/QĐ-TTg', 'Quyết định số hai mươi hai của Thủ tướng Chính phủ'],
    ['Thông tư 15/2018/TT-BYT', 'Thông tư số mười lăm năm hai nghìn không trăm mười tám của Bộ Y tế'],
    ['Công văn số 45/UBND-VX', 'Công văn số bốn mươi lăm của Ủy ban nhân dân, văn xã'],
    ['Luật số 58/2014/QH13', 'Luật số năm mươi tám năm hai nghìn không trăm mười bốn của Quốc hội khóa mười ba'],
    ['Kế hoạch số 01/KH-UBND', 'Kế hoạch số một của Ủy ban nhân dân'],
    ['theo 36/CT-TTg', 'theo chỉ thị số ba mươi sáu của Thủ tướng Chính phủ'],
    ['Thông tư liên tịch 01/2020/TTLT-BYT-BTC', 'Thông tư liên tịch số một năm hai nghìn không trăm hai mươi của Bộ Y tế, Bộ Tài chính'],
    ['văn bản 12/XYZ', 'văn bản số mười hai của ích-xì i dài dét'],
  ];
  it.each(documents)('documents: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const abbreviations: Array<[string, string]> = [
    ['đóng BHXH', 'đóng bảo hiểm xã hội'],
    ['thẻ BHYT', 'thẻ bảo hiểm y tế'],
    ['BHTN', 'bảo hiểm thất nghiệp'],
    ['UBND xã', 'Ủy ban nhân dân xã'],
    ['HĐND huyện', 'Hội đồng nhân dân huyện'],
    ['MTTQ Việt Nam', 'Mặt trận Tổ quốc Việt Nam'],
    ['theo NĐ-CP', 'theo nghị định của Chính phủ'],
    ['BHXH, BHYT, BHTN', 'bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp'],
    ['(BHXH)', '(bảo hiểm xã hội)'],
    ['BHXH.', 'bảo hiểm xã hội.'],
    ['BHXHVN', 'Bảo hiểm xã hội Việt Nam'],
    ['TP.HCM', 'Thành phố Hồ Chí Minh'],
    ['TP. Lào Cai', 'thành phố Lào Cai'],
    ['PCTT&TKCN', 'phòng chống thiên tai và tìm kiếm cứu nạn'],
    ['GD&ĐT', 'giáo dục và đào tạo'],
    ['dịch COVID-19', 'dịch cô-vít mười chín'],
    ['học sinh THCS và THPT', 'học sinh trung học cơ sở và trung học phổ thông'],
    ['Đ/c Chủ tịch', 'đồng chí Chủ tịch'],
    ['thứ 2 đến CN', 'thứ hai đến chủ nhật'],
    ['ATGT', 'an toàn giao thông'],
    ['CCCD gắn chip', 'căn cước công dân gắn chip'],
    ['KT-XH', 'kinh tế - xã hội'],
    ['ATNĐ', 'áp thấp nhiệt đới'],
    ['BHXHVNX', 'bê hát ích-xì hát vê en-nờ ích-xì'],
    ['xem VTV1', 'xem vê tê vê một'],
    ['trên VTV', 'trên vê tê vê'],
    ['bhxh', 'bhxh'],
  ];
  it.each(abbreviations)('abbreviations: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const ordinals: Array<[string, string]> = [
    ['thứ 2', 'thứ hai'],
    ['Thứ 4', 'Thứ tư'],
    ['thứ 7', 'thứ bảy'],
    ['lần thứ 1', 'lần thứ nhất'],
    ['lần thứ 21', 'lần thứ hai mươi mốt'],
    ['quý IV', 'quý bốn'],
    ['Quý II năm 2025', 'Quý hai năm hai nghìn không trăm hai mươi lăm'],
    ['khóa XV', 'khóa mười lăm'],
    ['Chương III', 'Chương ba'],
    ['thứ IV', 'thứ tư'],
    ['Đại hội XIII', 'Đại hội mười ba'],
    ['Điều 5', 'Điều năm'],
  ];
  it.each(ordinals)('ordinals: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const words: Array<[string, string]> = [
    ['THÔNG BÁO KHẨN', 'THÔNG BÁO KHẨN'],
    ['KHẨN CẤP', 'KHẨN CẤP'],
    ['TIN BÃO KHẨN CẤP CƠN BÃO SỐ 3', 'TIN BÃO KHẨN CẤP CƠN BÃO SỐ ba'],
    ['gọi SOS', 'gọi ét-xì o ét-xì'],
    ['trên 60 tuổi', 'trên sáu mươi tuổi'],
    ['>60 tuổi', 'trên sáu mươi tuổi'],
    ['<6 tuổi', 'dưới sáu tuổi'],
    ['≥ 18 tuổi', 'từ mười tám tuổi'],
    ['~200 hộ', 'khoảng hai trăm hộ'],
    ['cha & mẹ', 'cha và mẹ'],
    ['và/hoặc', 'và hoặc'],
    ['- Mức đóng: 22%', 'Mức đóng: hai mươi hai phần trăm'],
    ['• Đối tượng: NLĐ', 'Đối tượng: người lao động'],
    ['Dòng 1\nDòng 2', 'Dòng một\nDòng hai'],
    ['  nhiều    khoảng   trắng  ', 'nhiều khoảng trắng'],
    ['A\u00a0B', 'A B'],
    ['Bà con lưu ý!', 'Bà con lưu ý!'],
    ['', ''],
  ];
  it.each(words)('words and symbols: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  const bulletins: Array<[string, string]> = [
    [
      'Từ ngày 01/7/2025, mức đóng BHXH tự nguyện thấp nhất là 330.000 đồng/tháng.',
      'Từ ngày mùng một tháng bảy năm hai nghìn không trăm hai mươi lăm, mức đóng bảo hiểm xã hội tự nguyện thấp nhất là ba trăm ba mươi nghìn đồng một tháng.',
    ],
    [
      'UBND xã thông báo: 7h30 sáng thứ 2 ngày 15/9, tiêm chủng tại TYT xã. Liên hệ 0912.345.678.',
      'Ủy ban nhân dân xã thông báo: bảy giờ ba mươi phút sáng thứ hai ngày mười lăm tháng chín, tiêm chủng tại trạm y tế xã. Liên hệ không chín một hai, ba bốn năm, sáu bảy tám.',
    ],
    [
      'Hồi 16h ngày 10/9, vị trí tâm bão số 3 cách Móng Cái 120 km, sức gió mạnh nhất 90-100 km/h.',
      'Hồi mười sáu giờ ngày mùng mười tháng chín, vị trí tâm bão số ba cách Móng Cái một trăm hai mươi ki-lô-mét, sức gió mạnh nhất chín mươi đến một trăm ki-lô-mét một giờ.',
    ],
    [
      'Tỷ lệ bao phủ BHYT đạt 93,35% dân số.',
      'Tỷ lệ bao phủ bảo hiểm y tế đạt chín mươi ba phẩy ba mươi lăm phần trăm dân số.',
    ],
  ];
  it.each(bulletins)('bulletins: %s', (text, spoken) => expect(say(text)).toBe(spoken));

  it('reads the southern way with the southern style', () => {
    expect(normaliseVietnamese('1.005 người, 105 hộ', lexicon, SOUTHERN)).toBe('một ngàn không trăm lẻ năm người, một trăm lẻ năm hộ');
  });

  it('takes a district lexicon that adds and overrides words', () => {
    const district = parseLexicon('[abbreviations]\nHTX = hợp tác xã nông nghiệp\nTDTT = thể dục thể thao\n[units]\ncon = con\n', 'district.txt');
    const merged = mergeLexicons(lexicon, district);
    expect(normaliseVietnamese('HTX tổ chức TDTT, BHXH', merged)).toBe('hợp tác xã nông nghiệp tổ chức thể dục thể thao, bảo hiểm xã hội');
    expect(normaliseVietnamese('HTX', lexicon)).toBe('hợp tác xã');
  });

  it('spells letters the Vietnamese way', () => {
    expect(spell('VTV')).toBe('vê tê vê');
    expect(spell('ĐK')).toBe('đê ca');
  });
});

describe('parseLexicon', () => {
  it('reads sections, comments and entries', () => {
    const parsed = parseLexicon('# comment\n[abbreviations]\nA1 = một # note\n\n[units]\nkm = ki-lô-mét\n');
    expect([...parsed.abbreviations]).toEqual([['A1', 'một']]);
    expect([...parsed.units]).toEqual([['km', 'ki-lô-mét']]);
  });

  it.each([
    ['[nonsense]\n', /district.txt:1: unknown section \[nonsense\]/],
    ['[abbreviations]\nno equals sign\n', /district.txt:2: expected "KEY = words"/],
    ['A = b\n', /district.txt:1: entry before any \[section\]/],
  ])('names the file and line of a mistake: %j', (text, message) => expect(() => parseLexicon(text, 'district.txt')).toThrow(message));
});
