//! The papers' metrics, computed the same way for every design.

/// Impermanent loss, 2026 eq.25: `V_pool / V_hold − 1`.
pub fn il(pool: f64, hold: f64) -> f64 {
    if hold > 0.0 {
        pool / hold - 1.0
    } else {
        f64::NAN
    }
}

/// IL of constant product at price ratio `r` (2025 eq.14): `2√r/(1 + r) − 1`.
pub fn il_constant_product(r: f64) -> f64 {
    2.0 * r.sqrt() / (1.0 + r) - 1.0
}

/// Coefficient of variation (population standard deviation over mean).
pub fn cv(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (mut n, mut sum, mut sq) = (0.0f64, 0.0f64, 0.0f64);
    for x in xs {
        n += 1.0;
        sum += x;
        sq += x * x;
    }
    if n == 0.0 || sum == 0.0 {
        return f64::NAN;
    }
    let mean = sum / n;
    let var = (sq / n - mean * mean).max(0.0);
    var.sqrt() / mean.abs()
}

/// Price stability as the papers define it: `1 − CV(π)`.
pub fn stability(xs: impl IntoIterator<Item = f64>) -> f64 {
    1.0 - cv(xs)
}

/// Median (NaN for an empty sample).
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Mean (NaN for an empty sample).
pub fn mean(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (mut n, mut s) = (0.0, 0.0);
    for x in xs {
        n += 1.0;
        s += x;
    }
    if n == 0.0 {
        f64::NAN
    } else {
        s / n
    }
}

/// Compound a return over `days` to a year.
pub fn annualise(r: f64, days: f64) -> f64 {
    if days <= 0.0 {
        return f64::NAN;
    }
    (1.0 + r).powf(365.0 / days) - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_series_has_zero_cv() {
        assert_eq!(cv([3.0; 100]), 0.0);
        assert_eq!(stability([7.5; 10]), 1.0);
    }

    #[test]
    fn cv_of_known_series() {
        // 1 and 3: mean 2, population sd 1.
        assert!((cv([1.0, 3.0]) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn constant_product_il_at_two() {
        assert!((il_constant_product(2.0) + 0.0572).abs() < 5e-5);
        assert!((il_constant_product(5.0) + 0.2546).abs() < 5e-5);
        assert!((il_constant_product(10.0) + 0.4250).abs() < 5e-5);
        assert_eq!(il_constant_product(1.0), 0.0);
    }

    #[test]
    fn median_and_annualise() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert!((annualise(0.1, 365.0) - 0.1).abs() < 1e-12);
    }
}
