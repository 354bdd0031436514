//! `duban demo`: the Nantong directory, one user per role, the sample notice
//! (通政办发〔2013〕35号) imported, issued and worked on, so every view has
//! something real to show.
//!
//! The work is played out on a clock of its own: the plan is issued twenty
//! weeks before today with deadlines spread over the months that follow;
//! units acknowledge, report and ask for more time on the days they would
//! have; the office reviews; and the escalation ladder runs every morning in
//! between, so timestamps, lateness and escalation levels are what an office
//! would see today. Four units have accounts; the rest are told at their
//! contact addresses.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use duban_domain::Env;
use duban_domain::clock::{Clock, ManualClock};
use duban_domain::directory::{NewUnit, NewUser, UserPatch, units, users};
use duban_domain::entities::extension_request::{self, ExtensionStatus};
use duban_domain::entities::report::ReportKind;
use duban_domain::entities::review::Decision;
use duban_domain::entities::{assignment, unit::UnitKind, user};
use duban_domain::identity;
use duban_domain::importer::parse_notice;
use duban_domain::messages::Catalogue;
use duban_domain::password;
use duban_domain::policy::Actor;
use duban_domain::workflow::assignments::{self, NewReport};
use duban_domain::workflow::{extensions, import, plans};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::settings::Settings;

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
/// The streets 海安县 hands a task down to.
const STREETS: [&str; 2] = ["海安县城东街道", "海安县城西街道"];
/// The tasks the office adds to the notice to show every kind of duty.
const MULTI_YEAR: &str = "农村社区综合服务站建设（分阶段目标）";
const RECURRING: &str = "深入社区调研指导（每月不少于两次）";
const HANDED_DOWN: &str = "推进街道社区服务中心标准化建设";
const PAUSED: &str = "推进老旧小区改造试点";
/// How long before today the plan was issued.
const WEEKS_IN: i64 = 20;

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

fn err(e: duban_domain::DomainError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// The last day of the month `months` after the one `from` is in.
fn month_end(from: NaiveDate, months: u32) -> NaiveDate {
    from.with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(months + 1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(from)
}

/// The demo's clock and the morning escalation scan it runs as days pass.
struct Timeline {
    clock: ManualClock,
    env: Env,
    jobs: duban_jobs::JobContext,
    tz: Tz,
    /// The real now: nothing is played beyond it.
    end: DateTime<Utc>,
    /// The last day whose morning scan has run.
    scanned: NaiveDate,
}

impl Timeline {
    fn at(&self, day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
        let local = day.and_hms_opt(hour, minute, 0).unwrap_or_default();
        self.tz
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// Moves the clock on to `to`, running the escalation ladder at 09:00 of
    /// every day it passes, as the scheduler would have.
    async fn reach(&mut self, to: DateTime<Utc>) -> anyhow::Result<()> {
        let to = to.min(self.end);
        while let Some(day) = self.scanned.succ_opt() {
            let morning = self.at(day, 9, 0);
            if morning > to {
                break;
            }
            self.clock.set(morning.max(self.clock.now()));
            duban_jobs::run_escalations(&self.jobs, morning).await?;
            self.scanned = day;
        }
        self.clock.set(to.max(self.clock.now()));
        Ok(())
    }
}

/// What someone does to an item on the demo's timeline.
enum Act {
    Acknowledge,
    Progress(&'static str, i32),
    Complete(&'static str),
    Review(Decision, &'static str),
    AskForTime(i64, &'static str),
    DecideTime(bool, &'static str),
    Remark(&'static str),
    /// A progress report that reaches the item's milestone at this position (1 = first).
    Reach(i32, &'static str),
    /// One occurrence of a recurring duty.
    Occurrence(&'static str),
    /// 层层分解 to the named unit, due on the date.
    HandDown(&'static str, NaiveDate, &'static str),
    /// 挂起 by the office.
    Suspend(&'static str),
}

struct Step {
    at: DateTime<Utc>,
    who: &'static str,
    item: i64,
    act: Act,
}

/// Loads the demo into an empty directory, or resets the demo passwords when
/// it is already there. Answers the logins to print.
pub async fn load(
    env: &Env,
    settings: &Settings,
    catalogue: Arc<Catalogue>,
) -> anyhow::Result<(Vec<Login>, bool)> {
    let db = &env.db;
    let existing = units::all(db.conn()).await.map_err(err)?;
    let already = existing.iter().any(|u| u.name == OFFICE);
    if !already && !existing.is_empty() {
        anyhow::bail!(
            "the database already holds other units; run the demo on an empty database (e.g. DUBAN__DATABASE__URL=sqlite://demo.db?mode=rwc)"
        );
    }
    if already {
        return Ok((reset_passwords(env).await?, true));
    }

    let end = env.now();
    let tz: Tz = duban_domain::time::zone_of(duban_domain::time::DEFAULT_TIMEZONE);
    let today = duban_domain::time::local_date(end, tz);
    // Issued on a working day twenty weeks ago.
    let mut issued = today - Duration::weeks(WEEKS_IN);
    while !env.calendar.is_working_day(issued) {
        issued = issued.pred_opt().unwrap_or(issued);
    }
    let clock = ManualClock::new(end);
    let sim = Env {
        db: env.db.clone(),
        clock: Arc::new(clock.clone()),
        calendar: env.calendar.clone(),
        rules: env.rules.clone(),
    };
    let mut mail = settings.mail.clone();
    // The demo tells people through the outbox; nothing is sent while it plays.
    mail.transport = duban_jobs::Transport::Log;
    let jobs = duban_jobs::JobContext::new(sim.clone(), settings.jobs.clone(), mail, catalogue)?;
    let mut tl = Timeline {
        clock,
        env: sim,
        jobs,
        tz,
        end,
        scanned: issued,
    };
    tl.clock.set(tl.at(issued - Duration::days(14), 10, 0));
    let logins = directory(&tl.env).await?;
    let env = tl.env.clone();
    let office = actor_of(db, "office").await?;

    // The notice, moved so that it was issued twenty weeks ago, with the
    // deadlines the office set per task spread over the months after.
    let mut notice = parse_notice(NOTICE);
    let from_year = notice.plan.issued_on.map_or(issued.year(), |d| d.year());
    let shift = notice
        .plan
        .issued_on
        .map_or(Duration::zero(), |d| issued - d);
    let (old, new) = (format!("{from_year}年"), format!("{}年", issued.year()));
    notice.plan.issued_on = Some(issued);
    notice.plan.year = Some(issued.year());
    notice.plan.doc_no = notice.plan.doc_no.map(|d| {
        d.replace(
            &format!("〔{from_year}〕"),
            &format!("〔{}〕", issued.year()),
        )
    });
    notice.plan.title = notice.plan.title.map(|t| t.replace(&old, &new));
    let n = notice.tasks.len().max(2) as u32;
    for (i, t) in notice.tasks.iter_mut().enumerate() {
        t.title = t.title.replace(&old, &new);
        t.requirements = t.requirements.replace(&old, &new);
        // 上半年 stays a half-year's work; the rest from two to ten months.
        let half_year = t.due_on.is_some_and(|d| d.month() <= 6);
        let months = if half_year {
            4
        } else {
            2 + (i as u32 * 8) / (n - 1)
        };
        t.due_on = Some(month_end(issued, months));
        for m in &mut t.milestones {
            m.date += shift;
        }
    }
    let doc_no = notice.plan.doc_no.clone().unwrap_or_default();
    tl.reach(tl.at(issued, 10, 0)).await?;
    let off = env.ctx(&office);
    let report = import::store_notice(&off, notice, false, true)
        .await
        .map_err(err)?;
    let plan_id = report
        .plan_id
        .ok_or_else(|| anyhow::anyhow!("the demo plan was not stored"))?;
    add_duty_tasks(&env.ctx(&office), db, plan_id, issued, today).await?;
    tl.reach(tl.at(issued, 15, 30)).await?;
    // A context reads the clock when it is made: one per moment.
    plans::issue_plan(&env.ctx(&office), plan_id)
        .await
        .map_err(err)?;

    let steps = script(&tl, db, plan_id, issued).await?;
    for step in steps {
        if step.at > end {
            continue;
        }
        tl.reach(step.at).await?;
        play(&tl.env, db, step)
            .await
            .map_err(|e| e.context(format!("playing the demo ({doc_no}) at {}", tl.clock.now())))?;
    }
    tl.reach(end).await?;
    Ok((logins, false))
}

/// One task of each kind the notice itself lacks: a multi-year target with
/// dated milestones, a recurring duty, a county task the county hands to two
/// streets, and one the office will suspend.
async fn add_duty_tasks(
    ctx: &duban_domain::Ctx<'_>,
    db: &duban_domain::db::Db,
    plan_id: i64,
    issued: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use duban_domain::duties::{NewMilestone, NewRecurrence};
    use duban_domain::entities::recurrence::Per;
    let directory = units::all(db.conn()).await.map_err(err)?;
    let id_of = |name: &str| {
        directory
            .iter()
            .find(|u| u.name == name)
            .map(|u| u.id)
            .ok_or_else(|| anyhow::anyhow!("demo unit {name} missing"))
    };
    let task = |title: &str, due_on: NaiveDate, lead: i64| plans::NewTask {
        number: None,
        section: None,
        title: title.to_owned(),
        requirements: None,
        due_on,
        due_text: None,
        lead_unit_id: lead,
        assist_unit_ids: Vec::new(),
        unit_due_on: std::collections::BTreeMap::new(),
        report_cron: None,
        indicators: Vec::new(),
        allow_past_due: false,
        milestones: Vec::new(),
        recurrences: Vec::new(),
    };
    let minzheng = id_of("市民政局")?;
    let end = month_end(issued, 10);
    // The second step falls twelve days before today: missed, and on the board.
    let second = (today - Duration::days(12)).max(issued + Duration::days(30));
    let mut multi = task(MULTI_YEAR, end, minzheng);
    multi.requirements =
        Some("第一阶段建成社区综合服务站40个，第二阶段达到80个，年底前全市达到120个。".into());
    multi.milestones = vec![
        NewMilestone {
            due_on: issued + Duration::days(45),
            title: "建成社区综合服务站40个".into(),
            target: Some("40个".into()),
        },
        NewMilestone {
            due_on: second,
            title: "建成社区综合服务站80个".into(),
            target: Some("80个".into()),
        },
        NewMilestone {
            due_on: end,
            title: "全市建成社区综合服务站120个".into(),
            target: Some("120个".into()),
        },
    ];
    let mut recurring = task(RECURRING, end, minzheng);
    recurring.recurrences = vec![NewRecurrence {
        per: Per::Month,
        times: 2,
        title: Some("到社区调研指导工作".into()),
    }];
    let handed = task(HANDED_DOWN, month_end(issued, 8), id_of("海安县")?);
    let paused = task(PAUSED, month_end(issued, 6), minzheng);
    for t in [multi, recurring, handed, paused] {
        plans::add_task(ctx, plan_id, t).await.map_err(err)?;
    }
    Ok(())
}

/// The directory: the office, the departments the notice names, the
/// counties, and one account per role.
async fn directory(env: &Env) -> anyhow::Result<Vec<Login>> {
    let system = Actor::system();
    let sys = env.ctx(&system);
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
    units::create(
        &sys,
        NewUnit::parse(
            OFFICE,
            UnitKind::Office,
            None,
            &["南通市人民政府办公室".into(), "南通市政府办公室".into()],
            Some("dbs@nantong.example.gov"),
        )
        .map_err(err)?,
    )
    .await
    .map_err(err)?;
    for (i, name) in departments.iter().enumerate() {
        let alias: Vec<String> = name
            .strip_prefix('市')
            .map(str::to_owned)
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
            .map_err(err)?,
        )
        .await
        .map_err(err)?;
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
            .map_err(err)?,
        )
        .await
        .map_err(err)?;
    }
    let counties = units::all(env.db.conn()).await.map_err(err)?;
    let haian = counties.iter().find(|u| u.name == "海安县").map(|u| u.id);
    for (i, name) in STREETS.iter().enumerate() {
        units::create(
            &sys,
            NewUnit::parse(
                name,
                UnitKind::Street,
                haian,
                &[],
                Some(&format!("street{i}@haian.example.gov")),
            )
            .map_err(err)?,
        )
        .await
        .map_err(err)?;
    }
    let directory = units::all(env.db.conn()).await.map_err(err)?;
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
        .map_err(err)?;
        match users::create(&sys, new).await {
            Ok(_) => {}
            // `serve` made the first admin before the demo ran: give it a
            // password we can print.
            Err(duban_domain::DomainError::Conflict { .. }) => {
                reset_one(env, username, &pw).await?
            }
            Err(other) => return Err(err(other)),
        }
        logins.push(Login {
            username,
            password: pw,
            role,
            unit,
        });
    }
    Ok(logins)
}

/// Who does what and when: 市民政局 works steadily (reports, completions on
/// time, one returned, requests for more time), 市卫生局 has started, 海安县
/// acknowledged late and finished one item after its deadline; the other
/// units have not answered. 督查 remarks on the earliest item left overdue,
/// and the leader gives an instruction on it.
async fn script(
    tl: &Timeline,
    db: &duban_domain::db::Db,
    plan_id: i64,
    issued: NaiveDate,
) -> anyhow::Result<Vec<Step>> {
    let all = assignment::Entity::find()
        .filter(assignment::Column::PlanId.eq(plan_id))
        .order_by_asc(assignment::Column::Id)
        .all(db.conn())
        .await?;
    let duty_tasks: Vec<(i64, &str)> = duban_domain::entities::task::Entity::find()
        .filter(duban_domain::entities::task::Column::PlanId.eq(plan_id))
        .filter(duban_domain::entities::task::Column::Title.is_in([
            MULTI_YEAR,
            RECURRING,
            HANDED_DOWN,
            PAUSED,
        ]))
        .all(db.conn())
        .await?
        .into_iter()
        .filter_map(|t| {
            [MULTI_YEAR, RECURRING, HANDED_DOWN, PAUSED]
                .into_iter()
                .find(|x| *x == t.title)
                .map(|x| (t.id, x))
        })
        .collect();
    let duty_item = |title: &str| {
        duty_tasks
            .iter()
            .find(|(_, t)| *t == title)
            .and_then(|(id, _)| all.iter().find(|a| a.task_id == *id))
    };
    // The duty tasks play their own parts, below.
    let items: Vec<assignment::Model> = all
        .iter()
        .filter(|a| !duty_tasks.iter().any(|(t, _)| *t == a.task_id))
        .cloned()
        .collect();
    let unit_of = |username: &str| {
        PEOPLE
            .iter()
            .find(|p| p.0 == username)
            .map(|p| p.3)
            .unwrap_or_default()
    };
    let directory = units::all(db.conn()).await.map_err(err)?;
    let id_of = |name: &str| directory.iter().find(|u| u.name == name).map(|u| u.id);
    let mine = |username: &str| -> Vec<&assignment::Model> {
        let unit = id_of(unit_of(username));
        items.iter().filter(|a| Some(a.unit_id) == unit).collect()
    };
    let day = |n: i64| issued + Duration::days(n);
    let today = duban_domain::time::local_date(tl.end, tl.tz);
    let mut steps = Vec::new();
    let mut push = |at: DateTime<Utc>, who: &'static str, item: i64, act: Act| {
        steps.push(Step { at, who, item, act });
    };

    for (k, a) in mine("minzheng").into_iter().enumerate() {
        let k64 = k as i64;
        push(
            tl.at(day(1), 9, 20 + (k as u32 % 30)),
            "minzheng",
            a.id,
            Act::Acknowledge,
        );
        match k % 4 {
            0 => {
                push(
                    tl.at(day(25 + 2 * k64), 16, 10),
                    "minzheng",
                    a.id,
                    Act::Progress("已完成全市城乡社区综合服务站摸底，建成率 62%。", 40),
                );
                push(
                    tl.at(day(55 + 2 * k64), 16, 40),
                    "minzheng",
                    a.id,
                    Act::Progress(
                        "新建社区综合服务站 38 个，建成率 81%，余下站点年底前建成。",
                        75,
                    ),
                );
            }
            1 => {
                let done = (a.due_on - Duration::days(12)).max(day(30 + k64));
                push(
                    tl.at(done, 10, 30),
                    "minzheng_head",
                    a.id,
                    Act::Complete("各项目标均已完成，佐证材料已上传。"),
                );
                push(
                    tl.at(tl.env.calendar.add_working_days(done, 2), 11, 0),
                    "office",
                    a.id,
                    Act::Review(Decision::Approve, "同意办结。"),
                );
            }
            2 => {
                push(
                    tl.at(day(40 + k64), 15, 0),
                    "minzheng",
                    a.id,
                    Act::Complete("已基本完成，城市社区全部达标。"),
                );
                push(
                    tl.at(tl.env.calendar.add_working_days(day(40 + k64), 3), 9, 40),
                    "office",
                    a.id,
                    Act::Review(Decision::Return, "缺少农村社区数据，请补充后再报。"),
                );
            }
            _ => {
                // Ten days before the deadline, or lately if that is still to come.
                let ask = (a.due_on - Duration::days(10)).min(today - Duration::days(3 + k64));
                if ask > day(2) && ask < a.due_on {
                    push(
                        tl.at(ask, 14, 0),
                        "minzheng",
                        a.id,
                        Act::AskForTime(30, "配套资金尚未到位，申请延期一个月。"),
                    );
                    if k % 8 == 3 {
                        push(
                            tl.at(tl.env.calendar.add_working_days(ask, 2), 10, 0),
                            "office",
                            a.id,
                            Act::DecideTime(true, "同意延期一个月，请按新时限完成。"),
                        );
                    }
                }
            }
        }
    }
    for (k, a) in mine("weisheng").into_iter().take(2).enumerate() {
        // The first at once, the second a week late.
        push(
            tl.at(day(2 + 7 * k as i64), 11, 5),
            "weisheng",
            a.id,
            Act::Acknowledge,
        );
        if k == 0 {
            push(
                tl.at(day(38), 17, 20),
                "weisheng",
                a.id,
                Act::Progress("社区卫生服务站新建 12 个，健康档案建档率 86%。", 70),
            );
        }
    }
    for (k, a) in mine("haian").into_iter().take(2).enumerate() {
        push(tl.at(day(8), 15, 45), "haian", a.id, Act::Acknowledge);
        if k == 0 {
            // Finished four days after its deadline.
            let done = a.due_on + Duration::days(4);
            push(
                tl.at(done, 16, 0),
                "haian_head",
                a.id,
                Act::Complete(
                    "全县村（社区）服务中心已全部建成并投入使用，逾期原因系土建工期延误。",
                ),
            );
            push(
                tl.at(tl.env.calendar.add_working_days(done, 1), 10, 15),
                "office",
                a.id,
                Act::Review(Decision::Approve, "同意办结，请总结逾期原因。"),
            );
        } else {
            push(
                tl.at(day(60), 10, 0),
                "haian",
                a.id,
                Act::Progress("已完成 9 个镇的社区组织培育任务，余下 4 个镇正在推进。", 65),
            );
        }
    }
    // The earliest item of a unit that has not answered.
    let quiet: BTreeSet<Option<i64>> = ["minzheng", "weisheng", "haian"]
        .iter()
        .map(|u| id_of(unit_of(u)))
        .collect();
    if let Some(a) = items
        .iter()
        .filter(|a| !quiet.contains(&Some(a.unit_id)))
        .min_by_key(|a| (a.due_on, a.id))
    {
        push(
            tl.at(a.due_on + Duration::days(3), 10, 0),
            "inspector",
            a.id,
            Act::Remark("已超过完成时限，请于三个工作日内报送整改情况。"),
        );
        push(
            tl.at(a.due_on + Duration::days(20), 18, 0),
            "leader",
            a.id,
            Act::Remark("请责任单位主要负责同志亲自过问，本月底前报送整改结果。"),
        );
    }
    // Every kind of duty: a milestone reached on time and one missed, a
    // monthly duty done twice a month but once in the second month, a county
    // task handed to two streets (one of them now late), an item paused.
    if let Some(a) = duty_item(MULTI_YEAR) {
        push(tl.at(day(1), 9, 5), "minzheng", a.id, Act::Acknowledge);
        push(
            tl.at(day(40), 15, 0),
            "minzheng",
            a.id,
            Act::Reach(1, "已建成社区综合服务站43个，第一阶段目标完成。"),
        );
    }
    if let Some(a) = duty_item(RECURRING) {
        push(tl.at(day(1), 9, 6), "minzheng", a.id, Act::Acknowledge);
        let mut d = day(3);
        let mut month = 0;
        while d < today {
            let first = d.with_day(5).unwrap_or(d).max(day(3));
            let second = d.with_day(20).unwrap_or(d);
            push(
                tl.at(first, 14, 0),
                "minzheng",
                a.id,
                Act::Occurrence("到崇川区社区调研社区服务站运行情况。"),
            );
            // The second month falls short: one visit only.
            if month != 1 && second > first {
                push(
                    tl.at(second, 14, 30),
                    "minzheng",
                    a.id,
                    Act::Occurrence("到通州区社区指导居委会换届工作。"),
                );
            }
            month += 1;
            d = month_end(d, 0) + Duration::days(1);
        }
    }
    if let Some(a) = duty_item(HANDED_DOWN) {
        push(tl.at(day(2), 10, 0), "haian", a.id, Act::Acknowledge);
        push(
            tl.at(day(4), 11, 0),
            "haian_head",
            a.id,
            Act::HandDown(
                STREETS[0],
                (today - Duration::days(6)).max(day(20)),
                "请城东街道负责老城片区五个社区。",
            ),
        );
        push(
            tl.at(day(4), 11, 10),
            "haian_head",
            a.id,
            Act::HandDown(
                STREETS[1],
                month_end(issued, 7),
                "请城西街道负责新城片区三个社区。",
            ),
        );
    }
    if let Some(a) = duty_item(PAUSED) {
        push(tl.at(day(1), 9, 7), "minzheng", a.id, Act::Acknowledge);
        push(
            tl.at(today - Duration::days(15), 10, 0),
            "office",
            a.id,
            Act::Suspend("省里老旧小区改造政策调整，待新政策出台后恢复实施。"),
        );
    }
    steps.sort_by_key(|s| s.at);
    Ok(steps)
}

async fn play(env: &Env, db: &duban_domain::db::Db, step: Step) -> anyhow::Result<()> {
    let actor = actor_of(db, step.who).await?;
    let ctx = env.ctx(&actor);
    let report = |kind, text: &str, percent| NewReport {
        kind,
        text: text.to_owned(),
        percent,
        indicator_values: Vec::new(),
        milestone_id: None,
        recurrence_id: None,
        reason: None,
    };
    let id = step.item;
    match step.act {
        Act::Acknowledge => {
            assignments::acknowledge(&ctx, id, None)
                .await
                .map_err(err)?;
        }
        Act::Progress(text, percent) => {
            assignments::report(
                &ctx,
                id,
                report(ReportKind::Progress, text, Some(percent)),
                None,
            )
            .await
            .map_err(err)?;
        }
        Act::Complete(text) => {
            assignments::report(&ctx, id, report(ReportKind::Completion, text, None), None)
                .await
                .map_err(err)?;
        }
        Act::Review(decision, comment) => {
            assignments::review(&ctx, id, decision, Some(comment.into()), None)
                .await
                .map_err(err)?;
        }
        Act::AskForTime(days, reason) => {
            let a = assignment::Entity::find_by_id(id)
                .one(db.conn())
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo item {id} missing"))?;
            extensions::request(&ctx, id, a.due_on + Duration::days(days), reason)
                .await
                .map_err(err)?;
        }
        Act::DecideTime(approve, comment) => {
            let pending = extension_request::Entity::find()
                .filter(extension_request::Column::AssignmentId.eq(id))
                .filter(extension_request::Column::Status.eq(ExtensionStatus::Pending))
                .one(db.conn())
                .await?
                .ok_or_else(|| anyhow::anyhow!("no pending request on demo item {id}"))?;
            extensions::decide(&ctx, pending.id, approve, Some(comment.into()))
                .await
                .map_err(err)?;
        }
        Act::Remark(text) => {
            assignments::add_comment(&ctx, id, text)
                .await
                .map_err(err)?;
        }
        Act::Reach(position, text) => {
            let milestone = duban_domain::duties::milestones_of(db.conn(), id)
                .await
                .map_err(err)?
                .into_iter()
                .find(|m| m.position == position)
                .map(|m| m.id);
            let mut new = report(ReportKind::Progress, text, None);
            new.milestone_id = milestone;
            assignments::report(&ctx, id, new, None)
                .await
                .map_err(err)?;
        }
        Act::Occurrence(text) => {
            assignments::report(&ctx, id, report(ReportKind::Occurrence, text, None), None)
                .await
                .map_err(err)?;
        }
        Act::HandDown(unit, due_on, note) => {
            let unit_id = units::all(db.conn())
                .await
                .map_err(err)?
                .into_iter()
                .find(|u| u.name == unit)
                .map(|u| u.id)
                .ok_or_else(|| anyhow::anyhow!("demo unit {unit} missing"))?;
            duban_domain::duties::delegation::delegate(
                &ctx,
                id,
                duban_domain::duties::delegation::Delegation {
                    unit_id,
                    due_on,
                    note: Some(note.to_owned()),
                },
            )
            .await
            .map_err(err)?;
        }
        Act::Suspend(reason) => {
            duban_domain::duties::suspension::suspend(&ctx, id, reason)
                .await
                .map_err(err)?;
        }
    }
    Ok(())
}

async fn actor_of(db: &duban_domain::db::Db, name: &str) -> anyhow::Result<Actor> {
    let u = user::Entity::find()
        .filter(user::Column::Username.eq(name))
        .one(db.conn())
        .await?;
    let u = u.ok_or_else(|| anyhow::anyhow!("demo user {name} missing"))?;
    identity::load_actor(db, u.id).await.map_err(err)
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
        .map_err(err)?;
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
