import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CountColumn, IdColumn, InstantColumn, RealColumn } from '../database/columns.js';

export const SEGMENT_STATUSES = ['processing', 'ready', 'failed', 'retired'] as const;
export type SegmentStatus = (typeof SEGMENT_STATUSES)[number];
/** Where the audio came from: a file (`upload`) or a text read by a voice (`speech`, SPEC §10). */
export const SEGMENT_SOURCES = ['upload', 'speech'] as const;
export type SegmentSource = (typeof SEGMENT_SOURCES)[number];

@Entity('segments')
export class SegmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Index()
  @Column({ type: 'varchar', length: 100 })
  topic: string;

  @Column({ type: 'varchar', length: 35 })
  language: string;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  status: SegmentStatus;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Uploader's area: the segment serves this whole subtree. null: an admin without an area uploaded it, for everywhere. */
  @Index()
  @IdColumn({ nullable: true })
  areaId: string | null;

  /** The uploader area's materialised path, for subtree visibility; `/` when areaId is null. */
  @Column({ type: 'varchar', length: 800 })
  areaPath: string;

  @IdColumn({ nullable: true })
  uploadedBy: string | null;

  @Column({ type: 'varchar', length: 255 })
  originalName: string;

  @Column({ type: 'varchar', length: 16, default: 'upload' })
  source: SegmentSource;

  /** A spoken bulletin's text as written. */
  @Column({ type: 'text', nullable: true })
  text: string | null;

  /** The voice that reads it (GET /speech/voices). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  voice: string | null;

  /** The text as the voice reads it (normalised when the segment was created). */
  @Column({ type: 'text', nullable: true })
  spokenText: string | null;

  /** sha256 of the uploaded source file; of the voice and text for a spoken bulletin. */
  @Index()
  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  /** Equals sha256 while the segment is live, null once failed or retired: a portable partial unique index. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  liveSha256: string | null;

  @CountColumn()
  sourceBytes: number;

  @RealColumn({ nullable: true })
  durationSec: number | null;

  /** Integrated loudness of the source (EBU R128). */
  @RealColumn({ nullable: true })
  loudnessLufs: number | null;

  @RealColumn({ nullable: true })
  renditionLufs: number | null;

  @RealColumn({ nullable: true })
  renditionTruePeakDb: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  renditionSha256: string | null;

  @CountColumn({ default: 0 })
  renditionBytes: number;

  @Column({ type: 'boolean', default: false })
  approved: boolean;

  @IdColumn({ nullable: true })
  approvedBy: string | null;

  @InstantColumn({ nullable: true })
  approvedAt: Date | null;

  @InstantColumn({ nullable: true })
  validFrom: Date | null;

  @InstantColumn({ nullable: true })
  validUntil: Date | null;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn()
  updatedAt: Date;

  @InstantColumn({ nullable: true })
  retiredAt: Date | null;
}
