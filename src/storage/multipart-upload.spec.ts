import { uploadRequestTimeoutMs } from './multipart-upload.js';

describe('uploadRequestTimeoutMs', () => {
  it('lets an upload at the size limit finish over a 1 Mbit/s link', () => {
    expect(uploadRequestTimeoutMs(200)).toBe(1600_000); // 200 MB at 1 Mbit/s: 1600 s
    expect(uploadRequestTimeoutMs(1024)).toBe(8192_000);
  });

  it('never goes below Node’s own 5-minute default', () => {
    expect(uploadRequestTimeoutMs(1)).toBe(300_000);
    expect(uploadRequestTimeoutMs(37)).toBe(300_000);
  });
});
