import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.LOA_DATA_DIR).toBe('data');
    expect(config.LOA_MAX_UPLOAD_MB).toBe(200);
    expect(config.LOA_SPEAKER_OFFLINE_SEC).toBe(300);
    expect(config.LOA_HORIZON_HOURS).toBe(48);
    expect(config.LOA_RECEIPT_GRACE_SEC).toBe(600);
    expect(config.LOA_ROLES).toEqual(['api', 'worker']);
    expect(config.isPostgres).toBe(false);
    expect(config.LOA_REQUIRE_TOTP).toBe(false);
    expect(config.LOA_LOGIN_LIMIT_PER_MIN).toBe(10);
  });

  it('reads LOA_REQUIRE_TOTP as a boolean and refuses anything else', () => {
    expect(loadConfig({ LOA_REQUIRE_TOTP: 'true' }).LOA_REQUIRE_TOTP).toBe(true);
    expect(loadConfig({ LOA_REQUIRE_TOTP: '0' }).LOA_REQUIRE_TOTP).toBe(false);
    expect(() => loadConfig({ LOA_REQUIRE_TOTP: 'yes please' })).toThrow(/LOA_REQUIRE_TOTP must be true or false/);
  });

  it('parses numbers, roles and URLs', () => {
    const config = loadConfig({ PORT: '8080', LOA_ROLES: 'worker', DATABASE_URL: 'postgres://u@h/db', LOA_MAX_UPLOAD_MB: '5' });
    expect(config.PORT).toBe(8080);
    expect(config.hasRole('api')).toBe(false);
    expect(config.hasRole('worker')).toBe(true);
    expect(config.isPostgres).toBe(true);
    expect(config.LOA_MAX_UPLOAD_MB).toBe(5);
  });

  it('trusts only the loopback balancer for client addresses unless told otherwise', () => {
    expect(loadConfig({}).LOA_TRUST_PROXY).toEqual(['loopback']);
    expect(loadConfig({ LOA_TRUST_PROXY: 'uniquelocal, 203.0.113.0/24,::1,fd00::/8' }).LOA_TRUST_PROXY).toEqual(['uniquelocal', '203.0.113.0/24', '::1', 'fd00::/8']);
    for (const bad of ['everyone', '10.0.0.0/33', '10.0.0/8', '::1/129', ',']) {
      expect(() => loadConfig({ LOA_TRUST_PROXY: bad })).toThrow('LOA_TRUST_PROXY must be a comma-separated list');
    }
  });

  it('names every bad variable in one message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOA_ROLES: 'api,cook', DATABASE_URL: 'mysql://x', LOA_JWT_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT="eighty"', 'LOA_ROLES', 'DATABASE_URL', 'LOA_JWT_SECRET']) expect(message).toContain(name);
  });
});

describe('speech configuration', () => {
  it('accepts a command template and a lexicon file', () => {
    const config = loadConfig({ LOA_TTS_COMMAND: 'piper --model "/opt/piper/vi vn.onnx" --output_file {out}', LOA_SPEECH_LEXICON: 'src/speech/vi/lexicon.vi.txt' });
    expect(config.LOA_TTS_COMMAND).toContain('{out}');
    expect(config.LOA_TTS_COMMAND_LANGUAGE).toBe('vi');
  });

  it.each([
    ['piper --output_file out.wav', /LOA_TTS_COMMAND must contain \{out\}/],
    ['piper --output_file {out} | sox - x.wav', /LOA_TTS_COMMAND has "\|": it runs without a shell/],
    ['{out} piper', /must start with the program/],
  ])('refuses the template %j, naming the variable', (template, message) => {
    expect(() => loadConfig({ LOA_TTS_COMMAND: template })).toThrow(message);
  });

  it('names a lexicon file that cannot be read or parsed', () => {
    expect(() => loadConfig({ LOA_SPEECH_LEXICON: '/nonexistent/lexicon.txt' })).toThrow(/LOA_SPEECH_LEXICON cannot be used: ENOENT/);
    expect(() => loadConfig({ LOA_SPEECH_LEXICON: 'package.json' })).toThrow(/LOA_SPEECH_LEXICON cannot be used: package.json:1: /);
  });
});

describe('alert configuration', () => {
  it('has the documented defaults and reads a list of feeds', () => {
    expect(loadConfig({})).toMatchObject({ LOA_ALERT_REPEAT: 3, LOA_ALERT_MAX_MB: 10, LOA_CAP_FEEDS: [], LOA_CAP_FEED_INTERVAL_SEC: 30 });
    expect(loadConfig({ LOA_CAP_FEEDS: 'http://a.example/cap.atom, https://b.example/x.atom' }).LOA_CAP_FEEDS).toEqual(['http://a.example/cap.atom', 'https://b.example/x.atom']);
  });

  it('names bad alert variables', () => {
    expect(() => loadConfig({ LOA_CAP_FEEDS: 'ftp://x/feed' })).toThrow(/LOA_CAP_FEEDS must be http\(s\) URLs/);
    expect(() => loadConfig({ LOA_ALERT_REPEAT: '0' })).toThrow(/LOA_ALERT_REPEAT/);
  });
});
