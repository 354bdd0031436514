//! The list after a 责任单位 label, written out as full unit names.
//!
//! Notices abbreviate: 市文广新局、体育局 means 市文广新局 and 市体育局, and
//! 市委组织部、文明办 means 市委文明办. The prefix carried over is the place
//! (市, 南通市) plus 委 for party organs; a party prefix is dropped where it
//! would name a government office the party committee cannot have (市委 has
//! no 民政局).

use super::model::UnitRole;
use super::text::{cjk_count, split_top_level, strip_trailing_group, trim_punct};

/// One unit read from a list, before roles are settled for the task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitEntry {
    pub name: String,
    pub group: bool,
    /// A role the list itself states (市发改委牵头, 市财政局配合, A（牵头）).
    pub role: Option<UnitRole>,
    /// Written with the entry before it as one (各乡、镇人民政府): it takes
    /// that entry's role rather than the next in the list.
    pub joint: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedUnits {
    pub entries: Vec<UnitEntry>,
    /// Pieces that do not read as a unit name.
    pub rejected: Vec<String>,
    /// Collectives that name no particular unit (各相关部门, 省(中)直有关单位).
    pub unnamed: Vec<String>,
    /// Leaders named by their post in a role note (分管副省长): people.
    pub people: Vec<String>,
    /// The list opens with such a collective: in a bare list it held the
    /// lead's place, so no unit named after it leads.
    pub unnamed_first: bool,
}

impl ParsedUnits {
    /// Nothing was written where the list should be: no name, no
    /// collective, no leader, nothing unreadable.
    pub fn names_nothing(&self) -> bool {
        self.entries.is_empty()
            && self.rejected.is_empty()
            && self.unnamed.is_empty()
            && self.people.is_empty()
    }
}

const MAX_NAME: usize = 30;

/// Names that end like an office; used to tell 市财政局和审计局 (two units)
/// from 市人力资源和社会保障局 (one).
const OFFICE_ENDS: &[&str] = &[
    "局",
    "委",
    "办",
    "部",
    "厅",
    "院",
    "会",
    "中心",
    "政府",
    "公司",
    "室",
    "处",
    "所",
    "站",
    "队",
    "社",
    "行",
    "馆",
    "署",
    "组",
    "团",
    "庭",
    "街道",
    "镇",
    "乡",
    "部门",
    "单位",
    "机构",
    // Development zones named as units (崇川经济开发区, 人民大垸管理区).
    "开发区",
    "高新区",
    "管理区",
    // Layout (round 13): zones a province names as units (平潭综合实验区,
    // 赣江新区, 长株潭示范区).
    "实验区",
    "示范区",
    "新区",
    "试验区",
    // Layout (round 10): 吴江海关, 区经发集团.
    "海关",
    "集团",
    // Layout (round 6): a county bureau's own sections as units
    // (文化宣传股, 广电事业股, 旅游股).
    "股",
    // …and 科 (round 13: a land-reserve centre's 财务科, 办公室, 各科室).
    "科",
    // People's organisations abbreviated: 市残联, 市妇联, 市科协, 市工商联.
    "联",
    "协",
    "聯",
    "協", // As mirrors in traditional script print them.
    "辦",
    "廳",
    "會",
    "處",
    "隊",
    "館",
    "組",
    "團",
    "鎮",
    "鄉",
    "部門",
    "單位",
    "機構",
];

/// Ends of a short abbreviated name that takes the carried prefix.
const CARRY_ENDS: &[&str] = &[
    "局", "委", "办", "部", "室", "厅", "院", "中心", "会", "所", "站", "队", "处", "组", "署",
    "辦", "廳", "會", "處", "隊", "組", "联", "协", "聯", "協",
];

/// Party organs: with a plain place prefix they still belong to the committee.
const PARTY_ONLY: &[&str] = &[
    "组织部",
    "宣传部",
    "统战部",
    "政法委",
    "文明办",
    "编办",
    "网信办",
    "政研室",
    "研究室",
    "党校",
    "老干部局",
    "党史办",
    "610办",
    "督查室",
    "农工办",
    "外宣办",
];

/// Government offices named with 委 or 办, which the party committee lacks.
const GOVERNMENT_WEI_BAN: &[&str] = &[
    "发改委",
    "经信委",
    "教委",
    "卫计委",
    "卫健委",
    "农委",
    "建委",
    "住建委",
    "科委",
    "民宗委",
    "国资委",
    "商委",
    "交委",
    "计生委",
    "体改委",
    "经委",
    "计委",
    "规委",
    "城管委",
    "法制办",
    "金融办",
    "应急办",
    "人防办",
    "扶贫办",
    "口岸办",
    "综治办",
    "侨办",
    "外办",
    "政府办",
    "信访办",
    "物价办",
    "重点办",
    "旅游办",
    "考核办",
];

/// Ends that only government bodies have.
const GOVERNMENT_ENDS: &[&str] = &[
    "局",
    "厅",
    "院",
    "中心",
    "公司",
    "所",
    "站",
    "队",
    "行",
    "馆",
    "署",
    "政府",
    "管委会",
];

const JURISDICTIONS: &[char] = &['市', '省', '县', '区', '州'];

/// Province-level names as they begin a body's name (河南银保监局).
const PROVINCES: &[&str] = &[
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
];

pub fn parse_unit_list(text: &str) -> ParsedUnits {
    parse_unit_list_in(text, &[])
}

/// The list read in a notice about `places` (莲都, 南通: the stems of the
/// places its title and issuer name). A name that begins with one is
/// written in full and takes no carried prefix (layout: a list of 区…
/// offices that names a body after the place itself, 莲都邮政管理局).
pub fn parse_unit_list_in(text: &str, places: &[String]) -> ParsedUnits {
    let mut parsed = ParsedUnits::default();
    let without_notes = strip_rule_notes(text);
    let joined = join_broken_names(&without_notes);
    let cleaned = strip_filler(trim_punct(&joined));
    let pieces = split_top_level(cleaned, |c| {
        matches!(c, '、' | '，' | ',' | '；' | ';' | '/' | '／') || c.is_whitespace()
    });
    let mut pending: Vec<UnitEntry> = Vec::new();
    let mut prefix: Option<Prefix> = None;
    for (piece, joint) in share_suffixes(pieces) {
        if let Some(last) = pending.last_mut().or(parsed.entries.last_mut())
            && last.group
            && piece.chars().count() == 1
        {
            // 市各委、办、局: the one-character pieces belong to the group.
            last.name.push('、');
            last.name.push_str(&piece);
            continue;
        }
        let (body, verb_role, own_role) = strip_role(&piece);
        for name in split_conjunctions(body) {
            let name = trim_punct(strip_filler(name));
            // Layout (round 9): a note closing the list (…按职责分工负责,下同):
            // the same units below, no unit.
            if name.is_empty() || matches!(name, "下同" | "同上" | "下略") {
                continue;
            }
            if is_post(name) {
                parsed.people.push(name.to_string());
                continue;
            }
            if !plausible(name) {
                parsed.rejected.push(name.to_string());
                continue;
            }
            let own_place = places.iter().any(|p| name.starts_with(p.as_str()));
            let full = if own_place {
                name.to_string()
            } else {
                expand(name, &mut prefix)
            };
            // Layout (round 10): 市政府各部门、各直属机构: the second set is
            // the same government's (市政府各直属机构).
            let full = match pending.last().or(parsed.entries.last()) {
                Some(last) if owned_set(&full) => match last.name.find("政府各") {
                    Some(at) => format!("{}{full}", &last.name[..at + "政府".len()]),
                    None => full,
                },
                _ => full,
            };
            if names_no_unit(&full) {
                parsed.unnamed_first |= parsed.entries.is_empty() && pending.is_empty();
                parsed.unnamed.push(full);
                continue;
            }
            pending.push(UnitEntry {
                group: is_group(&full),
                name: full,
                role: own_role,
                joint,
            });
        }
        // 市发改委牵头，市财政局、市商务局配合: a verb names the role of
        // every unit since the previous verb.
        if let Some(role) = verb_role {
            for entry in &mut pending {
                entry.role.get_or_insert(role);
            }
            parsed.entries.append(&mut pending);
        }
    }
    parsed.entries.append(&mut pending);
    parsed
}

/// Layout: text from PDFs with spaces inside names (市 财政局, 资源规划 局,
/// 伏羲 山管委 会). A space is read as a break inside a name where the word
/// before it is a short piece that names no office (市, 伏羲) or the word
/// after it is a lone character or two (局, 会); between names written out
/// (区财政局 区商务局) it still parts them.
fn join_broken_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<&str> = None;
    for word in text.split_whitespace() {
        if let Some(before) = prev {
            // The last name in progress: what follows the last separator.
            let tail = before
                .rsplit(['、', '，', ',', '；', ';', '/'])
                .next()
                .unwrap_or(before);
            let head = word.trim_start_matches(['、', '，', ',', '；', ';']);
            let broken_before = !tail.is_empty()
                && tail.chars().count() <= 4
                && !ends_with_any(tail, OFFICE_ENDS)
                && strip_role(tail).1.is_none();
            let fragment_after = head == word
                && head.chars().count() <= 2
                && !head.starts_with(['各', '市', '县', '区', '省']);
            // Layout (round 13): a name and its other name in brackets,
            // a space between (省编办 (省审改办)): one name.
            let alias_after = head == word && head.starts_with(['(', '（']);
            if !(broken_before || fragment_after || alias_after) || head != word {
                out.push(' ');
            }
        }
        out.push_str(word);
        prev = Some(word);
    }
    out
}

/// The list without bracketed notes that state its convention.
fn strip_rule_notes(text: &str) -> String {
    if !super::labels::is_rule_note(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut group = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        if super::text::opens(c) {
            depth += 1;
        }
        if depth > 0 {
            group.push(c);
        } else {
            out.push(c);
        }
        if super::text::closes(c) && depth > 0 {
            depth -= 1;
            if depth == 0 {
                if !super::labels::is_rule_note(&group) {
                    out.push_str(&group);
                }
                group.clear();
            }
        }
    }
    out.push_str(&group);
    out
}

/// Phrases that hand out the work by each unit's duties, whatever verb
/// follows (按职责分工负责, 按照职责分工负责 (round 13), 按各自职责落实).
pub const DIVISION_OF_DUTIES: &[&str] = &[
    "按照职责分工",
    "按照職責分工",
    "按职责分工",
    "按職責分工",
    "按职能分工",
    "按照各自职责",
    "按各自职责",
];

fn strip_filler(s: &str) -> &str {
    let mut s = s.trim();
    // 按职责分工 and the verb after it, whatever it is (负责, 推进, 卖力).
    for phrase in DIVISION_OF_DUTIES {
        if let Some(at) = s.rfind(phrase)
            && s[at + phrase.len()..].chars().count() <= 4
        {
            s = s[..at].trim_end();
        }
    }
    // Layout (round 6): 等 before a collective of a place (能源局等省有关部门):
    // the list ends at 等, as it does before 等有关部门.
    if let Some(at) = s.rfind('等') {
        let rest = &s[at + '等'.len_utf8()..];
        let collective = ["有关部门", "相关部门", "有关单位", "相关单位"]
            .iter()
            .any(|e| rest.ends_with(e));
        if collective && rest.chars().count() <= 8 && at > 0 {
            s = s[..at].trim_end();
        }
    }
    for tail in [
        "按职责分工负责",
        "按職責分工負責",
        "按职责分工落实",
        "按职能分工负责",
        "按职责分工",
        "等有关部门",
        "等相关部门",
        "等有关单位",
        "等相关单位",
        "等部门",
        "等单位",
        "等",
    ] {
        if let Some(rest) = s.strip_suffix(tail) {
            s = rest.trim_end();
        }
    }
    s
}

/// Role words, first match wins where a piece has several (牵头负责).
const ROLE_WORDS: &[(&str, Option<UnitRole>)] = &[
    // 省农委总牵头 (round 13): the overall lead.
    ("总牵头", Some(UnitRole::Lead)),
    ("牵头", Some(UnitRole::Lead)),
    ("牽頭", Some(UnitRole::Lead)),
    // Layout: (省财政厅主办,省国税局、地税局协办) — 主办 leads, 协办 assists.
    ("主办", Some(UnitRole::Lead)),
    ("主辦", Some(UnitRole::Lead)),
    ("协办", Some(UnitRole::Assist)),
    ("協辦", Some(UnitRole::Assist)),
    ("配合", Some(UnitRole::Assist)),
    ("参与", Some(UnitRole::Assist)),
    ("參與", Some(UnitRole::Assist)),
    ("参加", Some(UnitRole::Assist)),
    ("协助", Some(UnitRole::Assist)),
    ("协同", Some(UnitRole::Assist)),
    ("负责", None),
    ("負責", None),
    ("落实", None),
];

/// Marks a table sets beside the lead's name, after it (区政府办公室*) or
/// before it (★区发改委, ▲发改局).
const LEAD_MARKS: [char; 4] = ['*', '＊', '★', '▲'];

/// Returns the name without a role phrase, the role a trailing verb gives
/// the pending units, and the role a bracketed note gives this unit only.
/// The verb phrase runs to the end of the piece: 市发改委牵头负责,
/// 市生态环境局牵头督导, 各县区负责落实.
fn strip_role(piece: &str) -> (&str, Option<UnitRole>, Option<UnitRole>) {
    // Layout: tables that mark the lead with a star (区政府办公室*、区财政局).
    for (note, role) in [
        ("（牵头）", UnitRole::Lead),
        ("(牵头)", UnitRole::Lead),
        ("（配合）", UnitRole::Assist),
        ("(配合)", UnitRole::Assist),
    ] {
        if let Some(body) = piece.strip_suffix(note) {
            return (body.trim_end(), None, Some(role));
        }
    }
    if let Some(body) = piece.strip_suffix(LEAD_MARKS) {
        return (body.trim_end(), None, Some(UnitRole::Lead));
    }
    // Layout (round 10): the star before the name (★区发改委、统计局; one
    // unit a line, *区城管局 / *区农业农村局): the starred units lead; so
    // does a triangle (▲发改局、统计局, round 12).
    if let Some(body) = piece.strip_prefix(LEAD_MARKS) {
        let (name, verb, own) = strip_role(body.trim_start());
        return (name, verb, own.or(Some(UnitRole::Lead)));
    }
    let first_word = ROLE_WORDS
        .iter()
        .filter_map(|(word, role)| {
            piece
                .find(word)
                .filter(|&i| piece[..i].chars().count() >= 2)
                .map(|i| (i, *role))
        })
        .min_by_key(|(i, _)| *i);
    match first_word {
        // 市人力社保局、市农业农村局分别牵头: every unit named leads;
        // so does every one of 省发改委、农委、统计局分别负责.
        Some((i, role)) => {
            let name = piece[..i].trim_end();
            let each = ["分别", "分別"].iter().find_map(|w| name.strip_suffix(w));
            // …分公司分工负责 (round 11): each its share, as 共同负责.
            let name = each
                .or_else(|| {
                    // …各镇(街)参照落实 (round 13): the towns follow suit.
                    ["按职责分工", "按職責分工", "共同", "联合", "分工", "参照"]
                        .iter()
                        .find_map(|w| name.strip_suffix(w))
                })
                .unwrap_or(name);
            let role = role.or(each.map(|_| UnitRole::Lead));
            (name.trim_end(), role, None)
        }
        None => (piece, None, None),
    }
}

/// Offices a list names once for several places: 各乡、镇人民政府 is
/// 各乡人民政府 and 各镇人民政府; 人民大垸、荒湖管理区 is 人民大垸管理区 and
/// 荒湖管理区 (layout: shared suffixes in unit lists).
const SHARED_SUFFIXES: &[&str] = &[
    "街道办事处",
    "管理委员会",
    "人民政府",
    "管理区",
    "管委会",
    "办事处",
    "政府",
];

/// Levels of government that stand before a shared suffix: 各乡、镇…
const LEVELS: &[&str] = &["乡", "镇", "县", "区", "市", "街道", "乡镇"];

/// The shared suffix of `piece` (with a trailing note such as (管委会)) and
/// the length in bytes of the head before it, if the head is short.
fn shared_suffix(piece: &str) -> Option<(&str, usize)> {
    let core = strip_trailing_group(strip_role(piece).0);
    let suffix = SHARED_SUFFIXES.iter().find(|s| core.ends_with(**s))?;
    let head = core.len() - suffix.len();
    let head_text = &core[..head];
    (head > 0 && cjk_count(head_text) <= 4 && !head_text.contains('各'))
        .then(|| (&piece[head..strip_role(piece).0.len()], head))
}

/// Whether a piece is the first half of a shared-suffix pair: a place or a
/// level without an office of its own.
fn takes_suffix(piece: &str) -> bool {
    let core = strip_trailing_group(piece);
    let level = core.strip_prefix('各').unwrap_or(core);
    let plain = strip_role(piece).0.len() == piece.len();
    plain
        && cjk_count(core) <= 6
        && (LEVELS.contains(&level) || !ends_with_any(core, OFFICE_ENDS))
        && !is_group_word(core)
}

/// Whether a piece is a bare level of government (各县, 市, 区) before a
/// shared suffix.
fn is_level(piece: &str) -> bool {
    let core = piece.strip_prefix('各').unwrap_or(piece);
    takes_suffix(piece) && LEVELS.contains(&core)
}

/// Endings of a named place (海东市, 临夏州, 沛县, 鄂温克族自治旗).
const PLACE_ENDS: &[char] = &['市', '州', '县', '区', '盟', '旗'];
/// Areas named by what they are, not where: 开发区管委会 is an office of its
/// own, not 开发 plus a 区's office.
const AREA_WORDS: &[&str] = &[
    "开发区",
    "园区",
    "新区",
    "工业区",
    "保税区",
    "景区",
    "城区",
    "社区",
    "辖区",
    "市区",
    "县区",
    "片区",
    "示范区",
    "实验区",
    "试验区",
    "功能区",
    "街区",
    "矿区",
    "库区",
    "林区",
    "牧区",
    "山区",
    "湖区",
    "校区",
    "厂区",
    "地区",
];

/// A named place without an office: two to seven characters ending like a
/// place, no level word (各), no role note, no area word.
fn is_bare_place(piece: &str) -> bool {
    let n = piece.chars().count();
    (2..=7).contains(&n)
        && cjk_count(piece) == n
        && piece.ends_with(PLACE_ENDS)
        && !piece.starts_with(PLACE_ENDS)
        && !piece.starts_with('各')
        && !ends_with_any(piece, AREA_WORDS)
        && !is_group_word(piece)
}

/// Layout: one office named for several places, the places listed bare
/// and the office written once after the last (海东市、兰州市、临夏州发展改革
/// 部门 is three places' 发展改革部门): the office after the last piece's
/// place name, when that name is a place and the rest ends like an office
/// and names no place itself. Each place's office is a unit of its own,
/// in the order listed (the list's roles apply as to any other unit).
fn place_office(piece: &str) -> Option<&str> {
    let core = strip_role(piece).0;
    let (at, end) = core
        .char_indices()
        .skip(1)
        .take(6)
        .find(|(_, c)| PLACE_ENDS.contains(c))?;
    let place = &core[..at + end.len_utf8()];
    let office = &core[at + end.len_utf8()..];
    let ends_like_office =
        ends_with_any(office, OFFICE_ENDS) || ["部门", "机构"].iter().any(|e| office.ends_with(e));
    // After places named bare, a named area of their level is a place too
    // (襄阳市、十堰市、随州市、神农架林区发改委, round 12).
    let named_area = place.chars().count() >= 4 && cjk_count(place) == place.chars().count();
    ((is_bare_place(place) || named_area)
        && cjk_count(office) >= 2
        && ends_like_office
        && !office.contains(PLACE_ENDS))
    .then_some(office)
}

fn is_group_word(s: &str) -> bool {
    ["有关", "相关", "各部门", "各单位", "成员"]
        .iter()
        .any(|w| s.contains(w))
}

/// Pieces with shared suffixes written out; the flag marks the second of
/// a pair, which shares the first one's role.
fn share_suffixes(pieces: Vec<&str>) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::with_capacity(pieces.len());
    let mut i = 0;
    while i < pieces.len() {
        let piece = pieces[i];
        let places = pieces[i..].iter().take_while(|p| is_bare_place(p)).count();
        if places > 0
            && let Some(last) = pieces.get(i + places)
            && let Some(office) = place_office(last)
        {
            for place in &pieces[i..i + places] {
                out.push((format!("{place}{office}"), false));
            }
            out.push((last.to_string(), false));
            i += places + 1;
            continue;
        }
        // Layout: one suffix shared by two or more levels (各乡、镇人民政府;
        // 各县、市、区政府 is 各县政府, 各市政府 and 各区政府), also when
        // the last piece goes on with 及/和 (各区、县(市)政府及开发区管委会).
        let levels = pieces[i..].iter().take_while(|p| is_level(p)).count();
        let heads = if levels >= 2 {
            levels
        } else {
            usize::from(takes_suffix(piece))
        };
        if heads > 0
            && let Some(next) = pieces.get(i + heads)
            && let Some(suffix) = split_conjunctions(next)
                .first()
                .and_then(|first| shared_suffix(first))
                .map(|(suffix, _)| suffix)
        {
            let every = piece.starts_with('各');
            let each = |p: &str| {
                if every && !p.starts_with('各') {
                    format!("各{p}")
                } else {
                    p.to_string()
                }
            };
            for (k, head) in pieces[i..i + heads].iter().enumerate() {
                out.push((format!("{}{suffix}", each(head)), k > 0));
            }
            out.push((each(next), true));
            i += heads + 1;
            continue;
        }
        out.push((piece.to_string(), false));
        i += 1;
    }
    out
}

/// Whether a name ends as an office or a body does (市税务局, 各镇人民政府,
/// 有关部门), not in the middle of a word (省发展改).
pub fn ends_like_office(name: &str) -> bool {
    ends_with_any(name, OFFICE_ENDS)
}

fn ends_with_any(s: &str, ends: &[&str]) -> bool {
    ends.iter().any(|e| s.ends_with(e))
}

/// Splits 市财政局和市审计局 at 和/及/与 only where the left side already
/// ends like an office, so 人力资源和社会保障局 stays whole.
fn split_conjunctions(piece: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (i, c) in piece.char_indices() {
        if super::text::opens(c) {
            depth += 1;
        } else if super::text::closes(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && matches!(c, '和' | '及' | '与') {
            let left = piece[start..i].trim();
            let right = piece[i + c.len_utf8()..].trim();
            if ends_with_any(left, OFFICE_ENDS) && cjk_count(right) >= 2 {
                out.push(left);
                start = i + c.len_utf8();
            }
        }
    }
    out.push(piece[start..].trim());
    out
}

fn plausible(name: &str) -> bool {
    let len = name.chars().count();
    let first = name.chars().next();
    (2..=MAX_NAME).contains(&len)
        && cjk_count(name) >= 2
        && !name.contains(['。', '：', ':'])
        && !first
            .is_some_and(|c| super::text::opens(c) || (c.is_ascii_digit() && !counted_set(name)))
        && !super::labels::contains_label(name)
}

/// Layout (round 10): a set counted out (10县市人民政府, the ten county and
/// city governments of a prefecture).
fn counted_set(name: &str) -> bool {
    let rest = name.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.starts_with(['县', '市', '区', '乡', '镇']) && is_government(name)
}

/// Layout (round 10): leaders' posts in a role note (分管副省长、协管副秘书长负责,
/// 省发改委牵头): people, not units.
fn is_post(name: &str) -> bool {
    [
        "省长",
        "市长",
        "县长",
        "区长",
        "州长",
        "秘书长",
        "书记",
        "主任",
    ]
    .iter()
    .any(|p| name.ends_with(p))
}

/// Whether `text` is nothing but a list of offices (every name ends like
/// one), as a table cell or a continuation line of a label is.
pub fn reads_as_units(text: &str) -> bool {
    // Layout: tables whose every cell ends with a full stop (区教育局。).
    let text = text.trim_end().trim_end_matches('。');
    if text.chars().count() > 120 || text.contains('。') {
        return false;
    }
    let parsed = parse_unit_list(text);
    // A cell of only 县各有关单位 is still the unit cell, naming no unit.
    parsed.rejected.is_empty()
        && !(parsed.entries.is_empty() && parsed.unnamed.is_empty())
        && parsed.entries.iter().all(|e| {
            ends_with_any(strip_trailing_group(&e.name), OFFICE_ENDS)
                || e.name.ends_with("县区")
                // 各县市区, 各区县 (round 12): every place of a level, a set.
                || (e.name.starts_with('各') && e.name.ends_with(['县', '市', '区']))
        })
}

/// A set of a government's bodies named without their government (各直属机构,
/// 各部门), not one of places (各市人民政府, 各开发区管委会).
fn owned_set(name: &str) -> bool {
    name.starts_with('各')
        && !name.contains("政府")
        && [
            "机构",
            "部门",
            "单位",
            "厅局",
            "委办局",
            "機構",
            "部門",
            "單位",
        ]
        .iter()
        .any(|e| name.ends_with(e))
}

/// Layout (round 10): 各相关部门, 省(中)直有关单位, 各相关乡镇政府, 相關市、
/// 縣政府: "the units concerned" names no unit an office could assign, so it
/// is left out of the list (with a warning), where a defined set such as
/// 各县(市、区)人民政府 or 市政府各部门 stays a unit.
pub fn names_no_unit(name: &str) -> bool {
    // 属地乡镇 (round 11): whichever township the work is in.
    ["有关", "相关", "有關", "相關"]
        .iter()
        .any(|w| name.contains(w))
        || ["属地", "屬地"].iter().any(|w| name.starts_with(w))
}

pub fn is_group(name: &str) -> bool {
    name.starts_with('各')
        || name.contains("各有关")
        || name.contains("各相关")
        || name.contains("政府各")
        || [
            "市各",
            "县各",
            "区各",
            "全市各",
            "全省各",
            "有关",
            "相关",
            "其他",
        ]
        .iter()
        .any(|p| name.starts_with(p))
        || ["有关部门", "有关单位", "相关部门", "相关单位", "成员单位"]
            .iter()
            .any(|e| name.ends_with(e))
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Prefix {
    /// 市 or 南通市.
    place: String,
    /// Written as 市委…: a party organ.
    party: bool,
}

/// Writes an abbreviated name out in full and, for a full name, remembers
/// its prefix for the names that follow.
fn expand(name: &str, prefix: &mut Option<Prefix>) -> String {
    if let Some(own) = full_name_prefix(name) {
        match own {
            Some(p) => *prefix = Some(p),
            // Layout: 区卫健委,各乡镇人民政府、街道办事处 — after a
            // collective the place an earlier name carried is not carried
            // on (街道办事处, not 区街道办事处).
            None if name.starts_with('各') => *prefix = None,
            None => {}
        }
        return name.to_string();
    }
    // Letters and notes in a name (a page's mojibake, 外经(jīng)贸局) do not
    // make it long: only its Chinese characters count.
    let short = cjk_count(name) <= 8 && ends_with_any(name, CARRY_ENDS);
    match prefix {
        Some(p) if short => {
            let party = if p.party {
                !is_government(name)
            } else {
                PARTY_ONLY.iter().any(|o| name.ends_with(o))
            };
            let committee = if party { "委" } else { "" };
            format!("{}{committee}{name}", p.place)
        }
        _ => name.to_string(),
    }
}

fn is_government(name: &str) -> bool {
    GOVERNMENT_WEI_BAN.iter().any(|g| name.ends_with(g)) || ends_with_any(name, GOVERNMENT_ENDS)
}

/// `Some(prefix)` for a name written in full (`Some(None)` when it is full
/// but gives nothing to carry, like 团市委); `None` for an abbreviation.
fn full_name_prefix(name: &str) -> Option<Option<Prefix>> {
    if [
        "各", "团", "中共", "国家", "中国", "全市", "全省", "有关", "相关",
    ]
    .iter()
    .any(|p| name.starts_with(p))
    {
        return Some(None);
    }
    // Layout: provincial lists naming bodies after the province or a bank's
    // branch (人行郑州中心支行、河南银保监局): a name that starts with a
    // province's name is written in full.
    if PROVINCES.iter().any(|p| name.starts_with(p)) && !name.contains('省') {
        return Some(None);
    }
    let chars: Vec<char> = name.chars().collect();
    // 市场监管局 and 市政园林局 are abbreviations that happen to start with 市.
    let abbreviation =
        name.starts_with("市场") || (name.starts_with("市政") && !name.starts_with("市政府"));
    let place_end = if abbreviation {
        None
    } else {
        chars
            .iter()
            .take(6)
            .position(|c| JURISDICTIONS.contains(c))
            .filter(|&p| p == 0 || chars[..p].iter().all(|c| super::text::is_cjk(*c)))
    }?;
    if chars.len() < place_end + 2 && place_end > 0 {
        return None;
    }
    let place: String = chars[..=place_end].iter().collect();
    let party = chars.get(place_end + 1) == Some(&'委');
    Some(Some(Prefix { place, party }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        parse_unit_list(text)
            .entries
            .into_iter()
            .map(|e| e.name)
            .collect()
    }

    #[test]
    fn a_star_before_the_name_marks_the_lead() {
        let roles = |text: &str| -> Vec<(String, Option<UnitRole>)> {
            parse_unit_list(text)
                .entries
                .into_iter()
                .map(|e| (e.name, e.role))
                .collect()
        };
        assert_eq!(
            roles("★区发改委、统计局"),
            [
                ("区发改委".to_string(), Some(UnitRole::Lead)),
                ("区统计局".to_string(), None)
            ]
        );
        assert_eq!(
            roles("▲发改局、统计局"),
            [
                ("发改局".to_string(), Some(UnitRole::Lead)),
                ("统计局".to_string(), None)
            ]
        );
        assert_eq!(
            roles("*区城管局、*区农业农村局(区水利局)"),
            [
                ("区城管局".to_string(), Some(UnitRole::Lead)),
                ("区农业农村局(区水利局)".to_string(), Some(UnitRole::Lead))
            ]
        );
    }

    #[test]
    fn a_governments_second_set_is_its_own() {
        assert_eq!(
            names("市政府各部门、各直属机构"),
            ["市政府各部门", "市政府各直属机构"]
        );
        assert_eq!(
            names("省政府各厅委、各直属机构,各市人民政府"),
            ["省政府各厅委", "省政府各直属机构", "各市人民政府"]
        );
        assert_eq!(
            names("各县(市、区)人民政府,各开发区管委会"),
            ["各县(市、区)人民政府", "各开发区管委会"]
        );
    }

    #[test]
    fn places_that_share_the_office_named_after_the_last() {
        assert_eq!(
            names("襄阳市、十堰市、随州市、神农架林区发改委"),
            [
                "襄阳市发改委",
                "十堰市发改委",
                "随州市发改委",
                "神农架林区发改委"
            ]
        );
    }

    #[test]
    fn units_that_each_do_their_share() {
        assert_eq!(
            names("汉滨区政府、平利县政府、地电安康分公司分工负责"),
            ["汉滨区政府", "平利县政府", "地电安康分公司"]
        );
    }

    #[test]
    fn posts_are_people_and_a_counted_set_is_a_unit() {
        let parsed = parse_unit_list(
            "分管副省长、协管副秘书长负责,省发改委牵头,省经信委、省财政厅等按职责分工负责",
        );
        let got: Vec<&str> = parsed.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(got, ["省发改委", "省经信委", "省财政厅"]);
        assert_eq!(
            names("州就业工作领导小组各成员单位,10县市人民政府"),
            ["州就业工作领导小组各成员单位", "10县市人民政府"]
        );
        assert!(names("2022年度").is_empty());
    }

    #[test]
    fn the_units_concerned_name_no_unit() {
        for text in [
            "各相关部门,各县(市)区政府、各开发区管委会",
            "省(中)直有关单位按职责分工负责",
            "县教育局 各相关乡镇政府",
            "相關市、縣政府",
            "江西洪城水业环保公司、属地乡镇",
        ] {
            let parsed = parse_unit_list(text);
            assert!(
                parsed.entries.iter().all(|e| !names_no_unit(&e.name)),
                "{text}: {:?}",
                parsed.entries
            );
            assert!(!parsed.unnamed.is_empty(), "{text}");
        }
        let parsed = parse_unit_list("市直各有关单位、各县(市、区)人民政府、各开发区管委会");
        assert!(parsed.unnamed_first);
        assert_eq!(
            names("市直各有关单位、各县(市、区)人民政府、各开发区管委会"),
            ["各县(市、区)人民政府", "各开发区管委会"]
        );
        assert!(!parse_unit_list("市发改委、各相关部门").unnamed_first);
        // Round 13: 按照职责分工负责 closes the list as 按职责分工负责 does.
        let parsed = parse_unit_list("省直有关部门,各州、市人民政府按照职责分工负责");
        assert!(parsed.unnamed_first);
        assert_eq!(
            names("省直有关部门,各州、市人民政府按照职责分工负责"),
            ["各州人民政府", "各市人民政府"]
        );
        assert_eq!(names("各镇(街)参照落实"), ["各镇(街)"]);
        // Defined sets stay units.
        assert_eq!(
            names("市政府各部门,各县（市、区）人民政府"),
            ["市政府各部门", "各县（市、区）人民政府"]
        );
        assert!(reads_as_units("县各有关单位"));
        assert!(reads_as_units("市招商局、市企业发展促进局、各县市区"));
    }

    #[test]
    fn no_place_is_carried_past_a_collective() {
        assert_eq!(
            names("区教育局、区卫健委,各乡镇人民政府、街道办事处,魏武国控集团"),
            [
                "区教育局",
                "区卫健委",
                "各乡镇人民政府",
                "街道办事处",
                "魏武国控集团"
            ]
        );
        assert_eq!(names("各街道、区直各部门"), ["各街道", "区直各部门"]);
    }

    #[test]
    fn spaces_inside_names_from_pdf_text() {
        assert_eq!(names("市 财政局"), ["市财政局"]);
        assert_eq!(
            names("市 住建局 、资源规划 局、 大数据局 、 发展改革委"),
            ["市住建局", "市资源规划局", "市大数据局", "市发展改革委"]
        );
        assert_eq!(
            names("市发展改革委、住建局, 各乡镇政府、街道办事处 、伏羲 山管委 会"),
            [
                "市发展改革委",
                "市住建局",
                "各乡镇政府",
                "街道办事处",
                "伏羲山管委会"
            ]
        );
        assert_eq!(names("区财政局 区商务局"), ["区财政局", "区商务局"]);
    }

    #[test]
    fn a_name_after_a_province_is_full() {
        assert_eq!(
            names("省住房城乡建设厅、地方金融监管局、人行郑州中心支行、河南银保监局"),
            [
                "省住房城乡建设厅",
                "省地方金融监管局",
                "人行郑州中心支行",
                "河南银保监局"
            ]
        );
    }

    #[test]
    fn shared_prefix_carries_over() {
        assert_eq!(
            names("市文广新局、体育局、教育局、财政局"),
            ["市文广新局", "市体育局", "市教育局", "市财政局"]
        );
        assert_eq!(
            names("南通市发改委、财政局"),
            ["南通市发改委", "南通市财政局"]
        );
    }

    #[test]
    fn party_prefix_only_where_the_party_has_such_an_office() {
        assert_eq!(names("市委组织部、文明办"), ["市委组织部", "市委文明办"]);
        assert_eq!(names("市委组织部、民政局"), ["市委组织部", "市民政局"]);
        assert_eq!(
            names("市委政法委、法制办、民政局"),
            ["市委政法委", "市法制办", "市民政局"]
        );
        assert_eq!(
            names("市纪委、组织部、机关工委、农办、民政局"),
            ["市纪委", "市委组织部", "市机关工委", "市农办", "市民政局"]
        );
    }

    #[test]
    fn full_names_and_groups_stay_whole() {
        let parsed = parse_unit_list(
            "市委组织部、文明办,市民政局、人社局、团市委,各县(市)、区人民政府(管委会)",
        );
        let got: Vec<(&str, bool)> = parsed
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.group))
            .collect();
        assert_eq!(
            got,
            [
                ("市委组织部", false),
                ("市委文明办", false),
                ("市民政局", false),
                ("市人社局", false),
                ("团市委", false),
                ("各县(市)人民政府(管委会)", true),
                ("各区人民政府(管委会)", true),
            ]
        );
        assert_eq!(
            names("各县（市、区）人民政府，市各有关部门"),
            ["各县（市、区）人民政府"]
        );
        assert_eq!(names("各县（市、区），市各有关部门"), ["各县（市、区）"]);
        assert_eq!(
            names("各区、县(市)人民政府"),
            ["各区人民政府", "各县(市)人民政府"]
        );
    }

    /// Names with their joint flag (the second of a shared-suffix pair).
    fn assert_entries(text: &str, want: &[(&str, bool)]) {
        let parsed = parse_unit_list(text);
        let got: Vec<(&str, bool)> = parsed
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.joint))
            .collect();
        assert_eq!(got, want, "{text}");
    }

    #[test]
    fn shared_suffixes_are_written_out() {
        assert_entries(
            "市统计局,各乡、镇人民政府,人民大垸、荒湖管理区",
            &[
                ("市统计局", false),
                ("各乡人民政府", false),
                ("各镇人民政府", true),
                ("人民大垸管理区", false),
                ("荒湖管理区", true),
            ],
        );
        // Two offices, each complete, share nothing.
        assert_eq!(names("市财政局、区人民政府"), ["市财政局", "区人民政府"]);
    }

    // Round 8 (layout: one suffix for three levels, or for the first of
    // two offices joined by 及).
    #[test]
    fn a_suffix_is_shared_by_every_level_before_it() {
        assert_entries(
            "市商务局等,各县、市、区政府",
            &[
                ("市商务局", false),
                ("各县政府", false),
                ("各市政府", true),
                ("各区政府", true),
            ],
        );
        assert_entries(
            "市财政局,各区、县(市)政府及开发区管委会",
            &[
                ("市财政局", false),
                ("各区政府", false),
                ("各县(市)政府", true),
                ("开发区管委会", true),
            ],
        );
    }

    // Round 5 (layout: one office written once after several named places).
    #[test]
    fn named_places_share_the_office_after_the_last() {
        assert_entries(
            "海东市、兰州市、临夏州发展改革部门",
            &[
                ("海东市发展改革部门", false),
                ("兰州市发展改革部门", false),
                ("临夏州发展改革部门", false),
            ],
        );
        // A place that names its own office, and an office after a level.
        assert_eq!(names("兰州市、市财政局"), ["兰州市", "市财政局"]);
        assert_eq!(
            names("西宁市、海东市人民政府"),
            ["西宁市人民政府", "海东市人民政府"]
        );
        // Places listed alone stay places; an area's office is its own.
        assert_eq!(names("海东市、兰州市"), ["海东市", "兰州市"]);
        assert_eq!(
            names("海东市、兰州新区经济发展局"),
            ["海东市", "兰州新区经济发展局"]
        );
    }

    #[test]
    fn units_that_lead_respectively_and_the_rule_note() {
        let parsed = parse_unit_list("市人力社保局、市农业农村局分别牵头，市财政局配合");
        let got: Vec<(&str, Option<UnitRole>)> = parsed
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.role))
            .collect();
        assert_eq!(
            got,
            [
                ("市人力社保局", Some(UnitRole::Lead)),
                ("市农业农村局", Some(UnitRole::Lead)),
                ("市财政局", Some(UnitRole::Assist)),
            ]
        );
        assert_eq!(
            names("市发改委、市财政局（除标注“分别牵头”外，列第一位为牵头或汇总单位，下同）"),
            ["市发改委", "市财政局"]
        );
    }

    fn roles(text: &str) -> Vec<(String, Option<UnitRole>)> {
        parse_unit_list(text)
            .entries
            .into_iter()
            .map(|e| (e.name, e.role))
            .collect()
    }

    #[test]
    fn units_each_responsible_lead() {
        let lead = |n: &str| (n.to_string(), Some(UnitRole::Lead));
        assert_eq!(
            roles("省发改委、农委、统计局分别负责"),
            [lead("省发改委"), lead("省农委"), lead("省统计局")]
        );
    }

    #[test]
    fn hosting_and_assisting_units() {
        assert_eq!(
            roles("省财政厅主办,省国税局、地税局协办"),
            [
                ("省财政厅".to_string(), Some(UnitRole::Lead)),
                ("省国税局".to_string(), Some(UnitRole::Assist)),
                ("省地税局".to_string(), Some(UnitRole::Assist)),
            ]
        );
    }

    #[test]
    fn development_zones_are_units() {
        assert!(reads_as_units("市政局、环卫处、崇川经济开发区、各街道"));
        assert!(reads_as_units("人民大垸管理区"));
        assert!(!reads_as_units("建设产业园区"));
    }

    #[test]
    fn a_star_marks_the_lead() {
        assert_eq!(
            roles("区财政局*、区科技局、区投促中心"),
            [
                ("区财政局".to_string(), Some(UnitRole::Lead)),
                ("区科技局".to_string(), None),
                ("区投促中心".to_string(), None),
            ]
        );
        assert!(reads_as_units("区政府办公室*、区财政局"));
    }

    #[test]
    fn lists_as_mirrors_print_them_in_traditional_script() {
        assert_eq!(
            names("市級各有關部門及各縣市區政府按職責分工負責"),
            ["各縣市區政府"]
        );
        assert_eq!(
            names("市經(jīng)貿(mào)委、外經(jīng)貿(mào)局"),
            ["市經(jīng)貿(mào)委", "市外經(jīng)貿(mào)局"]
        );
    }

    #[test]
    fn a_name_after_the_notices_own_place_is_full() {
        let places = ["莲都".to_string()];
        let got: Vec<String> =
            parse_unit_list_in("区农业农村局、经商局、莲都邮政管理局、商金中心", &places)
                .entries
                .into_iter()
                .map(|e| e.name)
                .collect();
        assert_eq!(
            got,
            ["区农业农村局", "区经商局", "莲都邮政管理局", "区商金中心"]
        );
    }

    #[test]
    fn peoples_organisations_are_units() {
        assert!(reads_as_units("市残联、财政局、税务局"));
        assert_eq!(names("市残联、妇联、科协"), ["市残联", "市妇联", "市科协"]);
    }

    #[test]
    fn conjunctions_split_only_between_offices() {
        assert_eq!(names("市财政局和市审计局"), ["市财政局", "市审计局"]);
        assert_eq!(names("市人力资源和社会保障局"), ["市人力资源和社会保障局"]);
        assert_eq!(
            names("市住房和城乡建设局及市规划局"),
            ["市住房和城乡建设局", "市规划局"]
        );
    }

    #[test]
    fn abbreviations_starting_with_shi_take_the_prefix() {
        assert_eq!(names("市发改委、市场监管局"), ["市发改委", "市市场监管局"]);
    }

    #[test]
    fn role_words_in_the_list() {
        let parsed = parse_unit_list("市发改委牵头，市财政局、市商务局配合");
        let got: Vec<(&str, Option<UnitRole>)> = parsed
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.role))
            .collect();
        assert_eq!(
            got,
            [
                ("市发改委", Some(UnitRole::Lead)),
                ("市财政局", Some(UnitRole::Assist)),
                ("市商务局", Some(UnitRole::Assist)),
            ]
        );
        let parsed = parse_unit_list("市民政局（牵头）、市财政局");
        assert_eq!(parsed.entries[0].role, Some(UnitRole::Lead));
        assert_eq!(parsed.entries[1].role, None);
    }

    #[test]
    fn role_phrases_and_collectives() {
        let parsed = parse_unit_list(
            "市生态环境局、市场监管局牵头督导,市发展和改革局、工业和信息化局参与,市级各有关部门及各县市区政府按职责分工负责",
        );
        let got: Vec<(&str, Option<UnitRole>, bool)> = parsed
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.role, e.group))
            .collect();
        assert_eq!(
            got,
            [
                ("市生态环境局", Some(UnitRole::Lead), false),
                ("市市场监管局", Some(UnitRole::Lead), false),
                ("市发展和改革局", Some(UnitRole::Assist), false),
                ("市工业和信息化局", Some(UnitRole::Assist), false),
                ("各县市区政府", None, true),
            ]
        );
        assert_eq!(parsed.unnamed, ["市级各有关部门"]);
        assert_eq!(names("市各委、办、局"), ["市各委、办、局"]);
        assert_eq!(
            names("市生态环境局牵头,各县、区人民政府(管委会)负责落实"),
            [
                "市生态环境局",
                "各县人民政府(管委会)",
                "各区人民政府(管委会)"
            ]
        );
        assert!(reads_as_units(
            "市民政局、财政局，各县(市)、区人民政府(管委会)"
        ));
        assert!(!reads_as_units("各地要明确专人"));
        assert!(!reads_as_units("加强组织领导。"));
    }

    #[test]
    fn trailing_punctuation_and_filler_are_dropped() {
        assert_eq!(names("市卫生局。"), ["市卫生局"]);
        assert_eq!(names("市发改委、财政局等部门"), ["市发改委", "市财政局"]);
        assert_eq!(names("各县区按职责分工负责"), ["各县区"]);
        assert_eq!(
            names("自治区发展改革委、财政厅,四市人民政府按职责分工负责,下同"),
            ["自治区发展改革委", "自治区财政厅", "四市人民政府"]
        );
        assert_eq!(
            names("省发改委、水利厅按职责分工推进"),
            ["省发改委", "省水利厅"]
        );
        assert_eq!(
            names("省发改委、能源局等省有关部门和各市人民政府按职责分工负责"),
            ["省发改委", "省能源局", "各市人民政府"]
        );
    }

    #[test]
    fn garbage_is_rejected_not_kept() {
        let parsed = parse_unit_list("（一）");
        assert!(parsed.entries.is_empty());
        assert_eq!(parsed.rejected, ["（一）"]);
    }
}
