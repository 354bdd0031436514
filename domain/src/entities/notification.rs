use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    /// What a notification is about: one message of the catalogue
    /// ([`crate::messages::Message`]) each; the label heads its line in a digest.
    pub enum NoticeKind {
        /// An assignment was issued to the unit.
        Assigned => "新交办",
        /// The due date is near.
        Reminder => "到期提醒",
        /// Issued and not acknowledged in time.
        AckReminder => "签收提醒",
        /// A reporting period ends and nothing was reported.
        ReportDue => "进展反馈提醒",
        /// The item went up the escalation ladder.
        Escalation => "逾期升级",
        /// The office returned a completion request.
        Returned => "退回",
        /// The office approved a completion request.
        Approved => "办结",
        /// A unit asks the office to close an item.
        CompletionRequested => "申请办结",
        /// A unit asks for a later due date.
        ExtensionRequested => "延期申请",
        /// The office decided an extension request.
        ExtensionDecided => "延期审批",
        /// The office withdrew an item.
        Cancelled => "撤销",
        /// An inspector's or the office's remark.
        Remark => "督查意见",
        /// A leader's instruction.
        Instruction => "领导批示",
        /// The office moved the due date.
        DueChanged => "时限调整",
        /// The working-day calendar lacks a year in use (admins).
        CalendarGap => "系统提示",
        /// A milestone or a period of a recurring duty is near.
        DutyReminder => "履职提醒",
        /// The office paused the item's clock.
        Suspended => "挂起",
        /// The office resumed it.
        Resumed => "恢复办理",
    }
}

crate::vocabulary::vocabulary! {
    /// How a message travels.
    pub enum Channel {
        /// E-mail to a person or to a unit's contact address.
        Email => "邮件",
        /// A DingTalk (钉钉) group robot.
        Dingtalk => "钉钉",
        /// A WeCom (企业微信) group robot.
        Wecom => "企业微信",
        /// A Feishu (飞书) group robot.
        Feishu => "飞书",
    }
}

crate::vocabulary::vocabulary! {
    /// Where an outbox row stands on its way out.
    pub enum DeliveryStatus {
        /// Due at `next_attempt_at`.
        Pending => "待发送",
        /// Claimed by a dispatcher until `claimed_until`.
        Sending => "发送中",
        Sent => "已发送",
        /// Given up after the last attempt; an admin may retry it.
        Failed => "发送失败",
        /// Not sent: no address, or no longer relevant.
        Skipped => "未发送",
    }
}

/// One message to one address on one channel: a row of the outbox. Written
/// in the transaction of the change that causes it; the dedupe key makes a
/// second write of the same notice a no-op. Exactly one of
/// `recipient_user_id` (a person: e-mail and their notification list),
/// `recipient_unit_id` (a unit's contact address) and `channel_id` (a unit's
/// group robot) is set.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub dedupe_key: String,
    pub kind: NoticeKind,
    pub channel: Channel,
    pub recipient_user_id: Option<i64>,
    pub recipient_unit_id: Option<i64>,
    pub channel_id: Option<i64>,
    pub assignment_id: Option<i64>,
    /// The message itself ([`crate::messages::Message`] as JSON); every
    /// channel renders it from the catalogue.
    pub payload: Json,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub message_id: Option<String>,
    pub last_error: Option<String>,
    pub read_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The dispatcher process holding the row while `sending`.
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
