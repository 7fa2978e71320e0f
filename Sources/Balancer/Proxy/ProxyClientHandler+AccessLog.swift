import BalancerConfig
import HTTPWire
import NIOCore
import NIOHTTP1
import Picking

/// The access log line of each exchange, and of each request answered before an exchange began.
extension ProxyClientHandler {
    /// Writes the access log line of exchange `ex`, once, if the configuration it began under has an access log. The
    /// backend named is the one tried last; `upstreamTime` is how long it took, when it answered whole.
    func logAccess(
        _ ex: ProxyExchange, status: Int, outcome: AccessLogRecord.Outcome, upstreamTime: Duration? = nil, now: NIODeadline? = nil
    ) {
        guard let format = ex.generation.accessLogFormat, !ex.accessLogged else { return }
        ex.accessLogged = true
        let record = AccessLogRecord(
            time: UTCTimestamp.now, client: clientIP, head: ex.head, status: status, bytesSent: bytesSent,
            pool: ex.pool.config.name, backend: ex.lastBackend.map { ex.pool.backends[$0].config.name }, attempts: ex.attempts,
            upstreamTime: upstreamTime, duration: elapsed(until: now), requestID: ex.requestIDBytes, outcome: outcome)
        appendAccessLog(record, format)
    }

    /// Writes the access log line of a request the proxy answered before any exchange began: one whose head could
    /// not be read or did not come in time (`head` nil), was too large, or had a target no pool serves.
    func logAccess(head: RequestHead?, status: Int) {
        guard let format = currentGeneration().accessLogFormat else { return }
        let record = AccessLogRecord(
            time: UTCTimestamp.now, client: clientIP, head: head, status: status, bytesSent: bytesSent, pool: nil, backend: nil,
            attempts: 0, upstreamTime: nil, duration: head == nil ? nil : elapsed(until: nil), requestID: nil, outcome: .local)
        appendAccessLog(record, format)
    }

    func appendAccessLog(_ record: AccessLogRecord, _ format: AccessLogConfig.Format) {
        bytesSent = 0
        guard let eventLoop else { return }
        let shard = accessLogShard ?? runtime.accessLog.shard(for: eventLoop)
        accessLogShard = shard
        runtime.accessLog.append(record, format: format, to: shard)
    }

    /// Time since the request head of the exchange in progress was read, at `now` (read from the clock when nil).
    func elapsed(until now: NIODeadline?) -> Duration? {
        guard let began = exchangeBegan, let eventLoop else { return nil }
        return .nanoseconds(((now ?? eventLoop.now) - began).nanoseconds)
    }
}
