import Foundation

/// One HTTP request to a receiver, built before it is sent so a test can read exactly what a receiver gets and a
/// retry sends the same bytes again.
public struct OutboundRequest: Sendable, Equatable {
    /// The method: `POST` for every receiver kind.
    public var method: String
    /// The full URL.
    public var url: String
    /// `Content-Type`, `Idempotency-Key` and `User-Agent`.
    public var headers: [String: String]
    /// The JSON body.
    public var body: Data

    /// Creates a request.
    public init(method: String = "POST", url: String, headers: [String: String], body: Data) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
