//! Charts drawn on the server as SVG (no chart library, nothing to load):
//! a bar per unit for the ranking, and completions per month. Presentation
//! attributes only (the pages' CSP allows no inline styles); every text is
//! escaped; each chart has a title and a description for screen readers,
//! and the page shows the same figures as a table.

use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn num(v: f64) -> String {
    let v = v + 0.0; // never "-0"
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Horizontal bars, one per (label, value), negative values to the left of
/// the zero line.
pub fn bars(title: &str, rows: &[(String, f64)]) -> String {
    let (label_w, bar_w, row_h, top) = (150.0, 420.0, 26.0, 30.0);
    let width = label_w + bar_w + 60.0;
    let height = top + row_h * rows.len().max(1) as f64 + 10.0;
    let max = rows.iter().map(|(_, v)| v.max(0.0)).fold(0.0, f64::max);
    let min = rows.iter().map(|(_, v)| v.min(0.0)).fold(0.0, f64::min);
    let span = (max - min).max(1.0);
    let zero = label_w + bar_w * (-min / span);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="c-bars-t c-bars-d" class="chart"><title id="c-bars-t">{t}</title><desc id="c-bars-d">{d}</desc>"##,
        t = esc(title),
        d = esc(&rows
            .iter()
            .map(|(l, v)| format!("{l} {}", num(*v)))
            .collect::<Vec<_>>()
            .join("，")),
    );
    let _ = write!(
        s,
        r##"<text x="0" y="18" font-size="14" font-weight="bold" fill="#1d2b3a">{}</text>"##,
        esc(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = bar_w * v.abs() / span;
        let x = if *v >= 0.0 { zero } else { zero - w };
        let fill = if *v >= 0.0 { "#2f6f4f" } else { "#b3261e" };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" font-size="13" text-anchor="end" fill="#1d2b3a">{l}</text><rect x="{x:.1}" y="{ry}" width="{w:.1}" height="{h}" fill="{fill}"/><text x="{vx:.1}" y="{ty}" font-size="12" fill="#1d2b3a"{anchor}>{v}</text>"##,
            lx = label_w - 8.0,
            ty = y + 17.0,
            l = esc(label),
            ry = y + 4.0,
            h = row_h - 8.0,
            vx = if *v >= 0.0 { x + w + 4.0 } else { x - 4.0 },
            anchor = if *v >= 0.0 {
                ""
            } else {
                r#" text-anchor="end""#
            },
            v = num(*v),
        );
    }
    let _ = write!(
        s,
        r##"<line x1="{zero:.1}" y1="{top}" x2="{zero:.1}" y2="{b}" stroke="#5b6b7b" stroke-width="1"/></svg>"##,
        b = height - 10.0
    );
    s
}

/// Stacked columns per month: on time below, late above.
pub fn months(title: &str, rows: &[(String, u64, u64)]) -> String {
    let (left, plot_h, top, col_w) = (36.0, 180.0, 44.0, 44.0);
    let width = (left + col_w * rows.len().max(1) as f64 + 20.0).max(240.0);
    let height = top + plot_h + 60.0;
    let max = rows.iter().map(|(_, a, b)| a + b).max().unwrap_or(0).max(1) as f64;
    let scale = plot_h / max;
    let base = top + plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="c-months-t c-months-d" class="chart"><title id="c-months-t">{t}</title><desc id="c-months-d">{d}</desc>"##,
        t = esc(title),
        d = esc(&rows
            .iter()
            .map(|(m, a, b)| format!("{m} 按期 {a} 逾期 {b}"))
            .collect::<Vec<_>>()
            .join("，")),
    );
    let _ = write!(
        s,
        r##"<text x="0" y="18" font-size="14" font-weight="bold" fill="#1d2b3a">{}</text><line x1="{left}" y1="{base}" x2="{r}" y2="{base}" stroke="#5b6b7b"/><text x="{lt}" y="{base}" font-size="11" text-anchor="end" fill="#5b6b7b">0</text><text x="{lt}" y="{tt}" font-size="11" text-anchor="end" fill="#5b6b7b">{max}</text>"##,
        esc(title),
        r = width - 10.0,
        lt = left - 4.0,
        tt = top + 10.0,
        max = num(max),
    );
    for (i, (month, on_time, late)) in rows.iter().enumerate() {
        let x = left + col_w * i as f64 + 6.0;
        let h1 = *on_time as f64 * scale;
        let h2 = *late as f64 * scale;
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{y1:.1}" width="{w}" height="{h1:.1}" fill="#2f6f4f"/><rect x="{x:.1}" y="{y2:.1}" width="{w}" height="{h2:.1}" fill="#c77700"/><text x="{cx:.1}" y="{ly}" font-size="11" text-anchor="middle" fill="#1d2b3a">{m}</text><text x="{cx:.1}" y="{vy:.1}" font-size="11" text-anchor="middle" fill="#1d2b3a">{n}</text>"##,
            y1 = base - h1,
            y2 = base - h1 - h2,
            w = col_w - 12.0,
            cx = x + (col_w - 12.0) / 2.0,
            ly = base + 16.0,
            m = esc(month.get(2..).unwrap_or(month)),
            vy = base - h1 - h2 - 4.0,
            n = on_time + late,
        );
    }
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{ky}" width="12" height="12" fill="#2f6f4f"/><text x="{k1}" y="{kt}" font-size="12" fill="#1d2b3a">按期办结</text><rect x="{k2}" y="{ky}" width="12" height="12" fill="#c77700"/><text x="{k3}" y="{kt}" font-size="12" fill="#1d2b3a">逾期办结</text></svg>"##,
        ky = base + 30.0,
        kt = base + 41.0,
        k1 = left + 16.0,
        k2 = left + 90.0,
        k3 = left + 106.0,
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_names_and_draw_negative_scores_to_the_left() {
        let svg = bars(
            "得分",
            &[("市<民政>局".into(), 4.0), ("市财政局".into(), -3.5)],
        );
        assert!(svg.contains("市&lt;民政&gt;局") && !svg.contains("市<民政>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(">-3.5<") && svg.contains(r##"fill="#b3261e""##));
        assert!(!svg.contains("style="), "no inline styles under the CSP");
    }

    #[test]
    fn months_stack_on_time_under_late() {
        let svg = months(
            "每月办结",
            &[("2026-02".into(), 2, 1), ("2026-03".into(), 0, 0)],
        );
        assert!(svg.contains("26-02") && svg.contains("按期 2 逾期 1"));
        assert_eq!(svg.matches("<rect").count(), 2 * 2 + 2);
    }
}
