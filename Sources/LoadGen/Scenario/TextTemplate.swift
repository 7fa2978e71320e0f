import Foundation

/// Text with `{{name}}` holes, parsed once so each request only concatenates; holes refer to value slots
/// that the request draws once, so the same name in the path and the body gets the same value.
struct TextTemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case text(String)
        case slot(Int)
    }

    let parts: [Part]

    /// Parses `text`; `slot` maps a hole's name to its slot, or nil when the name is not defined.
    init(parsing text: String, slot: (String) -> Int?) throws(TemplateHoleError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let index = slot(name) else { throw TemplateHoleError(name: name) }
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            parts.append(.slot(index))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The names of the holes in `text`, in order.
    static func holes(in text: String) -> [String] {
        var names: [String] = []
        _ = try? TextTemplate(parsing: text) { name in
            names.append(name)
            return 0
        }
        return names
    }

    /// The text with each hole filled from `values` (by slot), passed through `escape`.
    func render(_ values: [String], escape: (String) -> String = { $0 }) -> String {
        if parts.count == 1, case .text(let text) = parts[0] { return text }
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .slot(let index): out += escape(values[index])
            }
        }
        return out
    }
}

/// A `{{name}}` hole naming no defined value.
struct TemplateHoleError: Error {
    var name: String
}
