import BalancerConfig
import Foundation
import Yams

/// Turns scenario YAML into a ``Scenario``, failing with a ``ScenarioError`` located at the faulty value.
enum ScenarioReader {
    static let rootSection = "the scenario"
    static let rootKeys = ["requests", "values", "profile", "duration", "max_requests", "connections"]
    static let requestKeys = ["name", "method", "path", "headers", "body", "weight", "values"]
    static let shapes: [String: [String]] = [
        "constant": ["shape", "rate"], "ramp": ["shape", "from", "to"], "steps": ["shape", "rates", "step_seconds"],
        "spike": ["shape", "base", "factor", "start", "length"],
    ]
    static let rateRange = 0.0...1_000_000

    static func load(contentsOf path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try parse(yaml: text, file: path)
    }

    static func parse(yaml: String, file: String) throws(ScenarioError) -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw .syntax(ConfigLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
        guard let root else { throw .missingKey(ConfigLocation(file: file, line: 1, column: 1), key: "requests", section: rootSection) }
        let top = try ScenarioMapping(root, section: rootSection, file: file, known: rootKeys)
        let values = try readValues(top.node("values"), section: "values", file: file)
        guard let requestNodes = top.node("requests") else { throw .missingKey(top.location, key: "requests", section: rootSection) }
        guard let items = requestNodes.sequence, !items.isEmpty else {
            throw .wrongType(top.location("requests"), key: "requests", expected: "a non-empty list of requests")
        }
        var templates: [RequestTemplate] = []
        for (index, item) in items.enumerated() {
            templates.append(try readRequest(item, index: index, shared: values, file: file))
        }
        if templates.allSatisfy({ $0.weight == 0 }) {
            throw .invalidValue(top.location("requests"), key: "requests", value: "all weights 0", expected: "at least one request with weight above 0")
        }
        return Scenario(
            mix: RequestMix(entries: templates.map(\.entry)),
            profile: try top.node("profile").map { node throws(ScenarioError) in try readProfile(node, file: file) },
            duration: try top.number("duration", in: 0...86_400, excludingLower: true),
            maxRequests: try top.integer("max_requests", in: 1...Int.max),
            connections: try top.integer("connections", in: 1...10_000))
    }

    static func syntaxError(_ error: YamlError, file: String) -> ScenarioError {
        func at(_ mark: Mark) -> ConfigLocation { ConfigLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return .syntax(at(mark), problem: context.map { "\(problem) (\($0.text))" } ?? problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .syntax(at(context.mark), problem: "duplicate keys \(duplicates.joined(separator: ", ")) in one mapping")
        default:
            return .syntax(ConfigLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
    }

    /// `values:`: each name maps to a list of values or to `{min: N, max: M}`.
    static func readValues(_ node: Node?, section: String, file: String) throws(ScenarioError) -> [String: ValueSource] {
        guard let node else { return [:] }
        let expected = "a list of values, e.g. [a, b], or an integer range {min: 1, max: 100}"
        guard let mapping = node.mapping else {
            throw .wrongType(ScenarioMapping.location(of: node, file: file), key: section, expected: "a mapping of names to value lists or ranges")
        }
        var values: [String: ValueSource] = [:]
        for (key, value) in mapping {
            let name = key.scalar?.string ?? ""
            let here = ScenarioMapping.location(of: value, file: file)
            if let items = value.sequence {
                let texts = items.compactMap { $0.scalar?.string }
                guard !texts.isEmpty, texts.count == items.count else {
                    throw .invalidValue(here, key: "\(section).\(name)", value: "\(items.count) items", expected: "a non-empty list of plain values")
                }
                values[name] = .list(texts)
            } else if value.mapping != nil {
                let range = try ScenarioMapping(value, section: "\(section).\(name)", file: file, known: ["min", "max"])
                let low = try range.required("min") { key throws(ScenarioError) in try range.integer(key, in: Int.min...Int.max) }
                let high = try range.required("max") { key throws(ScenarioError) in try range.integer(key, in: Int.min...Int.max) }
                guard low <= high else {
                    throw .invalidValue(range.location("max"), key: range.path("max"), value: String(high), expected: "at least min (\(low))")
                }
                values[name] = .range(low...high)
            } else {
                throw .wrongType(here, key: "\(section).\(name)", expected: expected)
            }
        }
        return values
    }

    static func readRequest(_ node: Node, index: Int, shared: [String: ValueSource], file: String) throws(ScenarioError) -> RequestTemplate {
        let section = "requests[\(index)]"
        let request = try ScenarioMapping(node, section: section, file: file, known: requestKeys)
        let values = shared.merging(try readValues(request.node("values"), section: "\(section).values", file: file)) { $1 }
        var slotNames: [String] = []
        func template(_ text: String, at location: ConfigLocation) throws(ScenarioError) -> TextTemplate {
            do {
                return try TextTemplate(parsing: text) { name in
                    guard values[name] != nil else { return nil }
                    if let slot = slotNames.firstIndex(of: name) { return slot }
                    slotNames.append(name)
                    return slotNames.count - 1
                }
            } catch {
                throw .unknownPlaceholder(location, name: error.name, defined: values.keys.sorted())
            }
        }
        let pathText = try request.required("path") { key throws(ScenarioError) in try request.text(key) }
        let path = try template(pathText, at: request.location("path"))
        let literalSpace = path.parts.contains { if case .text(let text) = $0 { text.contains(" ") } else { false } }
        guard pathText.hasPrefix("/"), !literalSpace else {
            throw .invalidValue(request.location("path"), key: request.path("path"), value: pathText, expected: "a path starting with '/' and without spaces")
        }
        let method = try request.text("method") ?? "GET"
        guard !method.isEmpty, method.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalidValue(request.location("method"), key: request.path("method"), value: method, expected: "an HTTP method in capitals, e.g. GET or POST")
        }
        var headers: [(name: String, value: TextTemplate)] = []
        if let headerNode = request.node("headers") {
            guard let mapping = headerNode.mapping else {
                throw .wrongType(request.location("headers"), key: request.path("headers"), expected: "a mapping of header names to values")
            }
            for (key, value) in mapping {
                let name = key.scalar?.string ?? ""
                guard let text = value.scalar?.string else {
                    throw .wrongType(ScenarioMapping.location(of: value, file: file), key: "\(section).headers.\(name)", expected: "text")
                }
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                    throw .invalidValue(ScenarioMapping.location(of: key, file: file), key: "\(section).headers", value: name, expected: "a header name (letters, digits, '-')")
                }
                headers.append((name, try template(text, at: ScenarioMapping.location(of: value, file: file))))
            }
        }
        return RequestTemplate(
            name: try request.text("name") ?? "\(method) \(pathText)",
            method: method,
            weight: try request.integer("weight", in: 0...1_000_000) ?? 1,
            path: path,
            headers: headers,
            body: try request.text("body").map { text throws(ScenarioError) in try template(text, at: request.location("body")) },
            slots: slotNames.map { values[$0]! })
    }

    /// `profile:` with a `shape` and that shape's numbers.
    static func readProfile(_ node: Node, file: String) throws(ScenarioError) -> RateProfile {
        let shapeNode = node.mapping?["shape"]
        guard let shape = shapeNode?.scalar?.string, let known = shapes[shape] else {
            let location = ScenarioMapping.location(of: shapeNode ?? node, file: file)
            guard let shapeNode else {
                if node.mapping == nil { throw .wrongType(location, key: "profile", expected: "a mapping with a 'shape'") }
                throw .missingKey(location, key: "shape", section: "profile")
            }
            throw .invalidValue(location, key: "profile.shape", value: shapeNode.scalar?.string ?? "?", expected: "constant, ramp, steps or spike")
        }
        let p = try ScenarioMapping(node, section: "profile", file: file, known: known)
        func rate(_ key: String) throws(ScenarioError) -> Double {
            try p.required(key) { key throws(ScenarioError) in try p.number(key, in: rateRange) }
        }
        switch shape {
        case "constant":
            return .constant(rate: try rate("rate"))
        case "ramp":
            return .ramp(from: try rate("from"), to: try rate("to"))
        case "steps":
            guard let items = p.node("rates")?.sequence else {
                guard p.node("rates") != nil else { throw .missingKey(p.location, key: "rates", section: "profile") }
                throw .wrongType(p.location("rates"), key: "profile.rates", expected: "a list of rates, e.g. [100, 200, 400]")
            }
            var rates: [Double] = []
            for item in items {
                guard let value = item.scalar.flatMap({ Double($0.string) }), rateRange.contains(value) else {
                    throw .invalidValue(
                        ScenarioMapping.location(of: item, file: file), key: "profile.rates", value: item.scalar?.string ?? "?",
                        expected: "a rate in \(rateRange)")
                }
                rates.append(value)
            }
            guard !rates.isEmpty else { throw .invalidValue(p.location("rates"), key: "profile.rates", value: "[]", expected: "at least one rate") }
            let step = try p.required("step_seconds") { key throws(ScenarioError) in try p.number(key, in: 0...86_400, excludingLower: true) }
            return .steps(rates: rates, step: step)
        default:
            return .spike(
                base: try rate("base"),
                factor: try p.required("factor") { key throws(ScenarioError) in try p.number(key, in: 0...10_000, excludingLower: true) },
                start: try p.required("start") { key throws(ScenarioError) in try p.number(key, in: 0...86_400) },
                length: try p.required("length") { key throws(ScenarioError) in try p.number(key, in: 0...86_400, excludingLower: true) })
        }
    }
}
