import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.yaml`: what balancers, monitoring and API users read.
struct OperationsController {
    let store: any JobBoardStore
    let readiness: Readiness
    let metrics: JobBoardMetrics
    let openAPI: String

    func addRoutes(to router: Router<JobBoardContext>) {
        router.get("/healthz") { _, _ in Self.text("ok\n") }
        router.get("/readyz", use: ready)
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: openAPI)))
        }
    }

    /// 200 when the database answers and shutdown has not begun; 503 otherwise, so a balancer drains this node.
    @Sendable func ready(_ request: Request, context: JobBoardContext) async throws -> Response {
        if readiness.isDraining { return Self.text("draining\n", status: .serviceUnavailable) }
        do {
            try await store.ping()
            return Self.text("ready\n")
        } catch {
            return Self.text("database unreachable\n", status: .serviceUnavailable)
        }
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The OpenAPI document shipped with the module.
    static func loadDocument() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "Resources") else {
            throw PageError.templatesMissing
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
