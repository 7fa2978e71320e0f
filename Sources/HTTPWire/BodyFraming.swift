/// How the body of a message is delimited on the wire (RFC 9112 §6.3).
package enum BodyFraming: Equatable {
    /// Exactly this many bytes (0: no body).
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// Everything until the connection closes (a response with neither length nor chunking).
    case untilClose
}
