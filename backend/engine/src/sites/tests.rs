use std::sync::Arc;

use hotspot_core::harm::HarmIndex;

use crate::columns::NONE;
use crate::test_support::{scatter, scatter_selections};
use crate::{EngineError, Selection, Weighting};

fn harm(default: Option<f64>) -> Weighting {
    Weighting::Harm(Arc::new(HarmIndex {
        name: "t".into(),
        source: "s".into(),
        weights: [("Burglary".to_string(), 10.0), ("Drugs".to_string(), 3.0)].into(),
        default,
    }))
}

/// The tally read from the site lists equals the selection counted (and
/// weighed) incident by incident, for every kind of selection.
#[test]
fn a_tally_equals_the_selection_counted_one_by_one() {
    let ds = scatter();
    for mut sel in scatter_selections() {
        for weighting in [Weighting::Count, harm(Some(0.5))] {
            sel.weighting = weighting;
            let tally = ds.tally_places(&sel).unwrap();
            let picked = ds.select(&sel).unwrap();
            let weights = ds.weights(&sel.weighting, &picked).unwrap();
            let mut counts = vec![0u32; ds.cols.places.len()];
            let mut weighed = vec![0.0; ds.cols.places.len()];
            let mut unlocated = 0;
            for (i, &k) in picked.iter().enumerate() {
                match ds.cols.place[k] {
                    NONE => unlocated += 1,
                    p => {
                        counts[p as usize] += 1;
                        weighed[p as usize] += weights.as_ref().map_or(1.0, |w| w[i]);
                    }
                }
            }
            assert_eq!(tally.counts, counts, "{sel:?}");
            assert_eq!(tally.unlocated, unlocated, "{sel:?}");
            assert_eq!(tally.located() + unlocated, picked.len() as u64);
            for (p, want) in weighed.iter().enumerate() {
                assert!((tally.weight(p) - want).abs() < 1e-9, "{sel:?} site {p}");
            }
        }
    }
}

#[test]
fn the_unlocated_count_only_where_no_ward_or_box_is_asked() {
    let ds = scatter();
    let all = ds.tally_places(&Selection::default()).unwrap();
    assert_eq!(all.unlocated, ds.overview().unlocated);
    assert!(all.unlocated > 0);
    let in_ward = Selection {
        area: Some("W1".into()),
        ..Default::default()
    };
    assert_eq!(ds.tally_places(&in_ward).unwrap().unlocated, 0);
}

/// A harm index without a weight for a selected type is refused, as a
/// weighted surface of the same selection is, even when only incidents
/// without a location are of that type.
#[test]
fn a_harm_index_missing_a_selected_type_is_refused() {
    let ds = scatter();
    let sel = Selection {
        weighting: harm(None),
        ..Default::default()
    };
    let e = ds.tally_places(&sel).err().unwrap();
    assert!(matches!(e, EngineError::InvalidParameter(_)), "{e}");
    assert!(e.to_string().contains("\"Robbery\""), "{e}");
    let weighed_types = Selection {
        types: vec!["Burglary".into(), "Drugs".into()],
        weighting: harm(None),
        ..Default::default()
    };
    assert!(ds.tally_places(&weighed_types).is_ok());
}
