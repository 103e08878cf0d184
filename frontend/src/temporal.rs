//! The temporal profile panel (`GET /api/temporal`): the hour × weekday
//! heat grid when the incidents carry times, the monthly trend beside the
//! same month last year with spikes marked and gap months left as gaps, and
//! the CSV of both.

use hotspot_api::responses::{MonthPoint, TemporalReport, WeekHourProfile};
use hotspot_api::Month;

use crate::classify::{HATCH, YL_OR_RD};
use crate::export::csv_field;
use crate::format::{esc, month_label, month_short, number, thousands};

/// Row labels of the heat grid, Monday first (ISO 8601, as the API).
pub const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// Bars: an ordinary month, a spike, and the same month last year.
const BAR: &str = "#08519c";
const SPIKE: &str = "#ca0020";
const LAST_YEAR: &str = "#fd8d3c";

/// The whole panel for one report.
pub fn html(r: &TemporalReport) -> String {
    let mut s = format!(
        "<p>{} incidents; {} with a time of day.</p>",
        thousands(r.incidents),
        thousands(r.with_time)
    );
    match &r.week_hour {
        Some(w) if r.with_time > 0 => {
            s.push_str(&heat_grid(w));
            if let Some(share) = r.weekend_night_share {
                s.push_str(&format!(
                    "<p>Friday and Saturday nights, 23:00–05:00: <strong>{}%</strong> of timed incidents \
                     (those 12 hours are 7% of the week).</p>",
                    number(share * 100.0, 1)
                ));
            }
        }
        _ => s.push_str(
            "<p class=\"note\">No hour × weekday grid: these incidents carry months only \
             (police.uk publishes the month, not the time). Import a force extract or partner \
             data with times to see when in the week they happen.</p>",
        ),
    }
    s.push_str(&monthly_svg(r));
    if !r.monthly.is_empty() && r.monthly.iter().all(|p| p.last_year.is_none()) {
        s.push_str(
            "<p class=\"note\">No same month a year earlier to compare with: those months are \
             not in the data (before the first month, or a gap).</p>",
        );
    }
    s.push_str(&monthly_table(r));
    s
}

/// The 7 × 24 grid as a table: shade by share of the busiest hour, the
/// count in each cell's `data-count` and its accessible name.
pub fn heat_grid(w: &WeekHourProfile) -> String {
    let max = w.counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut s = String::from(
        "<table class=\"heat\" id=\"tp-heat\"><caption>Incidents by hour and weekday \
         (darker: busier)</caption><thead><tr><th scope=\"col\"></th>",
    );
    for h in 0..24 {
        let label = if h % 6 == 0 {
            format!("{h:02}")
        } else {
            String::new()
        };
        s.push_str(&format!(
            "<th scope=\"col\" title=\"{h:02}:00\">{label}</th>"
        ));
    }
    s.push_str("<th scope=\"col\">All</th></tr></thead><tbody>");
    for (d, row) in w.counts.iter().enumerate() {
        s.push_str(&format!("<tr><th scope=\"row\">{}</th>", &DAYS[d][..3]));
        for (h, &c) in row.iter().enumerate() {
            let class = if c == 0 {
                0
            } else {
                ((c as f64 / max as f64) * 5.0).ceil().clamp(1.0, 5.0) as usize
            };
            let colour = if class == 0 {
                "#ffffff"
            } else {
                YL_OR_RD[class - 1]
            };
            s.push_str(&format!(
                "<td style=\"background:{colour}\" data-day=\"{d}\" data-hour=\"{h}\" data-count=\"{c}\" \
                 title=\"{day} {h:02}:00–{h:02}:59: {n}\" aria-label=\"{day} {h:02}:00: {n}\"></td>",
                day = DAYS[d],
                n = thousands(c)
            ));
        }
        s.push_str(&format!(
            "<td class=\"total\">{}</td></tr>",
            thousands(w.day_totals[d])
        ));
    }
    s.push_str("</tbody></table>");
    s
}

/// One slot of the trend: a month with data, or a gap month.
enum Slot<'a> {
    Data(&'a MonthPoint),
    Gap,
}

/// Every month from the first to the last in the report, gaps included.
fn slots(r: &TemporalReport) -> Vec<(Month, Slot<'_>)> {
    let month_of = |p: &MonthPoint| Month::new(p.year, p.month).ok();
    let indices = r
        .monthly
        .iter()
        .filter_map(month_of)
        .chain(r.gap_months.iter().copied())
        .map(Month::index);
    let (Some(first), Some(last)) = (indices.clone().min(), indices.max()) else {
        return Vec::new();
    };
    (first..=last)
        .map(Month::from_index)
        .map(
            |m| match r.monthly.iter().find(|p| month_of(p) == Some(m)) {
                Some(p) => (m, Slot::Data(p)),
                None => (m, Slot::Gap),
            },
        )
        .collect()
}

/// Bars per month; the same month last year as an orange tick; spikes red
/// with a ▲; gap months a hatched empty slot, never a zero.
pub fn monthly_svg(r: &TemporalReport) -> String {
    let slots = slots(r);
    if slots.is_empty() {
        return "<p>No months to show.</p>".into();
    }
    let (w, h) = (320.0_f64, 160.0_f64);
    let (left, right, top, bottom) = (36.0, 6.0, 14.0, 24.0);
    let (plot_w, plot_h) = (w - left - right, h - top - bottom);
    let max = r
        .monthly
        .iter()
        .flat_map(|p| [Some(p.count), p.last_year])
        .flatten()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = plot_w / slots.len() as f64;
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let mut s = format!(
        "<svg id=\"tp-trend\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Incidents per month, \
         with the same month last year\"><defs><pattern id=\"tp-gap\" width=\"4\" height=\"4\" \
         patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" \
         x2=\"0\" y2=\"4\" stroke=\"{HATCH}\" stroke-width=\"1\"/></pattern></defs>\
         <text x=\"{left}\" y=\"10\" font-size=\"9\">{} – {}, max {}</text>\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#999\"/>",
        month_label(&slots[0].0.to_string()),
        month_label(&slots[slots.len() - 1].0.to_string()),
        thousands(max as u64),
        top + plot_h,
        w - right,
        top + plot_h
    );
    for (i, (m, slot_data)) in slots.iter().enumerate() {
        let x = left + i as f64 * slot;
        let bw = (slot * 0.8).max(1.0);
        let label = month_label(&m.to_string());
        match slot_data {
            Slot::Gap => s.push_str(&format!(
                "<rect class=\"gap\" data-month=\"{m}\" x=\"{x:.1}\" y=\"{top}\" width=\"{bw:.1}\" \
                 height=\"{plot_h}\" fill=\"url(#tp-gap)\" opacity=\"0.35\"><title>{label}: no data \
                 (a gap in the published months)</title></rect>"
            )),
            Slot::Data(p) => {
                let colour = if p.spike { SPIKE } else { BAR };
                let c = p.count as f64;
                s.push_str(&format!(
                    "<rect class=\"{}\" data-month=\"{m}\" data-count=\"{}\" x=\"{x:.1}\" y=\"{:.1}\" \
                     width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{colour}\"><title>{label}: {}{}</title></rect>",
                    if p.spike { "bar spike" } else { "bar" },
                    p.count,
                    y(c),
                    top + plot_h - y(c),
                    thousands(p.count),
                    last_year_text(p)
                ));
                if let Some(ly) = p.last_year {
                    s.push_str(&format!(
                        "<line x1=\"{x:.1}\" x2=\"{:.1}\" y1=\"{ly_y:.1}\" y2=\"{ly_y:.1}\" stroke=\"{LAST_YEAR}\" stroke-width=\"2\"/>",
                        x + bw,
                        ly_y = y(ly as f64)
                    ));
                }
                if p.spike {
                    s.push_str(&format!(
                        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\" fill=\"{SPIKE}\">▲</text>",
                        x + bw / 2.0,
                        y(c) - 2.0
                    ));
                }
            }
        }
        if i == 0 || m.month() == 1 || slots.len() <= 12 {
            s.push_str(&format!(
                "<text x=\"{x:.1}\" y=\"{}\" font-size=\"8\">{}</text>",
                h - 8.0,
                // Years on the axis only when labels are sparse; the title says the span.
                esc(&month_short(&m.to_string(), slots.len() > 12))
            ));
        }
    }
    s.push_str("</svg>");
    s.push_str(&format!(
        "<p class=\"note\"><span style=\"color:{BAR}\">■</span> incidents · \
         <span style=\"color:{LAST_YEAR}\">▬</span> same month last year · \
         <span style=\"color:{SPIKE}\">▲</span> spike (p &lt; 0.01) · hatched: a gap month, no data</p>"
    ));
    s
}

fn last_year_text(p: &MonthPoint) -> String {
    match (p.last_year, p.change_vs_last_year_pct) {
        (Some(ly), Some(pct)) => format!(
            " (last year {}, {})",
            thousands(ly),
            crate::format::signed_percent(pct)
        ),
        (Some(ly), None) => format!(" (last year {})", thousands(ly)),
        _ => String::new(),
    }
}

/// The same figures as a table (for screen readers and checking).
fn monthly_table(r: &TemporalReport) -> String {
    let mut s = String::from(
        "<details><summary>Monthly figures</summary><table class=\"small\" id=\"tp-months\">\
         <thead><tr><th scope=\"col\">Month</th><th scope=\"col\">Count</th>\
         <th scope=\"col\">Last year</th><th scope=\"col\">Spike</th></tr></thead><tbody>",
    );
    for (m, slot) in slots(r) {
        let label = month_label(&m.to_string());
        match slot {
            Slot::Gap => s.push_str(&format!(
                "<tr class=\"gap\"><th scope=\"row\">{label}</th><td colspan=\"3\">no data</td></tr>"
            )),
            Slot::Data(p) => s.push_str(&format!(
                "<tr><th scope=\"row\">{label}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
                thousands(p.count),
                p.last_year.map(thousands).unwrap_or_else(|| "–".into()),
                match (p.spike, p.spike_p) {
                    (true, Some(pv)) => format!("yes (p = {})", crate::format::p_value(pv)),
                    _ => String::new(),
                }
            )),
        }
    }
    s.push_str("</tbody></table></details>");
    s
}

/// CSV: one row per month (gap months with empty counts), then the
/// week-hour grid as `weekday,hour,count` rows when there is one.
pub fn csv(r: &TemporalReport) -> String {
    let mut s =
        String::from("month,count,last_year,change_vs_last_year_pct,expected,spike,spike_p\n");
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (m, slot) in slots(r) {
        match slot {
            Slot::Gap => s.push_str(&format!("{m},,,,,,\n")),
            Slot::Data(p) => s.push_str(&format!(
                "{m},{},{},{},{},{},{}\n",
                p.count,
                p.last_year.map(|v| v.to_string()).unwrap_or_default(),
                opt(p.change_vs_last_year_pct),
                opt(p.expected),
                p.spike,
                opt(p.spike_p)
            )),
        }
    }
    if let Some(w) = &r.week_hour {
        s.push_str("\nweekday,hour,count\n");
        for (d, row) in w.counts.iter().enumerate() {
            for (h, c) in row.iter().enumerate() {
                s.push_str(&format!("{},{h},{c}\n", csv_field(DAYS[d])));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(year: i32, month: u32, count: u64, last_year: Option<u64>, spike: bool) -> MonthPoint {
        MonthPoint {
            year,
            month,
            count,
            last_year,
            change_vs_last_year_pct: None,
            moving_average_12: None,
            expected: None,
            expected_basis: None,
            spike,
            spike_p: spike.then_some(0.001),
        }
    }

    fn report(week_hour: Option<WeekHourProfile>) -> TemporalReport {
        TemporalReport {
            incidents: 30,
            with_time: week_hour.as_ref().map_or(0, |w| w.total),
            week_hour,
            weekend_night_share: None,
            monthly: vec![
                point(2024, 3, 10, None, false),
                point(2025, 1, 20, Some(5), true),
            ],
            gap_months: vec![Month::new(2024, 5).unwrap()],
        }
    }

    #[test]
    fn gap_months_are_gaps_not_zeros_and_the_span_is_continuous() {
        let r = report(None);
        let svg = monthly_svg(&r);
        // March 2024 to January 2025 is 11 months: 2 with data, 9 gaps
        // (May named by the API, the others simply absent).
        assert_eq!(svg.matches("class=\"gap\"").count(), 9);
        assert_eq!(svg.matches("class=\"bar").count(), 2);
        assert!(svg.contains("data-month=\"2024-05\""));
        assert!(!svg.contains("data-count=\"0\""));
        let csv = csv(&r);
        assert!(csv.contains("\n2024-05,,,,,,\n"));
        assert!(csv.contains("\n2025-01,20,5,,,true,0.001\n"));
    }

    #[test]
    fn spikes_are_marked_and_last_year_drawn() {
        let svg = monthly_svg(&report(None));
        assert_eq!(svg.matches("class=\"bar spike\"").count(), 1);
        assert_eq!(svg.matches('▲').count(), 2, "the marker and the key");
        assert_eq!(svg.matches(&format!("stroke=\"{LAST_YEAR}\"")).count(), 1);
    }

    #[test]
    fn month_only_data_says_why_there_is_no_grid() {
        let h = html(&report(None));
        assert!(h.contains("carry months only"));
        assert!(!h.contains("tp-heat"));
    }

    #[test]
    fn the_heat_grid_carries_every_count_and_shades_the_busiest_darkest() {
        let mut counts = [[0u64; 24]; 7];
        counts[4][23] = 8;
        counts[0][9] = 1;
        let w = WeekHourProfile {
            counts,
            day_totals: [1, 0, 0, 0, 8, 0, 0],
            hour_totals: [0; 24],
            total: 9,
        };
        let h = html(&report(Some(w.clone())));
        assert_eq!(
            h.matches("data-count=").count(),
            168 + 2,
            "every cell, and the 2 bars"
        );
        assert!(h.contains(&format!(
            "style=\"background:{}\" data-day=\"4\" data-hour=\"23\" data-count=\"8\"",
            YL_OR_RD[4]
        )));
        assert!(h.contains(&format!(
            "style=\"background:{}\" data-day=\"0\" data-hour=\"9\" data-count=\"1\"",
            YL_OR_RD[0]
        )));
        assert!(csv(&report(Some(w))).contains("\nFriday,23,8\n"));
    }
}
