use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    /// The kind of object an event changed.
    pub enum AuditEntity {
        Assignment => "事项",
        Plan => "督办文件",
        Task => "任务",
        Unit => "单位",
        User => "账户",
        /// A unit's group robot.
        Channel => "推送渠道",
    }
}

crate::vocabulary::vocabulary! {
    /// What happened, in the history's words.
    pub enum AuditAction {
        Create => "创建",
        Update => "修改",
        /// An account's password set by an administrator.
        SetPassword => "重置密码",
        /// A person chose a new password of their own.
        ChangePassword => "修改密码",
        Delete => "删除",
        Import => "导入",
        Issue => "交办",
        Acknowledge => "签收",
        ReportProgress => "反馈进展",
        RequestCompletion => "申请办结",
        Approve => "审核通过",
        Return => "退回",
        Cancel => "撤销",
        Comment => "发表意见",
        Attach => "上传附件",
        RequestExtension => "申请延期",
        ApproveExtension => "同意延期",
        RejectExtension => "不同意延期",
        Escalate => "升级督办",
        ChangeDue => "调整完成时限",
        Suspend => "挂起",
        Resume => "恢复",
        /// A unit handed its assignment down (the parent's history).
        Delegate => "分解交办",
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
