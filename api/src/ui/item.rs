//! The item page (`/assignments/{id}`): the task, where it stands, its
//! reports, reviews, extensions, remarks and history, and the forms of the
//! steps the viewer may take. Each form posts here, calls the same service
//! the API route calls, and answers by Post/Redirect/Get — or, for htmx,
//! with the refreshed item block.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::DomainError;
use duban_domain::entities::report::ReportKind;
use duban_domain::entities::review::Decision;
use duban_domain::escalation::level_name;
use duban_domain::supervision;
use duban_domain::workflow::actions::Screen;
use duban_domain::workflow::assignments::{self as service, NewReport};
use duban_domain::workflow::attachments;
use duban_domain::workflow::extensions;
use duban_domain::workflow::item_view::item_view;
use minijinja::context;
use serde::Serialize;

use super::error::{UiError, UiResult};
use super::form::Submission;
use super::session::Viewer;
use super::view;
use crate::state::AppState;

/// A form sent back with what was wrong with it.
#[derive(Default)]
struct Redo {
    form: &'static str,
    errors: BTreeMap<String, String>,
    values: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct FileView {
    id: i64,
    filename: String,
    size_kb: String,
}

#[derive(Serialize)]
struct ReportView {
    kind_label: &'static str,
    text: String,
    percent: Option<i32>,
    author: String,
    at: String,
    files: Vec<FileView>,
}

#[derive(Serialize)]
struct ReviewView {
    approved: bool,
    comment: String,
    reviewer: String,
    at: String,
}

#[derive(Serialize)]
struct ExtensionView {
    id: i64,
    previous_due_on: String,
    requested_due_on: String,
    reason: String,
    status: String,
    status_label: &'static str,
    requested_by: String,
    decided_by: Option<String>,
    decision_comment: Option<String>,
    at: String,
}

fn size_kb(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

async fn render(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    id: i64,
    status: StatusCode,
    redo: Redo,
    flash: Option<String>,
) -> UiResult<HttpResponse> {
    let v = item_view(&state.ctx(&viewer.actor), id).await?;
    let name = |uid: i64| v.names.get(&uid).cloned().unwrap_or_default();
    let d = &v.detail;
    let last = d.reports.last().map(|(r, _)| r);
    let reports: Vec<ReportView> = d
        .reports
        .iter()
        .map(|(r, files)| ReportView {
            kind_label: r.kind.label(),
            text: r.text.clone(),
            percent: r.percent,
            author: name(r.author_id),
            at: r.created_at.to_rfc3339(),
            files: files
                .iter()
                .map(|f| FileView {
                    id: f.id,
                    filename: f.filename.clone(),
                    size_kb: size_kb(f.size),
                })
                .collect(),
        })
        .collect();
    let reviews: Vec<ReviewView> = d
        .reviews
        .iter()
        .map(|r| ReviewView {
            approved: r.decision == Decision::Approve,
            comment: r.comment.clone(),
            reviewer: name(r.reviewer_id),
            at: r.created_at.to_rfc3339(),
        })
        .collect();
    let extensions: Vec<ExtensionView> = d
        .extension_requests
        .iter()
        .map(|e| ExtensionView {
            id: e.id,
            previous_due_on: e.previous_due_on.to_string(),
            requested_due_on: e.requested_due_on.to_string(),
            reason: e.reason.clone(),
            status_label: e.status.label(),
            status: e.status.label().to_owned(),
            requested_by: name(e.requested_by),
            decided_by: e.decided_by.map(name),
            decision_comment: e.decision_comment.clone(),
            at: e.created_at.to_rfc3339(),
        })
        .collect();
    let comments: Vec<_> = d
        .comments
        .iter()
        .map(|(c, author)| context! { text => c.text, author => author, at => c.created_at.to_rfc3339() })
        .collect();
    let units: Vec<_> = v
        .units
        .iter()
        .map(|u| context! { name => u.unit_name, role_label => u.role.label(), mine => u.unit_id == d.row.unit_id })
        .collect();
    let indicators: Vec<_> = d
        .indicators
        .iter()
        .map(|i| context! { name => i.name, target => i.target, measure => i.measure, comparator => i.comparator })
        .collect();
    // Milestones, handed-down parts, a recurring duty's periods, a pause.
    let today = duban_domain::time::local_date(
        state.env.now(),
        duban_domain::time::zone_of(&d.row.plan_timezone),
    );
    let milestones: Vec<_> = d
        .milestones
        .iter()
        .map(|m| {
            context! {
                title => m.title, target => m.target, due_on => m.due_on.to_string(),
                reached_on => m.reached_on.map(|r| r.to_string()),
                missed => m.reached_on.is_none() && m.due_on < today,
            }
        })
        .collect();
    let children: Vec<_> = d
        .children
        .iter()
        .map(|c| {
            context! {
                id => c.id, unit_name => c.unit_name, status_label => c.status.label(),
                due_on => c.due_on.to_string(), overdue => c.derived(state.env.now()).overdue,
            }
        })
        .collect();
    let periods: Vec<_> = duban_domain::duties::occurrences(&state.ctx(&viewer.actor), id)
        .await?
        .iter()
        .flat_map(|r| {
            r.periods.iter().map(|p| {
                context! {
                    title => r.recurrence.title, start => p.period.start.to_string(),
                    end => p.period.end.to_string(), due_on => p.period.due_on.to_string(),
                    required => p.required, done => p.done, status => p.status,
                    status_label => p.status.label(),
                }
            })
        })
        .collect();
    // The report form starts from the last report, so a clerk edits rather than retypes.
    let mut values = redo.values;
    if redo.form != "report" {
        values.insert(
            "text".into(),
            last.map(|r| r.text.clone()).unwrap_or_default(),
        );
        values.insert(
            "percent".into(),
            last.and_then(|r| r.percent)
                .or(d.row.percent)
                .map(|p| p.to_string())
                .unwrap_or_default(),
        );
    }
    let r = &d.row;
    let ctx = context! {
        item => context! {
            id => r.id,
            task_number => r.task_number,
            task_title => r.task_title,
            plan_id => r.plan_id,
            plan_doc_no => r.plan_doc_no,
            plan_title => d.plan_title,
            unit_name => r.unit_name,
            role_label => r.role.label(),
            status => r.status.as_str(),
            status_label => r.status.label(),
            due_on => r.due_on.to_string(),
            due_text => d.due_text,
            percent => r.percent,
            escalation_level => r.escalation_level,
            level_name => level_name(r.escalation_level),
            requirements => d.requirements,
            report_cron => d.report_cron,
            version => r.version,
            suspended => r.suspended_at.is_some(),
            suspend_reason => d.suspend_reason,
            parent_id => r.parent_id,
            note => d.note,
        },
        milestones => milestones,
        children => children,
        periods => periods,
        standing => v.standing,
        actions => context! {
            acknowledge => v.actions.acknowledge,
            report_progress => v.actions.report_progress,
            request_completion => v.actions.request_completion,
            request_extension => v.actions.request_extension,
            review => v.actions.approve || v.actions.return_,
            approve => v.actions.approve,
            return_ => v.actions.return_,
            decide_extension => v.actions.decide_extension,
            cancel => v.actions.cancel,
            comment => v.actions.comment.is_some(),
            instruction => v.actions.comment == Some(duban_domain::entities::comment::CommentKind::Instruction),
            escalate => v.actions.escalate,
            any => v.actions.any(),
        },
        units => units,
        indicators => indicators,
        reports => reports,
        reviews => reviews,
        extensions => extensions,
        comments => comments,
        timeline => super::history::steps(&v.history),
        errors => redo.errors,
        values => values,
        failed_form => redo.form,
        max_size => size_kb(i64::try_from(state.settings.storage.max_attachment_bytes).unwrap_or(i64::MAX)),
    };
    view::Screen {
        req,
        viewer,
        current: Some(Screen::Assignments),
        title: &format!("{}{}", r.task_number, r.task_title),
    }
    .answer(status, "item/page.html", Some("item"), ctx, flash)
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    render(
        &state,
        &req,
        &viewer,
        id,
        StatusCode::OK,
        Redo::default(),
        None,
    )
    .await
}

fn parse_id(raw: &str) -> UiResult<i64> {
    raw.parse::<i64>().map_err(|_| UiError::NotFound)
}

/// After a step: the page again with its message (PRG), or the block for htmx.
async fn done(
    state: &AppState,
    req: &HttpRequest,
    sub: &Submission,
    id: i64,
    key: String,
) -> UiResult<HttpResponse> {
    if view::wants_fragment(req) {
        render(
            state,
            req,
            &sub.viewer,
            id,
            StatusCode::OK,
            Redo::default(),
            Some(key),
        )
        .await
    } else {
        Ok(view::see_other(&format!("/assignments/{id}"), Some(key)))
    }
}

/// A refused step: invalid fields go back to their form; a state conflict
/// shows the page as it now is with why; anything else is an error page.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    sub: &Submission,
    id: i64,
    form: &'static str,
    e: DomainError,
) -> UiResult<HttpResponse> {
    match e {
        DomainError::Invalid(errors) => {
            let redo = Redo {
                form,
                errors: errors.into_iter().map(|e| (e.field, e.message)).collect(),
                values: sub.fields.values(),
            };
            render(
                state,
                req,
                &sub.viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                redo,
                None,
            )
            .await
        }
        DomainError::Conflict { message: why, .. } => {
            let mut redo = Redo {
                form,
                values: sub.fields.values(),
                ..Default::default()
            };
            redo.errors.insert("_form".into(), why);
            render(
                state,
                req,
                &sub.viewer,
                id,
                StatusCode::CONFLICT,
                redo,
                None,
            )
            .await
        }
        other => Err(other.into()),
    }
}

/// The answer to a step: done (its message), or refused (back to its form).
async fn settle<T>(
    state: &AppState,
    req: &HttpRequest,
    sub: &Submission,
    id: i64,
    form: &'static str,
    done_key: String,
    result: Result<T, DomainError>,
) -> UiResult<HttpResponse> {
    match result {
        Ok(_) => done(state, req, sub, id, done_key).await,
        Err(e) => refused(state, req, sub, id, form, e).await,
    }
}

fn version(sub: &Submission) -> Option<i32> {
    sub.fields.get("version").and_then(|v| v.parse().ok())
}

pub async fn acknowledge(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let result = service::acknowledge(&state.ctx(&sub.viewer.actor), id, version(&sub)).await;
    settle(
        &state,
        &req,
        &sub,
        id,
        "acknowledge",
        "acknowledged".into(),
        result,
    )
    .await
}

/// 提交进展 / 申请办结, with an optional 附件. The file is checked before the
/// report is written, so a bad file leaves nothing behind.
pub async fn report(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let f = &sub.fields;
    let kind = match f.get("kind") {
        Some("completion") => ReportKind::Completion,
        _ => ReportKind::Progress,
    };
    let percent = match f.int::<i32>("percent", "完成比例") {
        Ok(p) => p,
        Err((field, msg)) => {
            return refused(
                &state,
                &req,
                &sub,
                id,
                "report",
                DomainError::invalid(field, format!("{msg}（0 到 100）")),
            )
            .await;
        }
    };
    let file = sub.file("file").cloned();
    if let Some(file) = &file {
        // The type comes from the content, as the upload itself decides it
        // (text is read whole to check that it decodes).
        let unreadable =
            |e: std::io::Error| UiError::Internal(anyhow::anyhow!("reading an upload: {e}"));
        let head = file.head(64 * 1024).await.map_err(unreadable)?;
        let whole = if file.size <= head.len() {
            Some(head.clone())
        } else if attachments::is_binary_kind(&head) {
            None
        } else {
            Some(file.bytes().await.map_err(unreadable)?)
        };
        let check = attachments::clean_filename(&file.filename)
            .and_then(|_| attachments::recognize(&head, &file.filename, whole.as_deref()));
        if let Err(e) = check {
            return refused(
                &state,
                &req,
                &sub,
                id,
                "report",
                DomainError::invalid("file", e.message),
            )
            .await;
        }
    }
    let new = NewReport {
        kind,
        text: f.text("text"),
        percent,
        indicator_values: Vec::new(),
        milestone_id: None,
        recurrence_id: None,
        reason: None,
    };
    let rep = match service::report(&state.ctx(&sub.viewer.actor), id, new, version(&sub)).await {
        Ok(r) => r,
        Err(e) => return refused(&state, &req, &sub, id, "report", e).await,
    };
    if let Some(file) = &file {
        let ctx = state.ctx(&sub.viewer.actor);
        let mut upload = attachments::Upload::begin(
            &ctx,
            &state.settings.storage.attachments_dir,
            state.settings.storage.max_attachment_bytes,
            rep.report.id,
            &file.filename,
        )
        .await?;
        file.copy_to(async |chunk: &[u8]| upload.push(chunk).await)
            .await?;
        upload.finish(&ctx).await?;
    }
    let key = if kind == ReportKind::Completion {
        "completion_requested"
    } else {
        "reported"
    };
    done(&state, &req, &sub, id, key.into()).await
}

pub async fn request_extension(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let due_on = match sub.fields.date("due_on", "新的完成时限") {
        Ok(Some(d)) => d,
        Ok(None) => {
            return refused(
                &state,
                &req,
                &sub,
                id,
                "extension",
                DomainError::invalid("due_on", "请选择新的完成时限"),
            )
            .await;
        }
        Err((field, msg)) => {
            return refused(
                &state,
                &req,
                &sub,
                id,
                "extension",
                DomainError::invalid(field, msg),
            )
            .await;
        }
    };
    let reason = sub.fields.text("reason");
    let result = extensions::request(&state.ctx(&sub.viewer.actor), id, due_on, &reason).await;
    settle(
        &state,
        &req,
        &sub,
        id,
        "extension",
        "extension_requested".into(),
        result,
    )
    .await
}

pub async fn review(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let decision = match sub.fields.get("decision") {
        Some("approve") => Decision::Approve,
        Some("return") => Decision::Return,
        _ => {
            return refused(
                &state,
                &req,
                &sub,
                id,
                "review",
                DomainError::invalid("comment", "请选择“通过”或“退回”"),
            )
            .await;
        }
    };
    let comment = Some(sub.fields.text("comment"));
    match service::review(
        &state.ctx(&sub.viewer.actor),
        id,
        decision,
        comment,
        version(&sub),
    )
    .await
    {
        Ok(_) => {
            let key = if decision == Decision::Approve {
                "approved"
            } else {
                "returned"
            };
            done(&state, &req, &sub, id, key.into()).await
        }
        Err(e) => refused(&state, &req, &sub, id, "review", e).await,
    }
}

pub async fn comment(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let text = sub.fields.text("text_comment");
    match service::add_comment(&state.ctx(&sub.viewer.actor), id, &text).await {
        Ok(_) => done(&state, &req, &sub, id, "commented".into()).await,
        Err(DomainError::Invalid(errors)) => {
            let redo = Redo {
                form: "comment",
                errors: errors
                    .into_iter()
                    .map(|e| ("text_comment".to_owned(), e.message))
                    .collect(),
                values: sub.fields.values(),
            };
            render(
                &state,
                &req,
                &sub.viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                redo,
                None,
            )
            .await
        }
        Err(e) => refused(&state, &req, &sub, id, "comment", e).await,
    }
}

pub async fn cancel(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let reason = Some(sub.fields.text("reason_cancel"));
    let result = service::cancel(&state.ctx(&sub.viewer.actor), id, reason, version(&sub)).await;
    settle(&state, &req, &sub, id, "cancel", "cancelled".into(), result).await
}

/// 挂牌督办 asks once more: what it does, to what level, with a note.
pub async fn escalate_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    escalate_form(&state, &req, &viewer, id, StatusCode::OK, None, "挂牌督办").await
}

async fn escalate_form(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    id: i64,
    status: StatusCode,
    error: Option<String>,
    note: &str,
) -> UiResult<HttpResponse> {
    let v = item_view(&state.ctx(&viewer.actor), id).await?;
    if !v.actions.escalate {
        return Err(UiError::Conflict(
            "该事项现在不能挂牌督办（已办结、已是最高等级，或您不是督查人员）".into(),
        ));
    }
    let r = &v.detail.row;
    let to = r.escalation_level + 1;
    view::Screen {
        req,
        viewer,
        current: Some(Screen::Board),
        title: "挂牌督办",
    }
    .answer(
        status,
        "item/escalate.html",
        None,
        context! {
            item => context! { id => r.id, task_number => r.task_number, task_title => r.task_title,
                               unit_name => r.unit_name, due_on => r.due_on.to_string(),
                               level => r.escalation_level, level_name => level_name(r.escalation_level) },
            to => to, to_name => level_name(to), standing => v.standing,
            note => note, error => error,
        },
        None,
    )
}

pub async fn escalate(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let note = sub.fields.text("note");
    match supervision::escalate_by_hand(&state.ctx(&sub.viewer.actor), id, &note).await {
        Ok(level) => Ok(view::see_other(
            &format!("/assignments/{id}"),
            Some(format!("escalated:{level}")),
        )),
        Err(DomainError::Invalid(errors)) => {
            let msg = errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("；");
            escalate_form(
                &state,
                &req,
                &sub.viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(msg),
                &note,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A report's file, for whoever may see the item.
pub async fn download(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let (m, path) = attachments::find(
        &state.ctx(&viewer.actor),
        &state.settings.storage.attachments_dir,
        id,
    )
    .await?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        UiError::Internal(anyhow::anyhow!(
            "reading attachment {}: {e}",
            path.display()
        ))
    })?;
    Ok(crate::export::attachment_response(
        m.filename,
        m.content_type,
        bytes,
    ))
}
