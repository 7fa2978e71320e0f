import Foundation
import BalancerConfig

/// One word of an HAProxy or nginx configuration, with where it starts.
struct ConfigToken: Sendable, Equatable {
    var text: String
    var line: Int
    var column: Int

    func location(in file: String) -> ConfigLocation { ConfigLocation(file: file, line: line, column: column) }
}

/// Durations as HAProxy and nginx write them: a number and a unit suffix.
enum DurationSyntax {
    /// Reads `text` with the given units (suffix → seconds); a bare number is in `defaultUnit` seconds.
    static func parse(_ text: String, units: [(String, Double)], defaultUnit: Double) -> Duration? {
        var number = Substring(text)
        var scale = defaultUnit
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = seconds
            break
        }
        guard !number.isEmpty, number.allSatisfy(\.isNumber), let value = Double(number) else { return nil }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    /// HAProxy's units; a bare number is milliseconds.
    static func haproxy(_ text: String) -> Duration? {
        parse(text, units: [("us", 0.000_001), ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)], defaultUnit: 0.001)
    }

    /// nginx's units; a bare number is seconds.
    static func nginx(_ text: String) -> Duration? {
        parse(
            text, units: [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604_800), ("M", 2_592_000), ("y", 31_536_000)],
            defaultUnit: 1)
    }
}
