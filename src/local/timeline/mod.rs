//! `leaderd timeline`: leadership over time, drawn from an `up`'s event log. One lane per
//! unit; each term a coloured band on its leader's lane, with its last lease's guarantee and end
//! marked; hooks as bars (failed ones red); leader-set, operator levers, agent deaths and
//! controller restarts as markers; and the gaps with no leader, darker where no unit could claim
//! (the dead leader's lease still ran). [`model::build`] makes the picture's model (pure,
//! tested); `text`, `svg` and `html` draw it.

pub mod html;
pub mod model;
pub mod svg;
pub mod text;

use std::path::PathBuf;

use anyhow::Context;

#[derive(clap::Args, Debug, Clone)]
pub struct TimelineArgs {
    /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// text: a compact picture for a terminal; svg: a static picture (for bug reports); html: one
    /// self-contained page with hover details and zoom.
    #[arg(long, default_value = "text", value_parser = ["text", "svg", "html"], value_name = "FORMAT")]
    pub format: String,
    /// Write to FILE instead of stdout (0600; replaced whole).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Columns for the text picture's time axis. (In a terminal, terms are coloured unless
    /// NO_COLOR is set.)
    #[arg(long, default_value_t = 72, value_name = "N")]
    pub width: usize,
}

pub fn run(args: TimelineArgs) -> anyhow::Result<()> {
    let path = super::state_dir(args.state.clone()).join(leaderd_sys::events::FILE_NAME);
    anyhow::ensure!(
        path.exists(),
        "no event log at {} (is this the state directory of a `leaderd up`?)",
        path.display()
    );
    let mut records = leaderd_sys::events::read_all(&path).with_context(|| format!("reading {}", path.display()))?;
    // Every text of the log (unit and hook names, reasons, messages) without what a terminal
    // would act on, whatever a charm or a hand-edited log put there: as one line each in the
    // text picture, which a terminal shows; newlines kept in the pictures' details (and no
    // control character, which XML does not allow either).
    let one_line = args.format == "text";
    for record in &mut records {
        *record = printable_record(record, one_line);
    }
    let timeline = model::build(&records);
    let rendered = match args.format.as_str() {
        "svg" => svg::render(&timeline),
        "html" => html::render(&timeline),
        _ => {
            use std::io::IsTerminal;
            let colour =
                args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            text::render_with(&timeline, args.width.clamp(20, 1000), colour)
        }
    };
    match &args.output {
        Some(file) => leaderd_sys::private::write_atomic(file, rendered.as_bytes())
            .with_context(|| format!("writing {}", file.display()))?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // A closed stdout (`| head`) is not an error worth reporting.
            let _ = out.write_all(rendered.as_bytes()).and_then(|_| out.flush());
        }
    }
    Ok(())
}

/// `record` with each of its strings [`leaderd_sys::events::printable_line`] (`one_line`) or
/// [`leaderd_sys::events::printable`].
fn printable_record(record: &leaderd_sys::events::Record, one_line: bool) -> leaderd_sys::events::Record {
    fn walk(value: &mut serde_json::Value, one_line: bool) {
        match value {
            serde_json::Value::String(s) if one_line => *s = leaderd_sys::events::printable_line(s).into_owned(),
            serde_json::Value::String(s) => *s = leaderd_sys::events::printable(s).into_owned(),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| walk(v, one_line)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| walk(v, one_line)),
            _ => {}
        }
    }
    let Ok(mut value) = serde_json::to_value(record) else { return record.clone() };
    walk(&mut value, one_line);
    serde_json::from_value(value).unwrap_or_else(|_| record.clone())
}

/// `1.5s`, `250ms`, `1m2s` for a span in ms.
pub(crate) fn span(ms: f64) -> String {
    leaderd_core::duration::format(std::time::Duration::from_millis(ms.max(0.0).round() as u64))
}

/// The wall clock (`HH:MM:SS.mmm`) of `ms` after the RFC 3339 `start`.
pub(crate) fn clock_at(start: &str, ms: f64) -> String {
    let parse = || -> Option<u64> {
        let h: u64 = start.get(11..13)?.parse().ok()?;
        let m: u64 = start.get(14..16)?.parse().ok()?;
        let s: u64 = start.get(17..19)?.parse().ok()?;
        let milli: u64 = start.get(20..23)?.parse().ok()?;
        Some(((h * 60 + m) * 60 + s) * 1000 + milli)
    };
    let Some(base) = parse() else { return span(ms) };
    let t = (base + ms.max(0.0).round() as u64) % 86_400_000;
    format!("{:02}:{:02}:{:02}.{:03}", t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000)
}

/// One line of details for a term.
pub(crate) fn term_detail(t: &model::Timeline, unit: &str, term: &model::Term) -> String {
    let how = match term.end {
        model::TermEnd::Lost => "lease lost",
        model::TermEnd::AgentExited => "agent exited",
        model::TermEnd::Stopped => "up stopped",
        model::TermEnd::Open => "still leader",
    };
    let mut text = format!(
        "term {} {unit}: {} → {} ({}), {how}",
        term.term,
        clock_at(&t.start_time, term.from),
        clock_at(&t.start_time, term.to),
        span(term.to - term.from)
    );
    if let (Some(g), Some(l)) = (term.guarantee_until, term.lease_until) {
        text.push_str(&format!(
            "; last grant: guarantee until {}, lease until {}",
            clock_at(&t.start_time, g),
            clock_at(&t.start_time, l)
        ));
    }
    text
}

pub(crate) fn hook_detail(t: &model::Timeline, unit: &str, hook: &model::HookBar) -> String {
    let result = match hook.exit {
        Some(0) => "exit 0".to_string(),
        Some(code) => format!("failed, exit {code}"),
        None => "did not finish".to_string(),
    };
    let mut text = format!(
        "{unit} hook {} at {} ({}, {result})",
        hook.hook,
        clock_at(&t.start_time, hook.from),
        span(hook.to - hook.from)
    );
    for line in &hook.lines {
        text.push('\n');
        text.push_str(line);
    }
    text
}

pub(crate) fn gap_detail(t: &model::Timeline, gap: &model::Gap) -> String {
    let mut text = format!(
        "no leader: {} → {} ({})",
        clock_at(&t.start_time, gap.from),
        clock_at(&t.start_time, gap.to),
        span(gap.to - gap.from)
    );
    if let Some(until) = gap.blocked_until {
        // The term the gap follows: its agent died, or it lost the lease without releasing it.
        let died = t
            .lanes
            .iter()
            .flat_map(|l| &l.terms)
            .any(|term| term.to == gap.from && term.end == model::TermEnd::AgentExited);
        text.push_str(&format!(
            "; no unit could claim until {} (the {} lease ran {} more)",
            clock_at(&t.start_time, until),
            if died { "dead leader's" } else { "revoked or cut-off leader's" },
            span(until - gap.from)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_count_from_the_first_record() {
        assert_eq!(clock_at("2026-11-27T03:55:29.840Z", 1200.4), "03:55:31.040");
        assert_eq!(clock_at("2026-11-27T23:59:59.900Z", 200.0), "00:00:00.100");
        assert_eq!(span(1500.0), "1.5s");
    }
}
