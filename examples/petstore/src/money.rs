//! The crate's own types that `apigen.toml` puts in place of the document's.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money, kept as its decimal text (the `Money` schema's replacement).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount, such as `9.50`.
    pub amount: String,
    /// The ISO 4217 currency code.
    pub currency: String,
}

impl Money {
    /// `amount` of `currency`.
    pub fn new(amount: &str, currency: &str) -> Self {
        Self {
            amount: amount.to_owned(),
            currency: currency.to_owned(),
        }
    }
}

/// A calendar day (year, month, day), what `format: date` maps to here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd)]
pub struct Day(pub i32, pub u8, pub u8);

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0, self.1, self.2)
    }
}

impl std::str::FromStr for Day {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.splitn(3, '-');
        let mut next = || {
            parts
                .next()
                .ok_or_else(|| format!("`{text}` is not a date"))
        };
        let year = next()?
            .parse()
            .map_err(|_| format!("`{text}` is not a date"))?;
        let month = next()?
            .parse()
            .map_err(|_| format!("`{text}` is not a date"))?;
        let day = next()?
            .parse()
            .map_err(|_| format!("`{text}` is not a date"))?;
        Ok(Self(year, month, day))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
