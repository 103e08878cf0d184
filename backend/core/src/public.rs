//! Small-count suppression as a type.
//!
//! Aggregates reach the public role only through [`to_public_json`], whose
//! rule is **default-deny**: every number and boolean in the output is
//! withheld (becomes `null`) unless its type says how it may be shown:
//!
//! * [`Count`]: a count of incidents, withheld when it is 1 up to the
//!   threshold ([`withheld`](crate::disclosure::withheld));
//! * [`Derived`]: a figure computed from counts (a rate, share, change,
//!   p-value, rank...), withheld whenever any count it comes from is;
//! * [`Open`]: a value that identifies no one (a population, a number of
//!   days, a flag), always shown.
//!
//! So a field added later as a plain number cannot reach the public
//! unsuppressed: it is withheld until someone decides what it derives from.
//! Strings (codes, names, labels, months) and GeoJSON `geometry` pass as
//! they are.
//!
//! For every other role the same types serialise as their plain values, so
//! one response type serves all roles.
//!
//! ```
//! use hotspot_core::public::{to_public_json, Count, Derived, Open};
//! #[derive(serde::Serialize)]
//! struct Ward { name: String, population: Open<f64>, count: Count, rate: Derived<f64>, added_later: f64 }
//! let count = Count(2);
//! let ward = Ward { name: "Castle".into(), population: Open(9000.0), count,
//!                   rate: Derived::new(0.22, &[count]), added_later: 7.0 };
//! let v = to_public_json(&ward, 3);
//! assert_eq!(v["name"], "Castle");
//! assert_eq!(v["population"], 9000.0);
//! assert!(v["count"].is_null() && v["rate"].is_null() && v["added_later"].is_null());
//! assert_eq!(serde_json::to_value(&ward).unwrap()["count"], 2); // in full for others
//! ```

use std::cell::Cell;

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::disclosure::withheld;

thread_local! {
    /// The threshold while [`to_public_json`] serialises; `None` otherwise.
    static PUBLIC_THRESHOLD: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The key a disclosed value is wrapped in while [`to_public_json`] runs; no
/// real field has it.
const MARK: &str = "\u{1}disclosed";

/// A count of incidents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(pub u64);

/// A figure derived from counts: shown only when none of them is withheld.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived<T> {
    pub value: T,
    /// The counts it derives from (at most a few; copied, not borrowed).
    pub from: Vec<Count>,
}

impl<T> Derived<T> {
    pub fn new(value: T, from: &[Count]) -> Self {
        Derived {
            value,
            from: from.to_vec(),
        }
    }
}

/// A value that identifies no one: always shown.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Open<T>(pub T);

fn threshold() -> Option<u64> {
    PUBLIC_THRESHOLD.with(Cell::get)
}

/// Serialises `value` plainly, or marked as disclosable (`Some`) or
/// withheld (`None`) while a public serialisation runs.
fn disclose<S: Serializer, T: Serialize>(
    s: S,
    value: &T,
    shown: impl Fn(u64) -> bool,
) -> Result<S::Ok, S::Error> {
    match threshold() {
        None => value.serialize(s),
        Some(t) => {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(1))?;
            if shown(t) {
                m.serialize_entry(MARK, value)?;
            } else {
                m.serialize_entry(MARK, &())?;
            }
            m.end()
        }
    }
}

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        disclose(s, &self.0, |t| !withheld(self.0 as f64, t))
    }
}

impl<T: Serialize> Serialize for Derived<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        disclose(s, &self.value, |t| {
            self.from.iter().all(|c| !withheld(c.0 as f64, t))
        })
    }
}

impl<T: Serialize> Serialize for Open<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        disclose(s, &self.0, |_| true)
    }
}

/// Resets the threshold even if serialisation panics.
struct PublicScope(Option<u64>);

impl Drop for PublicScope {
    fn drop(&mut self) {
        PUBLIC_THRESHOLD.with(|c| c.set(self.0));
    }
}

/// `true` where a count is withheld from the public, so a reader knows why
/// a figure is missing; the field is left out otherwise, and for every other
/// role (`#[serde(skip_serializing_if = "WithheldFlag::absent")]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WithheldFlag(pub Count);

impl WithheldFlag {
    pub fn absent(&self) -> bool {
        !threshold().is_some_and(|t| withheld(self.0 .0 as f64, t))
    }
}

impl Serialize for WithheldFlag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Open(!self.absent()).serialize(s)
    }
}

/// `value` as the public role may see it, with counts below `threshold`
/// withheld together with what derives from them (see the module docs).
pub fn to_public_json<T: Serialize + ?Sized>(value: &T, threshold: u64) -> Value {
    public_json_of(threshold, || {
        serde_json::to_value(value).expect("response types serialise to JSON")
    })
}

/// The JSON that `build` makes, as the public role may see it: for output
/// assembled as JSON values (a GeoJSON collection whose properties are
/// serialised from the types above), which must be built inside the scope.
pub fn public_json_of(threshold: u64, build: impl FnOnce() -> Value) -> Value {
    let _scope = PublicScope(PUBLIC_THRESHOLD.with(|c| c.replace(Some(threshold))));
    unmark(build())
}

/// Unwraps disclosed values and withholds every other number and boolean.
fn unmark(v: Value) -> Value {
    match v {
        Value::Object(mut o) => {
            if o.len() == 1 && o.contains_key(MARK) {
                return o.remove(MARK).expect("checked");
            }
            let mut out = Map::with_capacity(o.len());
            for (k, v) in o {
                // GeoJSON geometry (ward boundaries) is public.
                let v = if k == "geometry" { v } else { unmark(v) };
                out.insert(k, v);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(unmark).collect()),
        Value::Number(_) | Value::Bool(_) => Value::Null,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Row {
        code: &'static str,
        count: Count,
        comparison_count: Option<Count>,
        change_pct: Derived<Option<f64>>,
        suppressed: Open<bool>,
        /// A field someone adds later without deciding how to disclose it.
        new_figure: f64,
        nested: Vec<Count>,
    }

    fn row(count: u64, comparison: u64) -> Row {
        let (c, p) = (Count(count), Count(comparison));
        Row {
            code: "E05013246",
            count: c,
            comparison_count: Some(p),
            change_pct: Derived::new(Some(12.5), &[c, p]),
            suppressed: Open(withheld(count as f64, 3)),
            new_figure: 1.5,
            nested: vec![Count(1), Count(0), Count(40)],
        }
    }

    #[test]
    fn a_field_added_without_a_disclosure_type_is_withheld_from_the_public() {
        let v = to_public_json(&row(40, 50), 3);
        assert_eq!(v["count"], 40);
        assert!(v["new_figure"].is_null(), "{v}");
        // Everyone else sees it.
        assert_eq!(
            serde_json::to_value(row(40, 50)).unwrap()["new_figure"],
            1.5
        );
    }

    #[test]
    fn small_counts_and_everything_derived_from_them_are_withheld() {
        let v = to_public_json(&row(40, 2), 3);
        assert_eq!(
            (v["count"].clone(), v["code"].clone()),
            (40.into(), "E05013246".into())
        );
        assert!(v["comparison_count"].is_null() && v["change_pct"].is_null());
        assert_eq!(v["suppressed"], false);
        assert_eq!(v["nested"], serde_json::json!([null, 0, 40]));
        let v = to_public_json(&row(1, 50), 3);
        assert!(v["count"].is_null() && v["change_pct"].is_null());
        assert_eq!(
            (v["comparison_count"].clone(), v["suppressed"].clone()),
            (50.into(), true.into())
        );
    }

    #[test]
    fn outside_a_public_serialisation_values_are_plain() {
        let v = serde_json::to_value(row(1, 2)).unwrap();
        assert_eq!(
            (v["count"].clone(), v["change_pct"].clone()),
            (1.into(), 12.5.into())
        );
        // And the threshold does not leak out of a public one.
        let _ = to_public_json(&row(1, 2), 3);
        assert_eq!(serde_json::to_value(Count(1)).unwrap(), 1);
    }
}
