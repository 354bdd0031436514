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
use crate::policy::{ensure_visible, ensure_visible_item};
use crate::{DomainError, FieldError};

/// The kinds of file a report may carry, recognised from their content
/// (the name only tells CSV from other text): documents, images, archives,
/// and text in UTF-8 or GBK.
const ALLOWED: &[&str] = &[
    "application/pdf",
    "application/ofd",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/zip",
    "application/vnd.rar",
    "application/x-7z-compressed",
    "text/plain",
    "text/csv",
];

const REFUSED: &str = "仅支持 PDF、OFD、图片（PNG/JPEG/GIF/WebP）、Word、Excel、PowerPoint、压缩包和文本文件 (unsupported file type)";

/// The file's type, from its first bytes (`head`) and, for text, all of
/// `bytes_for_text` (None when the file is too large to be text we keep).
pub fn recognize(
    head: &[u8],
    filename: &str,
    bytes_for_text: Option<&[u8]>,
) -> Result<&'static str, FieldError> {
    let refused = || FieldError::new("file", REFUSED);
    if let Some(kind) = infer::get(head) {
        let mime = kind.mime_type();
        // OFD (the national e-document format) is a zip with OFD.xml.
        let mime = if mime == "application/zip" && head.windows(7).any(|w| w == b"OFD.xml") {
            "application/ofd"
        } else {
            mime
        };
        return ALLOWED
            .iter()
            .find(|a| **a == mime)
            .copied()
            .ok_or_else(refused);
    }
    let bytes = bytes_for_text.ok_or_else(refused)?;
    let text = !bytes.contains(&0)
        && (std::str::from_utf8(bytes).is_ok() || {
            let (_, _, bad) = encoding_rs::GB18030.decode(bytes);
            !bad
        });
    if !text {
        return Err(refused());
    }
    Ok(if filename.to_ascii_lowercase().ends_with(".csv") {
        "text/csv"
    } else {
        "text/plain"
    })
}

/// Whether the head names a kind of file by its magic bytes (so text
/// decoding need not be checked over the whole file).
pub fn is_binary_kind(head: &[u8]) -> bool {
    infer::get(head).is_some()
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

/// An upload in progress: checked before its first byte arrives (the
/// report, who may attach), written to disk as it comes (never held whole
/// in memory), recognised and recorded when it ends.
pub struct Upload {
    dir: std::path::PathBuf,
    temp: std::path::PathBuf,
    file: tokio::fs::File,
    hasher: Sha256,
    size: usize,
    max_bytes: usize,
    head: Vec<u8>,
    filename: String,
    report_id: i64,
    assignment_id: i64,
}

/// Bytes kept from the start of a file to recognise it.
const HEAD: usize = 64 * 1024;

impl Upload {
    /// Starts an upload to `report_id` by the actor.
    #[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id, report_id))]
    pub async fn begin(
        ctx: &Ctx<'_>,
        dir: &Path,
        max_bytes: usize,
        report_id: i64,
        filename: &str,
    ) -> Result<Upload, DomainError> {
        let (db, actor) = (ctx.db(), ctx.actor);
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
        let filename = clean_filename(filename).map_err(|e| DomainError::Invalid(vec![e]))?;
        let tmp_dir = dir.join("incoming");
        tokio::fs::create_dir_all(&tmp_dir).await.map_err(|e| {
            DomainError::Internal(anyhow::anyhow!("creating {}: {e}", tmp_dir.display()))
        })?;
        let temp = tmp_dir.join(uuid_like("0000000000000000", ctx.clock()));
        let file = tokio::fs::File::create(&temp).await.map_err(|e| {
            DomainError::Internal(anyhow::anyhow!("creating {}: {e}", temp.display()))
        })?;
        Ok(Upload {
            dir: dir.to_path_buf(),
            temp,
            file,
            hasher: Sha256::new(),
            size: 0,
            max_bytes,
            head: Vec::new(),
            filename,
            report_id,
            assignment_id: a.id,
        })
    }

    /// Takes the next bytes of the file; past the size limit the upload is
    /// refused and what was written removed.
    pub async fn push(&mut self, chunk: &[u8]) -> Result<(), DomainError> {
        use tokio::io::AsyncWriteExt;
        self.size += chunk.len();
        if self.size > self.max_bytes {
            let _ = tokio::fs::remove_file(&self.temp).await;
            return Err(DomainError::TooLarge(format!(
                "附件超过 {} KB 上限 (file larger than {} bytes)",
                self.max_bytes / 1024,
                self.max_bytes
            )));
        }
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await.map_err(|e| {
            DomainError::Internal(anyhow::anyhow!("writing {}: {e}", self.temp.display()))
        })
    }

    /// Recognises the file and records it; a refused file leaves nothing behind.
    #[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
    pub async fn finish(mut self, ctx: &Ctx<'_>) -> Result<attachment::Model, DomainError> {
        use tokio::io::AsyncWriteExt;
        let result = self.record(ctx).await;
        if result.is_err() {
            let _ = self.file.shutdown().await;
            let _ = tokio::fs::remove_file(&self.temp).await;
        }
        result
    }

    async fn record(&mut self, ctx: &Ctx<'_>) -> Result<attachment::Model, DomainError> {
        use tokio::io::AsyncWriteExt;
        self.file
            .flush()
            .await
            .map_err(|e| DomainError::Internal(e.into()))?;
        if self.size == 0 {
            return Err(DomainError::invalid("file", "文件为空 (the file is empty)"));
        }
        // Text is read whole to check it decodes; other kinds by their head.
        let whole = if self.size <= HEAD {
            Some(self.head.clone())
        } else if infer::get(&self.head).is_none() {
            Some(
                tokio::fs::read(&self.temp)
                    .await
                    .map_err(|e| DomainError::Internal(e.into()))?,
            )
        } else {
            None
        };
        let content_type = recognize(&self.head, &self.filename, whole.as_deref())
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        let sha256 = format!("{:x}", std::mem::take(&mut self.hasher).finalize());
        let key = format!("{}/{}", &sha256[..2], uuid_like(&sha256, ctx.clock()));
        let path = self.dir.join(&key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(|e| {
                DomainError::Internal(anyhow::anyhow!("creating {}: {e}", parent.display()))
            })?;
        }
        tokio::fs::rename(&self.temp, &path).await.map_err(|e| {
            DomainError::Internal(anyhow::anyhow!("storing {}: {e}", path.display()))
        })?;
        let (report_id, assignment_id, size) = (self.report_id, self.assignment_id, self.size);
        let filename = self.filename.clone();
        let saved = ctx
            .write(async |tx| {
                let m = attachment::ActiveModel {
                    report_id: Set(report_id),
                    assignment_id: Set(assignment_id),
                    filename: Set(filename),
                    content_type: Set(content_type.to_owned()),
                    size: Set(size as i64),
                    sha256: Set(sha256.clone()),
                    storage_key: Set(key.clone()),
                    uploaded_by: Set(tx.actor.user_id),
                    created_at: Set(tx.now),
                    ..Default::default()
                }
                .insert(tx.conn())
                .await?;
                audit::record(
                    tx.conn(),
                    Some(tx.actor),
                    tx.now,
                    Change::assignment(assignment_id, AuditAction::Attach).after(serde_json::json!({
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
}

/// An upload abandoned midway (the client went away, the handler was
/// dropped) leaves no partial file behind; after `finish` the temporary
/// name no longer exists and this does nothing.
impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.temp);
    }
}

fn uuid_like(sha: &str, clock: &dyn Clock) -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{}-{}-{n:016x}", &sha[..16], clock.now().timestamp_micros())
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
    ensure_visible_item(
        actor,
        a.unit_id,
        a.parent_unit_id,
        a.status == Status::Draft,
    )
    .map_err(|e| match e {
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
    fn files_are_known_by_their_content_not_their_label() {
        let pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\n";
        assert_eq!(
            recognize(pdf, "scan.bin", Some(pdf)).unwrap(),
            "application/pdf"
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(recognize(png, "photo", Some(png)).unwrap(), "image/png");
        let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff";
        assert!(
            recognize(exe, "report.pdf", Some(exe)).is_err(),
            "an exe named pdf"
        );
        let csv = "单位,完成比例\n市民政局,60\n".as_bytes();
        assert_eq!(recognize(csv, "进展.csv", Some(csv)).unwrap(), "text/csv");
        assert_eq!(recognize(csv, "进展.txt", Some(csv)).unwrap(), "text/plain");
        let (gbk, _, _) = encoding_rs::GBK.encode("已完成全市摸底调查");
        assert_eq!(
            recognize(&gbk, "说明.txt", Some(&gbk)).unwrap(),
            "text/plain"
        );
        assert!(recognize(b"\xff\xfe\x00\x01", "x.txt", Some(b"\xff\xfe\x00\x01")).is_err());
        assert!(
            recognize(b"", "big.txt", None).is_err(),
            "text too large to check"
        );
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
