#!/usr/bin/env python3
"""The web UI in Debian's Chromium, driven by Playwright, against a running
Duban (started by api/tests/browser/main.rs on a fresh database).

Environment: DUBAN_BASE (the app's address), DUBAN_ADMIN_TOKEN (an admin's
bearer token, to set the stage through the API), DUBAN_TODAY (the app's
today, YYYY-MM-DD), DUBAN_SCREENSHOTS (a folder to save the main screens
in; empty: none). Prints one line per failed check and closes with
"N passed, M failed"; exits non-zero on any failure.
"""
import datetime as dt
import json
import os
import re
import sys
import traceback
import urllib.error
import urllib.request

from playwright.sync_api import sync_playwright

BASE = os.environ["DUBAN_BASE"].rstrip("/")
ADMIN = os.environ["DUBAN_ADMIN_TOKEN"]
TODAY = dt.date.fromisoformat(os.environ["DUBAN_TODAY"])
SHOTS = os.environ.get("DUBAN_SCREENSHOTS", "")
PW = "Browser-pass-1"

passed, failed = 0, []


def check(what, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failed.append(f"{what}{': ' + str(detail)[:300] if detail else ''}")
        print("FAIL", failed[-1], flush=True)
    return cond


def day(n):
    return (TODAY + dt.timedelta(days=n)).isoformat()


def api(method, path, token=ADMIN, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + "/api/v1" + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


def token_of(user):
    s, js = api("POST", "/auth/login", None, {"username": user, "password": PW})
    assert s == 200, (user, s, js)
    return js["access_token"]


# ---------------------------------------------------------------- the stage
units = {}
for key, name, email, aliases in [("office", "市政府办公室", "office@example.gov", []),
                                  ("A", "市民政局", "mzj@example.gov", ["民政局"]),
                                  ("B", "市卫生局", None, ["市卫计委"]),
                                  ("C", "市财政局", None, [])]:
    s, js = api("POST", "/units", body={"name": name, "kind": "office" if key == "office" else "department",
                                         "email": email, "aliases": aliases})
    assert s == 201, js
    units[key] = js["id"]
people = [("office", "office", "office", "督查室王主任", "wang@example.gov"),
          ("staffa", "unit_staff", "A", "民政局张科员", "zhang@example.gov"),
          ("heada", "unit_head", "A", "民政局刘局长", "liu@example.gov"),
          ("staffb", "unit_staff", "B", "卫生局李科员", None),
          ("insp", "inspector", "office", "督查专员赵科长", "zhao@example.gov"),
          ("leader", "leader", "office", "市领导孙市长", "sun@example.gov"),
          ("root", "admin", "office", "系统管理员", None)]
for user, role, unit, name, email in people:
    s, js = api("POST", "/users", body={"username": user, "password": PW, "display_name": name,
                                         "unit_id": units[unit], "roles": [role], "email": email})
    assert s == 201, js
OFFICE = token_of("office")
s, js = api("POST", "/plans", OFFICE, {"doc_no": "通政办发〔2026〕35号", "title": "2026年统筹城乡社区建设主要工作责任分解",
                                       "issued_on": day(-20)})
PLAN = js["id"]
tasks = [("承接政务便民服务", day(20), [units["B"]]), ("深化医疗卫生服务", day(-8), []),
         ("拓展文体教育服务", day(40), []), ("加强社区环境整治", day(2), []), ("完善社区养老服务", day(60), [])]
for title, due, assist in tasks:
    s, js = api("POST", f"/plans/{PLAN}/tasks", OFFICE, {"title": title, "requirements": f"{title}的工作要求",
                                                         "due_on": due, "lead_unit_id": units["A"], "assist_unit_ids": assist,
                                                         "allow_past_due": True})
    assert s == 201, js
api("POST", f"/plans/{PLAN}/issue", OFFICE)
s, js = api("GET", f"/assignments?plan_id={PLAN}&per_page=50", OFFICE)
ITEMS = {(a["task_title"], a["unit_id"]): a["id"] for a in js["items"]}
OPEN = ITEMS[("承接政务便民服务", units["A"])]
LATE = ITEMS[("深化医疗卫生服务", units["A"])]
THIRD = ITEMS[("拓展文体教育服务", units["A"])]
FOURTH = ITEMS[("加强社区环境整治", units["A"])]
FIFTH = ITEMS[("完善社区养老服务", units["A"])]


def status_of(aid):
    return api("GET", f"/assignments/{aid}", OFFICE)[1].get("status")


def history_len(aid):
    return len(api("GET", f"/assignments/{aid}/history", OFFICE)[1]["items"])


# ---------------------------------------------------------------- browser helpers
external = []


def new_page(browser, **kw):
    ctx = browser.new_context(locale="zh-CN", **kw)
    ctx.set_default_timeout(8000)
    page = ctx.new_page()
    page.on("request", lambda r: None if r.url.startswith(BASE) or r.url.startswith("data:") else external.append(r.url))
    return ctx, page


def settle(page):
    page.wait_for_load_state("networkidle")


def sign_in(page, user, password=PW):
    page.goto(BASE + "/")
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    settle(page)


def shot(page, name, full=True):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name + ".png"), full_page=full)


def body(page):
    return page.inner_text("body")


def scenario(name, fn, *args):
    try:
        fn(*args)
    except Exception as e:  # a missing label or button is a failed scenario, not a crash
        check(f"{name} ran to the end", False, f"{type(e).__name__}: {e}")
        traceback.print_exc()


# ---------------------------------------------------------------- scenarios
def clerk_cycle(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    page.goto(BASE + "/")
    check("the address shows a Chinese sign-in page", page.get_attribute("html", "lang") == "zh-CN"
          and page.get_by_role("button", name="登录").count() == 1)
    shot(page, "sign-in")
    sign_in(page, "staffa", "wrong-password")
    check("a wrong password is told on the same page", "用户名或密码错误" in body(page) and page.url.rstrip("/") == BASE)
    sign_in(page, "staffa")
    text = body(page)
    check("the workbench greets the clerk and counts their work",
          "民政局张科员" in text and "待签收" in text and "即将到期" in text and "已逾期" in text, text[:300])
    tile = page.get_by_role("link", name=re.compile("待签收"))
    check("the 待签收 tile counts the five issued items", "5" in tile.first.inner_text(), tile.first.inner_text())
    shot(page, "workbench-clerk")
    page.get_by_role("link", name=re.compile("承接政务便民服务")).first.click()
    settle(page)
    check("the item page shows task, plan, units, due date and days left",
          all(w in body(page) for w in ["承接政务便民服务的工作要求", "通政办发〔2026〕35号", "市民政局", "市卫生局", "牵头", "配合", day(20), "个工作日"]),
          body(page)[:400])
    page.get_by_role("button", name="签收").click()
    settle(page)
    check("签收 acknowledges and the page shows it", status_of(OPEN) == "acknowledged" and "已签收" in body(page))
    # A report with an attachment, then the attachment downloads.
    page.get_by_label("进展情况").fill("已完成全市摸底调查，12个社区建成综合服务站")
    page.get_by_label("完成比例").fill("60")
    page.get_by_label("附件").set_input_files(files=[{"name": "摸底调查.pdf", "mimeType": "application/pdf",
                                                     "buffer": b"%PDF-1.4\n% survey\n"}])
    page.get_by_role("button", name="提交进展").click()
    settle(page)
    check("提交进展 records the report with its file", status_of(OPEN) == "in_progress" and "摸底调查.pdf" in body(page))
    check("the report form starts from the last report",
          page.get_by_label("进展情况").input_value().startswith("已完成全市摸底调查") and page.get_by_label("完成比例").input_value() == "60")
    href = page.get_by_role("link", name="摸底调查.pdf").get_attribute("href")
    r = page.request.get(BASE + href)
    check("the attachment downloads with its bytes", r.status == 200 and r.body().startswith(b"%PDF-1.4"), r.status)
    global ATTACHMENT
    ATTACHMENT = href
    # A file whose content is not what it claims: refused, nothing written.
    before = history_len(OPEN)
    page.get_by_label("进展情况").fill("再报一次")
    page.get_by_label("附件").set_input_files(files=[{"name": "virus.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00"}])
    page.get_by_role("button", name="提交进展").click()
    settle(page)
    check("a file that is not what it says is refused in Chinese and nothing is written",
          "仅支持" in body(page) and history_len(OPEN) == before)
    page.get_by_label("附件").set_input_files(files=[])
    # Bad form input: an empty text re-renders the form with the field's error.
    page.get_by_label("进展情况").fill("")
    page.get_by_role("button", name="提交进展").click()
    settle(page)
    check("an empty report is refused with the field's Chinese error", "请填写办理情况" in body(page) and history_len(OPEN) == before)
    shot(page, "item-clerk")
    # 申请延期 before the deadline.
    page.get_by_text("申请延期", exact=True).first.click()
    page.get_by_label("新的完成时限").fill(day(35))
    page.get_by_label("延期理由").fill("资金尚未到位")
    page.get_by_role("button", name="申请延期").click()
    settle(page)
    check("申请延期 files a request the page shows", "待审批" in body(page) and "资金尚未到位" in body(page))
    page.get_by_label("进展情况").fill("全部社区已建成综合服务站")
    page.get_by_label("完成比例").fill("100")
    page.get_by_role("button", name="申请办结").click()
    settle(page)
    check("申请办结 sends the item to review", status_of(OPEN) == "pending_review" and "待审核" in body(page))
    ctx.close()


def other_unit(b):
    ctx, page = new_page(b)
    sign_in(page, "staffb")
    r = page.goto(f"{BASE}/assignments/{OPEN}")
    check("another unit's item is a 404 page that shows none of it",
          r.status == 404 and "页面不存在" in body(page) and "全部社区已建成" not in page.content(), r.status)
    r = page.goto(BASE + ATTACHMENT)
    check("another unit's attachment is a 404 too", r.status == 404, r.status)
    r = page.goto(f"{BASE}/no-such-page")
    check("an unknown page is an HTML 404", r.status == 404 and "text/html" in r.headers.get("content-type", ""))
    r = page.goto(f"{BASE}/board")
    check("a clerk cannot open the board", r.status == 403, r.status)
    s, _ = api("GET", "/assignments/%d" % OPEN, None)
    check("the API does not take the session cookie", page.request.get(BASE + "/api/v1/me").status == 401 and s == 401)
    ctx.close()


def office_cycle(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    sign_in(page, "office")
    text = body(page)
    check("the office's workbench counts 待审核, 待决定的延期, 今日到期, 逾期, 超时未签收",
          all(w in text for w in ["待审核", "待决定的延期", "今日到期", "已逾期", "超时未签收"]), text[:300])
    shot(page, "workbench-office")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审核").click()
    settle(page)
    check("the 审核 queue lists the item", "承接政务便民服务" in body(page))
    shot(page, "review-queue")
    page.get_by_role("link", name=re.compile("承接政务便民服务")).first.click()
    settle(page)
    before = history_len(OPEN)
    page.get_by_label("审核意见").fill("")
    page.get_by_role("button", name="退回").click()
    settle(page)
    check("退回 without a reason is refused and writes nothing", "退回时须说明理由" in body(page) and status_of(OPEN) == "pending_review"
          and history_len(OPEN) == before)
    page.get_by_label("审核意见").fill("请补充各社区服务站名单")
    page.get_by_role("button", name="退回").click()
    settle(page)
    check("退回 with a reason returns the item", status_of(OPEN) == "returned")
    # The extension queue: decide the clerk's request.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="延期").click()
    settle(page)
    check("the 延期 queue shows item, unit, date asked for and reason",
          all(w in body(page) for w in ["承接政务便民服务", "市民政局", day(35), "资金尚未到位"]), body(page)[:300])
    shot(page, "extensions")
    page.get_by_label("审批意见").fill("同意延期一次")
    page.get_by_role("button", name="同意延期").click()
    settle(page)
    s, js = api("GET", f"/assignments/{OPEN}", OFFICE)
    check("同意延期 moves the due date", js.get("due_on") == day(35), js.get("due_on"))
    ctx.close()
    # The clerk sees the return and the result, and asks again.
    ctx, page = new_page(b)
    sign_in(page, "staffa")
    check("the clerk's workbench shows 被退回 and 延期结果", "被退回" in body(page) and "延期结果" in body(page))
    page.goto(f"{BASE}/assignments/{OPEN}")
    check("the clerk sees 已退回 with the office's reason", "已退回" in body(page) and "请补充各社区服务站名单" in body(page))
    page.get_by_label("进展情况").fill("已补充名单")
    page.get_by_role("button", name="申请办结").click()
    settle(page)
    ctx.close()
    ctx, page = new_page(b)
    sign_in(page, "office")
    page.goto(f"{BASE}/assignments/{OPEN}")
    page.get_by_label("审核意见").fill("同意办结")
    page.get_by_role("button", name="通过").click()
    settle(page)
    text = body(page)
    check("通过 completes the item", status_of(OPEN) == "completed" and "已办结" in text)
    check("the history reads with people's names and Chinese steps",
          all(w in text for w in ["民政局张科员", "督查室王主任", "签收", "申请办结", "退回", "同意延期"])
          and "request_completion" not in text and "staffa" not in text)
    shot(page, "item-office")
    ctx.close()


def office_plans(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    sign_in(page, "office")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="督办文件").click()
    settle(page)
    page.get_by_role("link", name="新建督办文件").click()
    settle(page)
    page.get_by_label("文号").fill("通政办发〔2026〕36号")
    page.get_by_label("标题").fill("2026年城市管理重点工作")
    page.get_by_role("button", name="创建").click()
    settle(page)
    check("a plan is created from the form", "2026年城市管理重点工作" in body(page) and "添加任务" in body(page))
    plan_url = page.url
    page.get_by_role("link", name="添加任务").click()
    settle(page)
    page.get_by_label("任务名称").fill("推进垃圾分类")
    page.get_by_label("牵头单位").fill("民政局")
    page.get_by_label("配合单位").fill("市卫计委、市交通局")
    page.get_by_label("完成时限").fill(day(90))
    page.get_by_label("反馈周期").select_option(label="每月 25 日前反馈")
    page.get_by_label("指标").fill("分类覆盖率 | 90 | % | 约束性")
    page.get_by_role("button", name="添加任务").click()
    settle(page)
    check("a unit the directory lacks is named on the form, nothing written",
          "单位名录中没有“市交通局”" in body(page) and page.get_by_label("任务名称").input_value() == "推进垃圾分类")
    page.get_by_label("配合单位").fill("市卫计委、市财政局")
    page.get_by_role("button", name="添加任务").click()
    settle(page)
    text = body(page)
    check("the task is added with its units found by name and alias",
          "推进垃圾分类" in text and "市民政局" in text and "市卫生局" in text and "市财政局" in text and "分类覆盖率" in text, text[:400])
    shot(page, "plan")
    # Correct the plan and the task in the browser before issuing.
    page.get_by_role("link", name="修改文件信息").click()
    settle(page)
    check("the plan's form starts from the plan", page.get_by_label("文号").input_value() == "通政办发〔2026〕36号")
    page.get_by_label("标题").fill("2026年城市管理重点工作安排")
    page.get_by_role("button", name="保存").click()
    settle(page)
    check("the plan's title is corrected", "督办文件已修改" in body(page) and "2026年城市管理重点工作安排" in body(page))
    page.get_by_role("link", name="修改任务：推进垃圾分类").click()
    settle(page)
    check("the task's form starts from the task",
          page.get_by_label("牵头单位").input_value() == "市民政局" and "分类覆盖率 | 90 | %" in page.get_by_label("指标").input_value()
          and page.get_by_label("完成时限").input_value() == day(90))
    page.get_by_label("完成时限").fill(day(100))
    page.get_by_label("指标").fill("分类覆盖率 | 95 | % | 约束性\n示范小区 | 20 | 个")
    page.get_by_role("button", name="保存修改").click()
    settle(page)
    text = body(page)
    check("the task's date and indicators are corrected", "任务已修改" in text and day(100) in text and "示范小区" in text and "95%" in text, text[:500])
    page.get_by_role("link", name="添加任务").click()
    settle(page)
    page.get_by_label("任务名称").fill("误加的任务")
    page.get_by_label("牵头单位").fill("市财政局")
    page.get_by_label("完成时限").fill(day(30))
    page.get_by_role("button", name="添加任务").click()
    settle(page)
    page.get_by_role("link", name="修改任务：误加的任务").click()
    settle(page)
    page.get_by_role("button", name="删除任务").click()
    settle(page)
    check("a task added by mistake is deleted before 交办", "任务已删除" in body(page) and "误加的任务" not in body(page))
    page.get_by_role("link", name=re.compile("交办")).click()
    settle(page)
    text = body(page)
    check("交办 asks first, listing who will be told and warning of units nobody can be told about",
          "民政局张科员" in text and "zhang@example.gov" in text and "无法收到通知" in text and "市财政局" in text, text[:500])
    shot(page, "issue-confirmation")
    page.get_by_role("button", name="确认交办").click()
    settle(page)
    check("确认交办 issues the plan", "已交办 3 项事项" in body(page) and page.url.startswith(plan_url.split("?")[0]))
    page.get_by_role("link", name="指标完成情况").click()
    settle(page)
    text = body(page)
    check("指标完成情况 lists the plan's indicators with each unit's target", "分类覆盖率" in text and "示范小区" in text
          and "市民政局" in text and "未报" in text, text[:400])
    with page.expect_download() as dl:
        page.get_by_role("link", name="导出指标分解表").click()
    check("the 指标分解表 downloads", open(dl.value.path(), "rb").read(2) == b"PK")
    shot(page, "indicators")
    ctx.close()


def inspector(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    sign_in(page, "insp")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="督办看板").click()
    settle(page)
    text = body(page)
    check("the board lists the overdue item with days and working days late", "深化医疗卫生服务" in text and "逾期 8 天" in text, text[:400])
    shot(page, "board")
    first = page.locator("#results table.rows tbody tr").first.inner_text()
    check("the most overdue item is the board's first row", "深化医疗卫生服务" in first, first)
    with page.expect_download() as dl:
        page.get_by_role("link", name="导出 Excel").click()
    path = dl.value.path()
    check("the board exports to Excel", dl.value.suggested_filename.endswith(".xlsx") and open(path, "rb").read(2) == b"PK",
          dl.value.suggested_filename)
    page.get_by_role("link", name="风险预警").click()
    settle(page)
    text = body(page)
    check("the at-risk tab shows the item due in two days and why", "加强社区环境整治" in text and "临近时限" in text, text[:400])
    shot(page, "board-at-risk")
    page.get_by_role("link", name="逾期与升级督办").click()
    settle(page)
    page.get_by_role("link", name=re.compile("深化医疗卫生服务")).first.click()
    settle(page)
    page.get_by_label("督查意见").fill("请于本周内报送整改措施")
    page.get_by_role("button", name="发表意见").click()
    settle(page)
    check("the remark shows on the item", "请于本周内报送整改措施" in body(page))
    page.get_by_role("button", name="挂牌督办").click()
    settle(page)
    check("挂牌督办 asks to confirm and says what it does", "督办等级将由" in body(page))
    page.get_by_label("督办说明").fill("挂牌督办：请于三个工作日内办结")
    page.get_by_role("button", name="确定").click()
    settle(page)
    s, js = api("GET", f"/assignments/{LATE}", OFFICE)
    check("挂牌督办 raises the level and the page says so", js.get("escalation_level") == 1 and "已挂牌督办" in body(page), js.get("escalation_level"))
    check("the history names the inspector and the step", "督查专员赵科长" in body(page) and "挂牌督办" in body(page))
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="考核").click()
    settle(page)
    check("考核 ranks the units", "市民政局" in body(page) and "市卫生局" in body(page) and "得分" in body(page))
    shot(page, "assessment")
    ctx.close()


def leader(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    sign_in(page, "leader")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="考核").click()
    settle(page)
    text = body(page)
    check("the leader sees the ranking with its two charts", "得分" in text and page.locator("svg.chart").count() == 2, text[:300])
    page.get_by_label("考核期间").select_option(str(TODAY.year))
    page.get_by_role("button", name="统计").click()
    settle(page)
    check("the period picker keeps the period in the address", f"period={TODAY.year}" in page.url, page.url)
    shot(page, "assessment-ranking")
    page.get_by_role("link", name="市民政局 得分明细").click()
    settle(page)
    text = body(page)
    check("the per-unit detail names each item and rule behind the score",
          "考核得分明细" in text and "深化医疗卫生服务" in text and "逾期未办结" in text and "合计" in text, text[:500])
    shot(page, "assessment-unit")
    page.get_by_role("link", name="考核").first.click()
    settle(page)
    page.get_by_role("link", name="通报（打印）").click()
    settle(page)
    text = body(page)
    check("the printable 通报 gives the period's figures", "督办工作通报" in text and "总体情况" in text and "各单位考核情况" in text, text[:300])
    page.emulate_media(media="print")
    check("printing hides the navigation", not page.get_by_role("navigation", name="主导航").is_visible())
    pdf = page.pdf(format="A4") if hasattr(page, "pdf") else b""
    check("the 通报 prints to A4 PDF", pdf[:4] == b"%PDF", pdf[:8])
    shot(page, "circular")
    page.emulate_media(media="screen")
    page.goto(f"{BASE}/assignments/{LATE}")
    settle(page)
    page.get_by_label("督查意见（领导批示）").fill("请市民政局主要负责同志亲自督办")
    page.get_by_role("button", name="发表意见").click()
    settle(page)
    check("a leader's instruction shows on the item", "请市民政局主要负责同志亲自督办" in body(page))
    ctx.close()


def forged_posts(b):
    ctx, page = new_page(b)
    sign_in(page, "insp")
    page.goto(f"{BASE}/assignments/{LATE}")
    before = history_len(LATE)
    level = api("GET", f"/assignments/{LATE}", OFFICE)[1]["escalation_level"]
    r = page.request.post(f"{BASE}/assignments/{LATE}/escalate", headers={"Origin": "http://evil.example"},
                          form={"note": "forged"}, fail_on_status_code=False)
    check("a cross-site post with the session cookie is refused", r.status == 403, r.status)
    r = page.request.post(f"{BASE}/assignments/{LATE}/comments", form={"text_comment": "forged"}, fail_on_status_code=False)
    check("a same-site post without the CSRF token is refused", r.status == 403, r.status)
    r = page.request.post(f"{BASE}/assignments/{LATE}/comments", form={"text_comment": "forged", "csrf": "0" * 40},
                          fail_on_status_code=False)
    check("a post with a made-up CSRF token is refused", r.status == 403, r.status)
    check("nothing was written by the forged posts", history_len(LATE) == before
          and api("GET", f"/assignments/{LATE}", OFFICE)[1]["escalation_level"] == level)
    r = page.request.post(f"{BASE}/", headers={"Origin": "http://evil.example"}, form={"username": "insp", "password": PW},
                          fail_on_status_code=False)
    check("a cross-site sign-in post is refused", r.status == 403, r.status)
    ctx.close()


def bulk_and_filters(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    sign_in(page, "heada")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="事项").click()
    settle(page)
    check("the list shows the light and days on every row", page.locator("tbody tr .light").count() == page.locator("tbody tr").count() > 0)
    page.get_by_label("状态").select_option(label="已交办")
    page.wait_for_url(re.compile(r"status=issued"))  # htmx swaps the rows and puts the filter in the address
    settle(page)
    check("a filter goes into the address", "status=issued" in page.url, page.url)
    rows = page.locator("tbody tr").count()
    check("the filtered list shows only issued items", rows >= 3 and "已签收" not in page.locator("#results").inner_text(), rows)
    page.get_by_label("选择：拓展文体教育服务").check()
    page.get_by_label("选择：加强社区环境整治").check()
    page.get_by_role("button", name="签收所选事项").click()
    page.get_by_text("已签收 2 项").wait_for()
    check("bulk 签收 acts on the ticked rows only",
          status_of(THIRD) == "acknowledged" and status_of(FOURTH) == "acknowledged" and status_of(FIFTH) == "issued",
          (status_of(THIRD), status_of(FOURTH), status_of(FIFTH)))
    check("the list says how many were acknowledged", "已签收 2 项" in body(page))
    page.get_by_label("关键词").fill("养老")
    page.get_by_label("关键词").press("Enter")
    page.wait_for_url(re.compile(r"q="))
    settle(page)
    check("the keyword goes into the address too", "q=" in page.url and "status=issued" in page.url, page.url)
    url = page.url
    page.reload()
    settle(page)
    check("reload keeps the filters", page.url == url and page.get_by_label("关键词").input_value() == "养老"
          and page.get_by_label("状态").input_value() == "issued" and "完善社区养老服务" in body(page))
    page.get_by_role("link", name=re.compile("完善社区养老服务")).first.click()
    settle(page)
    page.go_back()
    settle(page)
    check("back keeps the filters", page.url == url and page.get_by_label("关键词").input_value() == "养老"
          and "完善社区养老服务" in body(page), page.url)
    shot(page, "list")
    ctx.close()


def without_javascript(b):
    ctx, page = new_page(b, java_script_enabled=False)
    sign_in(page, "staffa")
    page.goto(f"{BASE}/assignments/{FIFTH}")
    page.get_by_role("button", name="签收").click()
    page.wait_for_load_state("load")
    check("without JavaScript 签收 works by Post/Redirect/Get", status_of(FIFTH) == "acknowledged"
          and page.url == f"{BASE}/assignments/{FIFTH}" and "已签收" in body(page))
    page.get_by_label("进展情况").fill("无脚本也能反馈")
    page.get_by_label("完成比例").fill("150")
    page.get_by_role("button", name="提交进展").click()
    page.wait_for_load_state("load")
    check("a bad number re-renders the form with the field's error", "完成百分比须在 0 到 100 之间" in body(page)
          and page.get_by_label("进展情况").input_value() == "无脚本也能反馈")
    ctx.close()


def phone(b):
    ctx, page = new_page(b, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(page, "staffa")
    for path in ["/workbench", "/assignments", f"/assignments/{THIRD}", "/notifications", "/extensions"]:
        page.goto(BASE + path)
        settle(page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        check(f"on a 390 px phone {path} needs no sideways scrolling", wide <= 390, wide)
        if path == "/workbench":
            shot(page, "phone-workbench")
        if path.startswith("/assignments/"):
            shot(page, "phone-item")
    ctx.close()


def notifications_and_password(b):
    ctx, page = new_page(b)
    sign_in(page, "staffa")
    badge = page.locator(".nav .badge")
    check("the header counts unread notifications", badge.count() == 1 and int(badge.inner_text()) > 0)
    unread = int(badge.inner_text())
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=re.compile("通知")).click()
    settle(page)
    check("通知 lists the person's notifications", "【新交办】" in body(page))
    shot(page, "notifications")
    page.get_by_role("link", name=re.compile("【退回】")).first.click()
    settle(page)
    check("a notification opens its item", page.url == f"{BASE}/assignments/{OPEN}")
    check("and counts as read", int(page.locator(".nav .badge").inner_text()) == unread - 1)
    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("当前密码").fill("not-my-password")
    page.get_by_label("新密码", exact=True).fill("Changed-pass-22")
    page.get_by_label("再次输入新密码").fill("Changed-pass-22")
    page.get_by_role("button", name="修改密码").click()
    settle(page)
    check("a wrong current password is told on the form", "当前密码不正确" in body(page))
    page.get_by_label("当前密码").fill(PW)
    page.get_by_label("新密码", exact=True).fill("Changed-pass-22")
    page.get_by_label("再次输入新密码").fill("Changed-pass-22")
    page.get_by_role("button", name="修改密码").click()
    settle(page)
    check("the password is changed", "密码已修改" in body(page))
    page.get_by_role("button", name="退出").click()
    settle(page)
    check("退出 signs out to the sign-in page", page.get_by_role("button", name="登录").count() == 1)
    r = page.goto(f"{BASE}/workbench")
    check("after sign-out a page asks for sign-in again", page.get_by_role("button", name="登录").count() == 1)
    sign_in(page, "staffa", "Changed-pass-22")
    check("the new password signs in", "民政局张科员" in body(page))
    ctx.close()


def mail_link(b):
    ctx, page = new_page(b)
    page.goto(f"{BASE}/assignments/{THIRD}")
    check("a link from a mail asks for sign-in first", page.get_by_role("button", name="登录").count() == 1 and "next=" in page.url)
    page.get_by_label("用户名").fill("heada")
    page.get_by_label("密码").fill(PW)
    page.get_by_role("button", name="登录").click()
    settle(page)
    check("and then opens the item", page.url == f"{BASE}/assignments/{THIRD}" and "拓展文体教育服务" in body(page))
    ctx.close()


def import_notice(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    sign_in(page, "office")
    page.goto(BASE + "/plans")
    page.get_by_role("link", name="导入通知").click()
    settle(page)
    notice = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "nantong-2013-35.txt"), encoding="utf-8").read()
    page.get_by_label("通知全文").fill(notice)
    page.get_by_role("button", name="预览").click()
    settle(page)
    text = body(page)
    check("the preview shows the notice's tasks, units and the phrases of their dates",
          "通政办发〔2013〕35号" in text and "共 22 项任务" in text and "原文：" in text and "名录中没有的单位" in text, text[:400])
    check("unmatched units are highlighted", page.locator("mark.unmatched", has_text="市文广新局").count() > 0)
    shot(page, "import-preview")
    page.get_by_label("对应单位：市文广新局").select_option(label="市民政局")
    page.locator(".fix", has_text="市文广新局").get_by_role("button", name="设为该单位的简称").click()
    settle(page)
    check("one unmatched unit is fixed in place", "已将“市文广新局”设为“市民政局”的简称" in body(page)
          and page.locator("mark.unmatched", has_text="市文广新局").count() == 0, body(page)[:300])
    page.get_by_label("第 1 项完成时限").fill("2013-12-31")
    page.get_by_label("保存时新建其余名录中没有的单位").check()
    page.get_by_role("button", name="保存为草稿").click()
    settle(page)
    text = body(page)
    check("saving makes a draft plan and opens its page", "通知已导入为草稿" in text and "2013-12-31" in text, text[:300])
    page.get_by_role("link", name=re.compile("交办（")).click()
    settle(page)
    page.get_by_role("button", name="确认交办").click()
    settle(page)
    check("the imported plan is issued", "已交办" in body(page), body(page)[:300])
    ctx.close()


def administrator(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    sign_in(page, "root")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="管理").click()
    settle(page)
    text = body(page)
    check("管理 shows the unit tree, accounts, the calendar and the outbox",
          "市民政局" in text and "工作日历" in text and "已载入节假日安排的年份" in text and "发送失败的消息" in text, text[:300])
    shot(page, "admin")
    page.get_by_text("新建单位", exact=True).first.click()
    page.get_by_label("单位名称").fill("市交通运输局")
    page.get_by_label("简称", exact=True).fill("交通局")
    page.get_by_label("联系邮箱").fill("jtj@example.gov")
    page.get_by_role("button", name="新建单位").click()
    settle(page)
    check("a unit is added", "单位已新建" in body(page) and "市交通运输局" in body(page))
    page.get_by_text("添加群机器人", exact=True).first.click()
    page.get_by_label("机器人类型").select_option(label="企业微信")
    page.get_by_label("机器人名称").fill("交通局工作群")
    page.get_by_label("Webhook 地址").fill("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa")
    page.get_by_role("button", name="添加机器人").click()
    settle(page)
    check("a robot is added to the unit, its key masked", "群机器人已添加" in body(page) and "交通局工作群" in body(page)
          and "693a91f6" not in body(page), body(page)[:400])
    shot(page, "admin-unit")
    page.goto(BASE + "/admin")
    page.get_by_text("新建账户", exact=True).first.click()
    page.get_by_label("登录用户名").fill("jtclerk")
    page.get_by_label("姓名").fill("交通局周科员")
    page.get_by_label("所属单位").select_option(label="市交通运输局")
    page.get_by_label("初始密码").fill("Start-pass-789")
    page.get_by_label("单位经办人").check()
    page.get_by_role("button", name="新建账户").click()
    settle(page)
    check("an account is added", "账户已新建" in body(page) and "交通局周科员" in body(page))
    page.get_by_role("button", name="退出").click()
    settle(page)
    sign_in(page, "jtclerk", "Start-pass-789")
    settle(page)
    check("the new account signs in and works as its unit's clerk", "交通局周科员" in body(page) and "市交通运输局" in body(page), body(page)[:200])
    ctx.close()


def admin_and_docs(b):
    ctx, page = new_page(b, viewport={"width": 1280, "height": 900})
    page.goto(BASE + "/api/v1/docs")
    page.get_by_text("/api/v1/auth/login").first.wait_for()
    text = body(page)
    check("the API docs render from the binary", "/api/v1/assignments" in text and "Duban" in text, text[:200])
    shot(page, "api-docs", full=False)
    ctx.close()


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
    ATTACHMENT = f"/attachments/999999"
    for name, fn in [("the clerk's cycle", clerk_cycle), ("another unit", other_unit), ("the office's cycle", office_cycle),
                     ("plans", office_plans), ("the inspector", inspector), ("the leader", leader), ("forged posts", forged_posts),
                     ("bulk and filters", bulk_and_filters), ("without JavaScript", without_javascript), ("a phone", phone),
                     ("notifications and password", notifications_and_password), ("a mail link", mail_link), ("import a notice", import_notice), ("the administrator", administrator),
                     ("docs", admin_and_docs)]:
        scenario(name, fn, browser)
    browser.close()
check("no page fetched anything from another host", not external, external[:3])
print(f"browser: {passed} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
