import { InitialSchema1764028800000 } from './1764028800000-initial-schema.js';
import { DeviceQueueIndex1764201600000 } from './1764201600000-device-queue-index.js';
import { SegmentAreaOptional1764288000000 } from './1764288000000-segment-area-optional.js';
import { ReportRollups1764374400000 } from './1764374400000-report-rollups.js';
import { LiveBroadcastUnique1764460800000 } from './1764460800000-live-broadcast-unique.js';
import { ReportRollupJournal1764547200000 } from './1764547200000-report-rollup-journal.js';
import { ReportRollupJournalSeq1764633600000 } from './1764633600000-report-rollup-journal-seq.js';
import { ReportRollupsClustered1764720000000 } from './1764720000000-report-rollups-clustered.js';
import { ReportSpeakerQuartersYears1764806400000 } from './1764806400000-report-speaker-quarters-years.js';
import { ReportSpeakerHalfYears1764892800000 } from './1764892800000-report-speaker-half-years.js';
import { InterruptedDeliveries1764979200000 } from './1764979200000-interrupted-deliveries.js';
import { UserLifecycle1764986400000 } from './1764986400000-user-lifecycle.js';
import { SegmentSpeech1764990000000 } from './1764990000000-segment-speech.js';
import { Alerts1765000000000 } from './1765000000000-alerts.js';
import { SpeakerStatus1765065600000 } from './1765065600000-speaker-status.js';
import { BroadcastNotBefore1765152000000 } from './1765152000000-broadcast-not-before.js';

/** Every migration, in order. Listed explicitly so ts-jest, the built app and the CLI load the same set. */
export const MIGRATIONS = [InitialSchema1764028800000, DeviceQueueIndex1764201600000, SegmentAreaOptional1764288000000, ReportRollups1764374400000, LiveBroadcastUnique1764460800000, ReportRollupJournal1764547200000, ReportRollupJournalSeq1764633600000, ReportRollupsClustered1764720000000, ReportSpeakerQuartersYears1764806400000, ReportSpeakerHalfYears1764892800000, InterruptedDeliveries1764979200000, UserLifecycle1764986400000, SegmentSpeech1764990000000, Alerts1765000000000, SpeakerStatus1765065600000, BroadcastNotBefore1765152000000];
