//! The web UI over plain HTTP: the session cookie and what it may do, CSRF
//! and origin checks, HTML answers beside problem+json, static files,
//! htmx fragments, and bad form input.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;

/// A browser's cookie jar, by hand: name=value pairs from Set-Cookie.
#[derive(Default, Clone)]
pub(crate) struct Jar(Vec<(String, String)>);

impl Jar {
    fn take(&mut self, r: &reqwest::Response) {
        for v in r.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            self.0.retain(|(n, _)| n != k);
            if !val.is_empty() {
                self.0.push((k.to_owned(), val.to_owned()));
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of `<input type="hidden" name="csrf" value="…">` on a page.
pub(crate) fn csrf_of(html: &str) -> String {
    let at =
        html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

pub(crate) struct Browser {
    jar: Jar,
    pub(crate) base: String,
}

impl Browser {
    pub(crate) fn cookie(&self) -> String {
        self.jar.header()
    }

    pub(crate) async fn get(
        &mut self,
        path: &str,
    ) -> (StatusCode, String, reqwest::header::HeaderMap) {
        let r = client()
            .get(format!("{}{path}", self.base))
            .header("cookie", self.jar.header())
            .send()
            .await
            .unwrap();
        self.jar.take(&r);
        let (s, h) = (r.status(), r.headers().clone());
        (s, r.text().await.unwrap(), h)
    }

    pub(crate) async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
    ) -> (StatusCode, String, reqwest::header::HeaderMap) {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = client()
            .post(format!("{}{path}", self.base))
            .header("cookie", self.jar.header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let r = req.send().await.unwrap();
        self.jar.take(&r);
        let (s, h) = (r.status(), r.headers().clone());
        (s, r.text().await.unwrap(), h)
    }
}

pub(crate) async fn signed_in(app: &TestApp, username: &str) -> (Browser, String) {
    let mut b = Browser {
        jar: Jar::default(),
        base: app.base.clone(),
    };
    let (s, html, _) = b.get("/").await;
    assert_eq!(s, StatusCode::OK);
    let token = csrf_of(&html);
    let password = format!("Pass-{username}-1");
    let (s, _, h) = b
        .post(
            "/",
            &[
                ("csrf", &token),
                ("username", username),
                ("password", &password),
                ("next", "/workbench"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h.get("location").unwrap(), "/workbench");
    let (s, html, _) = b.get("/workbench").await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let csrf = csrf_of(&html);
    (b, csrf)
}

/// A unit, its clerk, the office, and one issued item of the unit's.
async fn stage(app: &TestApp) -> i64 {
    let unit = app.unit("市民政局", "department").await;
    let office_unit = app.unit("市政府办公室", "office").await;
    app.user("clerk", "unit_staff", Some(unit)).await;
    let (_, office) = app.user("office", "office", Some(office_unit)).await;
    let plan = app
        .post(
            "/plans",
            &office,
            json!({"doc_no": "通政办发〔2026〕1号", "title": "计划", "issued_on": "2026-02-20"}),
        )
        .await
        .id();
    let task = app
        .post(
            &format!("/plans/{plan}/tasks"),
            &office,
            json!({"title": "承接政务便民服务", "due_on": "2026-04-30", "lead_unit_id": unit}),
        )
        .await;
    assert_eq!(task.status, StatusCode::CREATED, "{}", task.body);
    app.post(&format!("/plans/{plan}/issue"), &office, json!({}))
        .await;
    task.body["assignments"][0]["id"].as_i64().unwrap()
}

async fn the_session_cookie_is_httponly_and_lax_and_the_api_ignores_it(app: &TestApp) {
    stage(app).await;
    let mut b = Browser {
        jar: Jar::default(),
        base: app.base.clone(),
    };
    let (s, html, h) = b.get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h.get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        html.contains("<html lang=\"zh-CN\">") && html.contains("用户名") && html.contains("登录")
    );
    assert!(
        h.get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    let token = csrf_of(&html);
    let r = client()
        .post(format!("{}/", app.base))
        .header("cookie", b.jar.header())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}&username=clerk&password=Pass-clerk-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("duban_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/"),
        "{session}"
    );
    assert!(
        !session.contains("Secure"),
        "plain http in tests: {session}"
    );
    b.jar.take(&r);
    let me = client()
        .get(format!("{}/api/v1/me", app.base))
        .header("cookie", b.jar.header())
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        StatusCode::UNAUTHORIZED,
        "the JSON API takes bearer tokens only"
    );
    assert_eq!(
        me.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
}
storage_test!(the_session_cookie_is_httponly_and_lax_and_the_api_ignores_it);

async fn a_wrong_password_stays_on_the_sign_in_page_and_counts_towards_the_lock(app: &TestApp) {
    stage(app).await;
    let mut b = Browser {
        jar: Jar::default(),
        base: app.base.clone(),
    };
    let (_, html, _) = b.get("/").await;
    let token = csrf_of(&html);
    for _ in 0..app.settings.auth.max_failed_logins {
        let (s, html, _) = b
            .post(
                "/",
                &[
                    ("csrf", &token),
                    ("username", "clerk"),
                    ("password", "nope"),
                ],
                None,
            )
            .await;
        assert!(
            s == StatusCode::UNAUTHORIZED || s == StatusCode::TOO_MANY_REQUESTS,
            "{s}"
        );
        assert!(html.contains("错误") || html.contains("锁定"), "{html}");
    }
    let (s, html, _) = b
        .post(
            "/",
            &[
                ("csrf", &token),
                ("username", "clerk"),
                ("password", "Pass-clerk-1"),
            ],
            None,
        )
        .await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "the right password does not get past the lock"
    );
    assert!(html.contains("锁定"));
    let (s, _, _) = b
        .post(
            "/",
            &[("username", "clerk"), ("password", "Pass-clerk-1")],
            None,
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a sign-in post without the form's token is refused"
    );
}
storage_test!(a_wrong_password_stays_on_the_sign_in_page_and_counts_towards_the_lock);

async fn forged_posts_are_refused_and_write_nothing(app: &TestApp) {
    let item = stage(app).await;
    let (mut b, csrf) = signed_in(app, "clerk").await;
    let path = format!("/assignments/{item}/acknowledge");
    let before = app.count("audit_events").await;
    let (s, html, _) = b
        .post(&path, &[("csrf", &csrf)], Some("http://evil.example"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{html}");
    assert!(html.contains("请求被拒绝"));
    let (s, _, _) = b.post(&path, &[], Some(&app.base)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no token");
    let (s, _, _) = b
        .post(
            &path,
            &[("csrf", "0123456789abcdef0123456789abcdef01234567")],
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a made-up token");
    let (_, other) = signed_in(app, "office").await;
    let (s, _, _) = b.post(&path, &[("csrf", &other)], Some(&app.base)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another session's token");
    assert_eq!(app.count("audit_events").await, before, "nothing written");
    let (s, _, h) = b.post(&path, &[("csrf", &csrf)], Some(&app.base)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        h.get("location").unwrap().to_str().unwrap(),
        format!("/assignments/{item}")
    );
    let (_, html, _) = b.get(&format!("/assignments/{item}")).await;
    assert!(
        html.contains("已签收"),
        "Post/Redirect/Get shows the new state and the message"
    );
}
storage_test!(forged_posts_are_refused_and_write_nothing);

async fn pages_answer_html_and_the_api_problem_json(app: &TestApp) {
    let item = stage(app).await;
    let mut anon = Browser {
        jar: Jar::default(),
        base: app.base.clone(),
    };
    let (s, _, h) = anon.get(&format!("/assignments/{item}")).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "signed out: to the sign-in page");
    assert_eq!(
        h.get("location").unwrap().to_str().unwrap(),
        format!("/?next=%2Fassignments%2F{item}")
    );
    let (mut b, _) = signed_in(app, "clerk").await;
    for path in [
        "/nothing-here",
        "/assignments/abc",
        "/assignments/999999",
        "/plans/999999",
        "/attachments/1",
    ] {
        let (s, html, h) = b.get(path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert!(
            h.get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(html.contains("页面不存在"), "{path}");
    }
    let r = client()
        .get(format!("{}/api/v1/nothing-here", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        r.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let (s, _, _) = b.get("/review").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a clerk has no review queue");
}
storage_test!(pages_answer_html_and_the_api_problem_json);

async fn static_files_are_immutable_under_hashed_names_and_htmx_gets_fragments(app: &TestApp) {
    stage(app).await;
    let (mut b, _) = signed_in(app, "clerk").await;
    let (_, html, _) = b.get("/workbench").await;
    let at = html.find("/static/duban.").unwrap();
    let css = html[at..].split('"').next().unwrap().to_owned();
    let r = client()
        .get(format!("{}{css}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(
        r.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing from another host"
    );
    let r = client()
        .get(format!("{}/assignments?status=issued", app.base))
        .header("cookie", b.jar.header())
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.trim_start().starts_with("<div id=\"results\">"),
        "{fragment}"
    );
    assert!(fragment.contains("承接政务便民服务") && !fragment.contains("<html"));
    let (_, page, _) = b.get("/assignments?status=issued").await;
    assert!(page.contains("<html lang=\"zh-CN\">") && page.contains("<div id=\"results\">"));
}
storage_test!(static_files_are_immutable_under_hashed_names_and_htmx_gets_fragments);

async fn garbage_form_input_is_a_4xx_page_never_a_5xx(app: &TestApp) {
    let item = stage(app).await;
    let (mut b, csrf) = signed_in(app, "clerk").await;
    let i = item.to_string();
    let paths = [
        format!("/assignments/{i}/reports"),
        format!("/assignments/{i}/extension-requests"),
        format!("/assignments/{i}/review"),
        format!("/assignments/{i}/comments"),
        format!("/assignments/{i}/escalate"),
        format!("/assignments/{i}/cancel"),
        "/assignments/acknowledge".to_owned(),
        "/extension-requests/1/decision".to_owned(),
        "/plans".to_owned(),
        "/plans/1/tasks".to_owned(),
        "/plans/1/issue".to_owned(),
        "/me/password".to_owned(),
        "/notifications/read-all".to_owned(),
    ];
    let garbage: [&[(&str, &str)]; 4] = [
        &[],
        &[
            ("percent", "九十"),
            ("due_on", "明天"),
            ("decision", "maybe"),
            ("ids", "x"),
            ("approve", "perhaps"),
        ],
        &[
            ("percent", "99999999999999999999"),
            ("text", "\u{0}\u{202e}"),
            ("due_on", "2026-02-30"),
            ("year", "-1"),
        ],
        &[
            ("back", "https://evil.example/"),
            ("next", "//evil.example"),
            ("issued_on", "2026-13-01"),
        ],
    ];
    for path in &paths {
        for g in garbage {
            let mut form = vec![("csrf", csrf.as_str())];
            form.extend_from_slice(g);
            let (s, body, h) = b.post(path, &form, Some(&app.base)).await;
            assert!(s.as_u16() < 500, "{path} {g:?}: {s} {body}");
            if let Some(loc) = h.get("location") {
                assert!(
                    loc.to_str().unwrap().starts_with('/')
                        && !loc.to_str().unwrap().starts_with("//"),
                    "{path}: {loc:?}"
                );
            }
        }
    }
    for q in [
        "?page=0",
        "?page=abc&per_page=-1",
        "?status=nope&sort=;drop",
        "?due_from=x&level=99&queue=zzz",
        "?q=%00%ff",
    ] {
        let (s, body, _) = b.get(&format!("/assignments{q}")).await;
        assert_eq!(s, StatusCode::OK, "{q}: {body}");
    }
    // Text with NUL in it (which PostgreSQL refuses) is stored without it.
    let (s, _, _) = b
        .post(
            &format!("/assignments/{i}/acknowledge"),
            &[("csrf", &csrf)],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, body, _) = b
        .post(
            &format!("/assignments/{i}/reports"),
            &[
                ("csrf", &csrf),
                ("kind", "progress"),
                ("text", "进展\u{0}顺利"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let (_, page, _) = b.get(&format!("/assignments/{i}")).await;
    assert!(
        page.contains("进展顺利"),
        "the report reads without the NUL"
    );
}
storage_test!(garbage_form_input_is_a_4xx_page_never_a_5xx);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_https_the_cookie_is_secure_and_the_public_origin_is_ours() {
    let app = TestApp::spawn_with(
        crate::helpers::Store::Sqlite,
        &[("DUBAN__SERVER__PUBLIC_URL", "https://duban.example.gov")],
    )
    .await
    .unwrap();
    stage(&app).await;
    let mut b = Browser {
        jar: Jar::default(),
        base: app.base.clone(),
    };
    let (_, html, h) = b.get("/").await;
    let pre: Vec<_> = h
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(pre.iter().all(|c| c.contains("Secure")), "{pre:?}");
    let token = csrf_of(&html);
    let (s, _, h) = b
        .post(
            "/",
            &[
                ("csrf", &token),
                ("username", "clerk"),
                ("password", "Pass-clerk-1"),
            ],
            Some("https://duban.example.gov"),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "the public address is our origin");
    let session = h
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("duban_session="))
        .unwrap();
    assert!(session.contains("Secure"), "{session}");
    assert!(b.jar.get("duban_session").is_some());
}

/// 督办文件 corrected in the browser: the plan's fields, a draft task's
/// units (by name or alias), dates, schedule and indicators, its removal;
/// once issued, its units stay and a new date moves the open items.
async fn the_office_corrects_a_plan_and_its_tasks(app: &TestApp) {
    let office_unit = app.unit("市政府办公室", "office").await;
    let a = app.unit("市民政局", "department").await;
    let b = app
        .post(
            "/units",
            &app.admin_token,
            json!({"name": "市卫生局", "kind": "department", "aliases": ["市卫计委"]}),
        )
        .await
        .id();
    let (_, office) = app.user("office", "office", Some(office_unit)).await;
    let plan = app
        .post(
            "/plans",
            &office,
            json!({"doc_no": "通政办发〔2026〕1号", "title": "计划", "issued_on": "2026-02-20"}),
        )
        .await
        .id();
    let mk = |title: &'static str| {
        json!({"title": title, "due_on": "2026-04-30", "lead_unit_id": a,
               "indicators": [{"name": "覆盖率", "target": "90", "unit": "%"}]})
    };
    let t1 = app
        .post(
            &format!("/plans/{plan}/tasks"),
            &office,
            mk("承接政务便民服务"),
        )
        .await;
    let t1_id = t1.id();
    let kept_indicator = t1.body["indicators"][0]["id"].as_i64().unwrap();
    let t2 = app
        .post(
            &format!("/plans/{plan}/tasks"),
            &office,
            mk("深化医疗卫生服务"),
        )
        .await
        .id();
    let (mut br, csrf) = signed_in(app, "office").await;

    // The plan's own fields.
    let (s, html, _) = br.get(&format!("/plans/{plan}/edit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("通政办发〔2026〕1号") && html.contains("2026-02-20"));
    let (s, _, h) = br
        .post(
            &format!("/plans/{plan}/edit"),
            &[
                ("csrf", &csrf),
                ("doc_no", "通政办发〔2026〕2号"),
                ("title", "统筹城乡社区建设"),
                ("issued_on", "2026-02-21"),
                ("year", "2026"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h.get("location").unwrap(), &format!("/plans/{plan}"));
    let p = app.get(&format!("/plans/{plan}"), &office).await;
    assert_eq!(p.body["doc_no"], "通政办发〔2026〕2号");
    assert_eq!(p.body["title"], "统筹城乡社区建设");
    assert_eq!(p.body["issued_on"], "2026-02-21");
    // A blank title is the field's error, and nothing changes.
    let (s, html, _) = br
        .post(
            &format!("/plans/{plan}/edit"),
            &[
                ("csrf", &csrf),
                ("doc_no", "x"),
                ("title", " "),
                ("issued_on", "2026-02-21"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不能为空"), "{html}");
    let p = app.get(&format!("/plans/{plan}"), &office).await;
    assert_eq!(p.body["doc_no"], "通政办发〔2026〕2号");

    // The task form starts from the task as it stands.
    let (s, html, _) = br.get(&format!("/plans/{plan}/tasks/{t1_id}/edit")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("承接政务便民服务")
            && html.contains("市民政局")
            && html.contains("覆盖率 | 90 | %"),
        "{html}"
    );
    // Lead by alias, an assisting unit, a new date, a schedule, indicators.
    let (s, html, _) = br
        .post(
            &format!("/plans/{plan}/tasks/{t1_id}/edit"),
            &[
                ("csrf", &csrf),
                ("number", "（一）"),
                ("title", "承接政务便民服务事项"),
                ("requirements", "年内完成"),
                ("lead_unit", "市卫计委"),
                ("assist_units", "市民政局"),
                ("due_on", "2026-05-31"),
                ("due_text", "5月底前"),
                ("report_cron", "0 9 25 * *"),
                ("indicators", "覆盖率 | 95 | % | 约束性\n建站数 | 12 | 个"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let p = app.get(&format!("/plans/{plan}"), &office).await;
    let task = p.body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == t1_id)
        .unwrap()
        .clone();
    assert_eq!(task["title"], "承接政务便民服务事项");
    assert_eq!(task["due_on"], "2026-05-31");
    assert_eq!(task["report_cron"], "0 9 25 * *");
    let units: Vec<(i64, String)> = task["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["unit_id"].as_i64().unwrap(),
                x["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(units.len(), 2, "{task}");
    assert!(
        units.contains(&(b, "lead".into())) && units.contains(&(a, "assist".into())),
        "{units:?}"
    );
    let inds = task["indicators"].as_array().unwrap();
    assert_eq!(inds.len(), 2);
    assert_eq!(
        inds[0]["id"], kept_indicator,
        "the same name keeps its indicator"
    );
    assert_eq!(inds[0]["target"], "95");
    assert_eq!(inds[1]["name"], "建站数");
    // An unknown unit is the field's error and nothing changes.
    let (s, html, _) = br
        .post(
            &format!("/plans/{plan}/tasks/{t1_id}/edit"),
            &[
                ("csrf", &csrf),
                ("title", "改名"),
                ("lead_unit", "市不存在局"),
                ("due_on", "2026-05-31"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("单位名录中没有“市不存在局”"), "{html}");
    // A task not yet issued can be removed.
    let (s, _, _) = br
        .post(
            &format!("/plans/{plan}/tasks/{t2}/delete"),
            &[("csrf", &csrf)],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let p = app.get(&format!("/plans/{plan}"), &office).await;
    assert_eq!(p.body["tasks"].as_array().unwrap().len(), 1);

    // Issued: a new date moves the open items; the units cannot change; no deleting.
    app.post(&format!("/plans/{plan}/issue"), &office, json!({}))
        .await;
    let (s, html, _) = br
        .post(
            &format!("/plans/{plan}/tasks/{t1_id}/edit"),
            &[
                ("csrf", &csrf),
                ("title", "承接政务便民服务事项"),
                ("lead_unit", "市民政局"),
                ("due_on", "2026-06-30"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("不能更换责任单位"), "{html}");
    let (s, _, h) = br
        .post(
            &format!("/plans/{plan}/tasks/{t1_id}/edit"),
            &[
                ("csrf", &csrf),
                ("title", "承接政务便民服务事项"),
                ("lead_unit", "市卫生局"),
                ("assist_units", "民政局"),
                ("due_on", "2026-06-30"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h.get("location").unwrap(), &format!("/plans/{plan}"));
    let items = app
        .get(&format!("/assignments?plan_id={plan}"), &office)
        .await;
    assert!(
        items.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["due_on"] == "2026-06-30"),
        "{}",
        items.body
    );
    let (s, html, _) = br
        .post(
            &format!("/plans/{plan}/tasks/{t1_id}/delete"),
            &[("csrf", &csrf)],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{html}");
    // Someone else's post is refused before anything is read.
    let (s, _, _) = br
        .post(
            &format!("/plans/{plan}/edit"),
            &[("csrf", &csrf), ("title", "伪造")],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
storage_test!(the_office_corrects_a_plan_and_its_tasks);

/// The report form starts from the unit's last report — for the clerk who
/// wrote it, for their head, and after the office returned a request to
/// close — so a clerk reports once and then edits.
async fn the_report_form_starts_from_the_last_report(app: &TestApp) {
    let id = stage(app).await;
    let office = app.login("office", "Pass-office-1").await;
    let r = app.get(&format!("/assignments/{id}"), &office).await;
    let unit = r.body["unit_id"].as_i64().expect("the item's unit");
    let clerk = app.login("clerk", "Pass-clerk-1").await;
    app.user("head", "unit_head", Some(unit)).await;
    let (mut br, _) = signed_in(app, "clerk").await;
    app.post(&format!("/assignments/{id}/acknowledge"), &clerk, json!({}))
        .await;
    let (_, html, _) = br.get(&format!("/assignments/{id}")).await;
    assert!(
        html.contains("name=\"text\" rows=\"5\"></textarea>"),
        "no report yet: an empty form\n{html}"
    );
    let r = app
        .post(
            &format!("/assignments/{id}/reports"),
            &clerk,
            json!({"kind": "progress", "text": "已完成摸底 <12> 个社区", "percent": 40}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let filled = |html: &str, text: &str, percent: &str| {
        html.contains(&format!("name=\"text\" rows=\"5\">{text}</textarea>"))
            && html.contains(&format!("name=\"percent\" type=\"number\" min=\"0\" max=\"100\" step=\"1\" inputmode=\"numeric\" value=\"{percent}\""))
    };
    let (_, html, _) = br.get(&format!("/assignments/{id}")).await;
    assert!(
        filled(&html, "已完成摸底 &lt;12&gt; 个社区", "40"),
        "{html}"
    );
    let (mut head, _) = signed_in(app, "head").await;
    let (_, html, _) = head.get(&format!("/assignments/{id}")).await;
    assert!(
        filled(&html, "已完成摸底 &lt;12&gt; 个社区", "40"),
        "the head sees the clerk's report to edit"
    );
    app.post(
        &format!("/assignments/{id}/reports"),
        &clerk,
        json!({"kind": "completion", "text": "全部建成", "percent": 100}),
    )
    .await;
    let r = app
        .post(
            &format!("/assignments/{id}/review"),
            &office,
            json!({"decision": "return", "comment": "缺少验收材料"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (_, html, _) = br.get(&format!("/assignments/{id}")).await;
    assert!(
        filled(&html, "全部建成", "100"),
        "after a return the form starts from the request to close"
    );
}
storage_test!(the_report_form_starts_from_the_last_report);

/// Ticking more rows than a page can hold is refused whole (nothing is
/// acknowledged); rows that cannot be acknowledged are counted in the
/// message rather than passed over in silence.
async fn bulk_acknowledgement_takes_all_or_refuses_and_says_what_failed(app: &TestApp) {
    use duban_domain::entities::assignment;
    use sea_orm::EntityTrait;
    let item = stage(app).await;
    let (mut b, csrf) = signed_in(app, "clerk").await;
    let status = |id| async move {
        assignment::Entity::find_by_id(id)
            .one(app.db.conn())
            .await
            .unwrap()
            .unwrap()
            .status
    };
    let before = status(item).await;
    let too_many: Vec<String> = (item..item + 201).map(|i| i.to_string()).collect();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(too_many.iter().map(|i| ("ids", i.as_str())));
    let (s, body, _) = b
        .post("/assignments/acknowledge", &form, Some(&app.base))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("一次最多签收 200 项"), "{body}");
    assert_eq!(status(item).await, before, "nothing was acknowledged");

    let mine = item.to_string();
    let (s, _, h) = b
        .post(
            "/assignments/acknowledge",
            &[
                ("csrf", &csrf),
                ("ids", &mine),
                ("ids", &mine),
                ("ids", "987654321"),
            ],
            Some(&app.base),
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = b.get(h.get("location").unwrap().to_str().unwrap()).await;
    assert!(
        html.contains("已签收 1 项；1 项未能签收"),
        "the duplicate tick counts once, the unknown row is named as failed: {html}"
    );
    assert_ne!(status(item).await, before);
}
storage_test!(bulk_acknowledgement_takes_all_or_refuses_and_says_what_failed);
