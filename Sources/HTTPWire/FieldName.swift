/// The header names the proxy acts on, recognised case-insensitively from a field's bytes; everything else is
/// `other` and passes through untouched.
package enum FieldName: UInt8 {
    case other
    case contentLength
    case transferEncoding
    case connection
    case keepAlive
    case proxyConnection
    case te
    case trailer
    case upgrade
    case proxyAuthenticate
    case proxyAuthorization
    case expect
    case host
    case xForwardedFor
    case xForwardedProto
    case xRequestID

    /// Headers that describe one hop, not the message (RFC 9110 §7.6.1), and are never forwarded as received.
    package var isHopByHop: Bool {
        switch self {
        case .connection, .keepAlive, .proxyConnection, .te, .trailer, .transferEncoding, .upgrade,
            .proxyAuthenticate, .proxyAuthorization:
            true
        default: false
        }
    }

    /// The name of the field at `name` in `bytes`. Dispatches on length first, so most names cost one compare.
    package static func classify(_ bytes: UnsafeRawBufferPointer, _ name: Range<Int>) -> FieldName {
        func named(_ lowercase: StaticString, _ field: FieldName) -> FieldName {
            WireBytes.equalsIgnoringCase(bytes, name, lowercase) ? field : .other
        }
        switch name.count {
        case 2: return named("te", .te)
        case 4: return named("host", .host)
        case 6: return named("expect", .expect)
        case 7:
            if WireBytes.equalsIgnoringCase(bytes, name, "upgrade") { return .upgrade }
            return named("trailer", .trailer)
        case 10:
            if WireBytes.equalsIgnoringCase(bytes, name, "connection") { return .connection }
            return named("keep-alive", .keepAlive)
        case 12: return named("x-request-id", .xRequestID)
        case 14: return named("content-length", .contentLength)
        case 15: return named("x-forwarded-for", .xForwardedFor)
        case 16: return named("proxy-connection", .proxyConnection)
        case 17:
            if WireBytes.equalsIgnoringCase(bytes, name, "transfer-encoding") { return .transferEncoding }
            return named("x-forwarded-proto", .xForwardedProto)
        case 18: return named("proxy-authenticate", .proxyAuthenticate)
        case 19: return named("proxy-authorization", .proxyAuthorization)
        default: return .other
        }
    }
}
