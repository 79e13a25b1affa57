import { plainToInstance, Transform } from 'class-transformer';
import { isIP } from 'node:net';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, Validate, validateSync, ValidateBy, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { parseCommandTemplate } from '../speech/command-template.js';
import { loadLexicon } from '../speech/vi/lexicon-files.js';

export const PROCESS_ROLES = ['api', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

const PEER_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** A proxy-addr trust list (what Fastify's trustProxy takes): names, addresses, CIDR ranges. */
@ValidatorConstraint({ name: 'trustedPeers' })
class TrustedPeers implements ValidatorConstraintInterface {
  validate(entries: unknown): boolean {
    return Array.isArray(entries) && entries.length > 0 && entries.every(isTrustedPeer);
  }

  defaultMessage(): string {
    return 'LOA_TRUST_PROXY must be a comma-separated list of loopback, linklocal, uniquelocal, addresses or CIDR ranges';
  }
}

function isTrustedPeer(entry: unknown): boolean {
  if (typeof entry !== 'string') return false;
  if (PEER_NAMES.includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** A check that throws on a bad value; its message becomes the variable's error. */
const checkedBy = (name: string, check: (value: string) => void) =>
  ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => {
        try {
          check(String(value));
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => {
        try {
          check(String(args?.value));
          return '';
        } catch (error) {
          return `${args?.property} ${(error as Error).message}`;
        }
      },
    },
  });

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : value;
};

/**
 * Every environment variable Loa reads, with its default. Validated once at start-up so a
 * bad value stops the process with a message naming the variable, instead of failing later.
 */
export class AppConfig {
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL (unset for the embedded SQLite)' })
  DATABASE_URL?: string;

  /** PostgreSQL schema; tests give each run its own. */
  @IsOptional() @Matches(/^[a-z_][a-z0-9_]*$/, { message: 'LOA_DB_SCHEMA must be a lower-case SQL identifier' })
  LOA_DB_SCHEMA?: string;

  @IsOptional() @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL?: string;

  /** BullMQ key prefix, so several installations (or test runs) can share one Redis. */
  @Matches(/^[A-Za-z0-9_.:-]+$/, { message: 'LOA_QUEUE_PREFIX may hold letters, digits and _.:- only' })
  LOA_QUEUE_PREFIX = 'loa';

  @IsString() @MinLength(1)
  LOA_DATA_DIR = 'data';

  @IsString() @MinLength(1)
  LOA_AUDIO_DIR = 'audio';

  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((r) => r.trim()).filter(Boolean) : value))
  @IsIn(PROCESS_ROLES, { each: true, message: 'LOA_ROLES must be a comma-separated list of api, worker' })
  LOA_ROLES: ProcessRole[] = ['api', 'worker'];

  @Transform(toInt) @IsInt() @Min(1) @Max(10240)
  LOA_MAX_UPLOAD_MB = 200;

  @Transform(toInt) @IsInt() @Min(1) @Max(86400)
  LOA_MAX_SEGMENT_SEC = 1800;

  /** A segment still `processing` after this long is reaped to `failed`. */
  @Transform(toInt) @IsInt() @Min(10)
  LOA_PROCESSING_TIMEOUT_SEC = 3600;

  @Transform(toInt) @IsInt() @Min(1) @Max(16)
  LOA_TRANSCODE_CONCURRENCY = 1;

  @Transform(toInt) @IsInt() @Min(1)
  LOA_SPEAKER_OFFLINE_SEC = 300;

  @Transform(toInt) @IsInt() @Min(1) @Max(24 * 31)
  LOA_HORIZON_HOURS = 48;

  @Transform(toInt) @IsInt() @Min(0)
  LOA_RECEIPT_GRACE_SEC = 600;

  @Transform(toInt) @IsInt() @Min(1) @Max(24 * 14)
  LOA_DEVICE_LOOKAHEAD_HOURS = 24;

  /** Seconds between the comment lines that keep each receiver's event stream (and its presence) alive. */
  @Transform(toInt) @IsInt() @Min(1) @Max(30)
  LOA_PUSH_HEARTBEAT_SEC = 25;

  /** Bytes an event stream may hold unsent for a slow receiver before it is dropped (the receiver reconnects and re-reads its queue). */
  @Transform(toInt) @IsInt() @Min(1024)
  LOA_PUSH_MAX_BUFFER_BYTES = 65_536;

  /**
   * Peers trusted to tell the client's address (X-Forwarded-For): the load balancer's. Login limits
   * count per client address, so only the balancer may set it. Names (loopback, linklocal,
   * uniquelocal), addresses or CIDR ranges, comma-separated.
   */
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((r) => r.trim()).filter(Boolean) : value))
  @Validate(TrustedPeers)
  LOA_TRUST_PROXY: string[] = ['loopback'];

  /** Another local text-to-speech engine, e.g. `piper --model /opt/piper/vi.onnx --output_file {out}` (src/speech/command-template.ts). */
  @IsOptional() @checkedBy('commandTemplate', parseCommandTemplate)
  LOA_TTS_COMMAND?: string;

  /** The language LOA_TTS_COMMAND's voice reads. */
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'LOA_TTS_COMMAND_LANGUAGE must be a BCP-47 tag such as vi' })
  LOA_TTS_COMMAND_LANGUAGE = 'vi';

  /** A district's own abbreviations and words for the speech normaliser, added to the built-in list. */
  @IsOptional() @checkedBy('lexiconFile', (path) => {
    try {
      loadLexicon(path);
    } catch (error) {
      throw new Error(`cannot be used: ${(error as Error).message}`);
    }
  })
  LOA_SPEECH_LEXICON?: string;

  /** How many times an alert plays (SPEC §11), with 10 s between passes, after the attention signal. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10)
  LOA_ALERT_REPEAT = 3;

  /** Largest CAP message accepted by POST /alerts or read from a feed, inline audio included (413 beyond). */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  LOA_ALERT_MAX_MB = 10;

  /** Atom feeds of CAP messages the worker polls, separated by commas or spaces. */
  @Transform(({ value }) => (typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value))
  @Matches(/^https?:\/\/\S+$/, { each: true, message: 'LOA_CAP_FEEDS must be http(s) URLs separated by commas or spaces' })
  LOA_CAP_FEEDS: string[] = [];

  /** Seconds between two polls of LOA_CAP_FEEDS. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  LOA_CAP_FEED_INTERVAL_SEC = 30;

  /**
   * Failed password (or one-time code) checks allowed per minute, counted apart per client address and
   * per username, over every place that checks one (login, queue dashboard, password change, TOTP).
   */
  @Transform(toInt) @IsInt() @Min(1)
  LOA_LOGIN_LIMIT_PER_MIN = 10;

  /** Users of the roles that can start an emergency must sign in with a one-time code (TOTP). */
  @Transform(toBool) @IsBoolean({ message: 'LOA_REQUIRE_TOTP must be true or false' })
  LOA_REQUIRE_TOTP = false;

  @IsOptional() @IsString() @MinLength(10, { message: 'LOA_ADMIN_PASSWORD must be at least 10 characters' })
  LOA_ADMIN_PASSWORD?: string;

  @IsOptional() @IsString() @MinLength(32, { message: 'LOA_JWT_SECRET must be at least 32 characters' })
  LOA_JWT_SECRET?: string;

  @Transform(toInt) @IsInt() @Min(60)
  LOA_TOKEN_TTL_SEC = 12 * 3600;

  @IsIn(['debug', 'log', 'warn', 'error'])
  LOA_LOG_LEVEL: 'debug' | 'log' | 'warn' | 'error' = 'log';

  @IsIn(['json', 'text'])
  LOA_LOG_FORMAT: 'json' | 'text' = 'json';

  get isPostgres(): boolean {
    return !!this.DATABASE_URL;
  }

  hasRole(role: ProcessRole): boolean {
    return this.LOA_ROLES.includes(role);
  }
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => value !== undefined && value !== '' && (known.includes(key) || key === 'DATABASE_URL' || key === 'REDIS_URL' || key.startsWith('LOA_'))),
  );
  const config = plainToInstance(AppConfig, present);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length) {
    const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(env[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
