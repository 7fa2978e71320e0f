import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import Synchronization

/// The methods each route pattern answers, learnt from the router once every route is registered.
final class RouteMethods: Sendable {
    private let table = Mutex<[(pattern: [Substring], methods: Set<String>)]>([])

    /// Takes the router's routes (patterns such as `/api/v1/jobs/{id}`).
    func load(_ routes: [(path: String, method: String)]) {
        var grouped: [String: Set<String>] = [:]
        for route in routes {
            grouped[route.path, default: []].insert(route.method)
            // The router answers HEAD wherever it answers GET (autoGenerateHeadEndpoints).
            if route.method == "GET" { grouped[route.path, default: []].insert("HEAD") }
        }
        table.withLock { $0 = grouped.map { (Self.segments($0.key), $0.value) } }
    }

    /// The methods of the routes whose pattern matches `path`, nil when none does.
    func methods(for path: String) -> Set<String>? {
        let segments = Self.segments(path)
        let found = table.withLock { table in
            table.filter { Self.matches($0.pattern, segments) }.reduce(into: Set<String>()) { $0.formUnion($1.methods) }
        }
        return found.isEmpty ? nil : found
    }

    static func segments(_ path: String) -> [Substring] { path.split(separator: "/") }

    /// A pattern segment `{name}`, `:name` or `*` matches any one segment; `**` matches the rest.
    static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        var i = 0
        for (index, part) in pattern.enumerated() {
            if part == "**" { return true }
            guard i < path.count else { return false }
            let wild = part == "*" || part.hasPrefix(":") || (part.hasPrefix("{") && part.hasSuffix("}"))
            if !wild && part != path[i] { return false }
            i += 1
            if index == pattern.count - 1 { return i == path.count }
        }
        return pattern.isEmpty && path.isEmpty
    }
}

/// A method a path does not have is 405 with `Allow` listing the ones it has (RFC 9110), not 404: problem+json for
/// the API, a short text for the rest.
struct MethodNotAllowedMiddleware<Context: JobBoardRequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Decided before any other middleware runs, so a page path's CSRF guard cannot answer 403 for a method the
        // path does not have at all.
        guard let methods = routes.methods(for: request.uri.path), !methods.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        let allow = methods.sorted().joined(separator: ", ")
        let detail = "\(request.method.rawValue) is not a method of \(request.uri.path); it answers \(allow)"
        if request.uri.path.hasPrefix("/api/") {
            var problem = try Problem(status: .methodNotAllowed, type: "/problems/method-not-allowed", detail: detail).response(from: request, context: context)
            problem.headers[.allow] = allow
            return problem
        }
        return Response(
            status: .methodNotAllowed, headers: [.allow: allow, .contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: detail + "\n")))
    }
}
