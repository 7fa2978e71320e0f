import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Fields in `application/x-www-form-urlencoded` form: a posted form body, or a query string
/// (where browsers also write spaces as `+`).
struct FormFields {
    /// The last value of each field.
    private(set) var values: [String: String] = [:]
    /// Every value of each field, in order, with the fields in the order they first appeared.
    private(set) var all: [(name: String, values: [String])] = []

    static func read(_ request: Request, context: some RequestContext) async throws -> FormFields {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem.tooLarge(limit: context.maxUploadSize)
        }
        return FormFields(encoded: String(buffer: buffer))
    }

    init(encoded: String) {
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]), !key.isEmpty else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            values[key] = value
            if let index = all.firstIndex(where: { $0.name == key }) {
                all[index].values.append(value)
            } else {
                all.append((key, [value]))
            }
        }
    }

    /// The query string of a request.
    init(query request: Request) {
        self.init(encoded: request.uri.query ?? "")
    }

    /// Every non-empty value of a repeatable field.
    func every(_ name: String) -> [String] {
        all.first { $0.name == name }?.values.filter { !$0.isEmpty } ?? []
    }

    subscript(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func required(_ name: String) throws(JobBoardError) -> String {
        guard let value = self[name] else { throw .invalid([FieldIssue(field: name, message: "is required")]) }
        return value
    }

    func number(_ name: String) throws(JobBoardError) -> Double? {
        guard let text = self[name] else { return nil }
        guard let value = Double(text.replacingOccurrences(of: ",", with: "")) else {
            throw .invalid([FieldIssue(field: name, message: "must be a number")])
        }
        return value
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
