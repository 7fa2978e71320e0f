/// Samples of the Prometheus text exposition format (version 0.0.4), read properly: comments and `# HELP`/`# TYPE`
/// lines skipped, label values with their escapes (`\\`, `\"`, `\n`), `+Inf`/`-Inf`/`NaN` values, optional
/// timestamps.
public enum PrometheusText {
    /// One sample line.
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    /// What is wrong with a line, and which.
    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Every sample of `text`.
    public static func parse(_ text: String) throws(Malformed) -> [Sample] {
        var samples: [Sample] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            samples.append(try sample(line, number: index + 1))
        }
        return samples
    }

    static func sample(_ line: Substring, number: Int) throws(Malformed) -> Sample {
        var rest = line[...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty, !(name.first?.isNumber ?? true) else { throw Malformed(line: number, reason: "no metric name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while true {
                rest = rest.drop { $0 == " " || $0 == "," }
                if rest.first == "}" {
                    rest = rest.dropFirst()
                    break
                }
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !key.isEmpty else { throw Malformed(line: number, reason: "a label without a name") }
                rest = rest.dropFirst(key.count)
                guard rest.first == "=", rest.dropFirst().first == "\"" else { throw Malformed(line: number, reason: "label \(key) has no quoted value") }
                rest = rest.dropFirst(2)
                var value = ""
                var closed = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if c == "\\" {
                        guard let escaped = rest.first else { break }
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else if c == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { throw Malformed(line: number, reason: "label \(key)'s value is not closed") }
                labels[String(key)] = value
            }
        }
        let fields = rest.split(separator: " ", omittingEmptySubsequences: true)
        guard let first = fields.first, fields.count <= 2 else { throw Malformed(line: number, reason: "expected a value (and an optional timestamp)") }
        let value: Double
        switch first {
        case "+Inf", "Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let number = Double(first) else { throw Malformed(line: number, reason: "'\(first)' is not a number") }
            value = number
        }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
