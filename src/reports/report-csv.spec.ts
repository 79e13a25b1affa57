import { csvCell, csvLines } from './report-csv.js';

describe('report CSV', () => {
  it('quotes separators, quotes and line breaks; leaves plain text and numbers alone', () => {
    expect(csvCell('Xã Y Tý (VN-LC-YT)')).toBe('Xã Y Tý (VN-LC-YT)');
    expect(csvCell('Bảo hiểm, y tế')).toBe('"Bảo hiểm, y tế"');
    expect(csvCell('Loa "Trung tâm"')).toBe('"Loa ""Trung tâm"""');
    expect(csvCell('hai\ndòng')).toBe('"hai\ndòng"');
    expect(csvCell(' lề ')).toBe('" lề "');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(null)).toBe('');
  });

  it('defuses spreadsheet formulas in text', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('starts with a BOM and a header row, one CRLF line per item, speaker columns only for speakers', () => {
    const item = { key: 'c1', label: 'Xã Tả Van (VN-LC-TV)', broadcasts: 2, targeted: 6, played: 4, interrupted: 1, failed: 1, missed: 0, pending: 0, airtimeSec: 1200.5 };
    expect([...csvLines('commune', [item])].join('')).toBe('\uFEFFkey,label,broadcasts,targeted,played,interrupted,failed,missed,pending,airtimeSec\r\nc1,Xã Tả Van (VN-LC-TV),2,6,4,1,1,0,0,1200.5\r\n');
    const speaker = { ...item, playedRatio: 0.6667, lastSeenAt: null };
    expect([...csvLines('speaker', [speaker])][0]).toBe('\uFEFFkey,label,broadcasts,targeted,played,interrupted,failed,missed,pending,airtimeSec,playedRatio,lastSeenAt\r\n');
    expect([...csvLines('speaker', [speaker])][1]).toBe('c1,Xã Tả Van (VN-LC-TV),2,6,4,1,1,0,0,1200.5,0.6667,\r\n');
  });
});
