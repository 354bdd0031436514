//! Web-page furniture around a copied notice: menus, counters, share
//! buttons, footers. Such lines are skipped silently rather than warned about.

/// Phrases that only page furniture contains, whatever the line's length.
const ALWAYS: &[&str] = &[
    "浏览量",
    "浏览次数",
    "阅读次数",
    "点击数",
    "点击量",
    "访问量",
    "打印本页",
    "打印此页",
    "关闭窗口",
    "关闭本页",
    "【字体",
    "字体：",
    "字体:",
    "字号：",
    "【打印】",
    "【关闭】",
    "扫描二维码",
    "扫一扫",
    "本文链接",
    "本文地址",
    "本文关键词",
    "本文仅代表",
    "不代表本站",
    "本站立场",
    "版权所有",
    "ICP备",
    "公网安备",
    "Copyright",
    "copyright",
    "http://",
    "https://",
    "www.",
    ".html",
    ".shtml",
    "您当前的位置",
    "您的位置：",
    "您的位置:",
    "所在位置：",
    "所在位置:",
    "当前位置：",
    "当前位置:",
    "留言与评论",
    "您现在的位置",
    "现在所在的位置",
    "用微信扫描",
    "分享至好友",
    "马上注册",
    "立即注册",
    "打印整页",
    "打印内容",
    "文字大小",
    "背景色",
];

/// Phrases that mark furniture only on short lines; in a long sentence they
/// may be part of a task (网上留言, 群众评论).
const SHORT_ONLY: &[&str] = &[
    "导航",
    "首页",
    "上一篇",
    "下一篇",
    "返回顶部",
    "分享到",
    // A page's read-aloud button (• 听全文).
    "听全文",
    "收藏",
    "验证码",
    "留言",
    "评论",
    "来源：",
    "来源:",
    "作者：",
    "作者:",
    "发布时间",
    "发布日期",
    "责任编辑",
    "索引号",
    "主题分类",
    "网站地图",
    "联系我们",
    "二维码",
    "相关链接",
    "相关文章",
    // Accessibility switches and download notes of government sites.
    "无障碍",
    "长者版",
    "长辈版",
    "关怀版",
    "长者模式",
    "设为首页",
    "加入收藏",
    "下载附件",
    "附件下载",
    "下载:",
    "下载：",
    "此件公开发布",
    "此件主动公开",
    "此件公開發布",
    "字号:",
    "字号：",
    // A follow button (关注微信公众号); a task may update the office's own
    // account (4.及时更新微信公众号信息。, round 13).
    "微信公众号",
];

const SHORT_LINE: usize = 40;

/// Layout: the metadata block of government information-disclosure pages,
/// one field a line or a row (• 组配分类 / 发布机构 区府办 公开范围 面向全社会
/// / 索引号: | … | 成文日期: | … |): a line that starts with a field's label
/// is the page's, never a title or a task. Dates and doc numbers in it are
/// still read by the header, which scans every line.
const METADATA_LABELS: &[&str] = &[
    "索引号",
    "信息索引号",
    "组配分类",
    "主题分类",
    "体裁分类",
    "信息分类",
    "发布机构",
    "发文机关",
    "发文机构",
    "所属机构",
    "关键词",
    "主题词",
    "信息来源",
    "主题导航",
    "内容概述",
    "公开方式",
    "公开范围",
    "公开时限",
    "公开属性",
    "公开期限",
    "公开类型",
    "公开类别",
    "生成日期",
    "成文日期",
    "发文日期",
    "公开日期",
    "效力状况",
    "有效性",
    // Layout (round 10): a district site's bullets (• 发文单位:区政府办 /
    // • 发文序号:… / • 信息有效性:有效).
    "信息有效性",
    "发文单位",
    "发文序号",
    // (round 11) • 文件登记号: in a county's disclosure block.
    "文件登记号",
    "文件编号",
    "备注/文号",
    "著录日期",
    "体裁",
    "文号",
    "发文字号",
    "发布文号",
];

/// Labels that are furniture only alone on their line, their value below
/// (a title after 信息名称 on the same line is still the title).
const METADATA_LABELS_ALONE: &[&str] =
    &["信息名称", "名称", "标题", "文号", "发布文号", "发文字号"];

/// Characters of a line's start looked at for a field label: enough for
/// the longest label and what may follow it.
const LABEL_WINDOW: usize = 12;

fn is_metadata_field(line: &str) -> bool {
    // Only the line's start matters: the cost stays the same however long
    // the line is.
    let compact: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '•' | '∙' | '·' | '[' | ']' | '【' | '】'))
        .take(LABEL_WINDOW)
        .collect();
    let label = compact.trim_end_matches([':', '：', '|']);
    let whole = compact.chars().count() < LABEL_WINDOW;
    METADATA_LABELS.iter().any(|l| compact.starts_with(l))
        || (whole && METADATA_LABELS_ALONE.contains(&label))
}

/// Layout: a breadcrumb trail of short links (长城网 > 文明河北 > 五大创建).
fn is_breadcrumb(line: &str) -> bool {
    if !line.contains(['>', '＞', '»']) {
        return false;
    }
    let parts: Vec<&str> = line.split(['>', '＞', '»']).map(str::trim).collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().count() <= 12 && !p.contains(['。', '，', ',']))
}

pub fn is_noise(line: &str) -> bool {
    if ALWAYS.iter().any(|p| line.contains(p)) {
        return true;
    }
    if is_metadata_field(line) || is_breadcrumb(line) {
        return true;
    }
    let short = line.chars().count() <= SHORT_LINE && !line.contains('。');
    if short && SHORT_ONLY.iter().any(|p| line.contains(p)) {
        return true;
    }
    // A line of only punctuation, digits and Latin letters carries no text
    // the importer could use (separators, page numbers, stray markup).
    !line.is_empty()
        && line.chars().count() <= SHORT_LINE
        && !line.chars().any(|c| super::text::is_cjk(c) || is_sign(c))
        && !line.chars().any(|c| c.is_ascii_digit())
}

fn is_sign(c: char) -> bool {
    matches!(c, '—' | '●' | '•' | '◆' | '■' | '▲' | '★' | '①'..='⑳')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_furniture_is_noise() {
        for line in [
            "浏览量:          时间:2018-12-24 18:17:52",
            "【字体：大 中 小】",
            "打印本页 关闭窗口",
            "本文链接://www.0798ci.com/rule/51182.html",
            "扫描二维码 关注我们",
            "导航菜单",
            "留言与评论(共有 条评论)",
            "验证码:",
            "----------",
            "• 无障碍",
            "您现在的位置:首页 > 政务公开",
            "下载附件:任务表.doc",
            "(此件公开发布)",
            "关注微信公众号",
        ] {
            assert!(is_noise(line), "{line}");
        }
    }

    #[test]
    fn disclosure_metadata_and_breadcrumbs_are_noise() {
        for line in [
            "  • 组配分类",
            "  • 信息名称",
            "  • 体裁:通知",
            "  • 文号:新密政办〔2021〕6号",
            "发布机构 区府办 公开范围 面向全社会",
            "索引号: | 113706850042672474/2022-04772 | 成文日期: | 2022-10-08 |",
            "有 效 性: | 失效 | ||",
            "  • 信息有效性:有效",
            "  • 发文单位:区政府办",
            "  • 发文序号:京兴政办发〔2023〕1 号",
            "  • 文件登记号:",
            "长城网 > 文明河北 > 五大创建",
        ] {
            assert!(is_noise(line), "{line}");
        }
        for line in [
            "关于印发2020年重点工作的通知",
            "序号 | 重点任务 | 责任单位",
            "1.加快建设发布机构信息平台。",
            "当年>上年",
        ] {
            assert!(!is_noise(line), "{line}");
        }
    }

    #[test]
    fn notice_text_is_not_noise() {
        for line in [
            "责任单位:市卫生局",
            "(一)承接政务便民服务。",
            "2013年2月27日",
            "建立网上留言办理机制，确保群众反映的问题件件有回音，做到及时回复。",
            "1",
            "4.及时更新微信公众号信息。 | 办公室牵头,各科室配合 | |",
        ] {
            assert!(!is_noise(line), "{line}");
        }
    }
}
