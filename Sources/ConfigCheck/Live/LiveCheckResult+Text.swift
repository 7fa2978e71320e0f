import Foundation

extension LiveCheckResult {
    /// The result for people: a table of backends, the ratio and the test, then the verdict and why.
    ///
    /// ```text
    /// live check of http://127.0.0.1:8080/: 1000 probes, 1000 responses (0 without a backend header), 0 failed
    ///   backend      responses  observed  intended  ratio
    ///   replica-1          600       60%       33%   1.80
    ///   …
    /// max share ratio 1.80 (tolerance 1.20); chi-square 240.00 with 2 degrees of freedom, p = 8.2e-53
    /// FAIL: replica-1 got 60% of responses against an intended 33% (×1.80, tolerance ×1.20)
    /// ```
    public var text: String {
        let failed = failures.values.reduce(0, +)
        var out = "live check of \(target): \(probes) probes, \(responses) responses (\(unattributed) without a backend header), \(failed) failed\n"
        if !failures.isEmpty {
            out += "  failures: " + failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        let nonSuccess = statuses.filter { !(200..<400).contains(Int($0.key) ?? 0) }
        if !nonSuccess.isEmpty {
            out += "  statuses: " + statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        let width = max(7, backends.map(\.name.count).max() ?? 0)
        out += "  " + "backend".padded(width) + "  responses  observed  intended  ratio\n"
        for backend in backends {
            let ratio = backend.ratio.map { String(format: "%.2f", $0) } ?? "-"
            let mark: String
            switch backend.standing {
            case .intended, .idle: mark = ""
            case .silent: mark = "  no responses"
            case .unexpected: mark = "  not in the intended set"
            }
            out += "  " + backend.name.padded(width) + String(format: "  %9d", backend.responses)
                + "\(Percent(backend.observedShare))".leftPadded(10) + "\(Percent(backend.intendedShare))".leftPadded(10)
                + ratio.leftPadded(7) + mark + "\n"
        }
        var summary = "max share ratio " + (maxShareRatio.map { String(format: "%.2f", $0) } ?? "-")
            + " (tolerance " + String(format: "%.2f", tolerance) + ")"
        if let chiSquare, let pValue {
            let dof = degreesOfFreedom == 1 ? "1 degree" : "\(degreesOfFreedom) degrees"
            summary += "; chi-square " + String(format: "%.2f", chiSquare) + " with \(dof) of freedom, p = " + Self.pText(pValue)
        }
        out += summary + "\n"
        for note in notes { out += "note: \(note)\n" }
        switch verdict {
        case .pass: out += "PASS: traffic is shared as intended\n"
        case .fail: out += problems.map { "FAIL: \($0)\n" }.joined()
        }
        return out
    }

    /// A p-value: 3 significant digits, scientific below 0.001.
    static func pText(_ p: Double) -> String {
        p >= 0.001 ? String(format: "%.3f", p) : String(format: "%.1e", p)
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
