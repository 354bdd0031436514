//! 考核 (assessment): units ranked by score for a period (or a plan, or a
//! due-date range), charts of the ranking and of completion over time drawn
//! here as SVG, the per-unit detail that explains every point, the table as
//! CSV and XLSX (every unit, a fixed order, zeros included), and the
//! printable 通报 of a period.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Datelike, NaiveDate};
use duban_domain::assessment::{self, StatsScope};
use duban_domain::escalation::level_name;
use duban_domain::page::PageRequest;
use duban_domain::workflow::actions::Screen;
use duban_domain::workflow::listing::{self, AssignmentFilter};
use duban_domain::workflow::plans;
use minijinja::{Value, context};

use super::chart;
use super::error::{UiError, UiResult};
use super::form::Fields;
use super::nav;
use super::session::Viewer;
use super::view;
use crate::state::AppState;

/// A named stretch of due dates: "2026" (a year), "2026-Q2", "2026-05".
pub fn period_range(p: &str) -> Option<(NaiveDate, NaiveDate)> {
    let year = |y: &str| y.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
    let last_of = |y: i32, m: u32| {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
    };
    if let Some((y, q)) = p.split_once("-Q") {
        let (y, q) = (
            year(y)?,
            q.parse::<u32>().ok().filter(|q| (1..=4).contains(q))?,
        );
        return Some((
            NaiveDate::from_ymd_opt(y, q * 3 - 2, 1)?,
            last_of(y, q * 3)?,
        ));
    }
    if let Some((y, m)) = p.split_once('-') {
        let (y, m) = (
            year(y)?,
            m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?,
        );
        return Some((NaiveDate::from_ymd_opt(y, m, 1)?, last_of(y, m)?));
    }
    let y = year(p)?;
    Some((
        NaiveDate::from_ymd_opt(y, 1, 1)?,
        NaiveDate::from_ymd_opt(y, 12, 31)?,
    ))
}

fn period_label(p: &str) -> String {
    if let Some((y, q)) = p.split_once("-Q") {
        format!("{y} 年第 {q} 季度")
    } else if let Some((y, m)) = p.split_once('-') {
        format!("{y} 年 {} 月", m.trim_start_matches('0'))
    } else {
        format!("{p} 年")
    }
}

/// The periods offered: this year and last, this year's quarters, and the
/// months of this year so far.
fn periods(today: NaiveDate, current: &str) -> Vec<Value> {
    let y = today.year();
    let mut out = vec![("".to_owned(), "不限（全部）".to_owned())];
    for year in [y, y - 1] {
        out.push((year.to_string(), period_label(&year.to_string())));
    }
    for q in 1..=((today.month() - 1) / 3 + 1) {
        let k = format!("{y}-Q{q}");
        out.push((k.clone(), period_label(&k)));
    }
    for m in 1..=today.month() {
        let k = format!("{y}-{m:02}");
        out.push((k.clone(), period_label(&k)));
    }
    if !current.is_empty() && !out.iter().any(|(k, _)| k == current) {
        out.push((current.to_owned(), period_label(current)));
    }
    out.into_iter()
        .map(|(value, label)| context! { selected => value == current, value, label })
        .collect()
}

/// A score as people write it: 4, -2.5, never -0.
pub fn points(v: f64) -> String {
    format!("{}", v + 0.0)
}

/// What the page was asked for: the scope, the query to carry on, problems.
struct Asked {
    scope: StatsScope,
    period: String,
    query: String,
    problems: Vec<String>,
}

fn read(q: &Fields) -> Asked {
    let mut problems = Vec::new();
    let plan_id = q
        .int::<i64>("plan_id", "督办文件")
        .unwrap_or_else(|(_, m)| {
            problems.push(m);
            None
        });
    let mut date = |name: &str, label: &str| {
        q.date(name, label).unwrap_or_else(|(_, m)| {
            problems.push(m);
            None
        })
    };
    let (mut due_from, mut due_to) = (date("from", "起始日期"), date("to", "截止日期"));
    let period = q.get("period").unwrap_or("").to_owned();
    if !period.is_empty() {
        match period_range(&period) {
            Some((f, t)) => (due_from, due_to) = (Some(f), Some(t)),
            None => problems.push(format!("无法识别的考核期间“{period}”，已按全部统计")),
        }
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    for k in ["plan_id", "period", "from", "to"] {
        if let Some(v) = q.get(k) {
            s.append_pair(k, v);
        }
    }
    Asked {
        scope: StatsScope {
            plan_id,
            due_from,
            due_to,
        },
        period,
        query: s.finish(),
        problems,
    }
}

fn screen<'a>(req: &'a HttpRequest, viewer: &'a Viewer, title: &'a str) -> view::Screen<'a> {
    view::Screen {
        req,
        viewer,
        current: Some(Screen::Assessment),
        title,
    }
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Assessment)?;
    let q = Fields::of_query(&req);
    let asked = read(&q);
    let ctx = state.ctx(&viewer.actor);
    let units = assessment::unit_stats(&ctx, &asked.scope).await?;
    let months = assessment::completions_by_month(&ctx, &asked.scope).await?;
    let plans = plans::list_plans(
        &ctx,
        None,
        PageRequest {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    let plan_choices: Vec<_> = plans
        .items
        .iter()
        .map(|p| context! { value => p.id.to_string(), label => format!("{} {}", p.doc_no, p.title), selected => Some(p.id) == asked.scope.plan_id })
        .collect();
    let today = duban_domain::time::local_date(state.env.now(), chrono_tz::Asia::Shanghai);
    let ranking = chart::bars(
        "各单位得分",
        &units
            .iter()
            .map(|u| (u.unit_name.clone(), u.tally.score))
            .collect::<Vec<_>>(),
    );
    let over_time = chart::months(
        "每月办结事项",
        &months
            .iter()
            .map(|m| (m.month.clone(), m.on_time, m.late))
            .collect::<Vec<_>>(),
    );
    let rules: Vec<_> = state
        .env
        .rules
        .assessment
        .describe()
        .into_iter()
        .map(|(r, p)| context! { label => r.label(), points => points(p) })
        .collect();
    let units: Vec<_> = units
        .iter()
        .map(|u| {
            context! {
                rank => u.rank, unit_id => u.unit_id, unit_name => u.unit_name, t => u.tally,
                score => points(u.tally.score),
            }
        })
        .collect();
    screen(&req, &viewer, "考核").ok(
        "assessment/page.html",
        None,
        context! {
            units => units, plans => plan_choices, values => q.values(), problems => asked.problems,
            periods => periods(today, &asked.period), rules => rules, months => months,
            ranking_svg => Value::from_safe_string(ranking), months_svg => Value::from_safe_string(over_time),
            query => asked.query,
        },
    )
}

/// One unit's score explained: each item and rule behind every point.
pub async fn unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Assessment)?;
    let id = id.parse::<i64>().map_err(|_| UiError::NotFound)?;
    let q = Fields::of_query(&req);
    let asked = read(&q);
    let s = assessment::unit_score(&state.ctx(&viewer.actor), id, &asked.scope).await?;
    let rows: Vec<_> = s
        .points
        .iter()
        .map(|p| {
            context! {
                assignment_id => p.point.assignment_id, what => p.what, rule => p.rule_label,
                times => p.point.times, points => points(p.point.points), due_on => p.due_on.to_string(),
                status_label => p.status.label(),
            }
        })
        .collect();
    let total: f64 = s.points.iter().map(|p| p.point.points).sum();
    let title = format!("{} 考核得分明细", s.stats.unit_name);
    screen(&req, &viewer, &title).ok(
        "assessment/unit.html",
        None,
        context! {
            unit => context! { name => s.stats.unit_name, rank => s.stats.rank, t => s.stats.tally, score => points(s.stats.tally.score) },
            points => rows, total => points(total),
            period => (!asked.period.is_empty()).then(|| period_label(&asked.period)),
            query => asked.query,
        },
    )
}

async fn table(
    state: &AppState,
    viewer: &Viewer,
    req: &HttpRequest,
) -> UiResult<Vec<assessment::UnitStats>> {
    nav::ensure(&viewer.actor, Screen::Assessment)?;
    let asked = read(&Fields::of_query(req));
    if let Some(p) = asked.problems.first() {
        return Err(UiError::BadRequest(p.clone()));
    }
    Ok(assessment::unit_table(&state.ctx(&viewer.actor), &asked.scope).await?)
}

fn export_failed(e: crate::error::ApiError) -> UiError {
    UiError::Internal(anyhow::anyhow!("assessment export: {}", e.detail))
}

pub async fn csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    let rows = table(&state, &viewer, &req).await?;
    crate::export::csv_response("units", &crate::routes::stats::unit_columns(), &rows)
        .map_err(export_failed)
}

pub async fn xlsx(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    let rows = table(&state, &viewer, &req).await?;
    crate::export::xlsx_response(
        "单位考核",
        "units",
        crate::routes::stats::unit_columns(),
        rows,
    )
    .await
    .map_err(export_failed)
}

/// 通报: for a period, the overall figures, the ranking, and the units and
/// items at level 3 (通报), laid out for A4.
pub async fn circular(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Assessment)?;
    let q = Fields::of_query(&req);
    let asked = read(&q);
    let ctx = state.ctx(&viewer.actor);
    let units = assessment::unit_stats(&ctx, &asked.scope).await?;
    let filter = AssignmentFilter {
        plan_id: asked.scope.plan_id,
        due_from: asked.scope.due_from,
        due_to: asked.scope.due_to,
        escalation_level: Some(3),
        ..Default::default()
    };
    let flagged = listing::list(
        &ctx,
        &filter,
        PageRequest {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    let now = state.env.now();
    let items: Vec<_> = flagged
        .items
        .into_iter()
        .map(|r| {
            let s = duban_domain::workflow::standing::standing(&r, now, &state.env.calendar);
            context! {
                what => r.what(), unit_name => r.unit_name, due_on => r.due_on.to_string(),
                status_label => r.status.label(), level => level_name(r.escalation_level),
                days_overdue => s.days_overdue, working_days_overdue => s.working_days_overdue, overdue => s.overdue,
            }
        })
        .collect();
    let sum = |f: fn(&assessment::Tally) -> u64| units.iter().map(|u| f(&u.tally)).sum::<u64>();
    let totals = context! {
        units => units.len(), assigned => sum(|t| t.assigned), completed => sum(|t| t.completed),
        on_time => sum(|t| t.completed_on_time), late => sum(|t| t.completed_late),
        overdue => sum(|t| t.overdue), returned => sum(|t| t.returned_count), level3 => sum(|t| t.level3_count),
    };
    let flagged_units: Vec<_> = units
        .iter()
        .filter(|u| u.tally.level3_count > 0)
        .map(|u| context! { name => u.unit_name, count => u.tally.level3_count, overdue => u.tally.overdue })
        .collect();
    let today = duban_domain::time::local_date(now, chrono_tz::Asia::Shanghai);
    let period = if asked.period.is_empty() {
        match (asked.scope.due_from, asked.scope.due_to) {
            (Some(f), Some(t)) => format!("{f} 至 {t}"),
            (Some(f), None) => format!("{f} 起"),
            (None, Some(t)) => format!("截至 {t}"),
            (None, None) => "全部".to_owned(),
        }
    } else {
        period_label(&asked.period)
    };
    let ranked: Vec<_> = units
        .iter()
        .map(|u| context! { rank => u.rank, name => u.unit_name, t => u.tally, score => points(u.tally.score) })
        .collect();
    screen(&req, &viewer, "督办工作通报").ok(
        "assessment/circular.html",
        None,
        context! {
            period => period, today => today.to_string(), totals => totals, units => ranked,
            flagged_units => flagged_units, items => items, more => flagged.total > 200,
            query => asked.query,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_years_quarters_and_months() {
        assert_eq!(
            period_range("2026"),
            Some((d("2026-01-01"), d("2026-12-31")))
        );
        assert_eq!(
            period_range("2026-Q1"),
            Some((d("2026-01-01"), d("2026-03-31")))
        );
        assert_eq!(
            period_range("2026-Q4"),
            Some((d("2026-10-01"), d("2026-12-31")))
        );
        assert_eq!(
            period_range("2024-02"),
            Some((d("2024-02-01"), d("2024-02-29")))
        );
        assert_eq!(
            period_range("2026-12"),
            Some((d("2026-12-01"), d("2026-12-31")))
        );
        for bad in ["", "2026-13", "2026-Q5", "20x6", "1999", "2026-00"] {
            assert_eq!(period_range(bad), None, "{bad}");
        }
        assert_eq!(period_label("2026-Q2"), "2026 年第 2 季度");
        assert_eq!(period_label("2026-03"), "2026 年 3 月");
    }
}
