use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The kind of object an event changed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(32))",
    rename_all = "snake_case"
)]
pub enum AuditEntity {
    Assignment,
    Plan,
    Task,
    Unit,
    User,
}

/// What happened, in the history's words.
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
pub enum AuditAction {
    Create,
    Update,
    /// An account's password set by an administrator.
    SetPassword,
    Delete,
    Import,
    Issue,
    Acknowledge,
    ReportProgress,
    RequestCompletion,
    Approve,
    Return,
    Cancel,
    Comment,
    Attach,
    RequestExtension,
    ApproveExtension,
    RejectExtension,
    Escalate,
}

impl AuditAction {
    /// The step as people read it in a history.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Create => "创建",
            AuditAction::Update => "修改",
            AuditAction::SetPassword => "设置密码",
            AuditAction::Delete => "删除",
            AuditAction::Import => "导入",
            AuditAction::Issue => "交办",
            AuditAction::Acknowledge => "签收",
            AuditAction::ReportProgress => "反馈进展",
            AuditAction::RequestCompletion => "申请办结",
            AuditAction::Approve => "审核通过",
            AuditAction::Return => "退回",
            AuditAction::Cancel => "撤销",
            AuditAction::Comment => "发表意见",
            AuditAction::Attach => "上传附件",
            AuditAction::RequestExtension => "申请延期",
            AuditAction::ApproveExtension => "同意延期",
            AuditAction::RejectExtension => "不同意延期",
            AuditAction::Escalate => "升级督办",
        }
    }
}

/// One change, as it happened. Rows are only ever inserted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// None for the system itself (jobs, first start).
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub entity: AuditEntity,
    pub entity_id: i64,
    pub action: AuditAction,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
