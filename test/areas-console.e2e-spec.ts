import { ADMIN_PASSWORD, startTestApp, type TestApp } from './helpers/app.js';
import { launchBrowser, type TestBrowser } from './helpers/browser.js';

describe('console: importing the national list of areas', () => {
  let t: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser('areas', { baseURL: t.url, timezoneId: 'Asia/Ho_Chi_Minh', locale: 'vi-VN' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lets an admin import the 34 provinces and 3,321 communes with progress, and shows them afterwards', async () => {
    const { page } = browser;
    await page.goto('/');
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('navigation', { name: 'Menu chính' }).getByRole('link', { name: 'Địa bàn hành chính' }).click();
    await page.getByRole('heading', { name: 'Địa bàn hành chính' }).waitFor();
    await page.getByText('Trong Loa: 0 tỉnh, thành phố; 0 huyện; 0 xã, phường, đặc khu.').waitFor();

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Nhập danh sách cả nước' }).click();
    await page.getByText('Đã nhập xong.').waitFor({ timeout: 60_000 });
    await page.getByText('Xã, phường, đặc khu: thêm 3.321, đổi tên 0, giữ nguyên 0').waitFor();
    await page.getByText('Trong Loa: 34 tỉnh, thành phố; 0 huyện; 3.321 xã, phường, đặc khu.').waitFor();
    await browser.screenshot('01-imported');

    // A second run is harmless: it adds nothing.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Nhập danh sách cả nước' }).click();
    await page.getByText('Xã, phường, đặc khu: thêm 0, đổi tên 0, giữ nguyên 3.321').waitFor({ timeout: 60_000 });

    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { name: 'Administrative areas' }).waitFor();
    await page.getByText('In Loa: 34 provinces and cities; 0 districts; 3,321 communes, wards and special zones.').waitFor();
  });
});
