import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// What every job-board request context knows: who is calling, from where.
public protocol JobBoardRequestContext: RequestContext {
    /// The logged-in account, if the request carried a valid session.
    var account: Account? { get }
    /// The client's address: the balancer-appended last `X-Forwarded-For` entry when proxies are trusted, else the peer.
    var clientIP: String { get set }
}

/// The request context of the job board before any role is required.
public struct JobBoardContext: JobBoardRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var account: Account?
    public var clientIP: String
    /// The session token the request carried, so logout can end it.
    public var sessionToken: String?
    /// The TCP peer's address, whatever `X-Forwarded-For` says.
    public let peerIP: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerIP = Self.host(of: source.channel.remoteAddress)
        self.clientIP = peerIP
    }

    /// Bodies larger than this are refused with 413: no job-board input needs more.
    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: APIDecoder { APIDecoder() }
    public var responseEncoder: APIEncoder { APIEncoder() }

    static func host(of address: SocketAddress?) -> String {
        address?.ipAddress ?? "unknown"
    }
}
