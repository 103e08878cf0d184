//! The ward briefing download in the ward panel:
//! `GET /api/wards/{code}/briefing?format=…&public=…` with the map's own
//! selection and comparison (the same parameters `/api/wards` gets, less the
//! map's `rank_by`, which the briefing does not take), so the file has the
//! figures the panel shows.
//!
//! The client builds a plain link (`<a href download>`): the browser sends
//! the session cookie and saves the attachment under the server's file name.
//! Who gets what mirrors `backend/server/src/briefing.rs`: the public role
//! only gets public briefings (asking for a full one is refused), partners
//! and above get the full one unless they ask for the public version, and
//! analysts' full briefings include incident points.

use crate::access::{Role, Session};
use crate::filters::{encode, url, Filters};
use crate::format::withheld_counts;

/// The briefing's file format (`format=`): the API's own option.
pub use hotspot_api::options::BriefingFormat;

/// A format's short name, in the download link.
fn format_name(f: BriefingFormat) -> &'static str {
    match f {
        BriefingFormat::Pdf => "PDF",
        BriefingFormat::Png => "PNG",
        BriefingFormat::Csv => "CSV",
        BriefingFormat::GeoPackage => "GeoPackage",
    }
}

/// The role may only have the public version (the checkbox is forced on).
pub fn public_forced(role: Role) -> bool {
    role < Role::Partner
}

/// The version asked for: public when the role needs it, else the person's
/// choice (partners and above default to the full briefing).
pub fn effective_public(role: Role, wish: bool) -> bool {
    public_forced(role) || wish
}

/// `/api/wards/{code}/briefing?…`: the map's selection and comparison as
/// `/api/wards` has them, then `format` and `public` (always explicit, so
/// the audit log and the server never guess).
pub fn briefing_url(f: &Filters, code: &str, format: BriefingFormat, public: bool) -> String {
    let mut p = f.ward_stats_pairs();
    p.push(("format", format.extension().to_string()));
    p.push(("public", public.to_string()));
    url(&format!("/api/wards/{}/briefing", encode(code)), &p)
}

/// The download link's text (its accessible name): which ward, which
/// format, which version.
pub fn link_text(ward_name: &str, format: BriefingFormat, public: bool) -> String {
    let version = if public { ", public version" } else { "" };
    format!(
        "Download {ward_name} briefing ({}{version})",
        format_name(format)
    )
}

/// What the chosen version holds, or why the public role has no choice
/// (shown under the checkbox and tied to it with `aria-describedby`).
pub fn note(session: &Session, public: bool) -> String {
    let withheld = withheld_counts();
    if public_forced(session.role) {
        let who = if session.signed_in() {
            "Your role gets"
        } else {
            "Without signing in you get"
        };
        return format!(
            "{who} the public version only: counts of {withheld} are withheld, and hotspot areas, interventions and incident points are left out. The full briefing needs the partner role."
        );
    }
    if public {
        format!(
            "Public version, safe to publish: counts of {withheld} withheld; no hotspot areas, interventions or incident points."
        )
    } else {
        let points = if session.role >= Role::Analyst {
            ", interventions and incident points"
        } else {
            " and interventions"
        };
        format!(
            "Full briefing, marked NOT FOR PUBLICATION: every count, with hotspot areas{points}."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::{parse_query, Compare, Measure};

    fn filters() -> Filters {
        let months: Vec<String> = (1..=12).map(|m| format!("2025-{m:02}")).collect();
        Filters::default_for(&months)
    }

    fn session(role: Role, user: Option<&str>) -> Session {
        Session {
            username: user.map(str::to_string),
            role,
            suppress_below: None,
        }
    }

    /// The briefing's query without `format` and `public`.
    fn selection_of(u: &str) -> Vec<(String, String)> {
        parse_query(u.split_once('?').map_or("", |(_, q)| q))
            .into_iter()
            .filter(|(k, _)| k != "format" && k != "public")
            .collect()
    }

    fn wards_selection_of(f: &Filters) -> Vec<(String, String)> {
        parse_query(f.wards_url().split_once('?').map_or("", |(_, q)| q))
            .into_iter()
            .filter(|(k, _)| k != "rank_by")
            .collect()
    }

    #[test]
    fn default_view_pdf() {
        let f = filters();
        assert_eq!(
            briefing_url(&f, "E05999006", BriefingFormat::Pdf, false),
            "/api/wards/E05999006/briefing?period=2025-07..2025-12&compare=previous&format=pdf&public=false"
        );
        assert_eq!(
            briefing_url(&f, "E05999006", BriefingFormat::GeoPackage, true),
            "/api/wards/E05999006/briefing?period=2025-07..2025-12&compare=previous&format=gpkg&public=true"
        );
    }

    #[test]
    fn carries_every_filter_as_the_wards_request_does() {
        let mut f = filters();
        f.group = "serious-acquisitive".into();
        f.crime_type = "Criminal damage and arson".into();
        f.source = "police.uk".into();
        f.compare = Compare::Year;
        f.measure = Measure::Rate;
        f.from = "2025-03".into();
        let u = briefing_url(&f, "E05999013", BriefingFormat::Csv, false);
        assert_eq!(
            u,
            "/api/wards/E05999013/briefing?period=2025-03..2025-12&group=serious-acquisitive&type=Criminal%20damage%20and%20arson&source=police.uk&compare=year&format=csv&public=false"
        );
        // The map's ranking is not a briefing parameter (the server refuses it).
        assert!(!u.contains("rank_by"));
        assert_eq!(selection_of(&u), wards_selection_of(&f));
    }

    #[test]
    fn comparison_follows_the_map() {
        let mut f = filters();
        f.compare = Compare::None;
        let u = briefing_url(&f, "E05999013", BriefingFormat::Pdf, true);
        assert!(!u.contains("compare="));
        assert_eq!(selection_of(&u), wards_selection_of(&f));
        // % change asks /api/wards for the previous period: the briefing too.
        f.measure = Measure::Change;
        let u = briefing_url(&f, "E05999013", BriefingFormat::Pdf, true);
        assert!(u.contains("&compare=previous&"));
        assert_eq!(selection_of(&u), wards_selection_of(&f));
        // A single month.
        f.from = "2025-12".into();
        let u = briefing_url(&f, "E05999013", BriefingFormat::Png, true);
        assert!(u.starts_with("/api/wards/E05999013/briefing?period=2025-12..2025-12&"));
    }

    #[test]
    fn odd_codes_are_encoded() {
        let u = briefing_url(&filters(), "A B/C", BriefingFormat::Pdf, true);
        assert!(u.starts_with("/api/wards/A%20B%2FC/briefing?"));
    }

    /// The page's format choices are the API's names, each round trip.
    #[test]
    fn formats_round_trip() {
        let page = include_str!("../web/index.html");
        let select = &page[page.find("id=\"b-format\"").unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        let values: Vec<&str> = select
            .split("value=\"")
            .skip(1)
            .map(|v| &v[..v.find('"').unwrap()])
            .collect();
        assert_eq!(values.len(), 4, "{select}");
        for v in values {
            let f: BriefingFormat = v.parse().unwrap();
            assert_eq!(f.extension(), v);
        }
        assert!("docx".parse::<BriefingFormat>().is_err());
        assert_eq!(BriefingFormat::default(), BriefingFormat::Pdf);
    }

    #[test]
    fn public_role_only_gets_the_public_version() {
        assert!(public_forced(Role::Public));
        assert!(effective_public(Role::Public, false));
        for r in [Role::Partner, Role::Analyst, Role::Admin] {
            assert!(!public_forced(r));
            assert!(
                !effective_public(r, false),
                "{r:?} defaults to the full briefing"
            );
            assert!(effective_public(r, true));
        }
    }

    #[test]
    fn notes_say_why_and_what() {
        let anon = note(&session(Role::Public, None), true);
        assert!(anon.starts_with("Without signing in"), "{anon}");
        assert!(anon.contains("counts of 1 or 2 are withheld"));
        assert!(anon.contains("needs the partner role"));
        let signed = note(&session(Role::Public, Some("pat")), true);
        assert!(signed.starts_with("Your role gets the public version only"));
        let partner = note(&session(Role::Partner, Some("p")), false);
        assert!(partner.contains("NOT FOR PUBLICATION"));
        assert!(!partner.contains("incident points"));
        assert!(note(&session(Role::Analyst, Some("a")), false).contains("incident points"));
        assert!(note(&session(Role::Partner, Some("p")), true).starts_with("Public version"));
    }

    #[test]
    fn link_text_names_the_ward_format_and_version() {
        assert_eq!(
            link_text("Castle", BriefingFormat::Pdf, false),
            "Download Castle briefing (PDF)"
        );
        assert_eq!(
            link_text("Castle", BriefingFormat::GeoPackage, true),
            "Download Castle briefing (GeoPackage, public version)"
        );
    }
}
