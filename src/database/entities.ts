import { AlertAreaEntity, AlertEntity } from '../alerts/alert.entity.js';
import { AreaEntity } from '../areas/area.entity.js';
import { AuditEntryEntity } from '../audit/audit-entry.entity.js';
import { BroadcastEntity } from '../broadcasts/broadcast.entity.js';
import { DeliveryEntity } from '../broadcasts/delivery.entity.js';
import { ROLLUP_ENTITIES } from '../reports/rollup.entities.js';
import { ScheduleEntity } from '../schedules/schedule.entity.js';
import { SegmentEntity } from '../segments/segment.entity.js';
import { SpeakerEntity } from '../speakers/speaker.entity.js';
import { UserEntity } from '../users/user.entity.js';

export const ENTITIES = [AreaEntity, UserEntity, SpeakerEntity, SegmentEntity, ScheduleEntity, BroadcastEntity, DeliveryEntity, AuditEntryEntity, ...ROLLUP_ENTITIES, AlertEntity, AlertAreaEntity];
