extension RateProfile {
    /// An option of `evenkeel load` that does not describe a rate profile, said as the option and what it needs.
    public struct InvalidOption: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// The profile the load options describe, the first given of `--ramp FROM:TO`, `--steps R1,R2,…` (each held
    /// `stepSeconds`), `--spike BASE:FACTOR:START:LENGTH` and `--rate R`; nil when none is.
    public static func fromOptions(
        ramp: String? = nil, steps: String? = nil, stepSeconds: Double = 10, spike: String? = nil, rate: Double? = nil
    ) throws(InvalidOption) -> RateProfile? {
        func numbers(_ text: String, _ count: Int, _ name: String) throws(InvalidOption) -> [Double] {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            let values = parts.compactMap { Double($0) }
            guard parts.count == count, values.count == count, values.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw InvalidOption(description: "--\(name) \(text): expected \(count) non-negative numbers separated by ':'")
            }
            return values
        }
        if let ramp {
            let values = try numbers(ramp, 2, "ramp")
            return .ramp(from: values[0], to: values[1])
        }
        if let steps {
            let parts = steps.split(separator: ",", omittingEmptySubsequences: false)
            let rates = parts.compactMap { Double($0) }.filter { $0 >= 0 && $0.isFinite }
            guard !rates.isEmpty, rates.count == parts.count, stepSeconds > 0 else {
                throw InvalidOption(description: "--steps \(steps): expected rates separated by commas (and a positive --step-seconds)")
            }
            return .steps(rates: rates, step: stepSeconds)
        }
        if let spike {
            let values = try numbers(spike, 4, "spike")
            return .spike(base: values[0], factor: values[1], start: values[2], length: values[3])
        }
        if let rate {
            guard rate > 0, rate.isFinite else { throw InvalidOption(description: "--rate \(rate): expected a positive number of requests a second") }
            return .constant(rate: rate)
        }
        return nil
    }
}
