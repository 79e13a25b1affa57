import type { Lang } from './i18n';

/**
 * Words for the codes the API keeps (topics, audit actions and resources): the API and CSV files
 * carry the codes, people read these. A code without an entry shows as it is.
 */
type Labels = Record<string, Record<Lang, string>>;

/**
 * Topics offered when uploading, with their labels: to add one, add a line (code: lower-case words
 * joined by `-`, as the API stores it) and rebuild. Uploads may still use any other code.
 */
export const TOPICS: Labels = {
  'social-insurance': { vi: 'Bảo hiểm xã hội', en: 'Social insurance' },
  'health-insurance': { vi: 'Bảo hiểm y tế', en: 'Health insurance' },
  'unemployment-insurance': { vi: 'Bảo hiểm thất nghiệp', en: 'Unemployment insurance' },
  'disaster-warning': { vi: 'Cảnh báo thiên tai', en: 'Disaster warning' },
  'public-health': { vi: 'Y tế cộng đồng', en: 'Public health' },
  agriculture: { vi: 'Nông nghiệp', en: 'Agriculture' },
  security: { vi: 'An ninh trật tự', en: 'Public order' },
  'land-environment': { vi: 'Đất đai, môi trường', en: 'Land and environment' },
  education: { vi: 'Giáo dục', en: 'Education' },
  'administrative-procedures': { vi: 'Thủ tục hành chính', en: 'Administrative procedures' },
};

const RESOURCES: Labels = {
  auth: { vi: 'Đăng nhập', en: 'Sign-in' },
  area: { vi: 'Địa bàn', en: 'Area' },
  user: { vi: 'Người dùng', en: 'User' },
  speaker: { vi: 'Cụm loa', en: 'Receiver' },
  segment: { vi: 'Bản tin', en: 'Audio clip' },
  schedule: { vi: 'Lịch phát', en: 'Schedule' },
  broadcast: { vi: 'Buổi phát', en: 'Broadcast' },
  delivery: { vi: 'Lượt phát', en: 'Delivery' },
  alert: { vi: 'Cảnh báo', en: 'Alert' },
};

const ACTIONS: Labels = {
  'auth.login': { vi: 'Đăng nhập', en: 'Signed in' },
  'auth.login_failed': { vi: 'Đăng nhập thất bại', en: 'Failed sign-in' },
  'auth.password': { vi: 'Đổi mật khẩu', en: 'Changed password' },
  'area.create': { vi: 'Tạo địa bàn', en: 'Created an area' },
  'area.update': { vi: 'Sửa địa bàn', en: 'Changed an area' },
  'area.import': { vi: 'Nhập danh mục đơn vị hành chính', en: 'Imported administrative units' },
  'area.merge': { vi: 'Sáp nhập xã', en: 'Merged communes' },
  'user.create': { vi: 'Tạo người dùng', en: 'Created a user' },
  'user.update': { vi: 'Sửa người dùng', en: 'Changed a user' },
  'user.disable': { vi: 'Khoá người dùng', en: 'Disabled a user' },
  'user.password': { vi: 'Đặt lại mật khẩu', en: 'Reset a password' },
  'speaker.create': { vi: 'Đăng ký cụm loa', en: 'Registered a receiver' },
  'speaker.update': { vi: 'Sửa cụm loa', en: 'Changed a receiver' },
  'speaker.move': { vi: 'Chuyển cụm loa sang xã khác', en: 'Moved a receiver to another commune' },
  'speaker.rotate_token': { vi: 'Cấp mã thiết bị mới', en: 'Issued a new device token' },
  'segment.upload': { vi: 'Tải lên bản tin', en: 'Uploaded a clip' },
  'segment.speech': { vi: 'Tạo bản tin đọc tự động', en: 'Made a spoken clip' },
  'segment.approve': { vi: 'Duyệt bản tin', en: 'Approved a clip' },
  'segment.retire': { vi: 'Thu hồi bản tin', en: 'Retired a clip' },
  'schedule.create': { vi: 'Tạo lịch phát', en: 'Created a schedule' },
  'schedule.update': { vi: 'Sửa lịch phát', en: 'Changed a schedule' },
  'schedule.delete': { vi: 'Xoá lịch phát', en: 'Deleted a schedule' },
  'broadcast.emergency': { vi: 'Phát khẩn cấp', en: 'Emergency broadcast' },
  'broadcast.alert': { vi: 'Phát bản tin cảnh báo', en: 'Alert broadcast' },
  'broadcast.move_up': { vi: 'Đưa buổi phát đang chờ lên sớm', en: 'Moved a waiting broadcast up' },
  'broadcast.stop': { vi: 'Dừng buổi phát', en: 'Stopped a broadcast' },
  'broadcast.revive': { vi: 'Khôi phục buổi phát bị chen ngang', en: 'Restored a preempted broadcast' },
  'delivery.late_receipt': { vi: 'Báo nhận muộn', en: 'Late receipt' },
  'alert.receive': { vi: 'Nhận bản tin cảnh báo', en: 'Received an alert' },
  'alert.refuse': { vi: 'Từ chối bản tin cảnh báo', en: 'Refused an alert' },
  'alert.stop': { vi: 'Dừng bản tin cảnh báo', en: 'Stopped an alert' },
};

const labelOf = (labels: Labels, code: string, lang: Lang) => labels[code]?.[lang] ?? code;

export const topicLabel = (code: string, lang: Lang) => labelOf(TOPICS, code, lang);
export const resourceLabel = (code: string, lang: Lang) => labelOf(RESOURCES, code, lang);
export const actionLabel = (code: string, lang: Lang) => labelOf(ACTIONS, code, lang);
