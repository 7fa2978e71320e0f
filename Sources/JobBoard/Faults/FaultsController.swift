import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/admin/faults` on a replica started with `--fault-injection`: `GET` shows the active fault, `POST` injects one
/// (`{"latency_ms": 200, "error_ratio": 0.2, "paths": ["/api/"], "seconds": 60}`), `DELETE` ends it. Only callers on
/// loopback (the TCP peer, not a forwarded address) are served.
struct FaultsController {
    let injector: FaultInjector

    func addRoutes(to router: Router<JobBoardContext>) {
        router.get("/admin/faults") { request, context in
            try Self.requireLoopback(context)
            return try Self.json(FaultState(active: injector.active()))
        }
        router.post("/admin/faults") { request, context in
            try Self.requireLoopback(context)
            let asked: FaultRequest
            do {
                asked = try JSONDecoder().decode(FaultRequest.self, from: Data((try await request.body.collect(upTo: 16 * 1024)).readableBytesView))
            } catch {
                throw Problem(status: .badRequest, type: "/problems/bad-fault", detail: "the body is not a fault: \(error)")
            }
            let latency = asked.latencyMs ?? 0, ratio = asked.errorRatio ?? 0, seconds = asked.seconds ?? 60
            guard (0...60_000).contains(latency) else {
                throw Problem(status: .badRequest, type: "/problems/bad-fault", detail: "latency_ms must be 0...60000, not \(latency)")
            }
            guard (0...1).contains(ratio) else {
                throw Problem(status: .badRequest, type: "/problems/bad-fault", detail: "error_ratio must be 0...1, not \(ratio)")
            }
            guard seconds > 0, seconds <= 3600 else {
                throw Problem(status: .badRequest, type: "/problems/bad-fault", detail: "seconds must be in (0, 3600], not \(seconds)")
            }
            let fault = InjectedFault(latencyMs: latency, errorRatio: ratio, paths: asked.paths ?? [], until: Date().addingTimeInterval(seconds))
            injector.inject(fault)
            return try Self.json(FaultState(active: fault))
        }
        router.delete("/admin/faults") { request, context in
            try Self.requireLoopback(context)
            injector.clear()
            return try Self.json(FaultState(active: nil))
        }
    }

    static func requireLoopback(_ context: JobBoardContext) throws {
        guard context.peerIP == "127.0.0.1" || context.peerIP == "::1" || context.peerIP.hasPrefix("127.") else {
            throw Problem(status: .forbidden, type: "/problems/not-loopback", detail: "faults are injected only from loopback")
        }
    }

    static func json(_ state: FaultState) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(state))))
    }
}

/// `GET /admin/faults`.
struct FaultState: Codable {
    var active: InjectedFault?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(active, forKey: .active)
    }
}
