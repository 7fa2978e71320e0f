import BalancerAPI
import Foundation
import NIOCore
import NIOHTTP1

/// Serves the admin API on its own listener: `GET /admin/stats`, `GET /metrics`, `GET /admin/events`,
/// `GET /admin/configs`, and the calls that change state, which need the admin token when one is configured:
/// `POST /admin/reload`, `POST /admin/rollback[?to=HASH]`, `POST /admin/drain?pool=P&backend=B` and
/// `POST /admin/undrain?...`.
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case reading(HTTPRequestHead, bodyBytes: Int)
        case responding
    }

    /// Admin requests carry no meaningful body; anything larger is refused.
    static let maxBodyBytes = 64 * 1024

    private var state: State = .idle
    private let balancer: LoadBalancer

    init(balancer: LoadBalancer) {
        self.balancer = balancer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            state = .reading(head, bodyBytes: 0)
        case (.body(let buffer), .reading(let head, let bytes)):
            let total = bytes + buffer.readableBytes
            if total > Self.maxBodyBytes {
                state = .responding
                respond(context: context, status: .payloadTooLarge, type: "text/plain", body: "body too large\n", close: true)
                return
            }
            state = .reading(head, bodyBytes: total)
        case (.end, .reading(let head, _)):
            state = .responding
            route(head, context: context)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError, case .idle = state {
            respond(context: context, status: .badRequest, type: "text/plain", body: "malformed request\n", close: true)
        } else {
            context.close(promise: nil)
        }
    }

    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? ""
        let query = Self.query(parts.count > 1 ? String(parts[1]) : "")
        let keepAlive = head.isKeepAlive
        if head.method == .POST, ["/admin/reload", "/admin/rollback", "/admin/drain", "/admin/undrain"].contains(path), let refusal = refusal(head) {
            respond(context: context, status: .unauthorized, type: "text/plain", body: refusal + "\n", close: !keepAlive)
            return
        }
        switch (head.method, path) {
        case (.GET, "/admin/stats"):
            respond(context: context, status: .ok, type: "application/json", body: balancer.stats().json(), close: !keepAlive)
        case (.GET, "/metrics"):
            respond(context: context, status: .ok, type: "text/plain; version=0.0.4; charset=utf-8", body: balancer.metricsText(), close: !keepAlive)
        case (.GET, "/admin/events"):
            respond(context: context, status: .ok, type: "application/json", body: Self.json(balancer.events.all), close: !keepAlive)
        case (.POST, "/admin/reload"):
            let promise = context.eventLoop.makePromise(of: ReloadEvent.self)
            let balancer = self.balancer
            Task { promise.succeed(await balancer.reload(trigger: "admin")) }
            promise.futureResult.assumeIsolated().whenSuccess { event in
                let status: HTTPResponseStatus = event.result == .refused ? .unprocessableEntity : .ok
                self.respond(context: context, status: status, type: "application/json", body: Self.json(event), close: !keepAlive)
            }
        case (.GET, "/admin/configs"):
            let list = ConfigVersionList(current: balancer.runtime.generation.hash, versions: balancer.history.all)
            respond(context: context, status: .ok, type: "application/json", body: Self.json(list), close: !keepAlive)
        case (.POST, "/admin/rollback"):
            let promise = context.eventLoop.makePromise(of: Result<ReloadEvent, LoadBalancer.RollbackError>.self)
            let balancer = self.balancer
            let hash = query["to"]
            Task {
                do throws(LoadBalancer.RollbackError) {
                    promise.succeed(.success(try await balancer.rollback(to: hash)))
                } catch {
                    promise.succeed(.failure(error))
                }
            }
            promise.futureResult.assumeIsolated().whenSuccess { outcome in
                switch outcome {
                case .success(let event):
                    let status: HTTPResponseStatus = event.result == .refused ? .unprocessableEntity : .ok
                    self.respond(context: context, status: status, type: "application/json", body: Self.json(event), close: !keepAlive)
                case .failure(let error):
                    self.respond(context: context, status: .notFound, type: "text/plain", body: error.description + "\n", close: !keepAlive)
                }
            }
        case (.POST, "/admin/drain"), (.POST, "/admin/undrain"):
            let draining = path == "/admin/drain"
            if let pool = query["pool"], let backend = query["backend"], balancer.setDraining(draining, pool: pool, backend: backend) {
                respond(context: context, status: .ok, type: "text/plain", body: "\(pool)/\(backend) draining=\(draining)\n", close: !keepAlive)
            } else {
                respond(context: context, status: .notFound, type: "text/plain", body: "no such pool/backend (use ?pool=P&backend=B)\n", close: !keepAlive)
            }
        case (_, "/admin/stats"), (_, "/metrics"), (_, "/admin/events"), (_, "/admin/configs"), (_, "/admin/reload"), (_, "/admin/rollback"),
            (_, "/admin/drain"), (_, "/admin/undrain"):
            respond(context: context, status: .methodNotAllowed, type: "text/plain", body: "method not allowed\n", close: !keepAlive)
        default:
            respond(context: context, status: .notFound, type: "text/plain", body: "not found\n", close: !keepAlive)
        }
    }

    /// Why a state-changing call is refused, nil when it may go ahead: with a token configured, the request must
    /// carry it; without one, only a loopback admin listener takes changes.
    private func refusal(_ head: HTTPRequestHead) -> String? {
        guard let token = balancer.adminToken() else {
            return balancer.acceptsUnauthenticatedChanges
                ? nil : "refused: this admin listener is not on loopback and has no listeners.admin.token_file; set one to allow changes"
        }
        guard let header = head.headers.first(name: "authorization"), header.lowercased().hasPrefix("bearer ") else {
            return "refused: send the admin token (listeners.admin.token_file) as 'Authorization: Bearer TOKEN'"
        }
        let offered = Array(header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces).utf8), expected = Array(token.utf8)
        var difference = offered.count == expected.count ? 0 : 1
        for i in 0..<min(offered.count, expected.count) { difference |= Int(offered[i] ^ expected[i]) }
        return difference == 0 ? nil : "refused: the admin token is wrong"
    }

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, type: String, body: String, close: Bool) {
        var headers = HTTPHeaders([("content-type", type), ("content-length", "\(body.utf8.count)")])
        if close { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        state = .idle
        if close { done.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }

    static func query(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { result[String(kv[0])] = String(kv[1]).removingPercentEncoding ?? String(kv[1]) }
        }
        return result
    }

    static func json(_ value: some Encodable) -> String { BalancerAPIVersion.json(value) }
}
