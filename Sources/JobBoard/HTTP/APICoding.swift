import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// Decodes JSON request bodies and turns every decoding failure into a field-level validation error,
/// so clients learn which field was wrong instead of a generic 400.
public struct APIDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw JobBoardError.invalid([.init(field: "body", message: "must be application/json, got \(contentType)")])
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem.tooLarge(limit: context.maxUploadSize)
        }
        return try Self.decode(type, from: Data(buffer.readableBytesView))
    }

    /// Decodes JSON data, mapping `DecodingError` to ``JobBoardError/invalid(_:)`` with the field's path.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw JobBoardError.invalid([Self.issue(for: error)])
        }
    }

    static func issue(for error: DecodingError) -> FieldIssue {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { path, key in
                if let index = key.intValue { return path + "[\(index)]" }
                return path.isEmpty ? key.stringValue : path + "." + key.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldIssue(field: path(context.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let context):
            return FieldIssue(field: path(context.codingPath).nonEmpty ?? "body", message: "must be \(Self.name(of: type))")
        case .valueNotFound(let type, let context):
            return FieldIssue(field: path(context.codingPath).nonEmpty ?? "body", message: "must be \(Self.name(of: type)), not null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return FieldIssue(field: "body", message: "is not valid JSON")
            }
            return FieldIssue(field: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return FieldIssue(field: "body", message: "could not be read")
        }
    }

    static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}

/// Encodes responses as JSON with ISO 8601 dates.
public struct APIEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        if let writable = value as? any JSONWritable {
            var json = JSONOutput()
            writable.write(to: &json)
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
        }
        let data = try Self.json.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let json: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
