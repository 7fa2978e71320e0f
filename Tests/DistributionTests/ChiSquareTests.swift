import Distribution
import Foundation
import Testing

@Suite("Chi-square goodness of fit and the regularised upper incomplete gamma function")
struct ChiSquareTests {
    static func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b), .leastNormalMagnitude)
    }

    @Test func criticalValuesGiveTheirLevels() {
        // Tabulated 5% and 1% critical values.
        #expect(abs(ChiSquare.pValue(3.84, degreesOfFreedom: 1) - 0.05) < 0.0002)
        #expect(abs(ChiSquare.pValue(3.841458820694124, degreesOfFreedom: 1) - 0.05) < 1e-9)
        #expect(abs(ChiSquare.pValue(5.99, degreesOfFreedom: 2) - 0.05) < 0.0002)
        #expect(abs(ChiSquare.pValue(5.991464547107979, degreesOfFreedom: 2) - 0.05) < 1e-9)
        #expect(abs(ChiSquare.pValue(6.634896601021214, degreesOfFreedom: 1) - 0.01) < 1e-9)
        #expect(abs(ChiSquare.pValue(18.307038053275146, degreesOfFreedom: 10) - 0.05) < 1e-8)
        #expect(abs(ChiSquare.pValue(9.487729036781154, degreesOfFreedom: 4) - 0.05) < 1e-9)
    }

    @Test func zeroStatisticIsCertain() {
        for dof in 1...20 { #expect(ChiSquare.pValue(0, degreesOfFreedom: dof) == 1) }
        #expect(ChiSquare.upperRegularizedGamma(2.5, 0) == 1)
    }

    /// Closed forms on both sides of x = a + 1, so the series and the continued fraction are both held to them.
    @Test func matchesClosedForms() {
        for x in [0.01, 0.3, 1, 1.9, 2.1, 5, 12, 40, 90] {
            // Q(1, x) = e^-x
            #expect(Self.close(ChiSquare.upperRegularizedGamma(1, x), exp(-x)))
            // Q(2, x) = e^-x (1 + x)
            #expect(Self.close(ChiSquare.upperRegularizedGamma(2, x), exp(-x) * (1 + x)))
            // Q(1/2, x) = erfc(√x)
            #expect(Self.close(ChiSquare.upperRegularizedGamma(0.5, x), erfc(x.squareRoot()), relative: 1e-8))
            // Q(3/2, x) = erfc(√x) + 2 √(x/π) e^-x
            #expect(Self.close(ChiSquare.upperRegularizedGamma(1.5, x), erfc(x.squareRoot()) + 2 * (x / .pi).squareRoot() * exp(-x), relative: 1e-8))
        }
    }

    @Test func tinyPValuesKeepTheirMagnitude() {
        // Two degrees of freedom: p = e^(-x/2) exactly.
        #expect(Self.close(ChiSquare.pValue(200, degreesOfFreedom: 2), exp(-100), relative: 1e-8))
        #expect(ChiSquare.pValue(2000, degreesOfFreedom: 5) >= 0)
        #expect(ChiSquare.pValue(2000, degreesOfFreedom: 5) < 1e-300)
    }

    @Test func pValueFallsAsTheStatisticGrows() {
        var previous = 1.0
        for x in stride(from: 0.5, through: 60, by: 0.5) {
            let p = ChiSquare.pValue(x, degreesOfFreedom: 3)
            #expect(p < previous)
            previous = p
        }
    }

    @Test func statisticOfASkewAgainstEqualShares() {
        let third = 1000.0 / 3
        #expect(Self.close(ChiSquare.statistic(observed: [600, 200, 200], expected: [third, third, third]), 320))
        #expect(ChiSquare.statistic(observed: [5, 5], expected: [5, 5]) == 0)
        // Categories without an expectation are left out rather than dividing by zero.
        #expect(ChiSquare.statistic(observed: [3, 0], expected: [3, 0]) == 0)
    }
}
