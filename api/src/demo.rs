//! `duban demo`: the Nantong directory, one user per role, the sample notice
//! (通政办发〔2013〕35号) imported, issued and partly worked on, so every view
//! has something real to show.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate};
use duban_domain::Env;
use duban_domain::directory::{NewUnit, NewUser, UserPatch, units, users};
use duban_domain::entities::report::ReportKind;
use duban_domain::entities::review::Decision;
use duban_domain::entities::{assignment, unit::UnitKind, user};
use duban_domain::identity;
use duban_domain::importer::parse_notice;
use duban_domain::password;
use duban_domain::policy::Actor;
use duban_domain::workflow::assignments::{self, NewReport};
use duban_domain::workflow::{extensions, import, plans};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

pub const NOTICE: &str = include_str!("../data/nantong-2013-35.txt");
const OFFICE: &str = "市政府办公室";
const COUNTIES: [&str; 9] = [
    "海安县",
    "如东县",
    "启东市",
    "如皋市",
    "海门市",
    "通州区",
    "崇川区",
    "港闸区",
    "南通经济技术开发区",
];

/// One demo login.
pub struct Login {
    pub username: &'static str,
    pub password: String,
    pub role: &'static str,
    pub unit: &'static str,
}

const PEOPLE: [(&str, &str, &str, &str); 9] = [
    ("admin", "系统管理员", "admin", ""),
    ("office", "督查室 王主任", "office", OFFICE),
    ("inspector", "督查专员 李科长", "inspector", OFFICE),
    ("leader", "分管副市长 陈市长", "leader", OFFICE),
    ("minzheng", "民政局 张科员", "unit_staff", "市民政局"),
    ("minzheng_head", "民政局 赵局长", "unit_head", "市民政局"),
    ("weisheng", "卫生局 刘科员", "unit_staff", "市卫生局"),
    ("haian", "海安县 周科员", "unit_staff", "海安县"),
    ("haian_head", "海安县 吴县长", "unit_head", "海安县"),
];

fn shift_years(d: NaiveDate, years: i32) -> NaiveDate {
    d.with_year(d.year() + years)
        .or_else(|| (d - Duration::days(1)).with_year(d.year() + years))
        .unwrap_or(d)
}

/// Loads the demo into an empty directory, or resets the demo passwords when
/// it is already there. Answers the logins to print.
pub async fn load(env: &Env) -> anyhow::Result<(Vec<Login>, bool)> {
    let db = &env.db;
    let system = Actor::system();
    let sys = env.ctx(&system);
    let existing = units::all(db.conn())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let already = existing.iter().any(|u| u.name == OFFICE);
    if !already && !existing.is_empty() {
        anyhow::bail!(
            "the database already holds other units; run the demo on an empty database (e.g. DUBAN__DATABASE__URL=sqlite://demo.db?mode=rwc)"
        );
    }
    if already {
        return Ok((reset_passwords(env).await?, true));
    }
    let notice = parse_notice(NOTICE);
    // The city departments the notice names, written out in full by the importer.
    let mut departments: BTreeSet<String> = notice
        .tasks
        .iter()
        .flat_map(|t| t.units.iter())
        .filter(|u| !u.group && !COUNTIES.contains(&u.name.as_str()))
        .map(|u| u.name.clone())
        .collect();
    departments.insert("市民政局".into());
    departments.insert("市卫生局".into());
    let e = |e: duban_domain::DomainError| anyhow::anyhow!("{e}");
    units::create(
        &sys,
        NewUnit::parse(
            OFFICE,
            UnitKind::Office,
            None,
            &["南通市人民政府办公室".into(), "南通市政府办公室".into()],
            Some("dbs@nantong.example.gov"),
        )
        .map_err(e)?,
    )
    .await
    .map_err(e)?;
    for (i, name) in departments.iter().enumerate() {
        let alias = name
            .strip_prefix('市')
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default();
        let alias: Vec<String> = alias
            .into_iter()
            .filter(|a| !departments.contains(a))
            .collect();
        units::create(
            &sys,
            NewUnit::parse(
                name,
                UnitKind::Department,
                None,
                &alias,
                Some(&format!("dept{i:02}@nantong.example.gov")),
            )
            .map_err(e)?,
        )
        .await
        .map_err(e)?;
    }
    for (i, name) in COUNTIES.iter().enumerate() {
        let aliases: Vec<String> = match *name {
            "南通经济技术开发区" => {
                vec!["市经济技术开发区管委会".into(), "南通开发区".into()]
            }
            other => vec![format!("{other}人民政府")],
        };
        units::create(
            &sys,
            NewUnit::parse(
                name,
                UnitKind::County,
                None,
                &aliases,
                Some(&format!("county{i}@nantong.example.gov")),
            )
            .map_err(e)?,
        )
        .await
        .map_err(e)?;
    }
    let directory = units::all(db.conn()).await.map_err(e)?;
    let unit_id = |name: &str| directory.iter().find(|u| u.name == name).map(|u| u.id);
    let mut logins = Vec::new();
    for (username, display, role, unit) in PEOPLE {
        let pw = password::generate();
        let new = NewUser::parse(
            username,
            Some(display),
            Some(&format!("{username}@nantong.example.gov")),
            unit_id(unit),
            &[role.to_owned()],
            &pw,
        )
        .map_err(e)?;
        match users::create(&sys, new).await {
            Ok(_) => {}
            // `serve` made the first admin before the demo ran: give it a
            // password we can print.
            Err(duban_domain::DomainError::Conflict { .. }) => {
                reset_one(env, username, &pw).await?
            }
            Err(other) => return Err(e(other)),
        }
        logins.push(Login {
            username,
            password: pw,
            role,
            unit,
        });
    }
    let office: Actor = actor_of(db, "office").await?;

    // The notice is from 2013; move it to this year so deadlines fall both
    // behind and ahead of today.
    let today = env.now().date_naive();
    let mut notice = notice;
    let years = today.year() - notice.plan.issued_on.map_or(today.year(), |d| d.year());
    if let Some(d) = notice.plan.issued_on.as_mut() {
        *d = shift_years(*d, years);
    }
    notice.plan.year = notice.plan.year.map(|y| y + years);
    for t in &mut notice.tasks {
        t.due_on = t.due_on.map(|d| shift_years(d, years));
        for m in &mut t.milestones {
            m.date = shift_years(m.date, years);
        }
    }
    let off = env.ctx(&office);
    let report = import::store_notice(&off, notice, false, true)
        .await
        .map_err(e)?;
    let plan_id = report
        .plan_id
        .ok_or_else(|| anyhow::anyhow!("the demo plan was not stored"))?;
    plans::issue_plan(&off, plan_id).await.map_err(e)?;

    // Some work in flight, as a few weeks into the year would show.
    let mz = actor_of(db, "minzheng").await?;
    let mz_head = actor_of(db, "minzheng_head").await?;
    let ws = actor_of(db, "weisheng").await?;
    let ha = actor_of(db, "haian").await?;
    let (mz_ctx, mz_head_ctx, ws_ctx, ha_ctx) =
        (env.ctx(&mz), env.ctx(&mz_head), env.ctx(&ws), env.ctx(&ha));
    let mine = |unit: i64| async move {
        assignment::Entity::find()
            .filter(assignment::Column::PlanId.eq(plan_id))
            .filter(assignment::Column::UnitId.eq(unit))
            .order_by_asc(assignment::Column::Id)
            .all(db.conn())
            .await
    };
    let report = |kind, text: &str, percent| NewReport {
        kind,
        text: text.to_owned(),
        percent,
        indicator_values: Vec::new(),
    };
    if let Some(u) = mz.unit_id {
        let items = mine(u).await?;
        for (k, a) in items.iter().enumerate() {
            assignments::acknowledge(&mz_ctx, a.id, None)
                .await
                .map_err(e)?;
            match k % 4 {
                0 => {
                    assignments::report(
                        &mz_ctx,
                        a.id,
                        report(
                            ReportKind::Progress,
                            "已完成全市城乡社区综合服务站摸底，建成率 92%。",
                            Some(60),
                        ),
                        None,
                    )
                    .await
                    .map_err(e)?;
                }
                1 => {
                    assignments::report(
                        &mz_head_ctx,
                        a.id,
                        report(
                            ReportKind::Completion,
                            "各项目标均已完成，佐证材料已上传。",
                            None,
                        ),
                        None,
                    )
                    .await
                    .map_err(e)?;
                    assignments::review(
                        &off,
                        a.id,
                        Decision::Approve,
                        Some("同意办结。".into()),
                        None,
                    )
                    .await
                    .map_err(e)?;
                }
                2 => {
                    assignments::report(
                        &mz_ctx,
                        a.id,
                        report(ReportKind::Completion, "已基本完成。", None),
                        None,
                    )
                    .await
                    .map_err(e)?;
                    assignments::review(
                        &off,
                        a.id,
                        Decision::Return,
                        Some("缺少农村社区数据，请补充后再报。".into()),
                        None,
                    )
                    .await
                    .map_err(e)?;
                }
                _ => {
                    if a.due_on > today {
                        extensions::request(
                            &mz_ctx,
                            a.id,
                            a.due_on + Duration::days(30),
                            "配套资金尚未到位，申请延期一个月。",
                        )
                        .await
                        .map_err(e)?;
                    }
                }
            }
        }
    }
    if let Some(u) = ws.unit_id {
        for a in mine(u).await?.iter().take(1) {
            assignments::acknowledge(&ws_ctx, a.id, None)
                .await
                .map_err(e)?;
            assignments::report(
                &ws_ctx,
                a.id,
                report(
                    ReportKind::Progress,
                    "社区卫生服务站新建 12 个，健康档案建档率 86%。",
                    Some(70),
                ),
                None,
            )
            .await
            .map_err(e)?;
        }
    }
    if let Some(u) = ha.unit_id {
        for a in mine(u).await?.iter().take(2) {
            assignments::acknowledge(&ha_ctx, a.id, None)
                .await
                .map_err(e)?;
        }
    }
    // An inspection remark on the earliest deadline, as 督查 would leave.
    let earliest = assignment::Entity::find()
        .filter(assignment::Column::PlanId.eq(plan_id))
        .order_by_asc(assignment::Column::DueAt)
        .order_by_asc(assignment::Column::Id)
        .one(db.conn())
        .await?;
    if let Some(a) = earliest {
        let inspector = actor_of(db, "inspector").await?;
        let text = if a.due_on < today {
            "已超过完成时限，请于三个工作日内报送整改情况。"
        } else {
            "该事项时限较紧，请按月报送进展并提前做好验收准备。"
        };
        assignments::add_comment(&env.ctx(&inspector), a.id, text)
            .await
            .map_err(e)?;
    }
    Ok((logins, false))
}

async fn actor_of(db: &duban_domain::db::Db, name: &str) -> anyhow::Result<Actor> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(name))
        .one(db.conn())
        .await?;
    let u = u.ok_or_else(|| anyhow::anyhow!("demo user {name} missing"))?;
    identity::load_actor(db, u.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn reset_passwords(env: &Env) -> anyhow::Result<Vec<Login>> {
    let mut logins = Vec::new();
    for (username, _, role, unit) in PEOPLE {
        let pw = password::generate();
        if reset_one(env, username, &pw).await.is_ok() {
            logins.push(Login {
                username,
                password: pw,
                role,
                unit,
            });
        }
    }
    Ok(logins)
}

/// Sets a new password on one demo account, as the system.
async fn reset_one(env: &Env, username: &str, password: &str) -> anyhow::Result<()> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(env.db.conn())
        .await?;
    let u = u.ok_or_else(|| anyhow::anyhow!("demo user {username} missing"))?;
    let system = Actor::system();
    let patch = UserPatch {
        password: Some(password.to_owned()),
        ..Default::default()
    };
    users::update(&env.ctx(&system), u.id, patch)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

pub fn print_logins(logins: &[Login], base: Option<&str>) {
    println!("================================================================");
    println!(" Demo accounts (passwords are shown once; `duban demo` again resets them)");
    for l in logins {
        println!(
            "   {:<14} {:<16} {:<10} {}",
            l.username, l.password, l.role, l.unit
        );
    }
    if let Some(b) = base {
        println!(" Open {b}/ in a browser and sign in with one of these.");
        println!(" API: POST {b}/api/v1/auth/login   API docs: {b}/api/v1/docs");
    }
    println!("================================================================");
}
