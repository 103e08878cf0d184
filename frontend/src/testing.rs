//! Test fixtures as the API's types, written as JSON with only the fields
//! a test is about.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// `T` from `partial`, the other fields as `T::default()` has them.
pub fn lenient<T: Default + Serialize + DeserializeOwned>(partial: Value) -> T {
    let mut base = serde_json::to_value(T::default()).expect("serialises");
    merge(&mut base, partial);
    serde_json::from_value(base).expect("the fixture fits the type")
}

fn merge(base: &mut Value, partial: Value) {
    match (base, partial) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, p) => *b = p,
    }
}
