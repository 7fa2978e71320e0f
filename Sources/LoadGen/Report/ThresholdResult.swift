import Foundation

/// One threshold judged against a report: the figure, the limit, and by how much it was missed.
public struct ThresholdResult: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The threshold as written, e.g. `p99<250ms`.
    public var threshold: String
    /// The measured value in the metric's unit; nil when the test could not measure it (e.g. no backend header).
    public var measured: Double?
    public var limit: Double
    public var unit: String
    public var holds: Bool

    /// How far the measured value is on the wrong side of the limit (0 when it holds).
    public var excess: Double {
        guard let measured, !holds else { return 0 }
        return abs(measured - limit)
    }

    enum CodingKeys: String, CodingKey {
        case threshold, measured, limit, unit, holds, excess
    }

    public init(threshold: String, measured: Double?, limit: Double, unit: String, holds: Bool) {
        self.threshold = threshold
        self.measured = measured
        self.limit = limit
        self.unit = unit
        self.holds = holds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        threshold = try c.decode(String.self, forKey: .threshold)
        measured = try c.decodeIfPresent(Double.self, forKey: .measured)
        limit = try c.decode(Double.self, forKey: .limit)
        unit = try c.decode(String.self, forKey: .unit)
        holds = try c.decode(Bool.self, forKey: .holds)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(threshold, forKey: .threshold)
        try c.encodeIfPresent(measured, forKey: .measured)
        try c.encode(limit, forKey: .limit)
        try c.encode(unit, forKey: .unit)
        try c.encode(holds, forKey: .holds)
        try c.encode(excess, forKey: .excess)
    }

    /// `p99<250ms: BROKEN, measured 312 ms, 62 ms (25%) over the limit 250 ms`, for the summary.
    public var description: String {
        guard let measured else { return "\(threshold): BROKEN, not measured (no data for this metric)" }
        let shown = Self.format(measured)
        if holds { return "\(threshold): ok (\(shown)\(unit))" }
        let side = measured > limit ? "over" : "under"
        let relative = limit != 0 && unit != "%" ? String(format: " (%.0f%%)", excess / abs(limit) * 100) : ""
        return "\(threshold): BROKEN, measured \(shown)\(unit), \(Self.format(excess))\(unit)\(relative) \(side) the limit \(Self.format(limit))\(unit)"
    }

    static func format(_ value: Double) -> String {
        if value.isInfinite { return "∞" }
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        return abs(value) >= 100 ? String(format: "%.1f", value) : String(format: "%.3g", value)
    }
}
