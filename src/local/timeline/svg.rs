//! The timeline as one SVG picture. Every drawn element carries its times (`data-t0`,
//! `data-t1`, in ms) and its details (`data-detail`, also a `<title>` tooltip), so the HTML page
//! can zoom by repositioning them and show details on hover; the SVG alone is a static picture.

use std::fmt::Write;

use super::model::{MarkerKind, TermEnd, Timeline};

pub(crate) const WIDTH: f64 = 1100.0;
pub(crate) const LEFT: f64 = 150.0;
pub(crate) const RIGHT: f64 = 20.0;
const TOP: f64 = 30.0;
const GAP_ROW: f64 = 44.0;
const LANE: f64 = 58.0;

/// Term colours, by term number.
const PALETTE: [&str; 8] = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f"];

pub(crate) fn term_colour(term: u64) -> &'static str {
    PALETTE[(term as usize).wrapping_sub(1) % PALETTE.len()]
}

/// XML text escaping for attributes and text.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            // Not XML characters (XML 1.0 `Char`): one would make the whole document unreadable.
            c if ((c as u32) < 0x20 && c != '\t') || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The picture's height for `lanes` lanes.
pub(crate) fn height(lanes: usize) -> f64 {
    TOP + GAP_ROW + LANE * lanes as f64 + 40.0
}

pub fn render(t: &Timeline) -> String {
    let end = t.end.max(1.0);
    let plot = WIDTH - LEFT - RIGHT;
    let x = |ms: f64| LEFT + ms.clamp(0.0, end) / end * plot;
    let h = height(t.lanes.len());
    let lanes_top = TOP + GAP_ROW;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" id="timeline" width="{WIDTH}" height="{h}" viewBox="0 0 {WIDTH} {h}" data-end="{end}" data-left="{LEFT}" data-plot="{plot}" font-family="sans-serif" font-size="12">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4f4f4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#bbb" stroke-width="2"/></pattern>
<clipPath id="plot"><rect x="{LEFT}" y="0" width="{plot}" height="{h}"/></clipPath></defs>
<style>.hook:hover,.term:hover,.marker:hover,.gap:hover{{stroke:#000;stroke-width:1.5}} text{{pointer-events:none}}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="18" font-weight="bold">{}</text><text x="{LEFT}" y="18" fill="#555">from {} for {}</text>
"##,
        esc(if t.app.is_empty() { "timeline" } else { &t.app }),
        super::clock_at(&t.start_time, 0.0),
        super::span(t.end)
    );
    // The axis: ticks at round steps.
    let _ = write!(s, r#"<g id="axis">"#);
    let step = tick_step(end);
    let mut tick = 0.0;
    while tick <= end {
        let _ = write!(
            s,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{1}" y2="{2}" stroke="#e4e4e4"/><text x="{0:.1}" y="{3}" fill="#777" font-size="10" text-anchor="middle">{4}</text>"##,
            x(tick),
            TOP,
            h - 30.0,
            h - 16.0,
            super::span(tick)
        );
        tick += step;
    }
    let _ = writeln!(s, "</g>");

    // Labels.
    let _ = writeln!(s, r##"<text x="10" y="{}" fill="#555">no leader</text>"##, TOP + 22.0);
    for (i, lane) in t.lanes.iter().enumerate() {
        let y = lanes_top + LANE * i as f64;
        let _ = writeln!(
            s,
            r##"<g class="lane" data-unit="{0}"><rect x="0" y="{1}" width="{WIDTH}" height="{2}" fill="{3}"/><text x="10" y="{4}">{0}</text></g>"##,
            esc(&lane.unit),
            y,
            LANE - 2.0,
            if i % 2 == 0 { "#fafafa" } else { "#f3f3f3" },
            y + 20.0
        );
    }

    let _ = writeln!(s, r#"<g id="plot" clip-path="url(#plot)">"#);
    for gap in &t.gaps {
        let detail = esc(&super::gap_detail(t, gap));
        let _ = writeln!(
            s,
            r##"<rect class="gap" data-t0="{}" data-t1="{}" x="{:.1}" y="{}" width="{:.1}" height="18" fill="url(#hatch)" data-detail="{detail}"><title>{detail}</title></rect>"##,
            gap.from,
            gap.to,
            x(gap.from),
            TOP + 8.0,
            (x(gap.to) - x(gap.from)).max(1.0)
        );
        if let Some(until) = gap.blocked_until {
            let _ = writeln!(
                s,
                r##"<rect class="gap blocked" data-t0="{}" data-t1="{}" x="{:.1}" y="{}" width="{:.1}" height="18" fill="#888" data-detail="{detail}"><title>{detail}</title></rect>"##,
                gap.from,
                until,
                x(gap.from),
                TOP + 8.0,
                (x(until) - x(gap.from)).max(1.0)
            );
        }
    }
    for (i, lane) in t.lanes.iter().enumerate() {
        let y = lanes_top + LANE * i as f64;
        for term in &lane.terms {
            let colour = term_colour(term.term);
            let detail = esc(&super::term_detail(t, &lane.unit, term));
            // What the dead leader's lease still held after its agent died.
            if let Some(until) = term.lease_until.filter(|u| *u > term.to && term.end == TermEnd::AgentExited) {
                let _ = writeln!(
                    s,
                    r##"<rect class="lease-tail" data-t0="{}" data-t1="{}" x="{:.1}" y="{}" width="{:.1}" height="22" fill="{colour}" fill-opacity="0.3" data-detail="{detail}"><title>{detail}</title></rect>"##,
                    term.to,
                    until,
                    x(term.to),
                    y + 4.0,
                    (x(until) - x(term.to)).max(1.0)
                );
            }
            let _ = writeln!(
                s,
                r##"<rect class="term" data-term="{}" data-t0="{}" data-t1="{}" x="{:.1}" y="{}" width="{:.1}" height="22" rx="3" fill="{colour}" data-detail="{detail}"><title>{detail}</title></rect><text class="term-label" data-t0="{}" data-dx="4" x="{:.1}" y="{}" fill="#fff" font-size="11">term {}</text>"##,
                term.term,
                term.from,
                term.to,
                x(term.from),
                y + 4.0,
                (x(term.to) - x(term.from)).max(2.0),
                term.from,
                x(term.from) + 4.0,
                y + 19.0,
                term.term
            );
            for (class, at, colour, dash) in
                [("guarantee", term.guarantee_until, "#e6a700", "4 2"), ("lease", term.lease_until, "#c00", "2 2")]
            {
                // A grant that outlived the log (up stopped) ends off the picture.
                if let Some(at) = at.filter(|at| *at <= t.end) {
                    let what = if class == "lease" { "lease end" } else { "guarantee end" };
                    let detail =
                        format!("term {} {what} (last grant): {}", term.term, super::clock_at(&t.start_time, at));
                    let _ = writeln!(
                        s,
                        r##"<line class="{class}" data-t0="{at}" x1="{0:.1}" x2="{0:.1}" y1="{1}" y2="{2}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"><title>{3}</title></line>"##,
                        x(at),
                        y + 1.0,
                        y + 29.0,
                        esc(&detail)
                    );
                }
            }
        }
        for hook in &lane.hooks {
            let detail = esc(&super::hook_detail(t, &lane.unit, hook));
            let (class, fill) = match hook.exit {
                Some(0) => ("hook", "#6a9f58"),
                Some(_) => ("hook failed", "#d62728"),
                None => ("hook unfinished", "#999"),
            };
            let _ = writeln!(
                s,
                r##"<rect class="{class}" data-hook="{}" data-t0="{}" data-t1="{}" x="{:.1}" y="{}" width="{:.1}" height="12" fill="{fill}" data-detail="{detail}"><title>{detail}</title></rect>"##,
                esc(&hook.hook),
                hook.from,
                hook.to,
                x(hook.from),
                y + 31.0,
                (x(hook.to) - x(hook.from)).max(3.0),
            );
        }
        for m in &lane.markers {
            marker(&mut s, t, m.at, m.kind, &m.label, y + 50.0, x(m.at));
        }
    }
    for m in &t.markers {
        let detail = esc(&format!("{} {}", super::clock_at(&t.start_time, m.at), m.label));
        let _ = writeln!(
            s,
            r##"<line class="marker {}" data-t0="{}" x1="{2:.1}" x2="{2:.1}" y1="{3}" y2="{4}" stroke="#333" stroke-width="2" stroke-dasharray="6 3" data-detail="{detail}"><title>{detail}</title></line>"##,
            kind_class(m.kind),
            m.at,
            x(m.at),
            TOP,
            h - 30.0
        );
    }
    let _ = writeln!(s, "</g>");
    // The legend.
    let ly = h - 4.0;
    let _ = writeln!(
        s,
        r##"<g id="legend" font-size="10" fill="#333"><rect x="10" y="{0}" width="14" height="8" fill="{1}"/><text x="28" y="{2}">term (leader)</text><rect x="110" y="{0}" width="14" height="8" fill="{1}" fill-opacity="0.3"/><text x="128" y="{2}">dead leader's lease</text><line x1="240" x2="240" y1="{0}" y2="{3}" stroke="#e6a700" stroke-width="2"/><text x="246" y="{2}">guarantee end</text><line x1="330" x2="330" y1="{0}" y2="{3}" stroke="#c00" stroke-width="2"/><text x="336" y="{2}">lease end</text><rect x="400" y="{0}" width="14" height="8" fill="#6a9f58"/><text x="418" y="{2}">hook</text><rect x="460" y="{0}" width="14" height="8" fill="#d62728"/><text x="478" y="{2}">failed hook</text><rect x="550" y="{0}" width="14" height="8" fill="url(#hatch)"/><text x="568" y="{2}">no leader</text><rect x="630" y="{0}" width="14" height="8" fill="#888"/><text x="648" y="{2}">no unit could claim</text><text x="760" y="{2}">◆ leader-set  ▲ lever  ✕ agent exited  ┆ controller restart</text></g>"##,
        ly - 8.0,
        term_colour(1),
        ly,
        ly + 0.0
    );
    s.push_str("</svg>\n");
    s
}

fn kind_class(kind: MarkerKind) -> &'static str {
    match kind {
        MarkerKind::LeaderSet => "leader-set",
        MarkerKind::Lever => "lever",
        MarkerKind::ControllerRestart => "controller-restart",
        MarkerKind::AgentExited => "agent-exited",
        MarkerKind::HookTrouble => "hook-trouble",
    }
}

fn marker(s: &mut String, t: &Timeline, at: f64, kind: MarkerKind, label: &str, y: f64, x: f64) {
    let detail = esc(&format!("{} {label}", super::clock_at(&t.start_time, at)));
    let (shape, fill) = match kind {
        MarkerKind::LeaderSet => ("M0,-5 L5,0 L0,5 L-5,0 Z", "#1f77b4"),
        MarkerKind::Lever => ("M0,-6 L6,5 L-6,5 Z", "#9467bd"),
        MarkerKind::AgentExited => ("M-5,-5 L5,5 M5,-5 L-5,5", "none"),
        MarkerKind::HookTrouble => ("M-4,-4 L4,-4 L4,4 L-4,4 Z", "#d62728"),
        MarkerKind::ControllerRestart => ("M-1,-6 L1,-6 L1,6 L-1,6 Z", "#333"),
    };
    let _ = writeln!(
        s,
        r##"<g class="marker {}" data-t0="{at}" transform="translate({x:.1},{y})" data-detail="{detail}"><path d="{shape}" fill="{fill}" stroke="#222" stroke-width="{}"/><title>{detail}</title></g>"##,
        kind_class(kind),
        if kind == MarkerKind::AgentExited { 2.5 } else { 0.5 }
    );
}

/// A round tick step giving 5 to 10 ticks over `end` ms.
pub(crate) fn tick_step(end: f64) -> f64 {
    let steps =
        [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5];
    steps.into_iter().find(|s| end / s <= 10.0).unwrap_or(end / 10.0)
}

#[cfg(test)]
mod tests {
    use super::super::model::*;
    use super::*;

    #[test]
    fn no_hook_text_makes_the_picture_ill_formed() {
        // U+FFFE and U+FFFF are valid UTF-8 a hook may print, but not XML characters: one of them
        // in a detail would make the whole SVG unreadable.
        assert_eq!(esc("a\u{fffe}b\u{ffff}c\u{1b}d\u{fffd}\te"), "a\u{fffd}b\u{fffd}c\u{fffd}d\u{fffd}\te");
    }

    #[test]
    fn draws_lanes_terms_hooks_and_escapes_details() {
        let t = Timeline {
            app: "db".into(),
            start_time: "2026-11-27T03:00:00.000Z".into(),
            end: 1000.0,
            lanes: vec![Lane {
                unit: "db/0".into(),
                terms: vec![Term {
                    term: 1,
                    from: 0.0,
                    to: 500.0,
                    end: TermEnd::AgentExited,
                    lease_until: Some(700.0),
                    guarantee_until: Some(600.0),
                }],
                hooks: vec![HookBar {
                    hook: "install".into(),
                    from: 10.0,
                    to: 20.0,
                    exit: Some(1),
                    lines: vec!["| <b>&".into()],
                }],
                markers: vec![],
            }],
            gaps: vec![Gap { from: 500.0, to: 800.0, blocked_until: Some(700.0) }],
            markers: vec![],
        };
        let svg = render(&t);
        assert_eq!(svg.matches(r#"class="lane""#).count(), 1);
        assert_eq!(svg.matches(r#"class="term""#).count(), 1);
        assert_eq!(svg.matches(r#"class="hook failed""#).count(), 1);
        assert_eq!(svg.matches(r#"class="lease-tail""#).count(), 1);
        assert!(svg.contains("| &lt;b&gt;&amp;"), "{svg}");
        // The term runs from the plot's left edge to its middle.
        assert!(svg.contains(&format!(r#"x="{LEFT:.1}" y="78" width="{:.1}""#, (WIDTH - LEFT - RIGHT) / 2.0)), "{svg}");
        assert_eq!(tick_step(4900.0), 500.0);
    }
}
