import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Synchronization

/// The API routes as they were registered, so a test can hold the OpenAPI document to the router.
public final class RouteCatalog: Sendable {
    /// One registered route: an upper-case method and a path in OpenAPI form (`/api/v1/jobs/{id}`).
    public struct Entry: Hashable, Sendable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var description: String { "\(method) \(path)" }
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Every route registered so far.
    public var all: [Entry] { entries.withLock { $0 } }

    func record(_ method: HTTPRequest.Method, _ path: String) {
        // Hummingbird writes parameters as `:id` or `{id}`; OpenAPI as `{id}`.
        let openAPIPath = "/" + path.split(separator: "/").map { part in
            part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
        }.joined(separator: "/")
        entries.withLock { $0.append(Entry(method: method.rawValue, path: openAPIPath)) }
    }
}

/// A router group that records each route it adds in a ``RouteCatalog``.
struct CatalogedGroup<Context: RequestContext> {
    let group: RouterGroup<Context>
    let prefix: String
    let catalog: RouteCatalog

    func on(
        _ method: HTTPRequest.Method, _ path: String,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) {
        group.on(RouterPath(path), method: method, use: handler)
        catalog.record(method, path.isEmpty ? prefix : prefix + "/" + path)
    }

    func group<Child: ChildRequestContext>(_ path: String, context: Child.Type) -> CatalogedGroup<Child>
    where Child.ParentContext == Context {
        CatalogedGroup<Child>(
            group: group.group(RouterPath(path), context: Child.self),
            prefix: path.isEmpty ? prefix : prefix + "/" + path, catalog: catalog)
    }
}

extension CatalogedGroup where Context: JobBoardRequestContext {
    /// The same routes with a rate limit in front, or unchanged when limiting is off.
    func limited(by limiter: RateLimiter?, action: String) -> CatalogedGroup<Context> {
        CatalogedGroup(group: group.group("").limited(by: limiter, action: action), prefix: prefix, catalog: catalog)
    }
}
