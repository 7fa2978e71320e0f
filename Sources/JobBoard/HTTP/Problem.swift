import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// An RFC 9457 problem: the body of every API error, `application/problem+json`.
public struct Problem: Error, HTTPResponseError, Codable, Sendable, CustomStringConvertible {
    public var type: String
    public var title: String
    public var statusCode: Int
    public var detail: String
    /// The fields at fault, for validation errors.
    public var errors: [FieldIssue]?
    /// Seconds to wait, for 429 and 503.
    public var retryAfter: Int?

    enum CodingKeys: String, CodingKey {
        case type, title, detail, errors
        case statusCode = "status"
    }

    public init(status: HTTPResponse.Status, type: String, detail: String, errors: [FieldIssue]? = nil, retryAfter: Int? = nil) {
        self.type = type
        self.title = status.reasonPhrase
        self.statusCode = status.code
        self.detail = detail
        self.errors = errors
        self.retryAfter = retryAfter
    }

    public var status: HTTPResponse.Status { .init(code: statusCode) }
    public var description: String { "\(statusCode) \(title): \(detail)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let data = try APIEncoder.json.encode(self)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The problem for any error: domain errors keep their meaning, unknown ones become a 500 that hides internals.
    public init(_ error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as JobBoardError:
            self.init(error)
        case let error as HTTPError:
            self.init(status: error.status, type: "about:blank", detail: error.body ?? error.status.reasonPhrase)
        case let error as any HTTPResponseError:
            self.init(status: error.status, type: "about:blank", detail: error.status.reasonPhrase)
        default:
            self.init(status: .internalServerError, type: "/problems/internal", detail: "the server failed to handle the request")
        }
    }

    init(_ error: JobBoardError) {
        switch error {
        case .invalid(let issues):
            self.init(
                status: .unprocessableContent, type: "/problems/validation",
                detail: issues.map(\.description).joined(separator: "; "), errors: issues)
        case .notFound(let what): self.init(status: .notFound, type: "/problems/not-found", detail: what)
        case .forbidden(let why): self.init(status: .forbidden, type: "/problems/forbidden", detail: why)
        case .unauthenticated(let why): self.init(status: .unauthorized, type: "/problems/unauthenticated", detail: why)
        case .conflict(let why): self.init(status: .conflict, type: "/problems/conflict", detail: why)
        case .invalidTransition(let why): self.init(status: .conflict, type: "/problems/invalid-transition", detail: why)
        case .jobClosed(let why): self.init(status: .gone, type: "/problems/job-closed", detail: why)
        }
    }

    static func tooLarge(limit: Int) -> Problem {
        Problem(status: .contentTooLarge, type: "/problems/too-large", detail: "the request body exceeds \(limit) bytes")
    }

    static func badParameter(_ name: String, _ message: String) -> Problem {
        Problem(
            status: .badRequest, type: "/problems/bad-parameter", detail: "\(name): \(message)",
            errors: [FieldIssue(field: name, message: message)])
    }
}
