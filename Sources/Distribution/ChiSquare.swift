import Foundation

/// Pearson's chi-square goodness-of-fit test: how surprising observed counts are if traffic really were
/// shared as intended.
///
/// The live check reports the p-value next to the share ratio but does not fail on it alone: with
/// thousands of probes a harmless 2% deviation is "significant", and with a few dozen a real skew is not.
public enum ChiSquare {
    /// Σ (observed − expected)² / expected over the categories with a positive expectation.
    public static func statistic(observed: [Int], expected: [Double]) -> Double {
        precondition(observed.count == expected.count, "one expectation per observed count")
        return zip(observed, expected).reduce(0) { sum, pair in
            let (count, expectation) = pair
            guard expectation > 0 else { return sum }
            let difference = Double(count) - expectation
            return sum + difference * difference / expectation
        }
    }

    /// The probability of a statistic at least `x` under the null hypothesis, for `degreesOfFreedom` ≥ 1:
    /// Q(k/2, x/2), the regularised upper incomplete gamma function.
    public static func pValue(_ x: Double, degreesOfFreedom: Int) -> Double {
        precondition(degreesOfFreedom >= 1, "a chi-square distribution needs at least one degree of freedom")
        return upperRegularizedGamma(Double(degreesOfFreedom) / 2, x / 2)
    }

    /// Q(a, x) = Γ(a, x) / Γ(a) for a > 0: 1 at x ≤ 0, falling towards 0 as x grows.
    ///
    /// Below x = a + 1 the power series of the lower function P converges fast and Q = 1 − P; above it
    /// the continued fraction for Q does (evaluated with the modified Lentz method), and computing Q
    /// directly keeps tiny p-values accurate instead of losing them to 1 − P cancellation.
    public static func upperRegularizedGamma(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "Q(a, x) is defined here for a > 0")
        guard x > 0 else { return 1 }
        guard x.isFinite else { return 0 }
        if x < a + 1 {
            return min(1, max(0, 1 - lowerSeries(a, x)))
        }
        return min(1, max(0, upperContinuedFraction(a, x)))
    }

    /// e^(−x) x^a / Γ(a), the factor both expansions share, computed in logarithms to avoid overflow.
    static func prefactor(_ a: Double, _ x: Double) -> Double {
        exp(a * log(x) - x - lgamma(a))
    }

    /// P(a, x) = e^(−x) x^a / Γ(a) · Σₙ xⁿ / (a (a+1) … (a+n)).
    static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var denominator = a
        var term = 1 / a
        var sum = term
        for _ in 0..<10_000 {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * prefactor(a, x)
    }

    /// Q(a, x) = e^(−x) x^a / Γ(a) · 1 / (x + 1 − a − 1·(1 − a) / (x + 3 − a − 2·(2 − a) / (x + 5 − a − …))).
    static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for n in 1..<10_000 {
            let numerator = -Double(n) * (Double(n) - a)
            b += 2
            d = numerator * d + b
            if abs(d) < tiny { d = tiny }
            c = b + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            fraction *= step
            if abs(step - 1) < 1e-16 { break }
        }
        return fraction * prefactor(a, x)
    }
}
