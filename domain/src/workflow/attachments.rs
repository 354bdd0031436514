//! Files attached to reports: size-limited, content-type checked against the
//! bytes, stored on disk under the configured directory, and readable only by
//! those who may see the assignment.

use std::path::{Path, PathBuf};

use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};

use super::Status;
use crate::audit::{self, AuditAction, Change};
use crate::clock::Clock;
use crate::context::Ctx;
use crate::entities::{assignment, attachment, report};
use crate::policy::ensure_visible;
use crate::{DomainError, FieldError};

/// The kinds of file a report may carry, each recognised by its first bytes.
const ALLOWED: &[(&str, &[&[u8]])] = &[
    ("application/pdf", &[b"%PDF-"]),
    ("image/png", &[b"\x89PNG\r\n\x1a\n"]),
    ("image/jpeg", &[b"\xff\xd8\xff"]),
    // docx / xlsx / pptx are zip containers; doc / xls are OLE2.
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &[b"PK\x03\x04"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &[b"PK\x03\x04"],
    ),
    ("application/msword", &[b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    (
        "application/vnd.ms-excel",
        &[b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    ),
    ("application/zip", &[b"PK\x03\x04"]),
    ("text/plain", &[]),
];

/// Checks a declared content type against the bytes. Answers the canonical type.
pub fn check_content(declared: &str, bytes: &[u8]) -> Result<&'static str, FieldError> {
    let declared = declared
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let Some((ct, magics)) = ALLOWED.iter().find(|(ct, _)| *ct == declared) else {
        return Err(FieldError::new(
            "content_type",
            "仅支持 PDF、图片(PNG/JPEG)、Word、Excel、ZIP 和纯文本 (unsupported file type)",
        ));
    };
    let matches = if magics.is_empty() {
        std::str::from_utf8(bytes).is_ok()
    } else {
        magics.iter().any(|m| bytes.starts_with(m))
    };
    if matches {
        Ok(ct)
    } else {
        Err(FieldError::new(
            "content_type",
            "文件内容与声明的类型不符 (the file's content does not match its type)",
        ))
    }
}

/// Keeps the last path component and drops characters that mean something to
/// a filesystem or a header.
pub fn clean_filename(name: &str) -> Result<String, FieldError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        Err(FieldError::new(
            "filename",
            "请提供文件名 (a file name is required)",
        ))
    } else {
        Ok(cleaned)
    }
}

pub struct Upload<'a> {
    pub filename: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn store(
    ctx: &Ctx<'_>,
    dir: &Path,
    max_bytes: usize,
    report_id: i64,
    upload: Upload<'_>,
) -> Result<attachment::Model, DomainError> {
    let (db, clock, actor) = (ctx.db(), ctx.clock(), ctx.actor);
    let rep = report::Entity::find_by_id(report_id)
        .one(db.conn())
        .await?
        .ok_or(DomainError::NotFound("report"))?;
    let a = assignment::Entity::find_by_id(rep.assignment_id)
        .one(db.conn())
        .await?
        .ok_or(DomainError::NotFound("report"))?;
    ensure_visible(actor, a.unit_id, a.status == Status::Draft).map_err(|e| match e {
        DomainError::NotFound(_) => DomainError::NotFound("report"),
        other => other,
    })?;
    if rep.author_id != actor.user_id
        && !(actor.unit_id == Some(a.unit_id)
            && actor.roles.iter().any(crate::role::Role::is_unit_bound))
    {
        return Err(DomainError::Forbidden(
            "只有承办单位可以上传附件 (only the unit attaches files)".into(),
        ));
    }
    if upload.bytes.is_empty() {
        return Err(DomainError::invalid("file", "文件为空 (the file is empty)"));
    }
    if upload.bytes.len() > max_bytes {
        return Err(DomainError::invalid(
            "file",
            format!("文件超过 {max_bytes} 字节上限"),
        ));
    }
    let filename = clean_filename(upload.filename).map_err(|e| DomainError::Invalid(vec![e]))?;
    let content_type = check_content(upload.content_type, upload.bytes)
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let sha256 = format!("{:x}", Sha256::digest(upload.bytes));
    let key = format!("{}/{}", &sha256[..2], uuid_like(&sha256, clock));
    let path = dir.join(&key);
    write_file(&path, upload.bytes).await?;
    let saved = ctx
        .write(async |tx| {
        let txn = tx.conn();
        let now = tx.now;
        let m = attachment::ActiveModel {
            report_id: Set(report_id),
            assignment_id: Set(a.id),
            filename: Set(filename),
            content_type: Set(content_type.to_owned()),
            size: Set(upload.bytes.len() as i64),
            sha256: Set(sha256.clone()),
            storage_key: Set(key.clone()),
            uploaded_by: Set(actor.user_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        audit::record(
            txn,
            Some(actor),
            now,
            Change::assignment(a.id, AuditAction::Attach).after(serde_json::json!({
                "attachment_id": m.id, "report_id": report_id, "filename": m.filename, "size": m.size
            })),
        )
        .await?;
        Ok(m)
    })
    .await;
    if saved.is_err() {
        // Nothing refers to the file: do not leave it behind.
        let _ = tokio::fs::remove_file(&path).await;
    }
    saved
}

fn uuid_like(sha: &str, clock: &dyn Clock) -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{}-{}-{n:016x}", &sha[..16], clock.now().timestamp_micros())
}

async fn write_file(path: &PathBuf, bytes: &[u8]) -> Result<(), DomainError> {
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(|e| {
            DomainError::Internal(anyhow::anyhow!("creating {}: {e}", parent.display()))
        })?;
    }
    tokio::fs::write(path, bytes)
        .await
        .map_err(|e| DomainError::Internal(anyhow::anyhow!("writing {}: {e}", path.display())))
}

/// An attachment and where its bytes are, if the actor may see it.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn find(
    ctx: &Ctx<'_>,
    dir: &Path,
    id: i64,
) -> Result<(attachment::Model, PathBuf), DomainError> {
    let (db, actor) = (ctx.db(), ctx.actor);
    let m = attachment::Entity::find_by_id(id)
        .one(db.conn())
        .await?
        .ok_or(DomainError::NotFound("attachment"))?;
    let a = assignment::Entity::find_by_id(m.assignment_id)
        .one(db.conn())
        .await?
        .ok_or(DomainError::NotFound("attachment"))?;
    ensure_visible(actor, a.unit_id, a.status == Status::Draft).map_err(|e| match e {
        DomainError::NotFound(_) => DomainError::NotFound("attachment"),
        other => other,
    })?;
    let path = dir.join(&m.storage_key);
    Ok((m, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_must_match_the_declared_type() {
        assert_eq!(
            check_content("application/pdf", b"%PDF-1.7 ...").unwrap(),
            "application/pdf"
        );
        assert!(
            check_content("application/pdf", b"MZ\x90\x00").is_err(),
            "an exe named pdf"
        );
        assert!(check_content("image/png", b"%PDF-").is_err());
        assert!(check_content("application/x-msdownload", b"MZ").is_err());
        assert_eq!(
            check_content("text/plain; charset=utf-8", "报告".as_bytes()).unwrap(),
            "text/plain"
        );
        assert!(check_content("text/plain", b"\xff\xfe\x00").is_err());
    }

    #[test]
    fn filenames_lose_their_paths_and_header_breakers() {
        assert_eq!(clean_filename("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_filename("C:\\x\\报告\".pdf").unwrap(), "报告.pdf");
        assert_eq!(clean_filename("a\r\nb.pdf").unwrap(), "ab.pdf");
        assert!(clean_filename("..").is_err());
        assert!(clean_filename("").is_err());
    }
}
