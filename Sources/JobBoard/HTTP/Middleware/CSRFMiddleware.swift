import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// The token the page being rendered puts in its forms, set for the request's task by ``CSRFMiddleware``.
enum CSRFToken {
    @TaskLocal static var current: String?
}

/// Guards the HTML forms against cross-site requests: every page gets a random token in a cookie (set once, kept for
/// the browser session) and in a hidden `_csrf` field of each form; a form post must carry the same token in both,
/// and come from this site when the browser says where it comes from (`Origin`). A forged or stale post gets 403 and
/// changes nothing. It covers the login and sign-up forms too (login CSRF), which have no session yet. The API is
/// not guarded here: it authenticates with bearer tokens, which a browser never sends by itself.
struct CSRFMiddleware<Context: JobBoardRequestContext>: RouterMiddleware {
    static var cookieName: String { "evenkeel_csrf" }
    static var fieldName: String { "_csrf" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isPage(request.uri.path) else { return try await next(request, context) }
        let existing: String? = request.cookies[Self.cookieName].map(\.value).flatMap { value in Self.isWellFormed(value) ? value : nil }
        var request = request
        if [.post, .put, .patch, .delete].contains(request.method) {
            // The host the request was sent to: HTTP/1.1's Host header (HTTP/2's :authority).
            let hosts = [request.head.authority, request.headers[HTTPField.Name("Host")!]].compactMap { $0 }
            if let origin = request.headers[.origin], !hosts.contains(where: { Self.sameSite(origin: origin, host: $0) }) {
                throw Self.refusal("the form was sent from another site (\(origin))")
            }
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let sent = Self.field(Self.fieldName, inForm: String(buffer: body))
            guard let existing, let sent, Self.equal(sent, existing) else {
                throw Self.refusal("the form's security token is missing or does not match; reload the page and send it again")
            }
        }
        let token = existing ?? Self.newToken()
        var response = try await CSRFToken.$current.withValue(token) { try await next(request, context) }
        if existing == nil {
            response.setCookie(Cookie(name: Self.cookieName, value: token, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }

    /// The paths with pages and forms: everything but the API, the feed and the operations endpoints.
    static func isPage(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path.hasPrefix("/healthz") || path.hasPrefix("/readyz") || path == "/metrics" || path.hasPrefix("/admin/")
            || path.hasSuffix(".atom") || path == "/openapi.yaml")
    }

    static func refusal(_ detail: String) -> Problem { Problem(status: .forbidden, type: "/problems/csrf", detail: detail) }

    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    static func isWellFormed(_ token: String) -> Bool { token.count == 64 && token.allSatisfy(\.isHexDigit) }

    /// Whether `origin` (`scheme://host[:port]`) names the host the request was sent to.
    static func sameSite(origin: String, host: String?) -> Bool {
        guard let host, let url = URL(string: origin), let originHost = url.host else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }

    /// A field's value in an `application/x-www-form-urlencoded` body.
    static func field(_ name: String, inForm text: String) -> String? {
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
