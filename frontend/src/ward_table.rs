//! Every ward in one table, ranked: count, rate, change and whether the
//! change is more than chance, sortable by any column, saying what
//! "priority" is ranked by. Each name is a button that chooses the ward.

use hotspot_api::responses::WardProperties;

use crate::format::{count_text, esc, number, signed_percent};

/// A column the table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Rank,
    Name,
    Count,
    Rate,
    Change,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Rank,
        SortKey::Name,
        SortKey::Count,
        SortKey::Rate,
        SortKey::Change,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SortKey::Rank => "rank",
            SortKey::Name => "name",
            SortKey::Count => "count",
            SortKey::Rate => "rate",
            SortKey::Change => "change",
        }
    }

    pub fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.key() == s)
    }

    fn heading(self) -> &'static str {
        match self {
            SortKey::Rank => "Rank",
            SortKey::Name => "Ward",
            SortKey::Count => "Incidents",
            SortKey::Rate => "Per 1,000",
            SortKey::Change => "Change",
        }
    }

    /// The order a first click gives: names A–Z and rank 1 first, the
    /// figures largest first.
    pub fn natural_descending(self) -> bool {
        !matches!(self, SortKey::Rank | SortKey::Name)
    }
}

/// How the table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::Rank,
            descending: false,
        }
    }
}

impl Sort {
    /// A click on `key`'s heading: the other way round if already sorted
    /// by it, else its natural order.
    pub fn clicked(self, key: SortKey) -> Sort {
        if self.key == key {
            Sort {
                key,
                descending: !self.descending,
            }
        } else {
            Sort {
                key,
                descending: key.natural_descending(),
            }
        }
    }
}

/// The wards in `sort` order; a withheld or missing figure sorts last
/// either way, ties by name.
pub fn sorted<'a>(
    wards: impl IntoIterator<Item = &'a WardProperties>,
    sort: Sort,
) -> Vec<&'a WardProperties> {
    let mut rows: Vec<&WardProperties> = wards.into_iter().collect();
    let figure = |w: &WardProperties| -> Option<f64> {
        match sort.key {
            SortKey::Rank => Some(w.rank as f64),
            SortKey::Name => None,
            SortKey::Count => w.count.map(|n| n as f64),
            SortKey::Rate => w.rate_per_1000,
            SortKey::Change => w.change_pct,
        }
    };
    rows.sort_by(|a, b| {
        let order = if sort.key == SortKey::Name {
            a.name.cmp(&b.name)
        } else {
            match (figure(a), figure(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        };
        let order = if sort.descending {
            order.reverse()
        } else {
            order
        };
        order.then(a.name.cmp(&b.name))
    });
    rows
}

/// The table. `ranked_by` says what rank and priority follow ("count" or
/// "rate per 1,000 residents"); `selected` is the chosen ward's code.
pub fn html<'a>(
    wards: impl IntoIterator<Item = &'a WardProperties>,
    sort: Sort,
    ranked_by: &str,
    selected: Option<&str>,
) -> String {
    let rows = sorted(wards, sort);
    let priority = rows.iter().filter(|w| w.priority).count();
    let head: String = SortKey::ALL
        .iter()
        .map(|&k| {
            let aria = if k == sort.key {
                if sort.descending {
                    " aria-sort=\"descending\""
                } else {
                    " aria-sort=\"ascending\""
                }
            } else {
                ""
            };
            format!(
                "<th scope=\"col\"{aria}><button type=\"button\" class=\"ward-sort\" data-key=\"{}\">{}</button></th>",
                k.key(),
                k.heading()
            )
        })
        .collect();
    let body: String = rows.iter().map(|w| row(w, selected)).collect();
    format!(
        "<table class=\"ward-table\"><caption>Rank and priority (★, the top {priority}) are by {}. \
Change: ▲▼ more than chance (Poisson test, p &lt; 0.05).</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        esc(ranked_by)
    )
}

fn row(w: &WardProperties, selected: Option<&str>) -> String {
    let current = if selected == Some(w.code.as_str()) {
        " aria-current=\"true\""
    } else {
        ""
    };
    let star = if w.priority { " ★" } else { "" };
    let change = match (w.change_pct, w.change_significant) {
        (Some(c), Some(true)) => {
            format!("{} {}", signed_percent(c), if c > 0.0 { "▲" } else { "▼" })
        }
        (Some(c), _) => signed_percent(c),
        (None, _) => "–".to_string(),
    };
    format!(
        "<tr data-code=\"{code}\"{current}><td>{}{star}</td><th scope=\"row\"><button type=\"button\" class=\"ward-go\" data-code=\"{code}\">{}</button></th><td>{}</td><td>{}</td><td>{change}</td></tr>",
        w.rank,
        esc(&w.name),
        count_text(w.count),
        w.rate_per_1000.map_or("–".to_string(), |r| number(r, 1)),
        code = esc(&w.code),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ward(
        code: &str,
        name: &str,
        rank: usize,
        count: Option<u64>,
        rate: Option<f64>,
    ) -> WardProperties {
        WardProperties {
            code: code.into(),
            name: name.into(),
            rank,
            count,
            rate_per_1000: rate,
            priority: rank <= 2,
            ..Default::default()
        }
    }

    fn wards() -> Vec<WardProperties> {
        vec![
            ward("E1", "Castle", 1, Some(900), Some(40.0)),
            ward("E2", "Abington", 2, Some(500), Some(60.0)),
            ward("E3", "Brixworth", 3, None, None),
            ward("E4", "Delapre", 4, Some(100), Some(5.0)),
        ]
    }

    fn codes(rows: &[&WardProperties]) -> Vec<String> {
        rows.iter().map(|w| w.code.clone()).collect()
    }

    #[test]
    fn sorting_by_each_column_with_withheld_figures_last() {
        let w = wards();
        let by = |key, descending| codes(&sorted(&w, Sort { key, descending }));
        assert_eq!(by(SortKey::Rank, false), ["E1", "E2", "E3", "E4"]);
        assert_eq!(by(SortKey::Name, false), ["E2", "E3", "E1", "E4"]);
        assert_eq!(by(SortKey::Rate, true), ["E2", "E1", "E4", "E3"]);
        assert_eq!(by(SortKey::Count, false), ["E4", "E2", "E1", "E3"]);
        // A click on a new column: its natural order; again: reversed.
        let s = Sort::default().clicked(SortKey::Rate);
        assert!(s.descending);
        assert!(!s.clicked(SortKey::Rate).descending);
    }

    #[test]
    fn the_table_says_what_priority_is_ranked_by_and_marks_the_chosen_ward() {
        let w = wards();
        let html = html(&w, Sort::default(), "rate per 1,000 residents", Some("E2"));
        assert!(html.contains("Rank and priority (★, the top 2) are by rate per 1,000 residents."));
        assert!(html.contains("<tr data-code=\"E2\" aria-current=\"true\"><td>2 ★</td>"));
        assert!(html.contains("<th scope=\"col\" aria-sort=\"ascending\"><button type=\"button\" class=\"ward-sort\" data-key=\"rank\">Rank</button></th>"));
        assert!(
            html.contains("<td>fewer than"),
            "a withheld count reads as such: {html}"
        );
        assert_eq!(html.matches("class=\"ward-go\"").count(), 4);
    }
}
