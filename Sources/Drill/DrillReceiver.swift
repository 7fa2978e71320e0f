import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The drill's own notification receiver on 127.0.0.1: Watch's webhook notices for the NOC and engineering arrive
/// here, each recorded with its arrival time, so the drill can say who was told what, and how fast.
final class DrillReceiver: Sendable {
    /// One notice as it arrived.
    struct Notice: Sendable {
        var at: Date
        var path: String
        /// Incident ids the notice is about, and its status (`firing`, `resolved`).
        var incidents: [Int64]
        var status: String
        var title: String
    }

    let port: Int
    private let notices = Mutex<[Notice]>([])
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    static func start() async throws -> DrillReceiver {
        let box = Mutex<DrillReceiver?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try child.pipeline.syncOperations.addHandler(Handler(receiver: { box.withLock { $0 } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let receiver = DrillReceiver(port: channel.localAddress?.port ?? 0, channel: channel)
        box.withLock { $0 = receiver }
        return receiver
    }

    func stop() async { try? await channel.close() }

    var all: [Notice] { notices.withLock { $0 } }

    fileprivate func record(path: String, body: Data) {
        var notice = Notice(at: Date(), path: path, incidents: [], status: "?", title: "")
        if let payload = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            notice.status = payload["status"] as? String ?? "?"
            let alerts = payload["alerts"] as? [[String: Any]] ?? []
            notice.incidents = alerts.compactMap { ($0["labels"] as? [String: String])?["incident_id"].flatMap { Int64($0) } }
            notice.title = (alerts.first?["annotations"] as? [String: String])?["summary"] ?? ""
        }
        notices.withLock { $0.append(notice) }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let receiver: @Sendable () -> DrillReceiver?
        var path = ""
        var body = Data()

        init(receiver: @escaping @Sendable () -> DrillReceiver?) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                path = head.uri
                body = Data()
            case .body(var buffer):
                // Notices are small; anything past 1 MiB is not one.
                if body.count < 1 << 20 { body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? []) }
            case .end:
                receiver()?.record(path: path, body: body)
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders([("content-length", "0")]))
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
