//! Crime groups: the categories Community Safety Partnerships plan by, built
//! from published crime types and partner sources, and configurable in TOML.

use serde::{Deserialize, Serialize};

/// One group, e.g. serious acquisitive crime = Burglary + Vehicle crime + Robbery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrimeGroup {
    /// Stable identifier used in URLs and on the command line, e.g. `serious-acquisitive`.
    pub id: String,
    /// Human name, e.g. "Serious acquisitive crime".
    pub name: String,
    /// Crime types (matched case-insensitively) that belong to the group.
    #[serde(default)]
    pub types: Vec<String>,
    /// Sources whose every record belongs to the group, e.g. `fly-tipping`.
    #[serde(default)]
    pub sources: Vec<String>,
}

impl CrimeGroup {
    /// Whether a record with this category and source belongs to the group.
    pub fn matches(&self, category: &str, source: &str) -> bool {
        self.types.iter().any(|t| t.eq_ignore_ascii_case(category))
            || self.sources.iter().any(|s| s.eq_ignore_ascii_case(source))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GroupsError {
    #[error("crime groups file: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("crime groups file: duplicate group id {0:?}")]
    DuplicateId(String),
    #[error("crime groups file: group id {0:?} must be lowercase letters, digits and '-'")]
    BadId(String),
}

/// The configured set of groups.
///
/// ```
/// use hotspot_core::CrimeGroups;
/// let groups = CrimeGroups::default();
/// let sac = groups.get("serious-acquisitive").unwrap();
/// assert!(sac.matches("Burglary", "police.uk"));
/// assert!(!sac.matches("Shoplifting", "police.uk"));
///
/// let custom = CrimeGroups::from_toml(r#"
///     [[group]]
///     id = "environmental"
///     name = "Environmental ASB"
///     sources = ["fly-tipping"]
/// "#).unwrap();
/// assert!(custom.get("environmental").unwrap().matches("Dumped rubbish", "Fly-tipping"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrimeGroups {
    #[serde(rename = "group")]
    groups: Vec<CrimeGroup>,
}

impl CrimeGroups {
    pub fn from_toml(text: &str) -> Result<Self, GroupsError> {
        let parsed: CrimeGroups = toml::from_str(text)?;
        parsed.validate()?;
        Ok(parsed)
    }

    fn validate(&self) -> Result<(), GroupsError> {
        let mut seen = std::collections::HashSet::new();
        for g in &self.groups {
            let ok = !g.id.is_empty()
                && g.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(GroupsError::BadId(g.id.clone()));
            }
            if !seen.insert(g.id.as_str()) {
                return Err(GroupsError::DuplicateId(g.id.clone()));
            }
        }
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&CrimeGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &CrimeGroup> {
        self.groups.iter()
    }

    /// Adds a group for a partner source that no configured group covers,
    /// so that every loaded source can be filtered on.
    pub fn ensure_source_group(&mut self, source: &str) {
        if self
            .groups
            .iter()
            .any(|g| g.sources.iter().any(|s| s.eq_ignore_ascii_case(source)))
        {
            return;
        }
        let id: String = source
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let id = format!("source-{}", id.trim_matches('-'));
        if self.get(&id).is_none() {
            self.groups.push(CrimeGroup {
                id,
                name: source.to_string(),
                types: vec![],
                sources: vec![source.to_string()],
            });
        }
    }

    /// The groups in TOML, e.g. to write a starting configuration to edit.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("groups serialise")
    }
}

impl Default for CrimeGroups {
    /// Groups used by English CSPs, keyed to police.uk's 14 crime types.
    fn default() -> Self {
        let g = |id: &str, name: &str, types: &[&str]| CrimeGroup {
            id: id.into(),
            name: name.into(),
            types: types.iter().map(|t| t.to_string()).collect(),
            sources: vec![],
        };
        CrimeGroups {
            groups: vec![
                g(
                    "serious-acquisitive",
                    "Serious acquisitive crime",
                    &["Burglary", "Vehicle crime", "Robbery"],
                ),
                g(
                    "violence-sexual",
                    "Violence and sexual offences",
                    &["Violence and sexual offences"],
                ),
                g("asb", "Anti-social behaviour", &["Anti-social behaviour"]),
                g(
                    "criminal-damage-arson",
                    "Criminal damage and arson",
                    &["Criminal damage and arson"],
                ),
                g("public-order", "Public order", &["Public order"]),
                g("shoplifting", "Shoplifting", &["Shoplifting"]),
                g("drugs", "Drugs", &["Drugs"]),
                g(
                    "other-theft",
                    "Other theft",
                    &["Other theft", "Bicycle theft", "Theft from the person"],
                ),
                g(
                    "weapons-other",
                    "Weapons and other crime",
                    &["Possession of weapons", "Other crime"],
                ),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_groups_round_trip_through_toml() {
        let d = CrimeGroups::default();
        assert_eq!(CrimeGroups::from_toml(&d.to_toml()).unwrap(), d);
    }

    #[test]
    fn rejects_duplicate_and_bad_ids() {
        let dup = "[[group]]\nid='a'\nname='A'\n[[group]]\nid='a'\nname='B'\n";
        assert!(matches!(
            CrimeGroups::from_toml(dup),
            Err(GroupsError::DuplicateId(_))
        ));
        let bad = "[[group]]\nid='Has Space'\nname='A'\n";
        assert!(matches!(
            CrimeGroups::from_toml(bad),
            Err(GroupsError::BadId(_))
        ));
    }

    #[test]
    fn partner_sources_get_a_group() {
        let mut g = CrimeGroups::default();
        g.ensure_source_group("A&E assaults");
        let grp = g.get("source-a-e-assaults").unwrap();
        assert!(grp.matches("Assault", "A&E assaults"));
        let n = g.iter().count();
        g.ensure_source_group("a&e assaults");
        assert_eq!(g.iter().count(), n);
    }
}
