//! The timeline as text, for a terminal: one row per unit over `width` columns, then the terms
//! and the leaderless gaps in words.
//!
//! ```text
//! █ leader   ▒ lease held by a dead leader   · minion   h hook   F failed hook
//! s leader-set   ! lever   x agent exited   ░ no leader   ▓ no unit could claim
//! ```

use super::model::{MarkerKind, TermEnd, Timeline};

pub(crate) const LEGEND: &str =
    "█ leader  ▒ dead leader's lease  · alive  h hook  F failed hook  s leader-set  ! lever  x agent exited  \
                          C controller restart  ░ no leader  ▓ no unit could claim";

/// ANSI 256-colour codes near the SVG's term colours, by term number.
const TERM_COLOURS: [u8; 8] = [67, 208, 71, 139, 109, 221, 217, 137];
const RED: u8 = 196;

/// One row of cells, each with the colour it is painted in (with `colour`).
fn paint(cells: &[char], colours: &[Option<u8>], colour: bool) -> String {
    let mut out = String::new();
    let last = cells.iter().rposition(|c| *c != ' ').map_or(0, |i| i + 1);
    for (c, code) in cells[..last].iter().zip(colours) {
        match code.filter(|_| colour) {
            Some(code) => out.push_str(&format!("\x1b[38;5;{code}m{c}\x1b[0m")),
            None => out.push(*c),
        }
    }
    out
}

pub fn render(t: &Timeline, width: usize) -> String {
    render_with(t, width, false)
}

/// With `colour`, each term's cells in its colour and failed hooks in red (ANSI escapes).
pub(crate) fn render_with(t: &Timeline, width: usize, colour: bool) -> String {
    if t.lanes.is_empty() {
        return "no events yet\n".into();
    }
    let end = t.end.max(1.0);
    let col = |ms: f64| (((ms / end) * width as f64) as usize).min(width - 1);
    let name_width = t.lanes.iter().map(|l| l.unit.len()).max().unwrap_or(0).max("leader".len());
    let mut out = format!(
        "{} from {} for {} ({} units), one column ≈ {}\n",
        if t.app.is_empty() { "timeline" } else { &t.app },
        super::clock_at(&t.start_time, 0.0),
        super::span(t.end),
        t.lanes.len(),
        super::span(end / width as f64)
    );
    // The time axis: a tick every quarter.
    let mut axis = vec![' '; width + 12];
    for q in 0..=4 {
        let c = (q * (width - 1)) / 4;
        for (k, ch) in super::span(end * q as f64 / 4.0).chars().enumerate() {
            if c + k < axis.len() {
                axis[c + k] = ch;
            }
        }
    }
    out.push_str(&format!("{:name_width$}  {}\n", "", axis.iter().collect::<String>().trim_end()));

    for lane in &t.lanes {
        let mut row = vec!['·'; width];
        let mut colours: Vec<Option<u8>> = vec![None; width];
        let term_colour = |term: u64| Some(TERM_COLOURS[(term as usize).wrapping_sub(1) % TERM_COLOURS.len()]);
        // The agent's life: nothing after it exited (until a restart's next event).
        for m in lane.markers.iter().filter(|m| m.kind == MarkerKind::AgentExited) {
            let next = lane
                .hooks
                .iter()
                .map(|h| h.from)
                .chain(lane.terms.iter().map(|t| t.from))
                .filter(|at| *at > m.at)
                .fold(t.end, f64::min);
            let until = if next >= t.end { width } else { col(next) };
            for c in row.iter_mut().take(until).skip(col(m.at)) {
                *c = ' ';
            }
        }
        for term in &lane.terms {
            if let Some(until) = term.lease_until.filter(|u| *u > term.to && term.end == TermEnd::AgentExited) {
                for i in col(term.to)..=col(until.min(end)) {
                    (row[i], colours[i]) = ('▒', term_colour(term.term));
                }
            }
            for i in col(term.from)..=col(term.to) {
                (row[i], colours[i]) = ('█', term_colour(term.term));
            }
        }
        for hook in &lane.hooks {
            if hook.failed() && hook.exit.is_some() {
                (row[col(hook.from)], colours[col(hook.from)]) = ('F', Some(RED));
            } else {
                row[col(hook.from)] = 'h';
            }
        }
        for m in &lane.markers {
            row[col(m.at)] = match m.kind {
                MarkerKind::LeaderSet => 's',
                MarkerKind::Lever => '!',
                MarkerKind::AgentExited => 'x',
                MarkerKind::HookTrouble => 'F',
                MarkerKind::ControllerRestart => 'C',
            };
        }
        out.push_str(&format!("{:name_width$}  {}\n", lane.unit, paint(&row, &colours, colour)));
    }
    let mut row = vec![' '; width];
    for gap in &t.gaps {
        for c in row.iter_mut().take(col(gap.to) + 1).skip(col(gap.from)) {
            *c = '░';
        }
        if let Some(until) = gap.blocked_until {
            for c in row.iter_mut().take(col(until) + 1).skip(col(gap.from)) {
                *c = '▓';
            }
        }
    }
    for m in &t.markers {
        row[col(m.at)] = if m.kind == MarkerKind::ControllerRestart { 'C' } else { '!' };
    }
    out.push_str(&format!("{:name_width$}  {}\n", "leader", row.iter().collect::<String>().trim_end()));
    out.push_str(LEGEND);
    out.push('\n');

    let mut terms: Vec<(&str, &super::model::Term)> =
        t.lanes.iter().flat_map(|l| l.terms.iter().map(move |term| (l.unit.as_str(), term))).collect();
    terms.sort_by(|a, b| a.1.from.total_cmp(&b.1.from));
    for (unit, term) in terms {
        out.push_str(&format!("  {}\n", super::term_detail(t, unit, term)));
    }
    for gap in &t.gaps {
        out.push_str(&format!("  {}\n", super::gap_detail(t, gap)));
    }
    let failed: Vec<String> = t
        .lanes
        .iter()
        .flat_map(|l| l.hooks.iter().filter(|h| h.exit.is_some_and(|e| e != 0)).map(move |h| (l, h)))
        .map(|(l, h)| format!("  {}", super::hook_detail(t, &l.unit, h).lines().next().unwrap_or_default()))
        .collect();
    for line in failed {
        out.push_str(&line);
        out.push('\n');
    }
    for m in &t.markers {
        out.push_str(&format!("  {} {}\n", super::clock_at(&t.start_time, m.at), m.label));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::model::*;
    use super::*;

    #[test]
    fn draws_a_failover_in_ten_columns() {
        let t = Timeline {
            app: "db".into(),
            start_time: "2026-11-27T03:00:00.000Z".into(),
            end: 1000.0,
            lanes: vec![
                Lane {
                    unit: "db/0".into(),
                    terms: vec![Term {
                        term: 1,
                        from: 0.0,
                        to: 350.0,
                        end: TermEnd::AgentExited,
                        lease_until: Some(550.0),
                        guarantee_until: Some(450.0),
                    }],
                    hooks: vec![HookBar { hook: "install".into(), from: 0.0, to: 10.0, exit: Some(0), lines: vec![] }],
                    markers: vec![Marker { at: 400.0, kind: MarkerKind::AgentExited, label: "agent exited".into() }],
                },
                Lane {
                    unit: "db/1".into(),
                    terms: vec![Term {
                        term: 2,
                        from: 700.0,
                        to: 1000.0,
                        end: TermEnd::Open,
                        lease_until: None,
                        guarantee_until: None,
                    }],
                    hooks: vec![HookBar { hook: "start".into(), from: 100.0, to: 110.0, exit: Some(2), lines: vec![] }],
                    markers: vec![],
                },
            ],
            gaps: vec![Gap { from: 400.0, to: 700.0, blocked_until: Some(550.0) }],
            markers: vec![],
        };
        let text = render(&t, 10);
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows[2], "db/0    h███x▒");
        assert_eq!(rows[3], "db/1    ·F·····███");
        assert_eq!(rows[4], "leader      ▓▓░░");
        assert!(text.contains("term 1 db/0: 03:00:00.000 → 03:00:00.350 (350ms), agent exited"));
        assert!(text.contains("no unit could claim until 03:00:00.550"));
        assert!(text.contains("db/1 hook start at 03:00:00.100 (10ms, failed, exit 2)"));
        let coloured = render_with(&t, 10, true);
        let row = coloured.lines().nth(3).unwrap();
        assert_eq!(
            row,
            "db/1    ·\x1b[38;5;196mF\x1b[0m·····\x1b[38;5;208m█\x1b[0m\x1b[38;5;208m█\x1b[0m\x1b[38;5;208m█\x1b[0m"
        );
    }
}
