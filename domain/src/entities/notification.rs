use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What a notification is about: one message of the catalogue
/// ([`crate::messages::Message`]) each.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NoticeKind {
    /// 新交办: an assignment was issued to the unit.
    Assigned,
    /// 催办: the due date is near.
    Reminder,
    /// 签收提醒: issued and not acknowledged in time.
    AckReminder,
    /// 进展反馈提醒: a reporting period ends and nothing was reported.
    ReportDue,
    /// 督办 / 通报: the item went up the escalation ladder.
    Escalation,
    /// 退回: the office returned a completion request.
    Returned,
    /// 办结: the office approved a completion request.
    Approved,
    /// 申请办结: a unit asks the office to close an item.
    CompletionRequested,
    /// 延期申请: a unit asks for a later due date.
    ExtensionRequested,
    /// 延期审批: the office decided an extension request.
    ExtensionDecided,
    /// 撤销: the office withdrew an item.
    Cancelled,
    /// 督查意见: an inspector's or the office's remark.
    Remark,
    /// 领导批示: a leader's instruction.
    Instruction,
    /// The working-day calendar lacks a year in use (admins).
    CalendarGap,
}

/// How a message travels.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    /// E-mail to a person or to a unit's contact address.
    Email,
    /// A DingTalk (钉钉) group robot.
    Dingtalk,
    /// A WeCom (企业微信) group robot.
    Wecom,
    /// A Feishu (飞书) group robot.
    Feishu,
}

/// Where an outbox row stands on its way out.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeliveryStatus {
    /// Due at `next_attempt_at`.
    Pending,
    /// Claimed by a dispatcher until `claimed_until`.
    Sending,
    Sent,
    /// Given up after the last attempt; an admin may retry it.
    Failed,
    /// Not sent: no address, or no longer relevant.
    Skipped,
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
