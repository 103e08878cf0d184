//! Responses the public role sees with small counts withheld.
//!
//! [`disclosed!`] declares such a response once and makes two types from
//! it: the one the server writes, whose fields are the disclosure types of
//! [`hotspot_core::public`] (so the threshold is applied by serialisation,
//! and a field added as a plain number is withheld by default), and the one
//! a reader receives, where every figure that may be withheld is an
//! `Option` (`null` when withheld) and the flags are plain booleans. The
//! reader's type is what the OpenAPI document describes and the map client
//! deserialises.

/// `disclosed! { /// doc  pub struct Reader / Writer { pub field: WriterType => ReaderType, … }
/// flags { /// doc  suppressed, … } }`. Flags say which counts are withheld:
/// written only when true (so only for the public role), read as `false`
/// when absent.
#[macro_export]
macro_rules! disclosed {
    (
        $(#[doc = $doc:literal])*
        pub struct $reader:ident / $writer:ident {
            $(
                $(#[doc = $fdoc:literal])*
                pub $field:ident : $wt:ty => $rt:ty
            ),* $(,)?
        }
        $(flags {
            $(
                $(#[doc = $gdoc:literal])*
                $flag:ident
            ),* $(,)?
        })?
    ) => {
        $(#[doc = $doc])*
        ///
        /// As a reader receives it: `null` where a figure is withheld from
        /// the public role.
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub struct $reader {
            $(
                $(#[doc = $fdoc])*
                pub $field: $rt,
            )*
            $($(
                $(#[doc = $gdoc])*
                #[serde(default, skip_serializing_if = "std::ops::Not::not")]
                pub $flag: bool,
            )*)?
        }

        $(#[doc = $doc])*
        ///
        /// As the server writes it, through the disclosure types.
        #[derive(Debug, Clone, serde::Serialize)]
        pub struct $writer {
            $(
                $(#[doc = $fdoc])*
                pub $field: $wt,
            )*
            $($(
                $(#[doc = $gdoc])*
                #[serde(skip_serializing_if = "hotspot_core::public::WithheldFlag::absent")]
                pub $flag: hotspot_core::public::WithheldFlag,
            )*)?
        }
    };
}

#[cfg(test)]
mod tests {
    use hotspot_core::public::{to_public_json, Count, WithheldFlag};
    use serde_json::json;

    use crate::responses::{MonthCount, MonthCountOut};

    fn month(n: u64) -> MonthCountOut {
        MonthCountOut {
            month: "2025-03".into(),
            count: Count(n),
            suppressed: WithheldFlag(Count(n)),
        }
    }

    /// What the server writes for the public role, a reader reads back:
    /// `None` and the flag where a count is withheld.
    #[test]
    fn the_reader_reads_what_the_writer_writes_for_each_role() {
        let public = to_public_json(&month(2), 3);
        assert_eq!(
            public,
            json!({"month": "2025-03", "count": null, "suppressed": true})
        );
        let read: MonthCount = serde_json::from_value(public).unwrap();
        assert_eq!((read.count, read.suppressed), (None, true));

        let shown = to_public_json(&month(40), 3);
        assert_eq!(shown, json!({"month": "2025-03", "count": 40}));
        let read: MonthCount = serde_json::from_value(shown).unwrap();
        assert_eq!((read.count, read.suppressed), (Some(40), false));

        let full = serde_json::to_value(month(2)).unwrap();
        assert_eq!(full, json!({"month": "2025-03", "count": 2}));
    }
}
