/// Why bytes read from a client or a backend are not an HTTP/1.1 message the proxy will pass on.
///
/// Each case names where in the message the fault is, so the 4xx body and the log say what to fix. A request
/// that is ambiguous about where it ends (the root of request smuggling) is refused, never guessed at.
package enum WireError: Error, Equatable, CustomStringConvertible {
    /// The request or status line is not `METHOD TARGET HTTP/1.x` / `HTTP/1.x NNN reason`.
    case malformedStartLine
    /// A protocol version other than HTTP/1.0 or HTTP/1.1.
    case unsupportedVersion
    /// Header line `line` (1 = the first after the start line) is not `name: value`, or folds onto the next line.
    case malformedHeader(line: Int)
    /// A line of the head (0 = the start line) ends in a bare LF instead of CRLF.
    case bareLineFeed(line: Int)
    /// The head did not end within `limit` bytes.
    case headTooLarge(limit: Int)
    /// `Content-Length` is not a decimal number, or appears more than once.
    case invalidContentLength(line: Int)
    /// Both `Content-Length` and `Transfer-Encoding`: the body's end would be ambiguous.
    case lengthAndTransferEncoding
    /// A transfer coding other than `chunked` alone.
    case unsupportedTransferCoding(line: Int)
    /// An HTTP/1.1 request without `Host`, or with more than one.
    case invalidHost
    /// A chunk-size line of a chunked body is not hex digits with optional extensions, or too long.
    case malformedChunk
    /// The trailer section of a chunked body is malformed or larger than the head limit.
    case malformedTrailers
    /// A backend answered `101 Switching Protocols` to a request that asked for no WebSocket upgrade.
    case unaskedProtocolSwitch
    /// A backend answered a WebSocket upgrade with `101 Switching Protocols` to some other protocol (or without
    /// `Upgrade: websocket` and `Connection: upgrade`).
    case switchedToAnotherProtocol

    /// The status a client gets for this fault in its request.
    package var status: Int {
        switch self {
        case .headTooLarge: 431
        case .unsupportedTransferCoding: 501
        case .unsupportedVersion: 505
        default: 400
        }
    }

    package var description: String {
        switch self {
        case .malformedStartLine: "the start line is not HTTP/1.x"
        case .unsupportedVersion: "only HTTP/1.0 and HTTP/1.1 are supported"
        case .malformedHeader(let line): "header line \(line) is not 'name: value' (or is folded)"
        case .bareLineFeed(let line): "line \(line) of the head ends in LF without CR"
        case .headTooLarge(let limit): "the head is larger than \(limit) bytes"
        case .invalidContentLength(let line): "Content-Length on header line \(line) is invalid or repeated"
        case .lengthAndTransferEncoding: "both Content-Length and Transfer-Encoding are present"
        case .unsupportedTransferCoding(let line): "Transfer-Encoding on header line \(line) is not 'chunked'"
        case .invalidHost: "an HTTP/1.1 request needs exactly one Host header"
        case .malformedChunk: "a chunk-size line of the chunked body is malformed"
        case .malformedTrailers: "the trailer section of the chunked body is malformed or too large"
        case .unaskedProtocolSwitch: "101 Switching Protocols, though the request asked for no WebSocket upgrade"
        case .switchedToAnotherProtocol: "101 Switching Protocols without 'Upgrade: websocket' and 'Connection: upgrade'"
        }
    }
}
