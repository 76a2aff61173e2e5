//! Exact money: fixed-point integers, never floats (rules.md rule 25).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Sub};

/// Units of money in one whole currency unit: amounts are kept in billionths, so every published
/// rate (four to six decimals) is exact and sums are identical in any order or thread count.
pub const SCALE: i128 = 1_000_000_000;
const SCALE_DIGITS: usize = 9;

/// An amount of money in billionths of the currency unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i128);

impl Money {
    /// No money: the sum of no charges.
    pub const ZERO: Money = Money(0);

    /// Parses a non-negative decimal such as `0.0132` or `12`, exactly.
    ///
    /// # Errors
    /// What was expected, when the text is not such a decimal or has more than nine decimals.
    pub fn parse(text: &str) -> Result<Money, String> {
        let t = text.trim();
        let bad = || format!("expected a non-negative decimal like 0.0132, found `{text}`");
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if (whole.is_empty() && frac.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac.len() > SCALE_DIGITS {
            return Err(format!("`{text}` has more than {SCALE_DIGITS} decimals; amounts are exact to 0.000000001"));
        }
        if whole.len() > 18 {
            return Err(format!("`{text}` is too large"));
        }
        let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let mut frac_value: i128 = 0;
        for (i, b) in frac.bytes().enumerate() {
            frac_value += i128::from(b - b'0') * 10_i128.pow((SCALE_DIGITS - 1 - i) as u32);
        }
        Ok(Money(whole * SCALE + frac_value))
    }

    /// `percent`% of this amount (the percentage itself a [`Money`]-scaled decimal), rounded to
    /// the nearest billionth, halves away from zero.
    #[must_use]
    pub fn percent(self, percent: Money) -> Money {
        let num = self.0 * percent.0;
        let den = 100 * SCALE;
        let q = num / den;
        let r = num % den;
        let round = if 2 * r.abs() >= den { num.signum() } else { 0 };
        Money(q + round)
    }

    /// A float view, for statistics and charts only (never for sums).
    #[must_use]
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }
}

impl fmt::Display for Money {
    /// The exact decimal, with at least two decimals and no trailing zeros beyond them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = abs / SCALE.unsigned_abs();
        let frac = abs % SCALE.unsigned_abs();
        let digits = format!("{frac:09}");
        let trimmed = digits.trim_end_matches('0');
        let shown = if trimmed.len() < 2 { &digits[..2] } else { trimmed };
        write!(f, "{sign}{whole}.{shown}")
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Mul<u64> for Money {
    type Output = Money;
    fn mul(self, rhs: u64) -> Money {
        Money(self.0 * i128::from(rhs))
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        let m = Money::parse("0.0132").unwrap();
        assert_eq!(m.0, 13_200_000);
        assert_eq!(m.to_string(), "0.0132");
        assert_eq!(Money::parse("12").unwrap().to_string(), "12.00");
        assert_eq!(Money::parse(".5").unwrap().to_string(), "0.50");
        assert_eq!(Money::parse("0.000000001").unwrap().0, 1);
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!((Money::ZERO - Money::parse("0.25").unwrap()).to_string(), "-0.25");
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for bad in ["", ".", "-1", "1e-3", "0.0000000001", "abc", "1.2.3", " 1 2"] {
            assert!(Money::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn sums_are_exact_where_floats_drift() {
        let rate = Money::parse("0.1").unwrap();
        let total: Money = std::iter::repeat_n(rate, 10).sum();
        assert_eq!(total, Money::parse("1").unwrap());
    }

    #[test]
    fn percent_rounds_half_away_from_zero() {
        let total = Money::parse("0.0975").unwrap();
        assert_eq!(total.percent(Money::parse("10").unwrap()).to_string(), "0.00975");
        let one_nano = Money(1);
        assert_eq!(one_nano.percent(Money::parse("50").unwrap()), Money(1));
        assert_eq!(one_nano.percent(Money::parse("49").unwrap()), Money(0));
    }
}
